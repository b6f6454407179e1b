"""An export of a long list, written by a worker into a file its user downloads afterwards."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.jobs import JobState
from diaspora.records import utcnow

EXPORT_STATUS_LABELS = {
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang xuất"),
    "done": _l("Đã xong"),
    "failed": _l("Thất bại"),
}


class ExportFile(JobState, db.Model):
    """One export of a filtered list (people, channels): what was asked, by whom, and the file once written."""

    __tablename__ = "export_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    list_key: Mapped[str] = mapped_column(String(20))  # people | channels
    args: Mapped[dict | None] = mapped_column(JSON)  # the list's filters, as in its URL
    fmt: Mapped[str] = mapped_column(String(4))  # xlsx | csv
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    rows: Mapped[int | None] = mapped_column(Integer)
    download_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    message: Mapped[str | None] = mapped_column(Text)  # why it failed; for a finished one, whom it left out
    # The access event of its writing (the people it holds): each download of the file links them again.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id", ondelete="SET NULL"))

    user = relationship("User", lazy="joined")

    @property
    def status_label(self) -> str:
        return str(EXPORT_STATUS_LABELS.get(self.status, self.status))
