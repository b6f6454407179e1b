"""Undoing an import: the records it created removed, those it updated restored, in one transaction."""
from flask_babel import gettext as _

from diaspora.audit.service import record
from diaspora.batches.models import ImportBatch
from diaspora.bulk import sqlite_cache
from diaspora.extensions import db
from diaspora.imports.kinds import kind_of
from diaspora.records import utcnow


def undo_batch(batch_id: int, user=None) -> dict:
    """Remove the records a batch created and restore those it updated, in one transaction.

    Refused (UndoRefused, nothing changed) when any of those records was edited since the import:
    its version is no longer the one the import left.
    """
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != "committed":
        raise ValueError(_("Chỉ hoàn tác được một lần nhập đã hoàn tất."))
    now = utcnow()
    with sqlite_cache(db.session.connection()):
        outcome, summary = kind_of(batch.sheet_key).undo(batch, getattr(user, "id", None), now)
    batch.status, batch.undone_at, batch.undone_by_id = "undone", now, getattr(user, "id", None)
    record("import_undo", entity_type="import_batches", entity_id=batch.id, user=user, changes=outcome,
           summary=summary)
    db.session.commit()
    return {**outcome, "summary": summary}
