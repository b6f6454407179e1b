"""The community's own side: registrations sent from the public form, and sign-ups to events with check-in.

Nothing here is the register: a submission waits for a member of staff, who accepts it as a new person,
merges it into a person or rejects it; only then does anything reach the people table.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.records import utcnow

SUBMISSION_STATUSES = ("pending", "accepted", "merged", "rejected")
SUBMISSION_STATUS_LABELS = {
    "pending": _l("Chờ duyệt"),
    "accepted": _l("Đã nhận thành hồ sơ mới"),
    "merged": _l("Đã gộp vào hồ sơ có sẵn"),
    "rejected": _l("Đã từ chối"),
}
SUBMISSION_FIELD_LABELS = {
    "status": _l("Trạng thái"),
    "person": _l("Hồ sơ"),
    "review_note": _l("Ghi chú duyệt"),
    "reference_code": _l("Mã tham chiếu"),
}


class Submission(db.Model):
    """A registration sent by a member of the community (the public form, or an event's sign-up by someone the
    register does not hold yet): the values as sent, the consent given with its text version, and the review."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_status_submitted", "status", "submitted_at"),
        Index("ix_submissions_address_submitted", "address_hash", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_code: Mapped[str] = mapped_column(String(12), unique=True)
    values: Mapped[dict] = mapped_column(JSON)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text_version: Mapped[str] = mapped_column(String(40))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A keyed hash of the client address (never the address itself): enough to count one sender's submissions.
    address_hash: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # The event whose sign-up the submission came from (None: the public registration form).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(String(500))

    activity = relationship("Activity")
    person = relationship("Person")
    reviewed_by = relationship("User")

    @property
    def status_label(self) -> str:
        return str(SUBMISSION_STATUS_LABELS.get(self.status, self.status))

    @property
    def full_name(self) -> str:
        return (self.values or {}).get("full_name") or ""


class EventSignup(db.Model):
    """An activity open to registration: its public link's token, an optional capacity and closing date."""

    __tablename__ = "event_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    closes_on: Mapped[date | None] = mapped_column(Date)  # the last day registration is taken (Vietnam time)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    activity = relationship("Activity")


class EventRegistration(db.Model):
    """One person signed up to an event (or registered at the door), with their own token and code for check-in."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        Index("ix_event_registrations_activity_name", "activity_id", "name_folded"),
        Index("ix_event_registrations_address_at", "address_hash", "registered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    values: Mapped[dict] = mapped_column(JSON)
    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    phone_digits: Mapped[str | None] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"), index=True)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text_version: Mapped[str] = mapped_column(String(40))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    address_hash: Mapped[str | None] = mapped_column(String(64))
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    activity = relationship("Activity")
    person = relationship("Person")
    submission = relationship("Submission")
    checked_in_by = relationship("User")
