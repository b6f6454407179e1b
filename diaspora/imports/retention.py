"""How long the files of imports are kept, and what is wiped of a person who is erased.

An uploaded file holds the personal data of every row, imported or not. It is deleted, with the previews the
wizard kept beside it, IMPORT_FILE_KEEP_DAYS after its batch was uploaded; drafts left unfinished go after
IMPORT_DRAFT_DAYS (wizard.purge_uploads). The worker runs the purge once a day; `flask --app wsgi imports purge`
runs it by hand. A batch keeps its results: its page says the file is gone, and its error workbook is rebuilt
from the stored rows (errors.py).

When a person is erased (signals.person_erased) the batches that held them lose their files and previews, the
person's own rows their note, problems and undo data, and every other row or file name the person's strings.
"""
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select, update

from diaspora import jobs, signals
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.imports.kinds import registered_kinds
from diaspora.imports.storage import remove_previews, remove_upload
from diaspora.imports.wizard import purge_uploads
from diaspora.records import utcnow


def purge_import_files(now=None) -> dict:
    """Delete unfinished drafts and unused files (purge_uploads), then the files and previews of batches
    uploaded more than IMPORT_FILE_KEEP_DAYS ago (a file a newer batch also uses stays); what was removed."""
    now = now or utcnow()
    unused = purge_uploads(now)
    cutoff = now - timedelta(days=current_app.config.get("IMPORT_FILE_KEEP_DAYS", 90))
    in_use = set(db.session.scalars(select(ImportBatch.file_sha256).where(ImportBatch.created_at >= cutoff)))
    expired = previews = 0
    for batch_id, sha in db.session.execute(select(ImportBatch.id, ImportBatch.file_sha256)
                                            .where(ImportBatch.created_at < cutoff)):
        previews += remove_previews(batch_id)
        if sha not in in_use:
            expired += remove_upload(sha)
    return {"expired_files": expired, "previews": previews, "unused_files": unused}


@jobs.periodic(crontab(hour="2", minute="17"))
def purge_import_files_daily() -> None:
    """The daily purge the worker runs (at night, the office's time being UTC+7)."""
    removed = purge_import_files()
    current_app.logger.info("import files purged: %s", removed)


@signals.person_erased.connect
def forget_erased_person(person, scrub, **_) -> dict:
    """Wipe an erased person from the import batches: the files and previews of the batches that held them,
    the note, problems and undo data of their rows, and their strings from any other row and file name."""
    people_kinds = [key for key, kind in registered_kinds().items() if kind.people_rows]
    batches_of_person = select(ImportRow.batch_id).where(ImportRow.person_id == person.id)
    held = db.session.execute(
        select(ImportBatch.id, ImportBatch.file_sha256)
        .where(ImportBatch.id.in_(batches_of_person), ImportBatch.sheet_key.in_(people_kinds))).all()
    held_ids = [batch_id for batch_id, _sha in held]
    rows = db.session.execute(
        update(ImportRow).where(ImportRow.batch_id.in_(held_ids), ImportRow.person_id == person.id)
        .values(note=None, note_messages=None, problems=None, undo=None)).rowcount if held_ids else 0
    texts = (ImportRow.note, ImportRow.note_messages, ImportRow.problems, ImportRow.matches, ImportRow.undo)
    for row in db.session.scalars(select(ImportRow).where(scrub.found_in(*texts))):
        row.note, row.problems = scrub.text(row.note), scrub.value(row.problems)
        row.note_messages = scrub.value(row.note_messages)
        row.matches, row.undo = scrub.value(row.matches), scrub.value(row.undo)
        rows += 1
    for batch in db.session.scalars(select(ImportBatch).where(scrub.found_in(ImportBatch.file_name))):
        batch.file_name = scrub.text(batch.file_name)
    # The drafts of the same file (uploaded again) have previews of it too.
    shas = {sha for _batch_id, sha in held}
    drafts = db.session.scalars(select(ImportBatch.id).where(
        ImportBatch.file_sha256.in_(shas), ImportBatch.status == "draft")) if shas else []
    files = sum(remove_previews(batch_id) for batch_id in {*held_ids, *drafts})
    files += sum(remove_upload(sha) for sha in shas)
    return {"erased_import_rows": rows, "erased_files": files}
