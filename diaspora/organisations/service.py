"""Organisations: listing, create, edit (optimistic locking), soft delete and restore, with audit."""
from dataclasses import dataclass

from flask import abort
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from diaspora import signals
from diaspora.audit import tracking
from diaspora.bulk import chunks
from diaspora.contacts import (
    apply_contacts,
    checked_contacts,
    clean_contacts,
    describe_contact,
)
from diaspora.extensions import db
from diaspora.listing import ListQuery, Pagination, paginate
from diaspora.organisations.models import (
    ORGANISATION_KIND_LABELS,
    ORGANISATION_KINDS,
    Membership,
    Organisation,
)
from diaspora.reference.countries import country_name
from diaspora.reference.models import Country
from diaspora.text import clean_paragraphs, clean_text, fold, fold_words

COLUMNS = ("name", "kind", "country_code", "city", "address", "notes")

def _member_count():
    """The number of an organisation's members still in the register (a correlated subquery)."""
    return (select(func.count(Membership.id))
            .where(Membership.organisation_id == Organisation.id, Membership.person.has(deleted_at=None))
            .correlate(Organisation).scalar_subquery())


SORTS = {
    "name": (Organisation.name_folded, Organisation.id),
    "country": (Organisation.country_code, Organisation.name_folded, Organisation.id),
    "kind": (Organisation.kind, Organisation.name_folded, Organisation.id),
    "members": (_member_count, Organisation.name_folded, Organisation.id),  # the count is built per query
    "updated": (Organisation.updated_at, Organisation.id),
}


@dataclass
class OrganisationQuery(ListQuery):
    """What the organisation list is asked for; lives in the URL."""

    q: str = ""
    country: str | None = None
    kind: str | None = None
    deleted: bool = False
    sort: str = "name"

    SORTS = SORTS

    @classmethod
    def from_args(cls, args) -> "OrganisationQuery":
        """Parse request arguments leniently: unknown or malformed values fall back to defaults."""
        kind = args.get("kind")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            country=(args.get("country") or "").upper() or None,
            kind=kind if kind in ORGANISATION_KINDS else None,
            deleted=args.get("deleted") == "1",
            **cls.paging(args),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        return self.link_args(q=self.q, country=self.country, kind=self.kind, deleted=self.deleted)


def search_organisations(query: OrganisationQuery) -> Pagination:
    """One page of organisations matching the query, as (organisation, number of members) pairs."""
    deleted = Organisation.deleted_at.is_not(None) if query.deleted else Organisation.deleted_at.is_(None)
    conditions = [deleted] + [Organisation.name_folded.contains(word) for word in fold_words(query.q)]
    if query.country:
        conditions.append(Organisation.country_code == query.country)
    if query.kind:
        conditions.append(Organisation.kind == query.kind)
    return paginate(select(Organisation, _member_count().label("members")).where(*conditions)
                    .order_by(*query.ordered()), query, rows=True)


def country_filter_options(locale: str = "vi") -> list[tuple[str, str]]:
    """(code, name) of the countries that have organisations, by name."""
    codes = db.session.scalars(
        select(Organisation.country_code)
        .where(Organisation.deleted_at.is_(None), Organisation.country_code.is_not(None)).distinct()
    ).all()
    return sorted(((code, country_name(code, locale)) for code in codes), key=lambda choice: fold(choice[1]))


def organisation_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the organisations not deleted, by name; `include_id` is kept even if deleted."""
    condition = Organisation.deleted_at.is_(None)
    if include_id:
        condition = condition | (Organisation.id == include_id)
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(condition).order_by(Organisation.name_folded)
    )
    return [tuple(row) for row in rows]


def get_organisation_or_404(organisation_id: int, include_deleted: bool = False) -> Organisation:
    """The organisation with this id; 404 when missing, or soft-deleted unless include_deleted."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or (organisation.is_deleted and not include_deleted):
        abort(404)
    return organisation


def members(organisation: Organisation) -> list[Membership]:
    """The organisation's memberships of people still in the register: current ones first, then by name."""
    rows = db.session.scalars(select(Membership).where(Membership.organisation_id == organisation.id,
                                                       Membership.person.has(deleted_at=None)))
    return sorted(rows, key=lambda membership: (membership.end_date is not None, membership.person.sort_key,
                                                membership.id))


def organisation_values(organisation: Organisation) -> dict:
    """The organisation's values in the shape create/update take (to fill a form)."""
    values = {column: getattr(organisation, column) for column in COLUMNS}
    values["contacts"] = [
        {"kind": c.kind, "value": c.value, "is_primary": c.is_primary} for c in organisation.contacts
    ]
    return values


def audit_values(organisation: Organisation) -> dict:
    """The organisation's audited values in readable Vietnamese form."""
    with force_locale("vi"), db.session.no_autoflush:
        code = organisation.country_code
        country = db.session.get(Country, code) if code else None
        return {
            "name": organisation.name,
            "kind": str(ORGANISATION_KIND_LABELS.get(organisation.kind, organisation.kind or "")) or None,
            "country_code": country.name_vi if country else code,
            "city": organisation.city,
            "address": organisation.address,
            "notes": organisation.notes,
            "contacts": [describe_contact(contact) for contact in organisation.contacts],
        }


def _apply(organisation: Organisation, values: dict) -> None:
    for column in COLUMNS:
        if column in values:
            clean = clean_paragraphs if column == "notes" else clean_text
            setattr(organisation, column, clean(values[column]))
    if organisation.kind not in ORGANISATION_KINDS:
        organisation.kind = "other"
    organisation.name_folded = fold(organisation.name)[:300]


def create_organisation(values: dict, by=None) -> Organisation:
    """Create an organisation from validated values (columns and contacts); audited."""
    contacts = checked_contacts(values, values.get("country_code"))
    organisation = Organisation()
    with db.session.no_autoflush:
        _apply(organisation, values)
        apply_contacts(organisation, contacts or [])
    tracking.create(organisation, by, audit_values)
    return organisation


def update_organisation(organisation: Organisation, values: dict, by=None,
                        expected_version: int | None = None) -> bool:
    """Apply edited values; False when nothing changed. Raises StaleEdit or ContactErrors.

    A new name is written into its members' search text in the same transaction.
    """
    tracking.refuse_stale(organisation, expected_version)
    contacts = checked_contacts(values, values.get("country_code", organisation.country_code))
    old_name = organisation.name

    def change():
        _apply(organisation, values)
        if contacts is not None:
            apply_contacts(organisation, contacts)

    def announce_rename():
        if organisation.name != old_name:
            signals.organisation_renamed.send(organisation)

    return tracking.save(organisation, by, change, audit_values, expected_version, before_commit=announce_rename)


def delete_organisation(organisation: Organisation, by=None) -> None:
    """Soft delete: the organisation leaves lists; memberships stay for the record."""
    tracking.set_deleted(organisation, by, deleted=True)


def restore_organisation(organisation: Organisation, by=None) -> None:
    """Bring a soft-deleted organisation back."""
    tracking.set_deleted(organisation, by, deleted=False)


def reapply(organisation: Organisation, values: dict, changes: dict) -> tuple[dict, dict]:
    """After a conflict: stored values with the user's own edits on top (see audit.tracking.merge_edits)."""
    preview = Organisation()
    with db.session.no_autoflush:
        _apply(preview, {**organisation_values(organisation), **values})
        contacts, _errors = clean_contacts(values.get("contacts") or (), preview.country_code)
        apply_contacts(preview, contacts)
        submitted_audit = audit_values(preview)
    return tracking.merge_edits(organisation_values(organisation), values, audit_values(organisation),
                       submitted_audit, changes)


# --- organisations an import names ------------------------------------------------------------------

def existing_organisation_ids(folded_names: list[str]) -> dict[str, int]:
    """{folded name: id} of the live organisations with these folded names (the oldest of a name)."""
    found: dict[str, int] = {}
    for chunk in chunks(folded_names):
        for folded, organisation_id in db.session.execute(
                select(Organisation.name_folded, Organisation.id)
                .where(Organisation.name_folded.in_(chunk), Organisation.deleted_at.is_(None))
                .order_by(Organisation.id)):
            found.setdefault(folded, organisation_id)
    return found


def remove_created_organisations(connection, organisation_ids: list[int]) -> int:
    """Delete organisations an import created, unless someone joined, edited or linked them since
    (features whose records point to organisations answer signals.organisations_in_use)."""
    if not organisation_ids:
        return 0
    still_used = set(db.session.scalars(select(Membership.organisation_id)
                                        .where(Membership.organisation_id.in_(organisation_ids))))
    for _receiver, used in signals.organisations_in_use.send(None, ids=organisation_ids):
        still_used.update(used)
    removable = [oid for oid in organisation_ids if oid not in still_used]
    if not removable:
        return 0
    table = Organisation.__table__
    return connection.execute(delete(table).where(table.c.id.in_(removable), table.c.version == 1)).rowcount
