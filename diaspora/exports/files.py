"""Exports of long lists as jobs: the worker writes the file, the page follows its state, its user downloads it.

A short list is written while the request waits (exports.views); a list of more than
EXPORT_BACKGROUND_ROWS rows would hold a web process for tens of seconds, so it is queued instead.
The worker writes into a temporary name and renames the file when it is complete: a file that can be
downloaded is always whole, and a worker that dies leaves no file and a row that says it failed.
Files are kept EXPORT_KEEP_HOURS, then deleted with their row.
"""
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from diaspora import jobs, signals
from diaspora.audit.access import events_recorded
from diaspora.auth.models import User
from diaspora.config import private_file, private_folder
from diaspora.exports.models import ExportFile
from diaspora.extensions import db
from diaspora.outreach import exports as outreach_exports
from diaspora.outreach.channels import ChannelQuery, channels_select
from diaspora.people import exports as people_exports
from diaspora.people.search import PeopleQuery, filtered_people_select
from diaspora.records import utcnow


@dataclass(frozen=True)
class ExportableList:
    """A list that can be exported: its query from URL arguments, how many rows it has, how it is written."""

    query: Callable  # (args) -> query
    statement: Callable  # (query) -> the SELECT of its rows, to count them
    export: Callable  # (query, out, fmt=, user=, locale=, **options) -> rows
    file_name: Callable  # (query, fmt) -> download name
    options: Callable = lambda args: {}  # (args) -> the export's own keyword arguments (people: consent=all)
    note: Callable = lambda query, **options: None  # (query, **options) -> what its page says beside the rows


LISTS = {
    "people": ExportableList(PeopleQuery.from_args, filtered_people_select, people_exports.export_people,
                             people_exports.export_filename, people_exports.export_options,
                             people_exports.left_out_note),
    "channels": ExportableList(ChannelQuery.from_args, channels_select, outreach_exports.export_channels,
                               outreach_exports.channels_filename),
}


def exports_dir() -> Path:
    """Where the worker writes long exports (readable by the app's user only): EXPORTS_DIR, by default
    instance/exports."""
    return private_folder(current_app.config.get("EXPORTS_DIR") or Path(current_app.instance_path) / "exports")


def file_path(export: ExportFile) -> Path:
    return exports_dir() / f"{export.id}.{export.fmt}"


def row_count(list_key: str, query) -> int:
    """How many rows the list would export."""
    statement = LISTS[list_key].statement(query).order_by(None)
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def is_long(list_key: str, query) -> bool:
    """True when the list is long enough to be written by the worker."""
    return row_count(list_key, query) > current_app.config.get("EXPORT_BACKGROUND_ROWS", 5000)


def queue_export(list_key: str, query, fmt: str, user, locale: str, options_args: dict | None = None) -> ExportFile:
    """Record the export (the list's arguments, and `options_args`, the export's own: see ExportableList.options)
    and hand it to the job queue; its page follows it."""
    export = ExportFile(list_key=list_key, args={**query.to_args(), **(options_args or {})}, fmt=fmt, locale=locale,
                        user_id=user.id, download_name=LISTS[list_key].file_name(query, fmt))
    db.session.add(export)
    db.session.commit()
    run_export(export.id)
    return export


@jobs.job
def run_export(export_id: int) -> None:
    """Write the file of a queued export (the job a worker runs)."""
    export = jobs.claim(ExportFile, export_id)
    if export is None:
        return
    exportable = LISTS[export.list_key]
    query, options = exportable.query(export.args or {}), exportable.options(export.args or {})
    target = file_path(export)
    partial = target.with_suffix(".part")
    try:
        private_file(partial).close()  # the writer truncates it and writes: the file keeps this mode
        with events_recorded() as events:
            rows = exportable.export(query, str(partial), fmt=export.fmt, user=db.session.get(User, export.user_id),
                                     locale=export.locale, **options)
        partial.replace(target)
    except Exception as failure:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        export = db.session.get(ExportFile, export_id)
        export.status, export.finished_at, export.message = "failed", utcnow(), str(failure)[:2000]
        db.session.commit()
        current_app.logger.exception("export %s failed", export_id)
        return
    export = db.session.get(ExportFile, export_id)
    export.status, export.finished_at, export.rows = "done", utcnow(), rows
    export.message = exportable.note(query, **options)
    export.event_id = events[-1] if events else None
    db.session.commit()


def fail_dead_exports(now=None) -> int:
    """Fail the exports whose worker is gone (see jobs.dead_jobs); they left no file."""
    return jobs.fail_dead(ExportFile, _("Tiến trình xử lý dừng giữa chừng; không có tệp nào được ghi. Hãy xuất lại."),
                          lambda export: file_path(export).with_suffix(".part").unlink(missing_ok=True), now)


def purge_exports(now=None) -> int:
    """Delete the files (and rows) of exports older than EXPORT_KEEP_HOURS; the number deleted."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=current_app.config.get("EXPORT_KEEP_HOURS", 24))
    old = db.session.scalars(select(ExportFile).where(ExportFile.created_at < cutoff,
                                                      ExportFile.status.in_(("done", "failed")))).all()
    for export in old:
        file_path(export).unlink(missing_ok=True)
        db.session.delete(export)
    if old:
        db.session.commit()
    return len(old)


@signals.person_erased.connect
def forget_export_files(person, **_) -> dict:
    """An erased person may be in any list written lately: every kept export file goes (they are temporary),
    with its row."""
    kept = db.session.scalars(select(ExportFile).where(ExportFile.status.in_(("done", "failed")))).all()
    removed = 0
    for export in kept:
        path = file_path(export)
        removed += path.is_file()
        path.unlink(missing_ok=True)
        db.session.delete(export)
    return {"erased_files": removed}


def recent_exports(user, limit: int = 20) -> list[ExportFile]:
    """The user's exports still kept, newest first."""
    fail_dead_exports()
    purge_exports()
    return list(db.session.scalars(select(ExportFile).where(ExportFile.user_id == user.id)
                                   .order_by(ExportFile.id.desc()).limit(limit)))
