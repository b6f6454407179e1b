"""Importing people: the people record kind (duplicates, changes, bulk writes, undo).

The import engine (diaspora.imports) reads, maps, cleans and plans a sheet; this module turns the
planned rows into records to create and changes to stored records (PersonChange), writes them with
bulk statements (tens of thousands of rows: ids allocated ahead, COPY on PostgreSQL), and undoes a
batch. An attendance list (outreach/importing.py) reuses these steps for its people.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, select, update

from diaspora import signals
from diaspora.audit.service import diff, insert_events, snapshot
from diaspora.batches.kinds import (
    ChangeSet,
    ImportConflict,
    Preparation,
    RecordKind,
    changed_rows,
    id_header,
    merge_rows,
    refuse_if_edited,
    result_rows,
    stored_value,
)
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.bulk import (
    CHUNK,
    allocate_ids,
    chunks,
    execute,
    insert_rows,
    prepare_rows,
)
from diaspora.contacts import CONTACT_KIND_LABELS, Contact, phone_verified
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.organisations.service import (
    existing_organisation_ids,
    remove_created_organisations,
)
from diaspora.people.columns import PEOPLE
from diaspora.people.duplicates import check_ids, find_duplicates
from diaspora.people.models import (
    CONSENT_LABELS,
    CONSENT_SOURCE_LABELS,
    CONTRIBUTION_LABELS,
    GENDER_LABELS,
    LEGAL_BASIS_LABELS,
    NATIONALITY_LABELS,
    PERSON_TYPE_LABELS,
    STATUS_LABELS,
    Person,
    PersonOffer,
    person_fields,
    person_roles,
)
from diaspora.people.search_index import search_index_in_bulk
from diaspora.people.service import audit_values, derived_columns, refresh_search_text, refresh_sort_keys
from diaspora.records import utcnow
from diaspora.reference.models import CommunityRole, Country, Field, Unit
from diaspora.spreadsheets.pipeline import bulk_step
from diaspora.text import fold

PEOPLE_TABLE = Person.__table__
OFFERS_TABLE = PersonOffer.__table__
CONTACTS_TABLE = Contact.__table__
MEMBERSHIPS_TABLE = Membership.__table__
ORGANISATIONS_TABLE = Organisation.__table__
ROWS_TABLE = ImportRow.__table__
# Attributes an import may change; updates never touch the others.
ATTRIBUTES = tuple(dict.fromkeys(target for column in PEOPLE.columns for target in column.targets))
CONTACT_COLUMNS = PEOPLE.keys_of("contacts")
DERIVED = ("name_folded", "sort_key", "search_text")


def find_people_duplicates(rows: list, mapping) -> dict:
    check_ids(rows, id_header(mapping))
    return find_duplicates(rows)


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
    # (kind, normalized) -> value as written; an unverified phone's normalized is an UnverifiedPhone (a str
    # that carries the mark to _link_rows, which stores Contact.verified False).
    new_contacts: dict = field(default_factory=dict)
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


@bulk_step
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


def _load_records(person_ids: list[int]) -> dict[int, PersonChange]:
    """The stored values, contacts, fields, roles and organisations of the records to update, in bulk."""
    records: dict[int, PersonChange] = {}
    columns = [PEOPLE_TABLE.c[name] for name in ("id", "version", "full_name", "other_names", *ATTRIBUTES)]
    for chunk in chunks(person_ids):
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


def _person_row(person_id: int, change: PersonChange, user_id, now) -> dict:
    """Every column of a new person (Core bulk inserts need the same keys in every row)."""
    values = {"id": person_id, **dict.fromkeys(ATTRIBUTES)}
    values.update(change.current)
    values.update(
        person_type=values.get("person_type") or "overseas_vietnamese",
        consent_status=values.get("consent_status") or "unknown", status=values.get("status") or "active",
        nationality_status=values.get("nationality_status"), consent_date=values.get("consent_date"),
        collected_on=None,
        is_demo=False, created_at=now, updated_at=now, created_by_id=user_id, updated_by_id=user_id, version=1,
        deleted_at=None,
    )
    values.update(derived_columns(values, list(change.new_contacts), list(change.organisations.values())))
    return values


def write_people(changes: ChangeSet, batch_id: int, user_id: int | None, progress=None) -> dict:
    """All inserts and updates of a people import, in the caller's transaction; `progress(percent)` is
    told as the chunks go in (45 → 95). The batch attributes it sets: the organisations it created."""
    return {"created_organisation_ids": _write(changes, batch_id, user_id, progress or (lambda percent: None))
            or None}


def _write(changes: ChangeSet, batch_id: int, user_id: int | None, progress) -> list[int]:
    """New people, their links and the per-row results inserted chunk by chunk (COPY on PostgreSQL,
    executemany on SQLite), updates by executemany; the ids of the organisations it created."""
    connection = db.session.connection()
    dialect = connection.dialect
    now = utcnow()
    organisation_ids, created_organisations = _create_organisations(connection, changes, user_id, now)
    progress(45)
    creates = list(changes.creates.items())
    ids = allocate_ids(connection, PEOPLE_TABLE, len(creates))
    created_ids = dict(zip((row for row, _ in creates), ids))
    groups, undo = _planned_updates(changes, organisation_ids)
    _write_updates(connection, changes, groups, organisation_ids, user_id, now)
    results = result_rows(changes, batch_id, created_ids, undo)
    steps = max(len(range(0, len(creates), CHUNK)) + len(range(0, len(results), CHUNK)), 1)
    done = 0
    with search_index_in_bulk(connection, sorted(created_ids.values())):
        for chunk in chunks(creates):
            records = [(created_ids[row], change) for row, change in chunk]
            people = [_person_row(person_id, change, user_id, now) for person_id, change in records]
            execute(connection, prepare_rows(dialect, PEOPLE_TABLE, people))
            for table, rows in _link_rows(records, organisation_ids):
                execute(connection, prepare_rows(dialect, table, rows))
            done += 1
            progress(45 + 50 * done // steps)
        for chunk in chunks(results):
            execute(connection, prepare_rows(dialect, ROWS_TABLE, chunk))
            done += 1
            progress(45 + 50 * done // steps)
    _audit_import(connection, changes, batch_id, created_ids, user_id, now)
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


def _link_rows(records: list[tuple[int, PersonChange]], organisation_ids: dict) -> list[tuple]:
    """(table, rows) of the contacts, fields, roles, offers and memberships added to records."""
    contacts, fields_, roles, offers, memberships = [], [], [], [], []
    for person_id, change in records:
        has_primary = {kind for kind, _ in change.contacts.difference(change.new_contacts)}
        for (kind, normalized), written in change.new_contacts.items():
            contacts.append({"person_id": person_id, "organisation_id": None, "kind": kind, "value": written[:300],
                             "normalized": str(normalized), "is_primary": kind not in has_primary,
                             "verified": phone_verified(normalized)})
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
        if ({"full_name", "other_names", "person_type"} & set(change.after) or change.new_contacts
                or change.new_organisations):
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
    for chunk in chunks(rows):
        if connection.execute(statement, chunk).rowcount != len(chunk):
            raise ImportConflict(_("Có hồ sơ vừa được sửa trong lúc nhập; không có gì thay đổi, hãy nhập lại."))


def undo_people(batch: ImportBatch, user_id: int | None, now) -> tuple[dict, str]:
    """Remove the people a batch created and restore those it updated; raises UndoRefused."""
    rows = changed_rows(batch)
    created = sorted({row.person_id for row in rows if row.action == "created"})
    restores = [row for row in rows if row.undo]
    refuse_if_edited(rows, Person, Person.full_name)
    connection = db.session.connection()
    _audit_undo(connection, batch, restores, user_id, now)
    restored = _restore(connection, restores, user_id, now)
    # The restored records are told as changed (the duplicate review queue); the removed ones take their rows along.
    signals.people_changed.send(None, ids=[row.person_id for row in restores], committed=False)
    for chunk in chunks(created):
        for table in (CONTACTS_TABLE, person_fields, person_roles, OFFERS_TABLE, MEMBERSHIPS_TABLE):
            connection.execute(delete(table).where(table.c.person_id.in_(chunk)))
        connection.execute(delete(PEOPLE_TABLE).where(PEOPLE_TABLE.c.id.in_(chunk)))
    removed_organisations = remove_created_organisations(connection, batch.created_organisation_ids or [])
    outcome = {"removed": len(created), "restored": restored, "organisations_removed": removed_organisations}
    return outcome, _l("Hoàn tác lần nhập %(file)s: xoá %(removed)d hồ sơ thêm mới, khôi phục %(restored)d hồ sơ.",
                      file=batch.file_name, removed=len(created), restored=restored)


def _restore(connection, rows, user_id, now) -> int:
    """Put updated records back as they were and remove what the import added to them."""
    groups: dict[tuple, list[dict]] = {}
    links = {"contacts": [], "fields": [], "roles": [], "offers": [], "organisations": []}
    for row in rows:
        values = {name: stored_value(name, value, PEOPLE_TABLE) for name, value in row.undo["attributes"].items()}
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
    refresh_sort_keys([row.person_id for row in rows if {"full_name", "person_type"} & set(row.undo["attributes"])])
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
    for chunk in chunks(person_ids):
        refresh_search_text(select(Person.id).where(Person.id.in_(chunk)))
    return len(rows)


class _Readable:
    """Stored values as the history shows them (as people.service.audit_values writes them: labels,
    names, dd/mm/yyyy), looked up once per import."""

    CODED = {"gender": GENDER_LABELS, "person_type": PERSON_TYPE_LABELS, "nationality_status": NATIONALITY_LABELS,
             "consent_status": CONSENT_LABELS, "status": STATUS_LABELS, "consent_source": CONSENT_SOURCE_LABELS,
             "consent_legal_basis": LEGAL_BASIS_LABELS}

    def __init__(self, unit_codes=()):
        with force_locale("vi"):
            self.coded = {name: {code: str(label) for code, label in labels.items()}
                          for name, labels in self.CODED.items()}
            self.offers = {kind: str(label) for kind, label in CONTRIBUTION_LABELS.items()}
            self.contact_kinds = {kind: str(label) for kind, label in CONTACT_KIND_LABELS.items()}
        self.countries = dict(db.session.execute(select(Country.code, Country.name_vi)).all())
        self.fields = dict(db.session.execute(select(Field.id, Field.name_vi)).all())
        self.roles = dict(db.session.execute(select(CommunityRole.id, CommunityRole.name_vi)).all())
        self.units = {}
        for chunk in chunks(sorted({code for code in unit_codes if code})):
            self.units.update(db.session.execute(select(Unit.code, Unit.full_name).where(Unit.code.in_(chunk))).all())

        self.converters = {name: labels.get for name, labels in self.coded.items()}
        self.converters.update(country_code=self.countries.get, hometown_unit_code=self.units.get,
                               birth_date=_dmy, consent_date=_dmy)

    def value(self, name: str, value):
        if value is None or value == "":
            return None
        convert = self.converters.get(name)
        return value if convert is None else (convert(value) or value)

    def links(self, contacts, fields_, roles, offers, organisations) -> dict:
        """{key: [readable item]} of the contacts, fields, roles, offers and memberships given."""
        return {key: items for key, items in (
            ("contacts", [f"{self.contact_kinds.get(kind, kind)}: {value}" for kind, value in contacts]),
            ("fields", [self.fields.get(item, item) for item in fields_]),
            ("roles", [self.roles.get(item, item) for item in roles]),
            ("offers", [self.offers.get(item, item) for item in offers]),
            ("memberships", list(organisations)),
        ) if items}


def _dmy(value) -> str:
    """dd/mm/yyyy of a date, or of an ISO date kept by the undo data."""
    if isinstance(value, str):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}" if len(value) == 10 else value
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _audit_import(connection, changes: ChangeSet, batch_id: int, created_ids: dict, user_id, now) -> None:
    """One "import" audit event per person the import updated, with its fields before and after and the
    batch in its summary (the history links it), inserted in bulk in the import's transaction. A person
    it created needs none: the batch's row result records the creation (creation_by_import)."""
    if not changes.updates:
        return
    batch = db.session.get(ImportBatch, batch_id)
    summary = _l("Nhập từ tệp %(file)s, lượt nhập #%(batch)d", file=batch.file_name if batch else "", batch=batch_id)
    readable = _Readable([change.current.get("hometown_unit_code") for change in changes.updates.values()])
    value = readable.value
    rows = []
    for person_id, change in changes.updates.items():
        diff_ = {}
        for name, item in change.after.items():
            before, after = value(name, change.before.get(name)), value(name, item)
            if before != after:
                diff_[name] = {"before": before, "after": after}
        added = readable.links(change.new_contacts.items(), change.new_fields, change.new_roles, change.new_offers,
                               change.new_organisations.values())
        known = readable.links(
            sorted(change.contacts.difference(change.new_contacts)),
            sorted(change.fields.difference(change.new_fields)), sorted(change.roles.difference(change.new_roles)),
            sorted(change.offers.difference(change.new_offers)),
            [name for folded, name in change.organisations.items() if folded not in change.new_organisations])
        diff_.update({key: {"before": known.get(key, []), "after": known.get(key, []) + items}
                      for key, items in added.items()})
        rows.append(_event_row(now, user_id, "import", person_id, summary, diff_))
        if len(rows) == CHUNK:
            insert_events(connection, rows)
            rows = []
    insert_events(connection, rows)


def _audit_undo(connection, batch: ImportBatch, rows, user_id, now) -> None:
    """One "import_undo" audit event per person the undo restores: its fields from what the import
    wrote back to what they were, and what it removes (the people it deletes have no history left)."""
    if not rows:
        return
    summary = _l("Hoàn tác nhập tệp %(file)s, lượt nhập #%(batch)d", file=batch.file_name, batch=batch.id)
    names = sorted({name for row in rows for name in row.undo["attributes"]})
    stored = {}
    if names:
        columns = [PEOPLE_TABLE.c.id, *(PEOPLE_TABLE.c[name] for name in names)]
        for chunk in chunks([row.person_id for row in rows]):
            stored.update((values[0], values) for values in
                          connection.execute(select(*columns).where(PEOPLE_TABLE.c.id.in_(chunk))).all())
    readable = _Readable([*(values._mapping.get("hometown_unit_code") for values in stored.values()),
                          *(row.undo["attributes"].get("hometown_unit_code") for row in rows)])
    value = readable.value
    organisation_ids = sorted({item for row in rows for item in row.undo.get("organisations") or ()})
    organisation_names = {}
    for chunk in chunks(organisation_ids):
        organisation_names.update(connection.execute(
            select(ORGANISATIONS_TABLE.c.id, ORGANISATIONS_TABLE.c.name).where(ORGANISATIONS_TABLE.c.id.in_(chunk))
        ).all())
    events = []
    for row in rows:
        current = stored.get(row.person_id)
        diff_ = {}
        for name, restored in row.undo["attributes"].items():
            before = value(name, current._mapping[name] if current is not None else None)
            after = value(name, restored)
            if before != after:
                diff_[name] = {"before": before, "after": after}
        contacts = [(kind, normalized) for kind, normalized in row.undo["contacts"]]
        removed = readable.links(contacts, row.undo.get("fields", ()), row.undo.get("roles", ()),
                                 row.undo.get("offers", ()), [])
        if row.undo.get("organisations"):
            removed["memberships"] = [organisation_names.get(item, str(item)) for item in row.undo["organisations"]]
        diff_.update({key: {"before": items, "after": []} for key, items in removed.items()})
        events.append(_event_row(now, user_id, "import_undo", row.person_id, summary, diff_))
    for chunk in chunks(events):
        insert_events(connection, chunk)


def creation_by_import(person: Person, later_events=()):
    """The import that created a person, as the first event of its history, or None: read from the
    batch's row result (the 50,000 people of a list write no event each). The values it was given are
    today's, taken back through the before-values of the events since (`later_events`, newest first)."""
    found = db.session.execute(
        select(ImportRow.row_number, ImportBatch)
        .join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .where(ImportRow.person_id == person.id, ImportRow.action == "created", ImportBatch.status == "committed")
        .order_by(ImportRow.id).limit(1)).first()
    if found is None:
        return None
    row_number, batch = found
    values = audit_values(person)
    for event in later_events:
        for key, change in (event.changes or {}).items():
            if key in values and isinstance(change, dict) and "before" in change:
                values[key] = change["before"]
    given = {key: value for key, value in values.items() if value not in (None, "", [], False)}
    return SimpleNamespace(
        action="import", entity_type="people", entity_id=person.id, at=batch.finished_at or batch.created_at,
        user=batch.user, address=None, changes=diff({}, given) or None,
        summary=_("Tạo mới từ dòng %(row)d của tệp %(file)s, lượt nhập #%(batch)d", row=row_number,
                  file=batch.file_name, batch=batch.id))


def _event_row(now, user_id, action, person_id, summary, changes_) -> dict:
    return {"at": now, "user_id": user_id, "action": action, "entity_type": "people", "entity_id": person_id,
            "summary": summary, "changes": changes_ or None, "address": None}


def person_names(person_ids) -> dict[int, str]:
    """{id: full name} of the people still in the register among these ids."""
    names = {}
    for chunk in chunks(sorted(set(person_ids))):
        names.update(db.session.execute(select(Person.id, Person.full_name).where(Person.id.in_(chunk))).all())
    return names


PEOPLE_KIND = RecordKind(
    sheet=PEOPLE, label=_l("Kiều bào"), find_duplicates=find_people_duplicates, build=build_people_changes,
    write=write_people, undo=undo_people, names=person_names, endpoint="people.show", id_argument="person_id")
