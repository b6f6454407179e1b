"""Annual reports as jobs: asked for on the "Báo cáo" page, written by a worker into REPORTS_DIR (the Word
document and its Excel annex), listed with their state, downloaded (each download audited); and the
dashboard's reminder of the 20 November deadline.

Both files are written under temporary names and renamed once both are whole: a report that can be
downloaded is complete, and a job that fails, or whose worker dies, leaves no file and says so. The files
hold figures only, no one's personal data; they are kept until an administrator deletes them from disk.
"""
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from diaspora import jobs
from diaspora.audit.service import record
from diaspora.config import private_file, private_folder
from diaspora.extensions import db
from diaspora.records import utcnow
from diaspora.reports.annex import write_annex
from diaspora.reports.document import write_document
from diaspora.reports.figures import Period
from diaspora.reports.models import AnnualReport
from diaspora.reports.tables import AnnualFigures, annual_figures

DEADLINE = (11, 20)  # the plan asks for the report before 20 November each year
REMINDER_FROM = (10, 1)  # the dashboard reminds staff from 1 October
KINDS = ("docx", "xlsx")


class ReportPending(Exception):
    """A report is already waiting or being written; another would only queue behind it."""


def reports_dir() -> Path:
    """Where the reports are written (readable by the app's user only): REPORTS_DIR, by default
    instance/reports."""
    return private_folder(current_app.config.get("REPORTS_DIR") or Path(current_app.instance_path) / "reports")


def write_report(figures: AnnualFigures, document_path, annex_path=None) -> None:
    """Write the document (and the annex) of `figures`, each first under a temporary name beside it: the
    files appear together once both are whole; on any failure none is left and the error goes on."""
    targets = [(Path(document_path), write_document)] + ([(Path(annex_path), write_annex)] if annex_path else [])
    parts = [(target, target.with_name(target.name + ".part"), writer) for target, writer in targets]
    written: list[Path] = []
    try:
        for _target, part, writer in parts:
            private_file(part).close()  # the writer truncates it and writes: the file keeps this mode (0600)
            writer(figures, str(part))
        for target, part, _writer in parts:
            part.replace(target)
            written.append(target)
    except BaseException:
        for _target, part, _writer in parts:
            part.unlink(missing_ok=True)
        for target in written:  # only what this call put there: a file that was there before is not touched
            target.unlink(missing_ok=True)
        raise


def file_path(report: AnnualReport, kind: str) -> Path | None:
    """The report's file of a kind (docx, xlsx), when it has been written."""
    name = report.document_file if kind == "docx" else report.annex_file
    return reports_dir() / name if name else None


def download_name(report: AnnualReport, kind: str) -> str:
    """The name a downloaded file gets: what it is, the year, and the cut-off."""
    end = report.period_end.strftime("%d-%m-%Y")
    if kind == "docx":
        return _("Báo cáo kiều bào năm %(year)d (số liệu đến %(end)s).docx", year=report.year, end=end)
    return _("Phụ lục số liệu báo cáo kiều bào năm %(year)d (đến %(end)s).xlsx", year=report.year, end=end)


def queue_report(year: int, period: Period, user) -> AnnualReport:
    """Record the report asked for and hand it to the job queue; refused (ReportPending) while another
    report is waiting or being written."""
    fail_dead_reports()
    if db.session.scalar(select(AnnualReport.id).where(AnnualReport.status.in_(("queued", "running"))).limit(1)):
        raise ReportPending
    report = AnnualReport(year=year, period_start=period.start, period_end=period.end, user_id=user.id)
    db.session.add(report)
    db.session.flush()
    record("create", report, user=user, summary=_l("Lập báo cáo năm %(year)d (kỳ %(start)s – %(end)s)", year=year,
                                                  start=period.start.strftime("%d/%m/%Y"),
                                                  end=period.end.strftime("%d/%m/%Y")))
    db.session.commit()
    run_annual_report(report.id)
    return report


def _progress(report_id: int):
    """A callback that records the share done on the report's row (with a sign of life)."""
    def tell(share: float) -> None:
        report = db.session.get(AnnualReport, report_id)
        report.progress, report.heartbeat_at = int(share * 100), utcnow()
        db.session.commit()

    return tell


@jobs.job
def run_annual_report(report_id: int) -> None:
    """Compute the figures and write the two files of a queued report (the job a worker runs)."""
    report = jobs.claim(AnnualReport, report_id, progress=5)
    if report is None:
        return
    year, period = report.year, Period(report.period_start, report.period_end)
    names = {kind: f"{report_id}.{kind}" for kind in KINDS}
    folder = reports_dir()
    try:
        figures = annual_figures(year, period, progress=_progress(report_id))
        write_report(figures, folder / names["docx"], folder / names["xlsx"])
    except Exception as failure:
        db.session.rollback()
        report = db.session.get(AnnualReport, report_id)
        report.status, report.finished_at, report.message = "failed", utcnow(), str(failure)[:2000]
        db.session.commit()
        current_app.logger.exception("annual report %s failed", report_id)
        return
    report = db.session.get(AnnualReport, report_id)
    report.status, report.finished_at, report.progress = "done", utcnow(), 100
    report.document_file, report.annex_file = names["docx"], names["xlsx"]
    db.session.commit()


def fail_dead_reports(now=None) -> int:
    """Fail the reports whose worker is gone (see jobs.dead_jobs); they left no file."""
    def remove_parts(report):
        for kind in KINDS:
            (reports_dir() / f"{report.id}.{kind}.part").unlink(missing_ok=True)

    return jobs.fail_dead(AnnualReport, _("Tiến trình xử lý dừng giữa chừng; không có tệp nào được ghi. Hãy lập lại báo cáo."),
                          remove_parts, now)


def recent_reports(limit: int = 30) -> list[AnnualReport]:
    """The office's reports, newest first (a report is the office's, whoever asked for it)."""
    fail_dead_reports()
    return list(db.session.scalars(select(AnnualReport).order_by(AnnualReport.id.desc()).limit(limit)))


def record_download(report: AnnualReport, kind: str, user) -> None:
    """The audit event of a download of a report's file (committed)."""
    record("download", report, user=user, summary=_l("Tải %(file)s", file=download_name(report, kind)))
    db.session.commit()


@dataclass(frozen=True)
class Reminder:
    """The dashboard's reminder: the report on `year` is due on `deadline` and none has been written yet."""

    year: int
    deadline: date
    days_left: int  # negative once the deadline has passed

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def reminder(on: date) -> Reminder | None:
    """From 1 October to the end of the year, a Reminder while no report on the year has been written."""
    if on < date(on.year, *REMINDER_FROM):
        return None
    written = db.session.scalar(select(AnnualReport.id).where(AnnualReport.year == on.year,
                                                              AnnualReport.status == "done").limit(1))
    if written:
        return None
    deadline = date(on.year, *DEADLINE)
    return Reminder(on.year, deadline, (deadline - on).days)
