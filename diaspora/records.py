"""Columns every main record carries: who and when, a version for optimistic locking, soft delete; the
version alone for the other records edited through forms."""
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Versioned:
    """Mixin: a version counter for optimistic locking, on any record edited through a form."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        # SQLAlchemy bumps `version` on every UPDATE and refuses one based on a stale row.
        return {"version_id_col": cls.version}


class TrackedRecord(Versioned):
    """Mixin: created/updated stamps, version counter (optimistic locking), soft delete."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class StaleEdit(Exception):
    """Raised when a form was built on an older version of the record than the one stored."""

    def __init__(self, record, changes: dict):
        super().__init__(f"{type(record).__name__} {record.id} changed since the form was opened")
        self.record = record
        self.changes = changes
