"""Distribution channels abroad (and the typical products they carry) and engagement activities.

The product catalogue itself is reference data: `Product` lives in diaspora.reference.models.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.records import TrackedRecord, utcnow

# Re-exported for the modules still importing them from here (diaspora/models.py, outreach/exports.py,
# outreach/demo.py); the catalogue is reference data. Drop once they import diaspora.reference.models.
from diaspora.reference.models import PRODUCT_CATEGORIES, Product  # noqa: F401

CHANNEL_TYPES = {
    "shop": _l("Cửa hàng"),
    "supermarket": _l("Siêu thị"),
    "restaurant": _l("Nhà hàng"),
    "importer": _l("Nhà nhập khẩu"),
    "wholesaler": _l("Nhà phân phối bán buôn"),
    "ecommerce": _l("Sàn / cửa hàng trực tuyến"),
    "fair": _l("Hội chợ"),
    "other": _l("Khác"),
}
CHANNEL_SCALES = {"small": _l("Nhỏ"), "medium": _l("Vừa"), "large": _l("Lớn")}
# The pipeline, in the order a channel normally moves through it.
CHANNEL_STATUSES = {
    "potential": _l("Tiềm năng"),
    "contacted": _l("Đã liên hệ"),
    "partner": _l("Đối tác"),
    "inactive": _l("Ngừng"),
}
CHANNEL_PRODUCT_STATUSES = {"distributing": _l("Đang phân phối"), "interested": _l("Quan tâm")}

ACTIVITY_TYPES = {
    "meeting": _l("Gặp gỡ, làm việc"),
    "tet": _l("Gặp mặt Tết"),
    "leader_visit": _l("Đoàn lãnh đạo thăm, làm việc"),
    "cultural_event": _l("Quảng bá văn hóa"),
    "contribution": _l("Đóng góp, ủng hộ"),
    "investment": _l("Đầu tư"),
    "cooperation": _l("Hợp tác (y tế, giáo dục, văn hóa, KH-CN)"),
}
# Labels of the audited attributes, shared by the forms' conflict page and the history of changes.
CHANNEL_FIELD_LABELS = {
    "name": _l("Tên kênh"),
    "channel_type": _l("Loại kênh"),
    "country": _l("Quốc gia"),
    "city": _l("Thành phố"),
    "address": _l("Địa chỉ"),
    "person": _l("Người phụ trách"),
    "organisation": _l("Tổ chức"),
    "scale": _l("Quy mô"),
    "scale_note": _l("Ghi chú quy mô, sản lượng"),
    "status": _l("Trạng thái"),
    "phone": _l("Điện thoại"),
    "email": _l("Email"),
    "website": _l("Trang web"),
    "notes": _l("Ghi chú"),
    "products": _l("Sản phẩm"),
}
ACTIVITY_FIELD_LABELS = {
    "activity_type": _l("Loại hoạt động"),
    "title": _l("Tiêu đề"),
    "start_date": _l("Ngày"),
    "end_date": _l("Đến ngày"),
    "country": _l("Quốc gia"),
    "city": _l("Thành phố"),
    "place": _l("Địa điểm"),
    "description": _l("Nội dung"),
    "outcome": _l("Kết quả"),
    "follow_up_date": _l("Ngày cần theo dõi tiếp"),
    "follow_up_done": _l("Đã theo dõi xong"),
    "amount": _l("Số tiền"),
    "currency": _l("Đơn vị tiền"),
    "participants": _l("Người, tổ chức tham gia"),
}
CURRENCIES = ("VND", "USD", "EUR", "JPY", "KRW", "CNY", "TWD", "AUD", "CAD", "GBP", "CHF", "CZK", "PLN", "RUB",
              "SGD", "THB")


class DistributionChannel(TrackedRecord, db.Model):
    """A shop, supermarket, importer, online store or fair abroad that sells or could sell the goods."""

    __tablename__ = "distribution_channels"
    __table_args__ = (
        Index("ix_distribution_channels_country_status", "country_code", "status"),
        Index("ix_distribution_channels_name_folded", "name_folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    channel_type: Mapped[str] = mapped_column(String(20), default="shop")
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    city: Mapped[str | None] = mapped_column(String(120))
    city_folded: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str | None] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    scale: Mapped[str | None] = mapped_column(String(10))
    scale_note: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="potential")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    # Made by `flask demo-data` (and removed by its --remove), never by staff or an import.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    country = relationship("Country", lazy="joined")
    person = relationship("Person")
    organisation = relationship("Organisation")
    products = relationship(
        "ChannelProduct", back_populates="channel", cascade="all, delete-orphan", order_by="ChannelProduct.id"
    )
    status_changes = relationship(
        "ChannelStatusChange", back_populates="channel", cascade="all, delete-orphan",
        order_by="ChannelStatusChange.id.desc()",
    )

    @property
    def type_label(self) -> str:
        return str(CHANNEL_TYPES.get(self.channel_type, self.channel_type))

    @property
    def status_label(self) -> str:
        return str(CHANNEL_STATUSES.get(self.status, self.status))

    def __repr__(self) -> str:
        return f"<DistributionChannel {self.id} {self.name}>"


class ChannelProduct(db.Model):
    """A product a channel carries or would like to carry."""

    __tablename__ = "channel_products"
    __table_args__ = (
        UniqueConstraint("channel_id", "product_id", name="uq_channel_products_channel_product"),
        Index("ix_channel_products_product_status", "product_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("distribution_channels.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="distributing")
    note: Mapped[str | None] = mapped_column(String(300))

    channel = relationship("DistributionChannel", back_populates="products")
    product = relationship("Product", lazy="joined")

    @property
    def status_label(self) -> str:
        return str(CHANNEL_PRODUCT_STATUSES.get(self.status, self.status))


class ChannelStatusChange(db.Model):
    """One step of a channel through the pipeline, kept to show its history."""

    __tablename__ = "channel_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("distribution_channels.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(500))

    channel = relationship("DistributionChannel", back_populates="status_changes")
    by = relationship("User")

    @property
    def from_label(self) -> str:
        return str(CHANNEL_STATUSES.get(self.from_status, self.from_status or ""))

    @property
    def to_label(self) -> str:
        return str(CHANNEL_STATUSES.get(self.to_status, self.to_status))


class Activity(TrackedRecord, db.Model):
    """An engagement with the community: a meeting, a Tết gathering, a visit, a contribution, a project."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_start_date", "start_date"),
        Index("ix_activities_follow_up", "follow_up_done", "follow_up_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_type: Mapped[str] = mapped_column(String(20), default="meeting")
    title: Mapped[str] = mapped_column(String(300))
    title_folded: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    follow_up_date: Mapped[date | None] = mapped_column(Date)
    follow_up_done: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whole units of the currency: contributions are pledged and reported in round sums.
    amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # Made by `flask demo-data` (and removed by its --remove), never by staff or an import.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    country = relationship("Country", lazy="joined")
    participants = relationship(
        "ActivityParticipant", back_populates="activity", cascade="all, delete-orphan",
        order_by="ActivityParticipant.id",
    )

    @property
    def type_label(self) -> str:
        return str(ACTIVITY_TYPES.get(self.activity_type, self.activity_type))

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.title}>"


class ActivityParticipant(db.Model):
    """A person or an organisation taking part in an activity, with their role in it."""

    __tablename__ = "activity_participants"
    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)", name="person_or_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(300))

    activity = relationship("Activity", back_populates="participants")
    person = relationship("Person", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")

    @property
    def name(self) -> str:
        return self.person.full_name if self.person is not None else self.organisation.name

    @property
    def order_key(self) -> tuple:
        """Where the participant is listed: people first, in Vietnamese name order, then organisations by name."""
        if self.person is not None:
            return (0, self.person.sort_key, self.person.id)
        return (1, self.organisation.name_folded, self.organisation.id)
