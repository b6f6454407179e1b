"""The import wizard: a draft batch from upload to preview (sheet, mapping, saved mappings, choices per
row), and the workbook of the rows that could not be imported. Committing is running.py's."""
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from diaspora.batches.kinds import ChangeSet, Preparation
from diaspora.batches.models import ImportBatch, SavedMapping
from diaspora.extensions import db
from diaspora.imports.kinds import kind_of
from diaspora.imports.preparing import build_changes, list_sheet, prepare_import
from diaspora.imports.storage import (
    load_preview,
    remove_unused_files,
    save_preview,
    store_upload,
    upload_path,
)
from diaspora.listing import record_id
from diaspora.outreach.models import Activity
from diaspora.records import utcnow
from diaspora.reference.countries import country_name
from diaspora.spreadsheets import pipeline, read
from diaspora.spreadsheets.read import SpreadsheetRejected


def create_batch(*, sha: str, size: int, file_name: str, user=None, source: str = "web", status: str = "draft",
                 sheet_name: str | None = None, on_duplicate: str = "skip", sheet_key: str = "people",
                 activity_id: int | None = None) -> ImportBatch:
    """A new batch for a stored file (a draft for the wizard, running for the command line)."""
    batch = ImportBatch(file_sha256=sha, file_size=size, file_name=(file_name or sha)[:255],
                        user_id=getattr(user, "id", None), source=source, status=status, sheet_name=sheet_name,
                        on_duplicate=on_duplicate, sheet_key=sheet_key, activity_id=activity_id,
                        started_at=utcnow() if status == "running" else None)
    db.session.add(batch)
    db.session.commit()
    return batch


def update_draft(batch: ImportBatch, **values) -> None:
    """Record the wizard's choices (sheet, mapping_choices, defaults, on_duplicate, row_actions)."""
    for name, value in values.items():
        setattr(batch, name, value)
    db.session.commit()


def int_keys(values: dict | None) -> dict:
    """The wizard's choices with their row or column numbers back as ints (JSON keeps keys as text)."""
    return {int(key): value for key, value in (values or {}).items()}


PREPARED_SECONDS = 600


def batch_preparation(batch: ImportBatch, fresh: bool = False) -> Preparation:
    """The batch's plan, recomputed from its stored file and the wizard's choices (deterministic).

    Paging through the preview reuses the preparation of the same file and mapping for a few minutes
    (reading and matching 50,000 rows takes seconds): it is kept in a file beside the upload, which
    every web process of the machine reads. The commit always starts afresh.
    """
    key = json.dumps([batch.sheet_key, batch.activity_id, batch.file_sha256, batch.sheet_name,
                      batch.mapping_choices, batch.defaults], sort_keys=True)
    preparation = None if fresh else load_preview(batch.id, key, PREPARED_SECONDS)
    if preparation is None:
        preparation = prepare_import(upload_path(batch.file_sha256), file_name=batch.file_name,
                                     sheet_name=batch.sheet_name, kind=kind_of(batch.sheet_key),
                                     choices=int_keys(batch.mapping_choices), defaults=batch.defaults,
                                     activity_id=batch.activity_id)
        if not fresh:
            save_preview(batch.id, key, replace(preparation, kind=None))
    plans = pipeline.plan_rows(preparation.rows, preparation.duplicates, batch.on_duplicate,
                               int_keys(batch.row_actions))
    return replace(preparation, plans=plans, kind=kind_of(batch.sheet_key))


def purge_uploads(now=None) -> int:
    """Delete wizard drafts left unfinished for IMPORT_DRAFT_DAYS, and stored files no batch refers to
    any more; files of committed batches stay (their error workbook is read from them). Files removed."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config.get("IMPORT_DRAFT_DAYS", 7))
    stale = db.session.scalars(select(ImportBatch).where(ImportBatch.status == "draft",
                                                        ImportBatch.created_at < cutoff)).all()
    for batch in stale:
        db.session.delete(batch)
    db.session.commit()
    return remove_unused_files(set(db.session.scalars(select(ImportBatch.file_sha256).distinct())), now)


def saved_mappings(sheet_key: str = "people") -> list[SavedMapping]:
    return list(db.session.scalars(select(SavedMapping).where(SavedMapping.sheet_key == sheet_key)
                                   .order_by(SavedMapping.name)))


def save_mapping(name: str, mapping, user=None, sheet_key: str = "people") -> SavedMapping:
    """Save (or replace) a named mapping: what each header, as written, feeds."""
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.sheet_key == sheet_key,
                                                         SavedMapping.name == name))
    if saved is None:
        saved = SavedMapping(sheet_key=sheet_key, name=name, created_by_id=getattr(user, "id", None))
        db.session.add(saved)
    saved.entries = mapping.saved_entries()
    db.session.commit()
    return saved


def start_upload(upload, user=None, sheet_key: str = "people", activity_id: int | None = None) -> ImportBatch:
    """Store an uploaded file and open a draft batch on its default sheet; raises SpreadsheetRejected
    (and forgets the file) when it is not a spreadsheet we can read safely."""
    purge_uploads()
    sha, size = store_upload(upload.stream)
    file_name = Path(upload.filename or "").name or sha
    try:
        sheet = list_sheet(upload_path(sha), kind_of(sheet_key),
                           read.list_sheets(upload_path(sha), pipeline.reading_limits(), original_filename=file_name),
                           file_name)
    except SpreadsheetRejected:
        if not db.session.scalar(select(ImportBatch.id).where(ImportBatch.file_sha256 == sha).limit(1)):
            upload_path(sha).unlink(missing_ok=True)
        raise
    return create_batch(sha=sha, size=size, file_name=file_name, user=user, sheet_name=sheet.name,
                        sheet_key=sheet_key, activity_id=activity_id)


def activities_to_attend(limit: int = 200) -> list:
    """Live activities an attendance list may be imported into, the latest first."""
    return list(db.session.scalars(select(Activity).where(Activity.deleted_at.is_(None))
                                   .order_by(Activity.start_date.desc(), Activity.id.desc()).limit(limit)))


def sheets_of(batch: ImportBatch) -> list:
    return read.list_sheets(upload_path(batch.file_sha256), pipeline.reading_limits(),
                            original_filename=batch.file_name)


def draft_layout(batch: ImportBatch) -> pipeline.SheetLayout:
    return pipeline.read_layout(upload_path(batch.file_sha256), kind_of(batch.sheet_key).sheet, batch.sheet_name,
                                batch.file_name)


def draft_mapping(batch: ImportBatch, layout: pipeline.SheetLayout, saved: SavedMapping | None = None):
    """The mapping the wizard shows: automatic, then a saved mapping if one is applied, else the draft's choices."""
    sheet = kind_of(batch.sheet_key).sheet
    if saved is not None:
        return pipeline.map_headers(layout, sheet, saved=saved.entries)
    return pipeline.map_headers(layout, sheet, choices=int_keys(batch.mapping_choices))


def set_mapping(batch: ImportBatch, layout: pipeline.SheetLayout, choices: dict[int, str],
                default_country: str | None, save_as: str | None, user=None):
    """Record the chosen mapping (and save it by name); returns the columns still missing."""
    sheet = kind_of(batch.sheet_key).sheet
    mapping = pipeline.map_headers(layout, sheet, choices=choices)
    defaults = {"country": default_country} if default_country else None
    missing = mapping.missing(sheet, defaults)
    if save_as:
        save_mapping(save_as.strip(), mapping, user, sheet.key)
    update_draft(batch, mapping_choices={str(index): key for index, key in choices.items()}, defaults=defaults,
                 row_actions=None)
    return missing


def saved_mapping(mapping_id) -> SavedMapping | None:
    return db.session.get(SavedMapping, record_id(mapping_id)) if record_id(mapping_id) else None


def preview(batch: ImportBatch) -> ChangeSet:
    """What committing the draft would do; the draft records the counts for the history page."""
    changes = build_changes(batch_preparation(batch))
    summary = changes.summary
    if any(getattr(batch, name) != value for name, value in summary.items()):
        update_draft(batch, **summary)
    return changes


def set_row_actions(batch: ImportBatch, on_duplicate: str, actions: dict[int, str]) -> None:
    """The default for duplicates and the per-row choices made on one page of the preview."""
    stored = dict(batch.row_actions or {})
    stored.update({str(row): action for row, action in actions.items() if action in pipeline.ON_DUPLICATE})
    update_draft(batch, on_duplicate=on_duplicate, row_actions=stored or None)


PREVIEW_FILTERS = ("all", "errors", "duplicates", "notes", "created", "updated", "unchanged", "skipped")


def preview_rows(changes: ChangeSet, show: str = "all", page: int = 1, per_page: int = 50):
    """(rows of one page, total): rows with errors first, then duplicates, then the rest."""
    results = changes.results
    plans = changes.plans
    if show == "errors":
        chosen = [plan for plan in plans if plan.action == "error"]
    elif show == "duplicates":
        chosen = [plan for plan in plans if plan.matches]
    elif show == "notes":  # what the import did that the user may want to check (a second name, a formula error)
        chosen = [plan for plan in plans if results[plan.row]["note"]]
    elif show in PREVIEW_FILTERS[4:]:
        chosen = [plan for plan in plans if results[plan.row]["action"] == show]
    else:
        chosen = sorted(plans, key=lambda plan: (plan.action != "error", not plan.matches, plan.row))
    shown = chosen[(page - 1) * per_page:page * per_page]
    raw = dict(changes.preparation.layout.data_rows)
    name_key = changes.kind.sheet.name_key
    name_sources = [column.index for column in changes.preparation.mapping.sources(name_key)]
    people = changes.kind.names([match.person_id for plan in shown for match in plan.matches if match.person_id])
    rows = [{
        "row": plan.row, "plan": plan, "action": results[plan.row]["action"], "note": results[plan.row]["note"],
        "name": plan.values.get(name_key) or next(
            (str(raw[plan.row][index]) for index in name_sources if index < len(raw[plan.row])
             and raw[plan.row][index] not in (None, "")), ""),
        "country": country_name(plan.values.get("country")),
        "matches": [(match, people.get(match.person_id)) for match in plan.matches],
    } for plan in shown]
    return rows, len(chosen)
