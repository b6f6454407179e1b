"""Import batches (the file, who, when, mapping, counts, status), their per-row results and saved mappings."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.jobs import JobState
from diaspora.messages import render
from diaspora.records import utcnow

# draft: the wizard is being filled in; queued: waiting for a worker; running: being prepared and written;
# then committed, failed (nothing written) or undone.
BATCH_STATUSES = ("draft", "queued", "running", "committed", "failed", "undone")
BATCH_STATUS_LABELS = {
    "draft": _l("Chưa hoàn tất"),
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang nhập"),
    "committed": _l("Đã nhập"),
    "failed": _l("Thất bại"),
    "undone": _l("Đã hoàn tác"),
}
ROW_ACTIONS = ("created", "updated", "unchanged", "skipped", "error")
ROW_ACTION_LABELS = {
    "created": _l("Thêm mới"),
    "updated": _l("Cập nhật"),
    "unchanged": _l("Không thay đổi"),
    "skipped": _l("Bỏ qua"),
    "error": _l("Lỗi"),
}
# JSON columns keep SQL NULL for "nothing" so 50,000 clean rows store no "null" strings.
_JSON = JSON(none_as_null=True)


class ImportBatch(JobState, db.Model):
    """One import of one sheet of one file, from the wizard's first step to its undo."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_key: Mapped[str] = mapped_column(String(40), default="people")
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int | None] = mapped_column(Integer)
    sheet_name: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # handed to the job queue
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | cli
    # The wizard's choices: {column index: key or ""}, a default per column, per-row actions.
    mapping_choices: Mapped[dict | None] = mapped_column(_JSON)
    defaults: Mapped[dict | None] = mapped_column(_JSON)
    on_duplicate: Mapped[str] = mapped_column(String(10), default="skip")
    row_actions: Mapped[dict | None] = mapped_column(_JSON)
    # The mapping as applied: [{index, header, key, how}].
    mapping: Mapped[list | None] = mapped_column(_JSON)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_valid: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, while running
    # Organisations the import created, removed again on undo when nobody else joined them.
    created_organisation_ids: Mapped[list | None] = mapped_column(_JSON)
    # An attendance list ("participants") adds the people of its rows to this activity; the links it
    # added are removed again on undo.
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    created_link_ids: Mapped[list | None] = mapped_column(_JSON)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])
    activity = relationship("Activity")

    @property
    def status_label(self) -> str:
        return str(BATCH_STATUS_LABELS.get(self.status, self.status))

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.file_name} {self.status}>"


class ImportRow(db.Model):
    """The result of one row of a committed batch, and what undoing it needs."""

    __tablename__ = "import_rows"
    __table_args__ = (
        Index("ix_import_rows_batch_row", "batch_id", "row_number"),
        Index("ix_import_rows_batch_action", "batch_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(12))
    # The record the row created or updated: a person, or a channel in a channel import. No foreign
    # key: the history of a batch outlives the records it created and its undo removed.
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The version the import left the record at; undo refuses when the record has moved on.
    version_after: Mapped[int | None] = mapped_column(Integer)
    # [{column, message, index, code}]: the message in the source language; its msgid and parameters (code,
    # diaspora.messages) when written so, shown in the reader's language (older rows have none).
    problems: Mapped[list | None] = mapped_column(_JSON)
    matches: Mapped[list | None] = mapped_column(_JSON)  # [{row | person_id, reason, reasons}]
    note: Mapped[str | None] = mapped_column(Text)  # in the source language
    note_messages: Mapped[list | None] = mapped_column(_JSON)  # the note's messages as codes, for the reader
    # For an update: {"attributes": {name: value before}, "contacts": [[kind, normalized]],
    # "fields": [ids], "roles": [ids], "organisations": [ids]} — what to restore and remove.
    undo: Mapped[dict | None] = mapped_column(_JSON)

    @property
    def action_label(self) -> str:
        return str(ROW_ACTION_LABELS.get(self.action, self.action))

    @property
    def note_text(self) -> str:
        """The note in the reader's language (an older row's as it was written)."""
        return render(self.note_messages) if self.note_messages else (self.note or "")

    @property
    def problem_texts(self) -> list[dict]:
        """The problems, each message in the reader's language (an older row's as it was written)."""
        return [{**problem, "message": render(problem["code"]) if problem.get("code") else problem.get("message")}
                for problem in self.problems or ()]


class SavedMapping(db.Model):
    """A named column mapping staff reuse for files that come in the same shape."""

    __tablename__ = "saved_mappings"
    __table_args__ = (UniqueConstraint("sheet_key", "name", name="uq_saved_mappings_sheet_key_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_key: Mapped[str] = mapped_column(String(40), default="people")
    name: Mapped[str] = mapped_column(String(120))
    entries: Mapped[dict] = mapped_column(JSON)  # {fold_key(header): column key or ""}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
