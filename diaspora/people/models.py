"""People (kiều bào, chuyên gia), their contacts and their memberships in organisations."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    JSON,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.records import TrackedRecord

GENDERS = ("male", "female", "other")
PERSON_TYPES = ("overseas_vietnamese", "foreign_expert")
NATIONALITY_STATUSES = ("vietnamese", "dual", "foreign", "unknown")
CONSENT_STATUSES = ("unknown", "given", "refused", "withdrawn")
# People who said no: left out of exports and outreach lists unless an admin asks for them.
NO_CONSENT = ("refused", "withdrawn")
CONSENT_SOURCES = ("form", "email", "paper", "event", "phone", "import", "other")
# Why the office may process the data (Law 91/2025/QH15): the subject's consent, or a case the law allows without it.
LEGAL_BASES = ("consent", "state_task", "legal_obligation", "contract", "vital_interests")
PERSON_STATUSES = ("active", "unreachable", "deceased")
CONTRIBUTION_KINDS = ("remote_advice", "visits", "investment", "teaching")

# How each code reads in the interface and in the audit history (Vietnamese source, English via the catalog).
GENDER_LABELS = {"male": _l("Nam"), "female": _l("Nữ"), "other": _l("Khác")}
PERSON_TYPE_LABELS = {"overseas_vietnamese": _l("Kiều bào"), "foreign_expert": _l("Chuyên gia nước ngoài")}
NATIONALITY_LABELS = {
    "vietnamese": _l("Quốc tịch Việt Nam"),
    "dual": _l("Hai quốc tịch"),
    "foreign": _l("Quốc tịch nước ngoài"),
    "unknown": _l("Chưa rõ"),
}
CONSENT_LABELS = {
    "unknown": _l("Chưa hỏi ý kiến"),
    "given": _l("Đồng ý"),
    "refused": _l("Từ chối"),
    "withdrawn": _l("Đã rút lại đồng ý"),
}
CONSENT_SOURCE_LABELS = {
    "form": _l("Phiếu, biểu mẫu đăng ký"),
    "email": _l("Thư điện tử"),
    "paper": _l("Văn bản giấy"),
    "event": _l("Tại sự kiện"),
    "phone": _l("Qua điện thoại"),
    "import": _l("Theo danh sách nhận được"),
    "other": _l("Khác"),
}
LEGAL_BASIS_LABELS = {
    "consent": _l("Sự đồng ý của chủ thể dữ liệu"),
    "state_task": _l("Phục vụ hoạt động của cơ quan nhà nước theo quy định của pháp luật"),
    "legal_obligation": _l("Thực hiện nghĩa vụ theo quy định của pháp luật"),
    "contract": _l("Thực hiện hợp đồng, thoả thuận với chủ thể dữ liệu"),
    "vital_interests": _l("Bảo vệ tính mạng, sức khoẻ trong tình huống khẩn cấp"),
}
STATUS_LABELS = {"active": _l("Đang liên hệ"), "unreachable": _l("Mất liên lạc"), "deceased": _l("Đã mất")}
CONTRIBUTION_LABELS = {
    "remote_advice": _l("Tư vấn từ xa"),
    "visits": _l("Về thăm, làm việc"),
    "investment": _l("Đầu tư"),
    "teaching": _l("Giảng dạy"),
}
# Labels of the audited attributes, shared by the form, the person page and the history of changes.
PERSON_FIELD_LABELS = {
    "full_name": _l("Họ và tên"),
    "other_names": _l("Tên khác"),
    "gender": _l("Giới tính"),
    "birth_date": _l("Ngày sinh"),
    "birth_year": _l("Năm sinh"),
    "person_type": _l("Đối tượng"),
    "nationality_status": _l("Quốc tịch"),
    "country_code": _l("Nước cư trú"),
    "city": _l("Thành phố"),
    "address": _l("Địa chỉ"),
    "hometown_unit_code": _l("Quê quán (đơn vị hiện nay)"),
    "hometown_text": _l("Quê quán (như đã ghi)"),
    "occupation": _l("Nghề nghiệp"),
    "academic_title": _l("Học hàm, học vị"),
    "employer": _l("Nơi làm việc"),
    "position": _l("Chức vụ"),
    "fields": _l("Lĩnh vực"),
    "roles": _l("Vai trò trong cộng đồng"),
    "expertise": _l("Chuyên môn"),
    "offers": _l("Có thể đóng góp"),
    "source": _l("Nguồn thông tin"),
    "collected_on": _l("Ngày thu thập"),
    "consent_status": _l("Đồng ý liên hệ, xử lý dữ liệu"),
    "consent_date": _l("Ngày đồng ý"),
    "consent_scope": _l("Phạm vi đồng ý"),
    "consent_source": _l("Cách thức ghi nhận sự đồng ý"),
    "consent_legal_basis": _l("Căn cứ xử lý dữ liệu"),
    "processing_purpose": _l("Mục đích xử lý dữ liệu"),
    "consent_text_version": _l("Phiên bản nội dung xin đồng ý"),
    "restricted_at": _l("Hạn chế xử lý từ"),
    "restriction_reason": _l("Lý do hạn chế xử lý"),
    "status": _l("Tình trạng"),
    "notes": _l("Ghi chú"),
    "contacts": _l("Liên hệ"),
    "memberships": _l("Tổ chức"),
    "deleted_at": _l("Đã xoá lúc"),
    "erased_at": _l("Xoá vĩnh viễn lúc"),
    # What an erase removed (its audit event counts them).
    "erased_contacts": _l("Liên hệ đã xoá"),
    "erased_memberships": _l("Tổ chức đã gỡ"),
    "erased_audit_values": _l("Giá trị trong nhật ký đã xoá"),
    "erased_import_rows": _l("Dòng nhập Excel đã làm sạch"),
    "erased_files": _l("Tệp đã xoá"),
    "erased_merge_snapshots": _l("Dữ liệu hoàn tác gộp hồ sơ đã xoá"),
    "erased_merged_records": _l("Hồ sơ đã gộp vào, cũng đã xoá vĩnh viễn"),
    # A merge of two records of one person (people.merging) and its undo.
    "merged_into": _l("Đã gộp vào hồ sơ"),
    "merged_from": _l("Đã gộp hồ sơ"),
    "moved_rows": _l("Dữ liệu đã chuyển"),
}
# The stored name of an erased person: a neutral word, so lists that still count them show no one.
ERASED_NAME = "Đã xoá"

# Suggested values, stored as written (free text is allowed), so not translated.
MEMBERSHIP_ROLES = ("Chủ tịch", "Phó Chủ tịch", "Tổng thư ký", "Ủy viên BCH", "Hội viên")
ACADEMIC_TITLES = ("GS.", "PGS.", "TS.", "ThS.", "BS.", "KS.")

_ACTIVE = {"sqlite_where": text("deleted_at IS NULL"), "postgresql_where": text("deleted_at IS NULL")}
_DELETED = {"sqlite_where": text("deleted_at IS NOT NULL"), "postgresql_where": text("deleted_at IS NOT NULL")}

person_fields = Table(
    "person_fields",
    db.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_person_fields_field_person", "field_id", "person_id"),
)

person_roles = Table(
    "person_roles",
    db.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("community_roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_person_roles_role_person", "role_id", "person_id"),
)


class Person(TrackedRecord, db.Model):
    __tablename__ = "people"
    # The people list shows either the register (deleted_at IS NULL) or the bin. The register's
    # indexes are partial and end with deleted_at, so SQLite can answer a page or a count from
    # the index alone; PostgreSQL keeps their order usable for ORDER BY ... LIMIT.
    # An index the list does not use is left out, since an import writes each index once per person
    # it adds (the bin, small, is found by ix_people_deleted and sorted).
    __table_args__ = (
        # The list's default order: names in Vietnamese alphabetical order (sort_key), then as written.
        Index("ix_people_active_sort_key", "sort_key", "id", "deleted_at", **_ACTIVE),
        Index("ix_people_active_name", "name_folded", "id", "deleted_at", **_ACTIVE),
        Index("ix_people_active_country", "country_code", "sort_key", "id", "deleted_at", **_ACTIVE),
        Index("ix_people_active_status", "status", "sort_key", "id", "deleted_at", **_ACTIVE),
        Index("ix_people_active_birth_year", "birth_year", "sort_key", "id", "deleted_at", **_ACTIVE),
        Index("ix_people_active_updated", "updated_at", "id", "deleted_at", **_ACTIVE),
        Index("ix_people_active_title", "academic_title", "deleted_at", **_ACTIVE),
        Index("ix_people_deleted", "deleted_at", **_DELETED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    # The name's place in Vietnamese alphabetical order, in digits (text.name_sort_key, by service.person_sort_key).
    sort_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    other_names: Mapped[str | None] = mapped_column(String(300))
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    person_type: Mapped[str] = mapped_column(String(30), default="overseas_vietnamese")
    nationality_status: Mapped[str | None] = mapped_column(String(20))
    hometown_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    hometown_text: Mapped[str | None] = mapped_column(String(300))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    city: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    occupation: Mapped[str | None] = mapped_column(String(200))
    academic_title: Mapped[str | None] = mapped_column(String(120))
    employer: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    expertise: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(300))
    collected_on: Mapped[date | None] = mapped_column(Date)
    consent_status: Mapped[str] = mapped_column(String(20), default="unknown")
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_scope: Mapped[str | None] = mapped_column(String(300))
    consent_source: Mapped[str | None] = mapped_column(String(20))  # one of CONSENT_SOURCES
    consent_legal_basis: Mapped[str | None] = mapped_column(String(30))  # one of LEGAL_BASES
    processing_purpose: Mapped[str | None] = mapped_column(String(500))
    # The version of the consent text the person was shown (public forms record theirs).
    consent_text_version: Mapped[str | None] = mapped_column(String(40))
    # Processing restricted (the subject's request): kept in the register, never exported or contacted.
    restricted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    restriction_reason: Mapped[str | None] = mapped_column(String(500))
    # Erased at the subject's request: an anonymous tombstone (also in the bin) that keeps counts right.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Merged into another record of the same person (people.merging): kept, soft-deleted, its page redirects.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Folded words of names, contacts and organisations; the full-text index is built on it.
    search_text: Mapped[str] = mapped_column(Text, default="")

    country = relationship("Country", lazy="joined")
    hometown_unit = relationship("Unit")
    fields = relationship("Field", secondary=person_fields, order_by="Field.sort_order")
    roles = relationship("CommunityRole", secondary=person_roles, order_by="CommunityRole.sort_order")
    contacts = relationship(
        "Contact", back_populates="person", cascade="all, delete-orphan", order_by="Contact.id"
    )
    memberships = relationship(
        "Membership", back_populates="person", cascade="all, delete-orphan", order_by="Membership.id"
    )
    offers = relationship("PersonOffer", cascade="all, delete-orphan", order_by="PersonOffer.kind")

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def offer_kinds(self) -> list[str]:
        return [offer.kind for offer in self.offers]

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.full_name}>"


class PersonOffer(db.Model):
    """A way the person is willing to contribute (remote advice, visits, investment, teaching)."""

    __tablename__ = "person_offers"
    __table_args__ = (Index("ix_person_offers_kind_person", "kind", "person_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)


class PersonMerge(db.Model):
    """Two records of one person merged into one (people.merging): who, when, and in `snapshot` exactly what an
    undo needs (the survivor's values before, the merged record's, the rows each feature moved)."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # None once either person was erased: their values are gone, so is the undo.
    snapshot: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    survivor = relationship("Person", foreign_keys=[survivor_id])
    merged = relationship("Person", foreign_keys=[merged_id])
    by = relationship("User", foreign_keys=[by_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])


# The one rule of whom the office may export or contact, by column (the people list builds its conditions
# column by column for its planner; people.privacy joins them): never an erased or a restricted person and,
# for outreach and exports by default, nobody who refused or withdrew consent.
PROCESSING_RULES = {"erased_at": lambda column: column.is_(None), "restricted_at": lambda column: column.is_(None)}
OUTREACH_RULES = {**PROCESSING_RULES, "consent_status": lambda column: column.not_in(NO_CONSENT)}
