"""The duplicate review queue: pairs of people of the register that are probably one person, and the scans
that find them."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.jobs import JobState
from diaspora.records import utcnow

PAIR_STATUSES = ("pending", "not_duplicate", "merged")
PAIR_STATUS_LABELS = {
    "pending": _l("Chờ rà soát"),
    "not_duplicate": _l("Không trùng"),
    "merged": _l("Đã gộp"),
}
SCAN_STATUS_LABELS = {
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang rà soát"),
    "done": _l("Đã xong"),
    "failed": _l("Thất bại"),
}


class DuplicatePair(db.Model):
    """Two people (person_a_id < person_b_id) the rules take for one person, why (reason keys of
    people.duplicates.REASONS, strongest first), and what staff decided: pending, not_duplicate (remembered,
    never proposed again), merged."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("person_a_id", "person_b_id", name="uq_duplicate_pairs_people"),
        CheckConstraint("person_a_id < person_b_id", name="ck_duplicate_pairs_order"),
        Index("ix_duplicate_pairs_person_b", "person_b_id"),
        Index("ix_duplicate_pairs_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    reasons: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    person_a = relationship("Person", foreign_keys=[person_a_id])
    person_b = relationship("Person", foreign_keys=[person_b_id])
    reviewed_by = relationship("User")

    @property
    def status_label(self) -> str:
        return str(PAIR_STATUS_LABELS.get(self.status, self.status))


class DuplicateScan(JobState, db.Model):
    """One pass of the finder over the whole register (the "Rà soát lại" button or `flask duplicates find`):
    its state and progress, for any web process to show, and what it found."""

    __tablename__ = "duplicate_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0–100, while it runs
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | cli
    pairs_pending: Mapped[int | None] = mapped_column(Integer)  # pending pairs once done
    pairs_new: Mapped[int | None] = mapped_column(Integer)  # pairs it proposed for the first time
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User", lazy="joined")

    @property
    def status_label(self) -> str:
        return str(SCAN_STATUS_LABELS.get(self.status, self.status))

    @property
    def is_pending(self) -> bool:
        return self.status in ("queued", "running")
