"""Importing spreadsheets: prepare, plan, commit in one transaction, history and undo.

The web wizard and the `flask import-…` commands all call prepare_import → build_changes →
commit_changes. Preparing reads and checks everything and writes nothing; committing writes the
whole plan in ONE transaction (any failure: nothing changes) and records the batch, its per-row
results and what undoing it needs; one audit event covers the batch.

Every record type goes through the same steps (read, header, mapping, legacy text, cleaning,
validation, plan, batch, results, error workbook, undo refusal); a RecordKind (kinds.py) supplies
what differs: its sheet, how duplicates are found, how the plan becomes changes, how they are
written and undone. People are the main kind and their steps live here: bulk Core statements for
tens of thousands of rows.
"""
import hashlib
import io
import json
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, select, text, update

from diaspora.audit.service import record, snapshot
from diaspora.extensions import db
from diaspora.imports.bulk import background_writes, execute, insert_rows, prepare_rows
from diaspora.imports.models import ImportBatch, ImportRow, SavedMapping
from diaspora.organisations.models import Organisation
from diaspora.people.models import Person, PersonOffer, person_fields, person_roles
from diaspora.organisations.models import Membership
from diaspora.contacts import Contact
from diaspora.people.search import SQLITE_INSERT_TRIGGER
from diaspora.people.service import derived_columns
from diaspora.records import utcnow
from diaspora.reference.service import country_name
from diaspora.spreadsheets import parallel, pipeline, read
from diaspora.spreadsheets.columns import PEOPLE, Sheet
from diaspora.spreadsheets.errors_workbook import write_error_workbook
from diaspora.spreadsheets.matching import check_ids, find_duplicates
from diaspora.spreadsheets.read import SpreadsheetRejected
from diaspora.text import fold

CHUNK = 5000
BULK_INDEX_ROWS = 1000  # from this many new people on, SQLite's search index is filled in bulk
SQLITE_CACHE_KIB = 32 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
PEOPLE_TABLE = Person.__table__
OFFERS_TABLE = PersonOffer.__table__
CONTACTS_TABLE = Contact.__table__
MEMBERSHIPS_TABLE = Membership.__table__
ORGANISATIONS_TABLE = Organisation.__table__
ROWS_TABLE = ImportRow.__table__
# Attributes an import may change; updates never touch the others.
ATTRIBUTES = tuple(dict.fromkeys(target for column in PEOPLE.columns for target in column.targets))
CONTACT_COLUMNS = PEOPLE.keys_of("contacts")
DERIVED = ("name_folded", "search_text")
_PROGRESS: dict[int, int] = {}


class ImportConflict(Exception):
    """A record changed between planning and writing; the whole import is rolled back."""


class UndoRefused(Exception):
    """Undo would overwrite later edits; `records` lists them as (row, person_id, name)."""

    def __init__(self, records: list[tuple[int, int, str]]):
        super().__init__(f"{len(records)} records changed since the import")
        self.records = records


# --- uploaded files ----------------------------------------------------------------------------------

def uploads_dir() -> Path:
    """Where uploaded files are kept: IMPORT_UPLOADS_DIR, by default instance/uploads."""
    folder = Path(current_app.config.get("IMPORT_UPLOADS_DIR") or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(stream) -> tuple[str, int]:
    """Save an uploaded file under instance/uploads/<sha256>; (sha256, size). The client names no path."""
    digest = hashlib.sha256()
    temporary = uploads_dir() / f"incoming-{threading.get_ident()}-{id(stream)}"
    size = 0
    with temporary.open("wb") as target:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            target.write(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    temporary.replace(uploads_dir() / sha)
    return sha, size


def store_file(path) -> tuple[str, int]:
    """Keep a copy of a file imported from the command line, so its batch offers the error workbook."""
    with open(path, "rb") as stream:
        return store_upload(stream)


def upload_path(sha: str) -> Path:
    """The stored file of a batch; the name is checked to be a SHA-256, never taken as a path."""
    if not _SHA256.fullmatch(sha or ""):
        raise FileNotFoundError(sha)
    path = uploads_dir() / sha
    if not path.is_file():
        raise FileNotFoundError(sha)
    return path


# --- record kinds ----------------------------------------------------------------------------------------

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

    @property
    def key(self) -> str:
        return self.sheet.key

    def record_url(self, record_id: int) -> str:
        return url_for(self.endpoint, **{self.id_argument: record_id})


def kind_of(key: str | None) -> RecordKind:
    from diaspora.imports.kinds import KINDS

    return KINDS[key or PEOPLE.key]


# --- preparing: read, map, clean, match, plan ---------------------------------------------------------

@dataclass
class Preparation:
    """Everything the import would do, computed from the file and the register, nothing written."""

    layout: pipeline.SheetLayout
    mapping: object
    rows: list
    duplicates: dict
    plans: list
    encodings: dict
    kind: RecordKind | None = None  # None: people
    activity_id: int | None = None  # the activity an attendance list adds its people to
    country_from_titles: str | None = None  # the country of rows naming none, read from the sheet's titles

    @property
    def rows_valid(self) -> int:
        return sum(1 for row in self.rows if row.valid)

    @property
    def problems(self) -> list:
        return [problem for row in self.rows for problem in row.problems]


def prepare_import(path, *, file_name: str | None = None, sheet_name: str | None = None,
                   kind: RecordKind | None = None, **choices) -> Preparation:
    """Read a sheet, then prepare_layout; raises SpreadsheetRejected."""
    kind = kind or kind_of(None)
    return prepare_layout(pipeline.read_layout(path, kind.sheet, sheet_name, file_name), kind=kind, **choices)


def prepare_layout(layout: pipeline.SheetLayout, *, kind: RecordKind | None = None, saved: dict | None = None,
                   choices: dict | None = None, defaults: dict | None = None, on_duplicate: str = "skip",
                   row_actions: dict | None = None, activity_id: int | None = None) -> Preparation:
    """Map, convert legacy text, clean, validate, match and plan a sheet already read."""
    kind = kind or kind_of(None)
    sheet = kind.sheet
    country_from_titles = None
    if not (defaults or {}).get("country") and "country" in sheet.header_index.values():
        country_from_titles = pipeline.country_of_titles(layout)
        if country_from_titles:
            defaults = {**(defaults or {}), "country": country_from_titles}
    mapping = pipeline.map_headers(layout, sheet, saved=saved, choices=choices)
    pipeline.check_mapping(mapping, sheet, defaults)
    encodings = pipeline.convert_legacy(layout, mapping)
    rows = pipeline.clean_rows(layout, mapping, sheet, pipeline.load_lookups(), defaults)
    duplicates = kind.find_duplicates(rows, mapping)
    plans = pipeline.plan_rows(rows, duplicates, on_duplicate, row_actions)
    return Preparation(layout, mapping, rows, duplicates, plans, encodings, kind, activity_id, country_from_titles)


def id_header(mapping) -> str:
    """The ID column as the file heads it, for the problems of IDs that name no record."""
    sources = mapping.sources("id")
    return sources[0].header if sources else "ID"


def find_people_duplicates(rows: list, mapping) -> dict:
    check_ids(rows, id_header(mapping))
    return find_duplicates(rows)


# --- building the changes -------------------------------------------------------------------------------

@dataclass
class PersonChange:
    """A record to create, or the changes to one record of the register, gathered from its rows."""

    person_id: int | None  # None: created by this import
    country: str | None = None
    version: int = 0
    current: dict = field(default_factory=dict)  # attribute values as stored (updates)
    before: dict = field(default_factory=dict)  # values changed, as they were
    after: dict = field(default_factory=dict)  # values changed, as they become
    contacts: set = field(default_factory=set)  # (kind, normalized) known
    new_contacts: dict = field(default_factory=dict)  # (kind, normalized) -> value as written
    fields: set = field(default_factory=set)
    new_fields: list = field(default_factory=list)
    roles: set = field(default_factory=set)
    new_roles: list = field(default_factory=list)
    offers: set = field(default_factory=set)  # contribution kinds
    new_offers: list = field(default_factory=list)
    organisations: dict = field(default_factory=dict)  # folded -> name, known
    new_organisations: dict = field(default_factory=dict)  # folded -> name

    @property
    def changed(self) -> bool:
        return bool(self.after or self.new_contacts or self.new_fields or self.new_roles or self.new_offers
                    or self.new_organisations)

    @classmethod
    def new(cls, values: dict) -> "PersonChange":
        """A record created from one row (later rows of the file may still merge into it)."""
        change = cls(None, country=values.get("country"), current=_row_attributes(values))
        for column in CONTACT_COLUMNS:
            for kind, written, normalized in values.get(column, ()):
                change.new_contacts.setdefault((kind, normalized), written)
        change.contacts = set(change.new_contacts)
        change.new_fields = list(dict.fromkeys(values.get("fields", ())))
        change.fields = set(change.new_fields)
        change.new_roles = list(dict.fromkeys(values.get("roles", ())))
        change.roles = set(change.new_roles)
        change.new_offers = list(dict.fromkeys(values.get("offers", ())))
        change.offers = set(change.new_offers)
        for name in values.get("organisations", ()):
            change.new_organisations.setdefault(fold(name)[:300], name)
        change.organisations = dict(change.new_organisations)
        return change

    def apply(self, values: dict) -> bool:
        """Merge one row into the record; True when it changes something. Empty cells never erase."""
        before = (len(self.after), len(self.new_contacts), len(self.new_fields), len(self.new_roles),
                  len(self.new_offers), len(self.new_organisations))
        changed_values = False
        attributes = _row_attributes(values)
        if "birth_date" in attributes and attributes["birth_date"] is None:
            stored = self.current.get("birth_date")
            if stored and stored.year == attributes["birth_year"]:
                del attributes["birth_date"]  # a year alone keeps the stored date of that year
        if "hometown_text" in attributes:
            stored_text, stored_unit = self.current.get("hometown_text"), self.current.get("hometown_unit_code")
            if attributes["hometown_text"] == stored_text:
                del attributes["hometown_unit_code"]  # staff may have picked the unit of a text by hand
            elif stored_text is None and stored_unit and attributes["hometown_unit_code"] == stored_unit:
                # A hometown known by its unit alone is exported under the unit's name: nothing new.
                del attributes["hometown_text"], attributes["hometown_unit_code"]
        for attribute, value in attributes.items():
            if self.current.get(attribute) != value:
                if attribute not in self.before:
                    self.before[attribute] = self.current.get(attribute)
                self.current[attribute] = value
                self.after[attribute] = value
                changed_values = True
        for column in CONTACT_COLUMNS:
            for kind, written, normalized in values.get(column, ()):
                if (kind, normalized) not in self.contacts:
                    self.contacts.add((kind, normalized))
                    self.new_contacts[(kind, normalized)] = written
        for ids, known, added in ((values.get("fields", ()), self.fields, self.new_fields),
                                  (values.get("roles", ()), self.roles, self.new_roles),
                                  (values.get("offers", ()), self.offers, self.new_offers)):
            for item in ids:
                if item not in known:
                    known.add(item)
                    added.append(item)
        for name in values.get("organisations", ()):
            folded = fold(name)[:300]
            if folded not in self.organisations:
                self.organisations[folded] = name
                self.new_organisations[folded] = name
        after = (len(self.after), len(self.new_contacts), len(self.new_fields), len(self.new_roles),
                 len(self.new_offers), len(self.new_organisations))
        return changed_values or after != before


_SINGLE = [(column.key, column.targets[0]) for column in PEOPLE.columns if len(column.targets) == 1]
_MULTIPLE = [(column.key, column.targets) for column in PEOPLE.columns if len(column.targets) > 1]


def _row_attributes(values: dict) -> dict:
    """The Person attributes a cleaned row gives."""
    attributes = {target: values[key] for key, target in _SINGLE if key in values}
    for key, targets in _MULTIPLE:
        if key in values:
            attributes.update(zip(targets, values[key]))
    return attributes


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
        return self.preparation.kind or kind_of(None)

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


def build_changes(preparation: Preparation) -> ChangeSet:
    """What the plan writes, compared with the stored records (reads only)."""
    return (preparation.kind or kind_of(None)).build(preparation)


def add_note(result: dict, message: str) -> None:
    """Add a message to a row's result, after what it already says."""
    result["note"] = " ".join(filter(None, [str(result["note"]) if result.get("note") else None, str(message)]))


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


@pipeline.bulk_step
def build_people_changes(preparation: Preparation) -> ChangeSet:
    """Merge the planned rows into records, comparing updates with the stored values (reads only)."""
    plans = preparation.plans
    targets = sorted({plan.person_id for plan in plans if plan.action == "update" and plan.person_id})
    updates = _load_records(targets)
    creates, results = merge_rows(plans, updates, PersonChange.new)
    names = {folded: name for change in [*creates.values(), *updates.values()]
             for folded, name in change.new_organisations.items()}
    existing = existing_organisation_ids(sorted(names))
    new_organisations = {}
    for change in [*creates.values(), *updates.values()]:
        for folded, name in change.new_organisations.items():
            if folded not in existing and folded not in new_organisations:
                new_organisations[folded] = (name, change.country or change.current.get("country_code"))
    return ChangeSet(preparation, creates, {pid: c for pid, c in updates.items() if c.changed}, results,
                     existing, new_organisations)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _load_records(person_ids: list[int]) -> dict[int, PersonChange]:
    """The stored values, contacts, fields, roles and organisations of the records to update, in bulk."""
    records: dict[int, PersonChange] = {}
    columns = [PEOPLE_TABLE.c[name] for name in ("id", "version", "full_name", "other_names", *ATTRIBUTES)]
    for chunk in _chunks(person_ids):
        for row in db.session.execute(select(*dict.fromkeys(columns)).where(PEOPLE_TABLE.c.id.in_(chunk))):
            values = row._asdict()
            records[row.id] = PersonChange(row.id, country=values["country_code"], version=row.version,
                                           current={name: values[name] for name in ATTRIBUTES})
        for person_id, kind, normalized in db.session.execute(
                select(Contact.person_id, Contact.kind, Contact.normalized).where(Contact.person_id.in_(chunk))):
            records[person_id].contacts.add((kind, normalized))
        for table, column, attribute in ((person_fields, person_fields.c.field_id, "fields"),
                                         (person_roles, person_roles.c.role_id, "roles"),
                                         (OFFERS_TABLE, OFFERS_TABLE.c.kind, "offers")):
            for person_id, item in db.session.execute(
                    select(table.c.person_id, column).where(table.c.person_id.in_(chunk))):
                getattr(records[person_id], attribute).add(item)
        for person_id, folded, name in db.session.execute(
                select(Membership.person_id, Organisation.name_folded, Organisation.name)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .where(Membership.person_id.in_(chunk))):
            records[person_id].organisations[folded] = name
    return records


def existing_organisation_ids(folded_names: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(folded_names):
        for folded, organisation_id in db.session.execute(
                select(Organisation.name_folded, Organisation.id)
                .where(Organisation.name_folded.in_(chunk), Organisation.deleted_at.is_(None))
                .order_by(Organisation.id)):
            found.setdefault(folded, organisation_id)
    return found


# --- writing -------------------------------------------------------------------------------------------------

def _person_row(person_id: int, change: PersonChange, user_id, now) -> dict:
    """Every column of a new person (Core bulk inserts need the same keys in every row)."""
    values = {"id": person_id, **dict.fromkeys(ATTRIBUTES)}
    values.update(change.current)
    values.update(
        person_type=values.get("person_type") or "overseas_vietnamese",
        consent_status=values.get("consent_status") or "unknown", status=values.get("status") or "active",
        nationality_status=values.get("nationality_status"), consent_date=values.get("consent_date"),
        collected_on=None, consent_scope=None,
        is_demo=False, created_at=now, updated_at=now, created_by_id=user_id, updated_by_id=user_id, version=1,
        deleted_at=None,
    )
    values.update(derived_columns(values, list(change.new_contacts), list(change.organisations.values())))
    return values


def _progress(batch_id: int | None, percent: int) -> None:
    """Progress of a running batch for the result page: kept in this process, and on PostgreSQL also
    in the batch row for other app servers (SQLite has one writer: the import itself)."""
    if batch_id is None:
        return
    _PROGRESS[batch_id] = percent
    if db.engine.dialect.name != "sqlite":
        with db.engine.begin() as connection:
            connection.execute(update(ImportBatch.__table__).where(ImportBatch.__table__.c.id == batch_id)
                               .values(progress=percent))


def batch_progress(batch: ImportBatch) -> int:
    return _PROGRESS.get(batch.id, batch.progress or 0)


@pipeline.bulk_step
def commit_changes(changes: ChangeSet, batch_id: int, user=None) -> ImportBatch:
    """Write the change set and the batch's results in one transaction; on any failure roll back
    everything, mark the batch failed and re-raise."""
    try:
        with _sqlite_cache(db.session.connection()):
            batch_values = changes.kind.write(changes, batch_id, getattr(user, "id", None))
        batch = db.session.get(ImportBatch, batch_id)
        _finish(batch, changes, batch_values, user)
        db.session.commit()
    except Exception as failure:
        db.session.rollback()
        _fail(batch_id, str(failure))
        raise
    finally:
        _PROGRESS.pop(batch_id, None)
    return batch


def _fail(batch_id: int, message: str) -> None:
    batch = db.session.get(ImportBatch, batch_id)
    batch.status, batch.finished_at, batch.message = "failed", utcnow(), message[:2000]
    db.session.commit()


def _allocate_ids(connection, table, count: int, batch_id: int) -> list[int]:
    """Ids for new rows, so bulk inserts need no RETURNING (SQLite would send them one by one).

    PostgreSQL draws them from the table's sequence. SQLite has one writer: once this transaction
    has written (the batch row), nobody else can insert, so the ids after the largest are ours.
    """
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        return connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}).scalars().all()
    batches = ImportBatch.__table__
    connection.execute(update(batches).where(batches.c.id == batch_id).values(progress=batches.c.progress))
    first = (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(first, first + count))


@contextmanager
def _sqlite_cache(connection, kibibytes: int = SQLITE_CACHE_KIB):
    """A larger page cache for this connection while it writes tens of thousands of rows into indexed
    tables (SQLite's 2 MB default makes index updates go to disk: 2.4× slower); restored after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kibibytes)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


@contextmanager
def _search_index_in_bulk(connection, person_ids: list[int]):
    """On SQLite, index the new people in one statement after inserting them, not by the per-row
    trigger: FTS5 takes a second for 50,000 rows in bulk and over ten by trigger. The trigger is
    dropped and created again inside the import's transaction, so a failure restores it."""
    if (connection.dialect.name != "sqlite" or len(person_ids) < BULK_INDEX_ROWS or not connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'people_fts_insert'").scalar()):
        yield
        return
    connection.exec_driver_sql("DROP TRIGGER people_fts_insert")
    yield
    for chunk in _chunks(person_ids):
        connection.execute(text("INSERT INTO people_fts(rowid, search_text) SELECT id, search_text FROM people "
                                "WHERE id BETWEEN :first AND :last AND deleted_at IS NULL"),
                           {"first": chunk[0], "last": chunk[-1]})
    connection.exec_driver_sql(SQLITE_INSERT_TRIGGER)


def write_people(changes: ChangeSet, batch_id: int, user_id: int | None) -> dict:
    return {"created_organisation_ids": _write(changes, batch_id, user_id) or None}


def _write(changes: ChangeSet, batch_id: int, user_id: int | None) -> list[int]:
    """All inserts and updates of an import; returns the ids of the organisations it created.

    On SQLite, the rows to insert (new people, their links, the per-row results) are prepared by a
    forked process while this one writes the ones before (parallel.Stream): SQLite writes inside this
    process, which cannot do both at once (commit of 50,000 people about 20% shorter). PostgreSQL
    writes in its own server process while this one prepares the next rows (bulk.background_writes);
    a third process there only takes a core from the server (no faster, measured)."""
    connection = db.session.connection()
    dialect = connection.dialect
    now = utcnow()
    organisation_ids, created_organisations = _create_organisations(connection, changes, user_id, now)
    _progress(batch_id, 45)
    creates = list(changes.creates.items())
    ids = _allocate_ids(connection, PEOPLE_TABLE, len(creates), batch_id)
    created_ids = dict(zip((row for row, _ in creates), ids))
    groups, undo = _planned_updates(changes, organisation_ids)

    def prepared():
        for chunk in _chunks(creates):
            records = [(created_ids[row], change) for row, change in chunk]
            people = [_person_row(person_id, change, user_id, now) for person_id, change in records]
            yield [prepare_rows(dialect, PEOPLE_TABLE, people),
                   *(prepare_rows(dialect, table, rows) for table, rows in _link_rows(records, organisation_ids))]
        for chunk in _chunks(result_rows(changes, batch_id, created_ids, undo)):
            yield [prepare_rows(dialect, ROWS_TABLE, chunk)]

    steps = len(range(0, len(creates), CHUNK)) + len(range(0, len(changes.plans), CHUNK))
    processes = parallel.processes_for(len(creates)) if dialect.name == "sqlite" else 1
    with parallel.Stream(prepared, processes) as inserts:
        _write_updates(connection, changes, groups, organisation_ids, user_id, now)
        with _search_index_in_bulk(connection, sorted(created_ids.values())), \
                background_writes(connection) as writer:
            for number, statements in enumerate(inserts, start=1):
                for statement in statements:
                    execute(connection, statement, writer)
                _progress(batch_id, 45 + 50 * number // max(steps, 1))
    return created_organisations


def _create_organisations(connection, changes: ChangeSet, user_id, now) -> tuple[dict, list[int]]:
    """The associations the file names that the register lacks; ({folded name: id} of all, ids created)."""
    organisation_ids = dict(changes.organisation_ids)
    if not changes.new_organisations:
        return organisation_ids, []
    rows = [{"name": name, "name_folded": folded, "kind": "association", "country_code": country, "city": None,
             "address": None, "notes": None, "is_demo": False, "created_at": now, "updated_at": now,
             "version": 1, "deleted_at": None, "created_by_id": user_id, "updated_by_id": user_id}
            for folded, (name, country) in changes.new_organisations.items()]
    created = connection.execute(
        insert(ORGANISATIONS_TABLE).returning(ORGANISATIONS_TABLE.c.id, sort_by_parameter_order=True), rows
    ).scalars().all()
    organisation_ids.update(zip(changes.new_organisations, created))
    return organisation_ids, created


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
            "problems": [{"column": p.column, "message": p.message, "index": p.index} for p in plan.problems] or None,
            "matches": [match.to_json() for match in plan.matches] or None,
            "note": result.get("note"),
            "undo": undo.pop(person_id, None) if action == "updated" and "create_row" not in result else None,
        })
    return rows


def _link_rows(records: list[tuple[int, PersonChange]], organisation_ids: dict) -> list[tuple]:
    """(table, rows) of the contacts, fields, roles, offers and memberships added to records."""
    contacts, fields_, roles, offers, memberships = [], [], [], [], []
    for person_id, change in records:
        has_primary = {kind for kind, _ in change.contacts.difference(change.new_contacts)}
        for (kind, normalized), written in change.new_contacts.items():
            contacts.append({"person_id": person_id, "organisation_id": None, "kind": kind, "value": written[:300],
                             "normalized": normalized, "is_primary": kind not in has_primary})
            has_primary.add(kind)
        fields_ += [{"person_id": person_id, "field_id": item} for item in change.new_fields]
        roles += [{"person_id": person_id, "role_id": item} for item in change.new_roles]
        offers += [{"person_id": person_id, "kind": kind} for kind in change.new_offers]
        memberships += [{"person_id": person_id, "organisation_id": organisation_ids[folded], "role": None,
                         "start_date": None, "end_date": None} for folded in change.new_organisations]
    return [(table, rows) for table, rows in ((CONTACTS_TABLE, contacts), (person_fields, fields_),
                                              (person_roles, roles), (OFFERS_TABLE, offers),
                                              (MEMBERSHIPS_TABLE, memberships)) if rows]


def _planned_updates(changes: ChangeSet, organisation_ids: dict) -> tuple[dict, dict]:
    """The field-by-field updates, grouped by the set of columns they change (one executemany each), and
    {person_id: undo data}."""
    groups: dict[tuple, list[dict]] = {}
    undo = {}
    for person_id, change in changes.updates.items():
        values = dict(change.after)
        if {"full_name", "other_names"} & set(change.after) or change.new_contacts or change.new_organisations:
            derived = derived_columns(change.current, sorted(change.contacts), list(change.organisations.values()))
            values.update({name: derived[name] for name in DERIVED})
        undo[person_id] = {
            "attributes": snapshot({name: change.before.get(name) for name in change.after}),
            "contacts": [list(key) for key in change.new_contacts],
            "fields": change.new_fields, "roles": change.new_roles, "offers": change.new_offers,
            "organisations": [organisation_ids[folded] for folded in change.new_organisations],
        }
        groups.setdefault(tuple(sorted(values)), []).append(
            {**{f"v_{name}": value for name, value in values.items()}, "p_id": person_id, "p_version": change.version})
    return groups, undo


def _write_updates(connection, changes: ChangeSet, groups: dict, organisation_ids: dict, user_id, now) -> None:
    for names, rows in groups.items():
        _bulk_update(connection, names, rows, user_id, now)
    for table, rows in _link_rows(list(changes.updates.items()), organisation_ids):
        insert_rows(connection, table, rows)


def _bulk_update(connection, names, rows, user_id, now) -> None:
    """The version guard makes an edit made meanwhile fail the whole import rather than be overwritten."""
    table = PEOPLE_TABLE
    statement = (
        update(table)
        .where(table.c.id == bindparam("p_id"), table.c.version == bindparam("p_version"))
        .values({**{name: bindparam(f"v_{name}") for name in names}, "version": table.c.version + 1,
                 "updated_at": now, "updated_by_id": user_id})
    )
    for chunk in _chunks(rows):
        if connection.execute(statement, chunk).rowcount != len(chunk):
            raise ImportConflict(_("Có hồ sơ vừa được sửa trong lúc nhập; không có gì thay đổi, hãy nhập lại."))


def _finish(batch: ImportBatch, changes: ChangeSet, batch_values: dict, user) -> None:
    summary = changes.summary
    for name, value in (*summary.items(), *batch_values.items()):
        setattr(batch, name, value)
    batch.status, batch.progress, batch.finished_at = "committed", 100, utcnow()
    batch.mapping = changes.preparation.mapping.to_json()
    batch.sheet_name = changes.preparation.layout.sheet_name
    record("import", entity_type="import_batches", entity_id=batch.id, user=user,
           summary=_("Nhập tệp %(file)s: %(created)d thêm mới, %(updated)d cập nhật, %(skipped)d bỏ qua, "
                     "%(errors)d dòng lỗi.", file=batch.file_name, created=summary["created"],
                     updated=summary["updated"], skipped=summary["skipped"], errors=summary["errors"]),
           changes={"counts": summary, "file_sha256": batch.file_sha256})


# --- batches: the wizard's draft, running, the command line --------------------------------------------

def create_batch(*, sha: str, size: int, file_name: str, user=None, source: str = "web", status: str = "draft",
                 sheet_name: str | None = None, on_duplicate: str = "skip", sheet_key: str = PEOPLE.key,
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


def _int_keys(values: dict | None) -> dict:
    return {int(key): value for key, value in (values or {}).items()}


_PREPARED: dict[str, tuple] = {}  # the last preparation shown in the wizard: (key, when, preparation)
PREPARED_SECONDS = 600


def batch_preparation(batch: ImportBatch, fresh: bool = False) -> Preparation:
    """The batch's plan, recomputed from its stored file and the wizard's choices (deterministic).

    Paging through the preview reuses the last preparation of the same file and mapping for a few
    minutes (reading and matching 50,000 rows takes seconds); the commit always starts afresh.
    """
    key = (batch.id, batch.sheet_key, batch.activity_id, batch.file_sha256, batch.sheet_name,
           json.dumps(batch.mapping_choices, sort_keys=True), json.dumps(batch.defaults, sort_keys=True))
    cached = _PREPARED.get("last")
    if not fresh and cached and cached[0] == key and time.monotonic() - cached[1] < PREPARED_SECONDS:
        preparation = cached[2]
    else:
        _PREPARED.clear()
        preparation = prepare_import(upload_path(batch.file_sha256), file_name=batch.file_name,
                                     sheet_name=batch.sheet_name, kind=kind_of(batch.sheet_key),
                                     choices=_int_keys(batch.mapping_choices), defaults=batch.defaults,
                                     activity_id=batch.activity_id)
        if not fresh:
            _PREPARED["last"] = (key, time.monotonic(), preparation)
    plans = pipeline.plan_rows(preparation.rows, preparation.duplicates, batch.on_duplicate,
                               _int_keys(batch.row_actions))
    return replace(preparation, plans=plans)


def execute_batch(batch_id: int, user_id: int | None = None) -> ImportBatch:
    """Prepare and commit a draft batch; marks it running first, failed on any error."""
    from diaspora.auth.models import User

    batch = db.session.get(ImportBatch, batch_id)
    user = db.session.get(User, user_id) if user_id else None
    batch.status, batch.progress, batch.message, batch.started_at = "running", 0, None, utcnow()
    db.session.commit()
    try:
        preparation = batch_preparation(batch, fresh=True)
        _progress(batch_id, 30)
        changes = build_changes(preparation)
        _progress(batch_id, 40)
    except Exception as failure:
        db.session.rollback()
        _fail(batch_id, getattr(failure, "message", None) or str(failure))
        _PROGRESS.pop(batch_id, None)
        raise
    return commit_changes(changes, batch_id, user)


_THREADS: dict[int, threading.Thread] = {}


def start_batch(batch: ImportBatch, user=None, background: bool = False) -> None:
    """Commit a draft now, or in a background thread (with its own app context) for large files."""
    if not background:
        execute_batch(batch.id, getattr(user, "id", None))
        return
    app = current_app._get_current_object()
    batch_id, user_id = batch.id, getattr(user, "id", None)
    _PROGRESS[batch_id] = 0

    def run():
        with app.app_context():
            try:
                execute_batch(batch_id, user_id)
            except Exception:  # the batch is marked failed with the reason; the log keeps the trace
                app.logger.exception("import batch %s failed", batch_id)

    thread = threading.Thread(target=run, name=f"import-{batch_id}", daemon=True)
    for finished in [key for key, other in _THREADS.items() if not other.is_alive()]:
        _THREADS.pop(finished, None)
    _THREADS[batch_id] = thread
    thread.start()


def wait_for(batch_id: int, timeout: float | None = None) -> None:
    """Wait for a background commit to end (tests, and the command line when it starts one)."""
    thread = _THREADS.pop(batch_id, None)
    if thread is not None:
        thread.join(timeout)


def report(changes: ChangeSet, batch: ImportBatch | None = None, dry_run: bool = False) -> dict:
    """The outcome as `import-people --json` prints it (1-based Excel rows, headers as written)."""
    preparation = changes.preparation
    summary = changes.summary
    return {
        "status": "ok",
        "dry_run": dry_run,
        "batch_id": batch.id if batch is not None else None,
        "sheet": preparation.layout.sheet_name,
        "rows_total": summary["rows_total"],
        "rows_valid": summary["rows_valid"],
        "created": summary["created"],
        "updated": summary["updated"],
        "unchanged": summary["unchanged"],
        "skipped": summary["skipped"],
        "errors": [problem.to_json() for problem in preparation.problems],
        "notes": [{"row": row, "message": str(result["note"])} for row, result in sorted(changes.results.items())
                  if result.get("note")],
        "duplicates": [{"row": row, "matches": [match.to_json(changes.kind.id_argument) for match in matches]}
                       for row, matches in sorted(preparation.duplicates.items())],
        "unmapped_columns": [column.header for column in preparation.mapping.unmapped],
        "legacy_columns": {preparation.mapping.header_of(index): encoding
                           for index, encoding in preparation.encodings.items()},
        "country_from_titles": preparation.country_from_titles,
        **changes.extra_report,
    }


def import_file(path, *, file_name: str | None = None, sheet_name: str | None = None, on_duplicate: str = "skip",
                dry_run: bool = False, user=None, kind: RecordKind | None = None,
                activity_id: int | None = None) -> dict:
    """Import a file from the command line; returns report(). Raises SpreadsheetRejected."""
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


# --- history and undo ---------------------------------------------------------------------------------------

def undo_batch(batch_id: int, user=None) -> dict:
    """Remove the records a batch created and restore those it updated, in one transaction.

    Refused (UndoRefused, nothing changed) when any of those records was edited since the import:
    its version is no longer the one the import left.
    """
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != "committed":
        raise ValueError(_("Chỉ hoàn tác được một lần nhập đã hoàn tất."))
    now = utcnow()
    with _sqlite_cache(db.session.connection()):
        outcome, summary = kind_of(batch.sheet_key).undo(batch, getattr(user, "id", None), now)
    batch.status, batch.undone_at, batch.undone_by_id = "undone", now, getattr(user, "id", None)
    record("import_undo", entity_type="import_batches", entity_id=batch.id, user=user, changes=outcome,
           summary=summary)
    db.session.commit()
    return {**outcome, "summary": summary}


def changed_rows(batch: ImportBatch):
    """The rows of a batch that created or updated a record, with what undoing them needs."""
    return db.session.execute(
        select(ImportRow.row_number, ImportRow.action, ImportRow.person_id, ImportRow.version_after, ImportRow.undo)
        .where(ImportRow.batch_id == batch.id, ImportRow.action.in_(("created", "updated")),
               ImportRow.person_id.is_not(None))
        .order_by(ImportRow.row_number)
    ).all()


def undo_people(batch: ImportBatch, user_id: int | None, now) -> tuple[dict, str]:
    """Remove the people a batch created and restore those it updated; raises UndoRefused."""
    rows = changed_rows(batch)
    created = sorted({row.person_id for row in rows if row.action == "created"})
    restores = [row for row in rows if row.undo]
    refuse_if_edited(rows)
    connection = db.session.connection()
    restored = _restore(connection, restores, user_id, now)
    for chunk in _chunks(created):
        for table in (CONTACTS_TABLE, person_fields, person_roles, OFFERS_TABLE, MEMBERSHIPS_TABLE):
            connection.execute(delete(table).where(table.c.person_id.in_(chunk)))
        connection.execute(delete(PEOPLE_TABLE).where(PEOPLE_TABLE.c.id.in_(chunk)))
    removed_organisations = remove_created_organisations(connection, batch.created_organisation_ids or [])
    outcome = {"removed": len(created), "restored": restored, "organisations_removed": removed_organisations}
    return outcome, _("Hoàn tác lần nhập %(file)s: xoá %(removed)d hồ sơ thêm mới, khôi phục %(restored)d hồ sơ.",
                      file=batch.file_name, removed=len(created), restored=restored)


def refuse_if_edited(rows, model=Person, name=Person.full_name) -> None:
    """Raise UndoRefused when a record the batch wrote has another version than the one it left."""
    expected = {row.person_id: (row.row_number, row.version_after) for row in rows}
    edited = []
    for chunk in _chunks(sorted(expected)):
        for person_id, version, name_ in db.session.execute(
                select(model.id, model.version, name).where(model.id.in_(chunk))):
            row_number, version_after = expected[person_id]
            if version != version_after:
                edited.append((row_number, person_id, name_))
    if edited:
        raise UndoRefused(sorted(edited))


def stored_value(name: str, value, table=PEOPLE_TABLE):
    """A JSON-kept value back in its column's Python type (dates come back as ISO strings)."""
    if value is not None and table.c[name].type.python_type is date:
        return date.fromisoformat(value)
    return value


def _restore(connection, rows, user_id, now) -> int:
    """Put updated records back as they were and remove what the import added to them."""
    from diaspora.people.service import refresh_search_text

    groups: dict[tuple, list[dict]] = {}
    links = {"contacts": [], "fields": [], "roles": [], "offers": [], "organisations": []}
    for row in rows:
        values = {name: stored_value(name, value) for name, value in row.undo["attributes"].items()}
        if "full_name" in values:
            values["name_folded"] = fold(values["full_name"])[:200]
        groups.setdefault(tuple(sorted(values)), []).append(
            {**{f"v_{name}": value for name, value in values.items()}, "p_id": row.person_id,
             "p_version": row.version_after})
        links["contacts"] += [{"p_id": row.person_id, "p_kind": kind, "p_normalized": normalized}
                              for kind, normalized in row.undo["contacts"]]
        for name in ("fields", "roles", "offers", "organisations"):
            # Batches committed before offers were imported carry no "offers" list.
            links[name] += [{"p_id": row.person_id, "p_item": item} for item in row.undo.get(name, ())]
    for names, chunk_rows in groups.items():
        _bulk_update(connection, names, chunk_rows, user_id, now)
    for table, conditions, rows_ in (
        (CONTACTS_TABLE, lambda t: (t.c.kind == bindparam("p_kind"), t.c.normalized == bindparam("p_normalized")),
         links["contacts"]),
        (person_fields, lambda t: (t.c.field_id == bindparam("p_item"),), links["fields"]),
        (person_roles, lambda t: (t.c.role_id == bindparam("p_item"),), links["roles"]),
        (OFFERS_TABLE, lambda t: (t.c.kind == bindparam("p_item"),), links["offers"]),
        (MEMBERSHIPS_TABLE, lambda t: (t.c.organisation_id == bindparam("p_item"),), links["organisations"]),
    ):
        if rows_:
            connection.execute(delete(table).where(table.c.person_id == bindparam("p_id"), *conditions(table)),
                               rows_)
    person_ids = [row.person_id for row in rows]
    for chunk in _chunks(person_ids):
        refresh_search_text(select(Person.id).where(Person.id.in_(chunk)))
    return len(rows)


def remove_created_organisations(connection, organisation_ids: list[int]) -> int:
    """Organisations the import created, unless someone joined, edited or linked them since."""
    from diaspora.outreach.models import ActivityParticipant, DistributionChannel

    if not organisation_ids:
        return 0
    still_used = set()
    for column in (Membership.organisation_id, DistributionChannel.organisation_id,
                   ActivityParticipant.organisation_id):
        still_used.update(db.session.scalars(select(column).where(column.in_(organisation_ids))))
    removable = [oid for oid in organisation_ids if oid not in still_used]
    if not removable:
        return 0
    return connection.execute(delete(ORGANISATIONS_TABLE).where(
        ORGANISATIONS_TABLE.c.id.in_(removable), ORGANISATIONS_TABLE.c.version == 1)).rowcount


def batch_rows(batch: ImportBatch, action: str | None = None, page: int = 1, per_page: int = 100):
    """One page of a batch's row results, rows with errors first; `action` "notes": the rows with a note."""
    query = select(ImportRow).where(ImportRow.batch_id == batch.id)
    if action == "notes":
        query = query.where(ImportRow.note.is_not(None))
    elif action:
        query = query.where(ImportRow.action == action)
    return db.paginate(query.order_by((ImportRow.action != "error"), ImportRow.row_number), page=page,
                       per_page=per_page, error_out=False)


def _writing_here(batch_id: int) -> bool:
    """True while a thread of this process writes the batch."""
    thread = _THREADS.get(batch_id)
    return thread is not None and thread.is_alive()


def fail_abandoned_batches(now=None) -> int:
    """Mark failed the batches still "running" long after they started: the process writing them stopped
    (a restart, a crash) and their one transaction was rolled back, so nothing of them was written."""
    now = now or utcnow()
    cutoff = now - timedelta(minutes=current_app.config.get("IMPORT_ABANDONED_MINUTES", 120))
    abandoned = [batch for batch in db.session.scalars(select(ImportBatch).where(
        ImportBatch.status == "running", ImportBatch.started_at < cutoff)) if not _writing_here(batch.id)]
    for batch in abandoned:
        batch.status, batch.finished_at = "failed", now
        batch.message = _("Lần nhập bị gián đoạn (máy chủ dừng giữa chừng); không có gì thay đổi, hãy nhập lại.")
    if abandoned:
        db.session.commit()
    return len(abandoned)


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
    kept = set(db.session.scalars(select(ImportBatch.file_sha256).distinct()))
    removed = 0
    for path in uploads_dir().iterdir():
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        if path.name not in kept and modified < now - timedelta(hours=1):  # an upload being stored is newer
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def history(page: int = 1, per_page: int = 50):
    """Batches newest first (drafts left unfinished are not history)."""
    fail_abandoned_batches()
    return db.paginate(select(ImportBatch).where(ImportBatch.status != "draft").order_by(ImportBatch.id.desc()),
                       page=page, per_page=per_page, error_out=False)


# --- saved mappings ----------------------------------------------------------------------------------------

def saved_mappings(sheet_key: str = PEOPLE.key) -> list[SavedMapping]:
    return list(db.session.scalars(select(SavedMapping).where(SavedMapping.sheet_key == sheet_key)
                                   .order_by(SavedMapping.name)))


def save_mapping(name: str, mapping, user=None, sheet_key: str = PEOPLE.key) -> SavedMapping:
    """Save (or replace) a named mapping: what each header, as written, feeds."""
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.sheet_key == sheet_key,
                                                         SavedMapping.name == name))
    if saved is None:
        saved = SavedMapping(sheet_key=sheet_key, name=name, created_by_id=getattr(user, "id", None))
        db.session.add(saved)
    saved.entries = mapping.saved_entries()
    db.session.commit()
    return saved


# --- the wizard ------------------------------------------------------------------------------------------

def start_upload(upload, user=None, sheet_key: str = PEOPLE.key, activity_id: int | None = None) -> ImportBatch:
    """Store an uploaded file and open a draft batch on its default sheet; raises SpreadsheetRejected
    (and forgets the file) when it is not a spreadsheet we can read safely."""
    purge_uploads()
    sha, size = store_upload(upload.stream)
    file_name = Path(upload.filename or "").name or sha
    try:
        sheet = read.default_sheet(read.list_sheets(upload_path(sha), pipeline.reading_limits(),
                                                    original_filename=file_name))
    except SpreadsheetRejected:
        if not db.session.scalar(select(ImportBatch.id).where(ImportBatch.file_sha256 == sha).limit(1)):
            upload_path(sha).unlink(missing_ok=True)
        raise
    return create_batch(sha=sha, size=size, file_name=file_name, user=user, sheet_name=sheet.name,
                        sheet_key=sheet_key, activity_id=activity_id)


def activities_to_attend(limit: int = 200) -> list:
    """Live activities an attendance list may be imported into, the latest first."""
    from diaspora.outreach.models import Activity

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
    return pipeline.map_headers(layout, sheet, choices=_int_keys(batch.mapping_choices))


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
    return db.session.get(SavedMapping, int(mapping_id)) if str(mapping_id or "").isdigit() else None


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


def person_names(person_ids) -> dict[int, str]:
    """{id: full name} of the people still in the register among these ids."""
    names = {}
    for chunk in _chunks(sorted(set(person_ids))):
        names.update(db.session.execute(select(Person.id, Person.full_name).where(Person.id.in_(chunk))).all())
    return names


def background_threshold() -> int:
    """From this many rows on, the wizard commits in a background thread."""
    return current_app.config.get("IMPORT_BACKGROUND_ROWS", 2000)


def error_workbook(batch: ImportBatch) -> io.BytesIO:
    """The rows that cannot be (or were not) imported, as a workbook to fix and upload again."""
    if batch.status == "draft":
        preparation = batch_preparation(batch)
        layout = preparation.layout
        problems = {row.row: [{"index": p.index, "column": p.column, "message": p.message} for p in row.problems]
                    for row in preparation.rows if row.problems}
    else:
        layout = draft_layout(batch)
        pipeline.convert_legacy(layout, pipeline.map_headers(layout, kind_of(batch.sheet_key).sheet,
                                                             choices=_int_keys(batch.mapping_choices)))
        problems = dict(db.session.execute(
            select(ImportRow.row_number, ImportRow.problems)
            .where(ImportRow.batch_id == batch.id, ImportRow.action == "error")).all())
    stream = io.BytesIO()
    rows = [(number, values, problems[number]) for number, values in layout.data_rows if number in problems]
    write_error_workbook(stream, layout.headers, rows)
    stream.seek(0)
    return stream
