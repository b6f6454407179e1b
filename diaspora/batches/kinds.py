"""The protocol every importable record type implements, and what the implementations share.

A feature declares its RecordKind (people/importing.py, outreach/importing.py): its sheet, how
duplicates are found, how the planned rows become changes (a ChangeSet), how those are written and
undone. The import engine (diaspora.imports) runs every kind through the same steps and knows
none of them: features register their kinds when the app is built.
"""
from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import url_for
from sqlalchemy import select

from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.bulk import chunks
from diaspora.extensions import db
from diaspora.messages import Messages, is_coded, stored
from diaspora.spreadsheets import pipeline
from diaspora.spreadsheets.columns import Sheet


class ImportConflict(Exception):
    """A record changed between planning and writing; the whole import is rolled back."""


class UndoRefused(Exception):
    """Undo would overwrite later edits; `records` lists them as (row, person_id, name)."""

    def __init__(self, records: list[tuple[int, int, str]]):
        super().__init__(f"{len(records)} records changed since the import")
        self.records = records


@dataclass(frozen=True)
class RecordKind:
    """What importing one record type does differently; every other step is shared."""

    sheet: Sheet
    label: object  # lazy text: "Kiều bào", "Kênh phân phối"…
    find_duplicates: Callable  # (rows, mapping) -> {row: [Match]}; also flags IDs naming no record
    build: Callable  # (Preparation) -> ChangeSet
    write: Callable  # (ChangeSet, batch_id, user_id) -> {ImportBatch attribute: value}
    undo: Callable  # (ImportBatch, user_id, now) -> (outcome, summary)
    names: Callable  # (ids) -> {id: name} of the records still there
    endpoint: str  # the page of one record
    id_argument: str  # the endpoint's argument naming the record
    needs_activity: bool = False
    # Its rows' person_id names people (a channel import's names channels): an erased person's rows are wiped.
    people_rows: bool = True

    @property
    def key(self) -> str:
        return self.sheet.key

    def record_url(self, record_id: int) -> str:
        return url_for(self.endpoint, **{self.id_argument: record_id})


@dataclass
class Preparation:
    """Everything the import would do, computed from the file and the register, nothing written."""

    layout: pipeline.SheetLayout
    mapping: object
    rows: list
    duplicates: dict
    plans: list
    encodings: dict
    kind: RecordKind
    activity_id: int | None = None  # the activity an attendance list adds its people to
    country_from_titles: str | None = None  # the country of rows naming none, read from the sheet's titles

    @property
    def rows_valid(self) -> int:
        return sum(1 for row in self.rows if row.valid)

    @property
    def problems(self) -> list:
        return [problem for row in self.rows for problem in row.problems]


def id_header(mapping) -> str:
    """The ID column as the file heads it, for the problems of IDs that name no record."""
    sources = mapping.sources("id")
    return sources[0].header if sources else "ID"


@dataclass
class ChangeSet:
    """The whole import as it will be written, with one result per row."""

    preparation: Preparation
    creates: dict
    updates: dict
    results: dict
    organisation_ids: dict  # folded name -> id of an existing organisation
    new_organisations: dict  # folded name -> (name, country)

    @property
    def plans(self):
        return self.preparation.plans

    @property
    def kind(self) -> RecordKind:
        return self.preparation.kind

    @property
    def extra_report(self) -> dict:
        """What a kind adds to the command line's report."""
        return {}

    def count(self, action: str) -> int:
        return sum(1 for result in self.results.values() if result["action"] == action)

    @property
    def summary(self) -> dict:
        preparation = self.preparation
        return {
            "rows_total": len(preparation.rows), "rows_valid": preparation.rows_valid,
            "created": self.count("created"), "updated": self.count("updated"),
            "unchanged": self.count("unchanged"), "skipped": self.count("skipped"),
            "errors": self.count("error"), "duplicates": len(preparation.duplicates),
        }


def add_note(result: dict, message) -> None:
    """Add a message to a row's result, after what it already says (messages are kept as their codes and
    read in the reader's language, diaspora.messages)."""
    result["note"] = Messages(result.get("note"), message)


def merge_rows(plans: list, updates: dict, new: Callable) -> tuple[dict, dict]:
    """Merge each planned row into the record it creates (`new(values)`) or updates (`updates`, by id;
    merging returns whether it changed something); ({create row: change}, {row: result})."""
    creates: dict = {}
    results: dict[int, dict] = {}
    for plan in plans:
        result = {"action": plan.action, "note": plan.note}
        if plan.action == "create":
            creates[plan.row] = new(plan.values)
            result.update(action="created", create_row=plan.row)
        elif plan.action == "update" and plan.target_row is not None:
            creates[plan.target_row].apply(plan.values)
            result.update(action="updated", create_row=plan.target_row)
        elif plan.action == "update":
            change = updates[plan.person_id]
            result.update(action="updated" if change.apply(plan.values) else "unchanged", person_id=plan.person_id)
        elif plan.action == "skip":
            result["action"] = "skipped"
        results[plan.row] = result
    return creates, results


def result_rows(changes: ChangeSet, batch_id: int, created_ids: dict, undo: dict) -> list[dict]:
    """One ImportRow per data row; the undo data of an updated record goes with its first row."""
    undo = dict(undo)
    rows = []
    for plan in changes.plans:
        result = changes.results[plan.row]
        action = result["action"]
        person_id = created_ids.get(result.get("create_row")) or result.get("person_id")
        version = None
        if action in ("created", "updated"):
            version = 1 if "create_row" in result else changes.updates[person_id].version + 1
        rows.append({
            "batch_id": batch_id, "row_number": plan.row, "action": action, "person_id": person_id,
            "version_after": version,
            "problems": [stored_problem(p) for p in plan.problems] or None,
            "matches": [{**match.to_json(), "reasons": list(match.reasons)} for match in plan.matches] or None,
            **stored_note(result.get("note")),
            "undo": undo.pop(person_id, None) if action == "updated" and "create_row" not in result else None,
        })
    return rows


def stored_problem(problem) -> dict:
    """A problem as an ImportRow keeps it: its message as text in the source language, and its code (msgid
    and parameters, "code") when it has one, for the reader's language."""
    text, code = stored(problem.message)
    if isinstance(code, list):  # one message (Problem keeps it in a Messages)
        code = code[0] if len(code) == 1 and is_coded(code[0]) else (code if any(map(is_coded, code)) else None)
    kept = {"column": problem.column, "message": text, "index": problem.index}
    return {**kept, "code": code} if code is not None else kept


def stored_note(note) -> dict:
    """A row's note as an ImportRow keeps it: note (text, source language) and note_messages (codes)."""
    text, code = stored(note if note else None)
    if isinstance(code, dict):
        code = [code]
    return {"note": text or None, "note_messages": code if code and any(is_coded(part) for part in code) else None}


def changed_rows(batch: ImportBatch):
    """The rows of a batch that created or updated a record, with what undoing them needs."""
    return db.session.execute(
        select(ImportRow.row_number, ImportRow.action, ImportRow.person_id, ImportRow.version_after, ImportRow.undo)
        .where(ImportRow.batch_id == batch.id, ImportRow.action.in_(("created", "updated")),
               ImportRow.person_id.is_not(None))
        .order_by(ImportRow.row_number)
    ).all()


def refuse_if_edited(rows, model, name) -> None:
    """Raise UndoRefused when a record the batch wrote has another version than the one it left."""
    expected = {row.person_id: (row.row_number, row.version_after) for row in rows}
    edited = []
    for chunk in chunks(sorted(expected)):
        for person_id, version, name_ in db.session.execute(
                select(model.id, model.version, name).where(model.id.in_(chunk))):
            row_number, version_after = expected[person_id]
            if version != version_after:
                edited.append((row_number, person_id, name_))
    if edited:
        raise UndoRefused(sorted(edited))


def stored_value(name: str, value, table):
    """A JSON-kept value back in its column's Python type (dates come back as ISO strings)."""
    if value is not None and table.c[name].type.python_type is date:
        return date.fromisoformat(value)
    return value
