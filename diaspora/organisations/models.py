"""Organisations: associations, businesses, universities, representative agencies, media; their members."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.records import TrackedRecord

ORGANISATION_KINDS = ("association", "business", "university", "agency", "media", "other")
ORGANISATION_KIND_LABELS = {
    "association": _l("Hội đoàn"),
    "business": _l("Doanh nghiệp"),
    "university": _l("Trường đại học / viện nghiên cứu"),
    "agency": _l("Cơ quan đại diện Việt Nam"),
    "media": _l("Cơ quan báo chí"),
    "other": _l("Khác"),
}
ORGANISATION_FIELD_LABELS = {
    "name": _l("Tên tổ chức"),
    "kind": _l("Loại"),
    "country_code": _l("Nước"),
    "city": _l("Thành phố"),
    "address": _l("Địa chỉ"),
    "notes": _l("Ghi chú"),
    "contacts": _l("Liên hệ"),
    "deleted_at": _l("Đã xoá lúc"),
}


class Organisation(TrackedRecord, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="association")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    country = relationship("Country", lazy="joined")
    contacts = relationship(
        "Contact", back_populates="organisation", cascade="all, delete-orphan", order_by="Contact.id"
    )
    memberships = relationship("Membership", back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Membership(db.Model):
    """A person's role in an organisation over a period (the organisation's list of members)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    person = relationship("Person", back_populates="memberships")
    organisation = relationship("Organisation", back_populates="memberships", lazy="joined")
