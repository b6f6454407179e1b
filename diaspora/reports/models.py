"""An annual report to the city, written by a worker into a Word document and its Excel annex."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.jobs import JobState
from diaspora.records import utcnow

REPORT_STATUS_LABELS = {
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang lập báo cáo"),
    "done": _l("Đã xong"),
    "failed": _l("Thất bại"),
}


class AnnualReport(JobState, db.Model):
    """One generation of the annual report: the year and period asked for, by whom, its state, and its two
    files once written (names inside REPORTS_DIR)."""

    __tablename__ = "annual_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    # The data cut-off: records are counted as they stand at the end of this day (office time).
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0–100, while it runs
    document_file: Mapped[str | None] = mapped_column(String(255))  # the .docx, set once it is whole
    annex_file: Mapped[str | None] = mapped_column(String(255))  # the .xlsx, set once it is whole
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User", lazy="joined")

    @property
    def status_label(self) -> str:
        return str(REPORT_STATUS_LABELS.get(self.status, self.status))

    @property
    def is_pending(self) -> bool:
        return self.status in ("queued", "running")
