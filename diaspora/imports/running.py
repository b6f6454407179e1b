"""Running an import: the batch from queued to committed (or failed), on the job queue.

Committing writes the whole plan in ONE transaction (any failure: nothing changes) and records the
batch, its per-row results and what undoing it needs; one audit event covers the batch. The wizard
queues the commit as a job (diaspora.jobs) that a worker runs; the command line runs it in its
own process. The batch row holds the state and progress any web process shows. A batch whose
worker died is failed, with nothing written, as soon as a worker starts again or its lease (the
last sign of life it gave) runs out.
"""
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from diaspora import jobs, signals
from diaspora.audit.service import record
from diaspora.auth.models import User
from diaspora.batches.kinds import ChangeSet, RecordKind
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.bulk import begin_writing, sqlite_cache
from diaspora.extensions import db
from diaspora.imports.kinds import kind_of
from diaspora.imports.preparing import build_changes, prepare_import, report
from diaspora.imports.storage import store_file
from diaspora.imports.wizard import batch_preparation, create_batch
from diaspora.listing import page_of
from diaspora.records import utcnow
from diaspora.spreadsheets.pipeline import bulk_step


def _progress(batch_id: int | None, percent: int) -> None:
    """Progress of a running batch, and a sign of life (its lease), written by a connection of its own
    so that any web process reads it at once."""
    if batch_id is None:
        return
    with db.engine.begin() as connection:
        connection.execute(update(ImportBatch.__table__).where(ImportBatch.__table__.c.id == batch_id)
                           .values(progress=percent, heartbeat_at=utcnow()))


def _writing_progress(batch_id: int):
    """The progress to report while the transaction writes: on SQLite nobody else may write meanwhile
    (the import holds the one write lock), so the batch keeps the progress it had until it commits."""
    if db.engine.dialect.name == "sqlite":
        return lambda percent: None
    return lambda percent: _progress(batch_id, percent)


@bulk_step
def commit_changes(changes: ChangeSet, batch_id: int, user=None) -> ImportBatch:
    """Write the change set and the batch's results in one transaction; on any failure roll back
    everything, mark the batch failed and re-raise."""
    try:
        connection = db.session.connection()
        # On SQLite the one write lock, which new ids rely on. Not a write to the batch's row: on
        # PostgreSQL its progress is written meanwhile by another connection, which would wait for it.
        begin_writing(connection)
        with sqlite_cache(connection):
            batch_values = changes.kind.write(changes, batch_id, getattr(user, "id", None),
                                              progress=_writing_progress(batch_id))
        batch = db.session.get(ImportBatch, batch_id)
        _finish(batch, changes, batch_values, user)
        _tell_people_changed(changes, batch_id)
        db.session.commit()
    except Exception as failure:
        db.session.rollback()
        _fail(batch_id, str(failure))
        raise
    return batch


def _tell_people_changed(changes: ChangeSet, batch_id: int) -> None:
    """The people the batch created or updated, told to the features that derive data from them (the duplicate
    review queue), in the import's transaction."""
    if not changes.kind.people_rows:
        return
    ids = db.session.scalars(select(ImportRow.person_id).where(
        ImportRow.batch_id == batch_id, ImportRow.action.in_(("created", "updated")),
        ImportRow.person_id.is_not(None))).all()
    if ids:
        signals.people_changed.send(None, ids=ids, committed=False)


def _fail(batch_id: int, message: str) -> None:
    """The batch failed and nothing of it was written: no counts of work that never happened."""
    batch = db.session.get(ImportBatch, batch_id)
    batch.status, batch.finished_at, batch.message = "failed", utcnow(), message[:2000]
    _forget_counts(batch)
    db.session.commit()


def _forget_counts(batch: ImportBatch) -> None:
    batch.created = batch.updated = batch.unchanged = batch.skipped = 0
    batch.progress = 0


def _finish(batch: ImportBatch, changes: ChangeSet, batch_values: dict, user) -> None:
    summary = changes.summary
    for name, value in (*summary.items(), *batch_values.items()):
        setattr(batch, name, value)
    batch.status, batch.progress, batch.finished_at = "committed", 100, utcnow()
    batch.mapping = changes.preparation.mapping.to_json()
    batch.sheet_name = changes.preparation.layout.sheet_name
    record("import", entity_type="import_batches", entity_id=batch.id, user=user,
           summary=_l("Nhập tệp %(file)s: %(created)d thêm mới, %(updated)d cập nhật, %(skipped)d bỏ qua, "
                     "%(errors)d dòng lỗi.", file=batch.file_name, created=summary["created"],
                     updated=summary["updated"], skipped=summary["skipped"], errors=summary["errors"]),
           changes={"counts": summary, "file_sha256": batch.file_sha256})


def execute_batch(batch_id: int, user_id: int | None = None) -> ImportBatch:
    """Prepare and commit a queued batch; marks it running first (with this worker's name), failed on
    any error."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status not in ("queued", "draft"):
        return batch  # undone, failed meanwhile, or run twice: nothing to do
    user = db.session.get(User, user_id) if user_id else None
    batch.status, batch.progress, batch.message = "running", 0, None
    batch.started_at = batch.heartbeat_at = utcnow()
    batch.worker = jobs.worker_name()
    db.session.commit()
    try:
        preparation = batch_preparation(batch, fresh=True)
        _progress(batch_id, 30)
        changes = build_changes(preparation)
        _progress(batch_id, 40)
    except Exception as failure:
        db.session.rollback()
        _fail(batch_id, getattr(failure, "message", None) or str(failure))
        raise
    return commit_changes(changes, batch_id, user)


@jobs.job
def run_batch(batch_id: int, user_id: int | None = None) -> None:
    """The job a worker runs for a queued batch (its failure is recorded on the batch)."""
    try:
        execute_batch(batch_id, user_id)
    except Exception:
        current_app.logger.exception("import batch %s failed", batch_id)


def queue_batch(batch: ImportBatch, user=None) -> None:
    """Hand a draft to the job queue; the batch says "queued" until a worker takes it."""
    batch.status, batch.progress, batch.message, batch.queued_at = "queued", 0, None, utcnow()
    db.session.commit()
    run_batch(batch.id, getattr(user, "id", None))


def import_file(path, *, file_name: str | None = None, sheet_name: str | None = None, on_duplicate: str = "skip",
                dry_run: bool = False, user=None, kind: RecordKind | None = None,
                activity_id: int | None = None) -> dict:
    """Import a file from the command line, in this process; returns report(). Raises SpreadsheetRejected."""
    kind = kind or kind_of(None)
    preparation = prepare_import(path, file_name=file_name or Path(path).name, sheet_name=sheet_name, kind=kind,
                                 on_duplicate=on_duplicate, activity_id=activity_id)
    changes = build_changes(preparation)
    if dry_run:
        return report(changes, dry_run=True)
    sha, size = store_file(path)
    batch = create_batch(sha=sha, size=size, file_name=file_name or Path(path).name, user=user, source="cli",
                         status="running", sheet_name=preparation.layout.sheet_name, on_duplicate=on_duplicate,
                         sheet_key=kind.key, activity_id=activity_id)
    return report(changes, commit_changes(changes, batch.id, user))


def fail_dead_batches(now=None) -> int:
    """Fail the batches whose worker is gone: it ran on this host and its process has ended, or it
    gave no sign of life for IMPORT_LEASE_SECONDS. Their one transaction was rolled back with the
    process, so nothing of them was written. Called when a worker starts and when batches are listed."""
    return jobs.fail_dead(ImportBatch, _("Tiến trình xử lý dừng giữa chừng; thất bại, không có gì được ghi. Hãy nhập lại."),
                          _forget_counts, now)


def history(user, page: int = 1, per_page: int = 50):
    """The batches a user may open, newest first: an admin's are all, anyone else's their own (drafts left
    unfinished are not history)."""
    fail_dead_batches()
    query = select(ImportBatch).where(ImportBatch.status != "draft")
    if not user.has_role("admin"):
        query = query.where(ImportBatch.user_id == user.id)
    return page_of(query.order_by(ImportBatch.id.desc()), page, per_page)


def batch_rows(batch: ImportBatch, action: str | None = None, page: int = 1, per_page: int = 100):
    """One page of a batch's row results, rows with errors first; `action` "notes": the rows with a note."""
    query = select(ImportRow).where(ImportRow.batch_id == batch.id)
    if action == "notes":
        query = query.where(ImportRow.note.is_not(None))
    elif action:
        query = query.where(ImportRow.action == action)
    return page_of(query.order_by((ImportRow.action != "error"), ImportRow.row_number), page, per_page)
