"""Writing people: create, edit, soft delete and restore, contacts and memberships, with audit.

Every write of a person bumps its `version` once and records one audit event in the same
transaction, so the events since a given version tell what changed after a form was opened.
"""
from datetime import date

from flask import abort
from flask_babel import force_locale
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import selectinload

from diaspora import signals
from diaspora.audit import tracking
from diaspora.bulk import CHUNK, chunks
from diaspora.contacts import (
    Contact,
    apply_contacts,
    checked_contacts,
    clean_contacts,
    describe_contact,
)
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.people.models import (
    CONSENT_LABELS,
    CONSENT_SOURCE_LABELS,
    CONTRIBUTION_KINDS,
    CONTRIBUTION_LABELS,
    GENDER_LABELS,
    LEGAL_BASIS_LABELS,
    NATIONALITY_LABELS,
    PERSON_TYPE_LABELS,
    STATUS_LABELS,
    Person,
    PersonOffer,
)
from diaspora.people.search_index import search_words
from diaspora.reference.countries import country_name
from diaspora.reference.hometowns import match_hometown
from diaspora.reference.models import CommunityRole, Country, Field, Unit
from diaspora.text import clean_paragraphs, clean_text, fold, looks_vietnamese, name_sort_key, proper_name

MULTILINE_COLUMNS = ("expertise", "notes")
TEXT_COLUMNS = (
    "full_name", "other_names", "gender", "person_type", "nationality_status", "country_code", "city",
    "address", "hometown_unit_code", "hometown_text", "occupation", "academic_title", "employer",
    "position", "expertise", "source", "consent_status", "consent_scope", "consent_source", "consent_legal_basis",
    "processing_purpose", "consent_text_version", "status", "notes",
)
PERSON_COLUMNS = TEXT_COLUMNS + ("birth_date", "birth_year", "collected_on", "consent_date")
DEFAULTS = {"person_type": "overseas_vietnamese", "consent_status": "unknown", "status": "active"}
# Birth date and year are typed as one value, so a change of either carries both.
AUDIT_TO_VALUES = {
    "birth_date": ("birth_date", "birth_year"),
    "birth_year": ("birth_date", "birth_year"),
}

def get_person_or_404(person_id: int, include_deleted: bool = False, include_erased: bool = False) -> Person:
    """The person with this id; 404 when missing, soft-deleted unless include_deleted, erased unless include_erased."""
    person = db.session.get(Person, person_id)
    if person is None or (person.is_deleted and not include_deleted) or (person.is_erased and not include_erased):
        abort(404)
    return person


def get_membership_or_404(person: Person, membership_id: int) -> Membership:
    """One of the person's memberships; 404 otherwise."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.person_id != person.id:
        abort(404)
    return membership


def load_list_details(people: list[Person]) -> None:
    """Load the contacts and fields of a page of people in two queries instead of two per row."""
    ids = [person.id for person in people]
    if ids:
        db.session.scalars(
            select(Person).where(Person.id.in_(ids))
            .options(selectinload(Person.contacts), selectinload(Person.fields))
        ).unique().all()


# A loose index scan: one index probe per distinct country instead of reading every live person
# (SELECT DISTINCT costs 10-25 ms at 100,000 people on every list page view; this costs ~3 ms).
_COUNTRIES_IN_USE = """
WITH RECURSIVE codes(code) AS (
    SELECT min(country_code) FROM people WHERE deleted_at IS NULL
    UNION ALL
    SELECT (SELECT min(country_code) FROM people WHERE deleted_at IS NULL AND country_code > codes.code)
    FROM codes WHERE code IS NOT NULL
)
SELECT code FROM codes WHERE code IS NOT NULL
"""


def list_filter_options(locale: str = "vi") -> dict:
    """The choices of the people list's filter bar: countries people live in, fields, roles."""
    codes = db.session.scalars(text(_COUNTRIES_IN_USE)).all()
    countries = sorted(((code, country_name(code, locale)) for code in codes), key=lambda c: fold(c[1]))

    def taxonomy(model):
        items = db.session.scalars(select(model).where(model.active.is_(True)).order_by(model.sort_order, model.id))
        return [(item.key, item.name(locale)) for item in items]

    return {"countries": countries, "fields": taxonomy(Field), "roles": taxonomy(CommunityRole)}


def hometown_candidates(person: Person) -> list[Unit]:
    """Today's units a typed hometown may mean, when no unit is chosen yet (a hint for staff)."""
    if person.hometown_unit_code or not person.hometown_text:
        return []
    match = match_hometown(person.hometown_text)
    return [match.unit] if match.unit else match.candidates[:8]


def person_sort_key(full_name: str | None, person_type: str | None) -> str:
    """Where a person's name sorts (people.sort_key): a Vietnamese name by its given name, middle names, then
    family name; a foreign expert's name, unless it reads as a Vietnamese one, by its family name first."""
    foreign = person_type == "foreign_expert" and not looks_vietnamese(full_name)
    return name_sort_key(full_name, family_first=foreign)


def derived_columns(values: dict, contacts=(), organisation_names=()) -> dict:
    """The columns computed from a person's values: name_folded, sort_key, birth_year, search_text.

    `contacts` are (kind, normalized) pairs. Usable for bulk inserts as well as for loaded people.
    """
    birth_date = values.get("birth_date")
    return {
        "name_folded": fold(values.get("full_name"))[:200],
        "sort_key": person_sort_key(values.get("full_name"), values.get("person_type")),
        "birth_year": birth_date.year if birth_date else values.get("birth_year"),
        "search_text": search_words(
            full_name=values.get("full_name"),
            other_names=values.get("other_names"),
            contacts=contacts,
            organisation_names=organisation_names,
        ),
    }


def refresh_derived(person: Person) -> None:
    """Set the derived columns of a loaded person from its values, contacts and memberships."""
    values = {key: getattr(person, key)
              for key in ("full_name", "person_type", "other_names", "birth_date", "birth_year")}
    derived = derived_columns(
        values,
        [(contact.kind, contact.normalized) for contact in person.contacts],
        [m.organisation.name for m in person.memberships if m.organisation is not None],
    )
    for key, value in derived.items():
        setattr(person, key, value)


def refresh_search_text(person_ids) -> int:
    """Recompute search_text for the people selected by `person_ids` (a SELECT of ids), in bulk.

    Used when something people are found under changes elsewhere, e.g. an organisation's name.
    Derived data only: no version bump, no audit event.
    """
    people = db.session.execute(
        select(Person.id, Person.full_name, Person.other_names, Person.birth_date, Person.birth_year)
        .where(Person.id.in_(person_ids))
    ).all()
    if not people:
        return 0
    contacts: dict[int, list] = {}
    for person_id, kind, normalized in db.session.execute(
        select(Contact.person_id, Contact.kind, Contact.normalized)
        .where(Contact.person_id.in_(person_ids)).order_by(Contact.id)
    ):
        contacts.setdefault(person_id, []).append((kind, normalized))
    organisations: dict[int, list] = {}
    for person_id, name in db.session.execute(
        select(Membership.person_id, Organisation.name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.person_id.in_(person_ids)).order_by(Membership.id)
    ):
        organisations.setdefault(person_id, []).append(name)
    rows = [
        {"person_id": row.id, "search_text": derived_columns(
            row._asdict(), contacts.get(row.id, ()), organisations.get(row.id, ()))["search_text"]}
        for row in people
    ]
    table = Person.__table__
    db.session.execute(
        update(table).where(table.c.id == bindparam("person_id")).values(search_text=bindparam("search_text")),
        rows,
    )
    return len(rows)


def refresh_sort_keys(person_ids=None, chunk: int = CHUNK) -> int:
    """Recompute sort_key for the people selected by `person_ids` (a SELECT of ids, a list of ids, or None:
    everyone, the bin and erased people included), in bulk; how many rows changed. Derived data: no version
    bump, no audit event. A migration adding the column, or `flask --app wsgi person reindex`, fills it with this."""
    if isinstance(person_ids, list | tuple | set):
        ids = sorted(set(person_ids))
        return sum(_refresh_sort_keys(Person.id.in_(part), chunk) for part in chunks(ids, chunk))
    return _refresh_sort_keys(None if person_ids is None else Person.id.in_(person_ids), chunk)


def _refresh_sort_keys(condition, chunk: int) -> int:
    table = Person.__table__
    statement = select(table.c.id, table.c.full_name, table.c.person_type, table.c.sort_key).order_by(table.c.id)
    if condition is not None:
        statement = statement.where(condition)
    update_key = update(table).where(table.c.id == bindparam("person_id")).values(sort_key=bindparam("key"))
    written, last_id = 0, 0
    while rows := db.session.execute(statement.where(table.c.id > last_id).limit(chunk)).all():
        last_id = rows[-1].id
        changed = [{"person_id": row.id, "key": key} for row in rows
                   if (key := person_sort_key(row.full_name, row.person_type)) != row.sort_key]
        if changed:
            db.session.execute(update_key, changed)
            written += len(changed)
    return written


@signals.organisation_renamed.connect
def _members_renamed(organisation, **_) -> None:
    """An organisation's new name goes into its members' search text, in the rename's transaction."""
    refresh_search_text(select(Membership.person_id).where(Membership.organisation_id == organisation.id))


def _label(labels: dict, code: str | None) -> str | None:
    return str(labels.get(code, code)) if code else None


def _dmy(value: date | None) -> str | None:
    return value.strftime("%d/%m/%Y") if value else None


def _period(start: date | None, end: date | None) -> str:
    if not start and not end:
        return ""
    return f"{_dmy(start) or '…'}–{_dmy(end) or '…'}"


def describe_membership(membership: Membership) -> str:
    """"Hội người Việt tại Nhật — Chủ tịch, 01/01/2020–…", the form a membership takes in the history."""
    text = membership.organisation.name if membership.organisation else "?"
    details = ", ".join(part for part in (membership.role, _period(membership.start_date, membership.end_date)) if part)
    return f"{text} — {details}" if details else text


def audit_values(person: Person, memberships: bool = True) -> dict:
    """The person's audited values in readable Vietnamese form (labels, names, dd/mm/yyyy)."""
    with force_locale("vi"), db.session.no_autoflush:
        country = db.session.get(Country, person.country_code) if person.country_code else None
        unit = db.session.get(Unit, person.hometown_unit_code) if person.hometown_unit_code else None
        values = {
            "full_name": person.full_name,
            "other_names": person.other_names,
            "gender": _label(GENDER_LABELS, person.gender),
            "birth_date": _dmy(person.birth_date),
            "birth_year": person.birth_year,
            "person_type": _label(PERSON_TYPE_LABELS, person.person_type),
            "nationality_status": _label(NATIONALITY_LABELS, person.nationality_status),
            "country_code": country.name_vi if country else person.country_code,
            "city": person.city,
            "address": person.address,
            "hometown_unit_code": unit.full_name if unit else person.hometown_unit_code,
            "hometown_text": person.hometown_text,
            "occupation": person.occupation,
            "academic_title": person.academic_title,
            "employer": person.employer,
            "position": person.position,
            "fields": [f.name_vi for f in sorted(person.fields, key=lambda f: (f.sort_order, f.id))],
            "roles": [r.name_vi for r in sorted(person.roles, key=lambda r: (r.sort_order, r.id))],
            "expertise": person.expertise,
            "offers": [str(CONTRIBUTION_LABELS[k]) for k in CONTRIBUTION_KINDS if k in person.offer_kinds],
            "source": person.source,
            "collected_on": _dmy(person.collected_on),
            "consent_status": _label(CONSENT_LABELS, person.consent_status),
            "consent_date": _dmy(person.consent_date),
            "consent_scope": person.consent_scope,
            "consent_source": _label(CONSENT_SOURCE_LABELS, person.consent_source),
            "consent_legal_basis": _label(LEGAL_BASIS_LABELS, person.consent_legal_basis),
            "processing_purpose": person.processing_purpose,
            "consent_text_version": person.consent_text_version,
            "status": _label(STATUS_LABELS, person.status),
            "notes": person.notes,
            "contacts": [describe_contact(contact) for contact in person.contacts],
        }
        if memberships:
            values["memberships"] = [describe_membership(m) for m in person.memberships]
    return values


def person_values(person: Person) -> dict:
    """The person's values in the shape create_person/update_person accept (to fill a form)."""
    values = {column: getattr(person, column) for column in PERSON_COLUMNS}
    values["fields"] = [field.id for field in person.fields]
    values["roles"] = [role.id for role in person.roles]
    values["offers"] = person.offer_kinds
    values["contacts"] = [
        {"kind": c.kind, "value": c.value, "is_primary": c.is_primary} for c in person.contacts
    ]
    return values


def _by_ids(model, ids) -> list:
    ids = list(dict.fromkeys(int(item) for item in ids or ()))
    if not ids:
        return []
    found = {item.id: item for item in db.session.scalars(select(model).where(model.id.in_(ids)))}
    return [found[item] for item in ids if item in found]


def _apply_values(person: Person, values: dict) -> None:
    """Copy the given values (only the keys present) onto the person, cleaning text."""
    for column in PERSON_COLUMNS:
        if column not in values:
            continue
        value = values[column]
        if column == "full_name":
            value = proper_name(value)  # "NGUYỄN VĂN AN" as the office types it → "Nguyễn Văn An"
        elif column in MULTILINE_COLUMNS:
            value = clean_paragraphs(value)
        elif column in TEXT_COLUMNS:
            value = clean_text(value)
        if value is None and column in DEFAULTS:
            value = DEFAULTS[column]
        setattr(person, column, value)
    if "hometown_text" in values and person.hometown_text and not person.hometown_unit_code:
        # Typed but not chosen: take the unit the text clearly means, keep the text as written.
        match = match_hometown(person.hometown_text)
        person.hometown_unit_code = match.unit.code if match.unit else None
    if "fields" in values:
        person.fields = _by_ids(Field, values["fields"])
    if "roles" in values:
        person.roles = _by_ids(CommunityRole, values["roles"])
    if "offers" in values:
        current = {offer.kind: offer for offer in person.offers}
        kinds = [kind for kind in CONTRIBUTION_KINDS if kind in set(values["offers"] or ())]
        person.offers = [current.get(kind) or PersonOffer(kind=kind) for kind in kinds]


def create_person(values: dict, by=None) -> Person:
    """Create a person from validated values; audited.

    `values`: Person columns, "fields" and "roles" (ids), "offers" (CONTRIBUTION_KINDS) and
    "contacts" (dicts of kind, value, is_primary).
    """
    contacts = checked_contacts(values, values.get("country_code"))
    person = Person()
    with db.session.no_autoflush:
        _apply_values(person, {**DEFAULTS, **values})
        apply_contacts(person, contacts or [])
        refresh_derived(person)
    tracking.create(person, by, audit_values)
    _changed(person)
    return person


def _changed(person: Person) -> None:
    """Tell the features that derive data from people (the duplicate review queue) that this one was saved."""
    signals.people_changed.send(None, ids=[person.id], committed=True)


def update_person(person: Person, values: dict, by=None, expected_version: int | None = None) -> bool:
    """Apply edited values to a person; False when nothing changed.

    Raises StaleEdit when the form was built on an older version than the stored one, and
    ContactErrors for contacts that cannot be stored.
    """
    tracking.refuse_stale(person, expected_version)
    contacts = checked_contacts(values, values.get("country_code", person.country_code))

    def change():
        _apply_values(person, values)
        if contacts is not None:
            apply_contacts(person, contacts)

    return _save(person, by, change, expected_version)


def _save(person: Person, by, change, expected_version: int | None) -> bool:
    """Apply `change` and refresh the derived columns, then save with audit (tracking.save)."""
    def change_and_derive():
        change()
        refresh_derived(person)

    saved = tracking.save(person, by, change_and_derive, audit_values, expected_version)
    if saved:
        _changed(person)
    return saved


def delete_person(person: Person, by=None) -> None:
    """Soft delete: the person leaves lists and searches but stays restorable."""
    tracking.set_deleted(person, by, deleted=True)
    _changed(person)


def restore_person(person: Person, by=None) -> None:
    """Bring a soft-deleted person back."""
    tracking.set_deleted(person, by, deleted=False)
    _changed(person)


def add_membership(person: Person, values: dict, by=None) -> Membership:
    """Add the person to an organisation with a role and dates; audited on the person."""
    _check_period(values)
    membership = Membership()

    def change():
        _apply_membership(membership, values)
        person.memberships.append(membership)

    _save(person, by, change, person.version)
    return membership


def update_membership(membership: Membership, values: dict, by=None, expected_version: int | None = None) -> bool:
    """Change a membership's organisation, role or dates; audited on the person. Raises StaleEdit when the
    form was built on an older version of the person than the stored one."""
    _check_period(values)
    person = membership.person
    return _save(person, by, lambda: _apply_membership(membership, values), expected_version)


def remove_membership(membership: Membership, by=None) -> None:
    """Remove a membership; audited on the person."""
    person = membership.person
    _save(person, by, lambda: person.memberships.remove(membership), person.version)


def _check_period(values: dict) -> None:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        raise ValueError("A membership cannot end before it starts.")
    if db.session.get(Organisation, int(values["organisation_id"])) is None:
        raise ValueError("No such organisation.")


def _apply_membership(membership: Membership, values: dict) -> None:
    membership.organisation = db.session.get(Organisation, int(values["organisation_id"]))
    membership.role = clean_text(values.get("role"))
    membership.start_date, membership.end_date = values.get("start_date"), values.get("end_date")


def preview_audit_values(values: dict, person: Person | None = None) -> dict:
    """audit_values of a person as the given values would make it, without saving anything."""
    preview = Person()
    with db.session.no_autoflush:
        if person is not None:
            _apply_values(preview, person_values(person))
        _apply_values(preview, values)
        # As a save derives it: a full birth date gives the birth year.
        preview.birth_year = preview.birth_date.year if preview.birth_date else preview.birth_year
        region = values.get("country_code", preview.country_code)
        contacts, _errors = clean_contacts(values.get("contacts") or (), region)
        apply_contacts(preview, contacts)
        result = audit_values(preview, memberships=False)
    return result


def reapply(person: Person, values: dict, changes: dict) -> tuple[dict, dict]:
    """After a conflict: the stored values with the user's own edits put back on top.

    Returns (values to fill the form with, {audit key: the user's value} for what the user changed).
    A key the user left as it was keeps the value saved meanwhile by the other user.
    """
    return tracking.merge_edits(
        person_values(person), values, audit_values(person, memberships=False),
        preview_audit_values(values, person), changes, AUDIT_TO_VALUES,
    )
