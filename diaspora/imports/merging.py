"""Import results follow a person's records when two are merged (signals.persons_merged): the rows of people
imports that created or updated the merged record name the survivor, and go back when the merge is undone.

A moved row loses its `version_after` (kept in the merge's snapshot): the undo of its import then refuses that
row, since the record it names is no longer the one the import wrote (it must never remove or rewind the
survivor)."""
from sqlalchemy import select, update

from diaspora import signals
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.imports.kinds import registered_kinds


def _people_rows(person_id: int):
    people_kinds = [key for key, kind in registered_kinds().items() if kind.people_rows]
    return (select(ImportRow.id, ImportRow.version_after).join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
            .where(ImportRow.person_id == person_id, ImportBatch.sheet_key.in_(people_kinds)).order_by(ImportRow.id))


@signals.persons_merged.connect
def move_import_rows(survivor, source, **_) -> dict:
    """The merged record's import rows name the survivor; {"import_rows": [[id, version_after]]} for the undo."""
    rows = [[row_id, version] for row_id, version in db.session.execute(_people_rows(source.id))]
    if rows:
        db.session.execute(update(ImportRow).where(ImportRow.id.in_([row_id for row_id, _v in rows]))
                           .values(person_id=survivor.id, version_after=None),
                           execution_options={"synchronize_session": False})
    return {"import_rows": rows}


@signals.merge_undone.connect
def move_import_rows_back(survivor, source, merge, **_) -> dict:
    """Exactly the rows the merge moved name the merged record again, with the version their import left."""
    rows = merge.snapshot["moved"].get("import_rows") or []
    count = 0
    for row_id, version in rows:
        count += db.session.execute(
            update(ImportRow).where(ImportRow.id == row_id, ImportRow.person_id == survivor.id)
            .values(person_id=source.id, version_after=version),
            execution_options={"synchronize_session": False}).rowcount
    return {"import_rows": count}
