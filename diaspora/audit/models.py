"""Audit events: who did what to which record, with the fields before and after; and the people each read covered."""
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.messages import render
from diaspora.records import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id", "id"),
        # A user's events of one kind in a period: the people a user was shown in the last hour (the
        # browsing ceiling) and the audit log filtered by user (its prefix).
        Index("ix_audit_events_user_action_at", "user_id", "action", "at"),
        # The latest events of one kind: the ceiling's alerts on the dashboard, the audit log by action.
        Index("ix_audit_events_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # The summary in the source language (Vietnamese), and, when it was written as a message
    # (diaspora.messages), its msgid and parameters, rendered in the reader's language (summary_text).
    summary: Mapped[str | None] = mapped_column(Text)
    summary_message: Mapped[dict | None] = mapped_column(JSON)
    changes: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))
    # How many people a read showed or exported (a list page, an export); None for other events.
    people_count: Mapped[int | None] = mapped_column(Integer)

    user = relationship("User", lazy="joined")

    @property
    def summary_text(self) -> str:
        """The summary in the reader's language (an older event's, or plain text, as it was written)."""
        return render(self.summary_message) if self.summary_message else (self.summary or "")


# The people a read covered, one row each: "who has seen or exported this person" is one index range.
# No foreign key to people: the audit layer lies below the people register, and the row of an erased
# person's read stays (it holds an id, no personal value).
audit_event_people = Table(
    "audit_event_people",
    db.metadata,
    Column("event_id", ForeignKey("audit_events.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", Integer, primary_key=True),
    Index("ix_audit_event_people_person", "person_id", "event_id"),
)
