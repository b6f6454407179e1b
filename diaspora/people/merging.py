"""Merging two records of one person into one, and an admin's undo of it.

Field by field the user chooses what survives; contacts (no duplicate by normalised value), fields, roles and
contribution offers are united on the survivor; the features above move their own rows (memberships,
participants, channels, import rows) in receivers of signals.persons_merged, so this module imports none of
them. The merged record stays, soft-deleted, with `merged_into_id`: every list, search and export skips it and
its page leads to the survivor. A PersonMerge keeps exactly what an undo needs in its snapshot: the survivor's
columns and links before, the merged record's, the contacts moved and what each receiver moved.
"""
from datetime import date, datetime
from typing import NamedTuple

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from diaspora import signals
from diaspora.audit.service import display_value, diff, record, snapshot
from diaspora.audit.tracking import refuse_stale, touch, user_id
from diaspora.contacts import CONTACT_KIND_LABELS, Contact, describe_contact
from diaspora.extensions import db
from diaspora.people.models import (
    CONTRIBUTION_KINDS,
    NO_CONSENT,
    PERSON_FIELD_LABELS,
    Person,
    PersonMerge,
    PersonOffer,
    person_fields,
    person_roles,
)
from diaspora.people.service import audit_values, refresh_derived, refresh_search_text
from diaspora.records import StaleEdit, utcnow
from diaspora.text import fold_words

# What the user chooses, one choice per key: a column, or columns that only make sense together (a birth date
# and its year; a consent and its date, scope, source and basis: never half of one consent and half of another).
CHOICES = (
    ("full_name", ("full_name",)),
    ("other_names", ("other_names",)),
    ("gender", ("gender",)),
    ("birth_date", ("birth_date", "birth_year")),
    ("person_type", ("person_type",)),
    ("nationality_status", ("nationality_status",)),
    ("country_code", ("country_code",)),
    ("city", ("city",)),
    ("address", ("address",)),
    ("hometown_text", ("hometown_unit_code", "hometown_text")),
    ("occupation", ("occupation",)),
    ("academic_title", ("academic_title",)),
    ("employer", ("employer",)),
    ("position", ("position",)),
    ("expertise", ("expertise",)),
    ("source", ("source", "collected_on")),
    ("consent_status", ("consent_status", "consent_date", "consent_scope", "consent_source", "consent_legal_basis",
                        "processing_purpose", "consent_text_version")),
    ("status", ("status",)),
    ("notes", ("notes",)),
)
CHOICE_COLUMNS = dict(CHOICES)
# Values that say nothing: a choice whose columns all hold one of them is empty.
_EMPTY = (None, "", "unknown")
# Columns an undo never puts back: the row's identity, its version counter and the stamps of this change.
_NOT_RESTORED = ("id", "version", "updated_at", "updated_by_id")


class MergeRefused(ValueError):
    """A merge or an undo that cannot be done; the message says why, in Vietnamese."""


class Difference(NamedTuple):
    """A choice on which the two records differ: its key, label, both values as staff read them, the side
    pre-selected ("survivor" or "other")."""

    key: str
    label: str
    survivor: str
    other: str
    chosen: str


def refusal(survivor: Person, other: Person) -> str | None:
    """Why these two records cannot be merged (survivor first), or None."""
    if survivor.id == other.id:
        return _("Không thể gộp một hồ sơ với chính nó.")
    for person in (survivor, other):
        if person.is_erased:
            return _("Hồ sơ #%(id)d đã bị xoá vĩnh viễn, không gộp được.", id=person.id)
        if person.merged_into_id is not None:
            return _("Hồ sơ #%(id)d đã được gộp vào hồ sơ khác.", id=person.id)
        if person.is_deleted:
            return _("Hồ sơ #%(id)d đang ở thùng rác; khôi phục trước khi gộp.", id=person.id)
        if person.is_restricted:
            return _("Hồ sơ #%(id)d đang bị hạn chế xử lý dữ liệu, không gộp được.", id=person.id)
    return None


def _group(person: Person, columns) -> tuple:
    return tuple(getattr(person, column) for column in columns)


def _readable(values: dict, columns) -> str:
    """The values as staff read them, in the reader's language (the audit's labels and names translated)."""
    parts = [(column, values.get(column)) for column in columns
             if column != "birth_year" or not values.get("birth_date")]
    return "; ".join(display_value(part, column) for column, part in parts if part not in (None, "", [])) or "—"


def _richer(first, second) -> int:
    """1 when the first of two texts says more than the second (its folded words include the other's and more;
    the same words with more of their diacritics), -1 when less, 0 when neither (different values)."""
    if not (isinstance(first, str) and isinstance(second, str)):
        return 0
    first_words, second_words = set(fold_words(first)), set(fold_words(second))
    if first_words != second_words:
        return 1 if first_words > second_words else -1 if first_words < second_words else 0
    marks = [sum(not char.isascii() for char in text) for text in (first, second)]
    return (marks[0] > marks[1]) - (marks[0] < marks[1])


def _preselected(key: str, survivor: Person, other: Person) -> str:
    """The side a choice starts on: a refusal of consent wins (the safer value); else the non-empty value; when
    both hold one, the more complete (more of the group filled: a birth date over a bare year; a name with its
    middle name or diacritics over a copy without), and between values of equal worth that of the record saved
    last."""
    columns = CHOICE_COLUMNS[key]
    if key == "consent_status" and (survivor.consent_status in NO_CONSENT) != (other.consent_status in NO_CONSENT):
        return "other" if other.consent_status in NO_CONSENT else "survivor"
    survivor_filled = [value for value in _group(survivor, columns) if value not in _EMPTY]
    other_filled = [value for value in _group(other, columns) if value not in _EMPTY]
    if len(survivor_filled) != len(other_filled):
        return "survivor" if len(survivor_filled) > len(other_filled) else "other"
    if len(columns) == 1 and survivor_filled:
        richer = _richer(survivor_filled[0], other_filled[0])
        if richer:
            return "survivor" if richer > 0 else "other"
    if other.updated_at and survivor.updated_at and other.updated_at > survivor.updated_at:
        return "other"
    return "survivor"


def differences(survivor: Person, other: Person) -> list[Difference]:
    """The choices on which the two records differ, with the pre-selected side."""
    survivor_values, other_values = audit_values(survivor), audit_values(other)
    return [
        Difference(key, str(PERSON_FIELD_LABELS[key]), _readable(survivor_values, columns),
                   _readable(other_values, columns), _preselected(key, survivor, other))
        for key, columns in CHOICES if _group(survivor, columns) != _group(other, columns)
    ]


def united(survivor: Person, other: Person) -> dict:
    """What the merge adds to the survivor from the other record: contacts (those the survivor lacks), fields,
    roles and offers; {what: [readable items]}."""
    have = {(contact.kind, contact.normalized) for contact in survivor.contacts}
    primary_kinds = {contact.kind for contact in survivor.contacts if contact.is_primary}
    return {
        "contacts": [describe_contact(c) if c.kind not in primary_kinds else f"{CONTACT_KIND_LABELS[c.kind]}: {c.value}"
                     for c in other.contacts if (c.kind, c.normalized) not in have],
        "fields": [field.display_name for field in other.fields if field not in survivor.fields],
        "roles": [role.display_name for role in other.roles if role not in survivor.roles],
        "offers": [kind for kind in other.offer_kinds if kind not in survivor.offer_kinds],
    }


def _json(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _columns(person: Person) -> dict:
    """Every column of the person's row, JSON-safe."""
    return {column.key: _json(getattr(person, column.key)) for column in Person.__table__.c}


def _stored(column: str, value):
    """A column's value from the snapshot back in its Python type."""
    if value is None:
        return None
    python_type = Person.__table__.c[column].type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return value


def _links(person: Person) -> dict:
    return {"fields": [field.id for field in person.fields], "roles": [role.id for role in person.roles],
            "offers": person.offer_kinds}


def _unite_contacts(survivor: Person, other: Person) -> dict:
    """Move the other record's contacts the survivor lacks to it (a kind the survivor has a primary of keeps
    that primary); {contact id: whether it was primary}, what an undo puts back."""
    have = {(contact.kind, contact.normalized) for contact in survivor.contacts}
    primary_kinds = {contact.kind for contact in survivor.contacts if contact.is_primary}
    moved, objects = {}, []
    for contact in other.contacts:
        if (contact.kind, contact.normalized) not in have:
            moved[str(contact.id)] = contact.is_primary
            have.add((contact.kind, contact.normalized))
            objects.append(contact)
    ids = [int(key) for key in moved]
    if ids:
        db.session.execute(update(Contact).where(Contact.id.in_(ids)).values(person_id=survivor.id),
                           execution_options={"synchronize_session": False})
        demoted = [int(key) for key, primary in moved.items() if primary]
        if demoted and primary_kinds:
            db.session.execute(update(Contact).where(Contact.id.in_(demoted), Contact.kind.in_(primary_kinds))
                               .values(is_primary=False), execution_options={"synchronize_session": False})
    db.session.expire(survivor, ["contacts"])
    db.session.expire(other, ["contacts"])
    for contact in objects:
        db.session.expire(contact)
    return moved


def _unite_links(survivor: Person, other: Person) -> None:
    survivor.fields = survivor.fields + [field for field in other.fields if field not in survivor.fields]
    survivor.roles = survivor.roles + [role for role in other.roles if role not in survivor.roles]
    current = {offer.kind: offer for offer in survivor.offers}
    kinds = set(current) | set(other.offer_kinds)
    survivor.offers = [current.get(kind) or PersonOffer(kind=kind) for kind in CONTRIBUTION_KINDS if kind in kinds]


def _label(person: Person) -> str:
    return f"{person.full_name} (#{person.id})"


def _commit(survivor: Person) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(survivor, {}) from None


def merge_people(survivor: Person, other: Person, choices: dict, *, by, expected_versions=None) -> PersonMerge:
    """Merge `other` into `survivor` in one transaction and return the PersonMerge.

    `choices`: {choice key: "survivor" | "other"} for the keys of CHOICES (a key left out keeps the survivor's).
    `expected_versions`: the versions (survivor, other) the page was built on; StaleEdit when either moved on.
    Raises MergeRefused (see refusal).
    """
    reason = refusal(survivor, other)
    if reason:
        raise MergeRefused(reason)
    if expected_versions is not None:
        refuse_stale(survivor, expected_versions[0])
        refuse_stale(other, expected_versions[1])
    session = db.session
    now = utcnow()
    with session.no_autoflush:
        survivor_before, other_before = audit_values(survivor), audit_values(other)
        saved = {"survivor": _columns(survivor), "survivor_links": _links(survivor), "merged": _columns(other)}
        for key, columns in CHOICES:
            if choices.get(key) == "other":
                for column in columns:
                    setattr(survivor, column, getattr(other, column))
        _unite_links(survivor, other)
        refresh_derived(survivor)  # the folded name and birth year now; the search text once rows have moved
        other.deleted_at, other.merged_into_id = now, survivor.id
        touch(survivor, by)
        touch(other, by)
        merge = PersonMerge(survivor_id=survivor.id, merged_id=other.id, at=now, by_id=user_id(by))
        session.add(merge)
    session.flush()  # one UPDATE (one version) per record; what follows moves other rows
    saved["contacts"] = _unite_contacts(survivor, other)
    saved["moved"] = signals.merged_rows(signals.persons_merged, survivor, source=other, merge=merge)
    refresh_search_text(select(Person.id).where(Person.id == survivor.id))
    session.expire(survivor, ["search_text", "contacts", "memberships"])
    session.expire(other, ["contacts", "memberships"])
    with session.no_autoflush:
        survivor_after = audit_values(survivor)
        saved["survivor_after"] = snapshot(survivor_after)
        merge.snapshot = saved
        # Keys starting with "_" are what a receiver keeps for its undo, not rows that moved.
        moved = {key: len(ids) for key, ids in saved["moved"].items() if ids and not key.startswith("_")}
        record("merge", survivor, user=by, changes={
            **diff(survivor_before, survivor_after),
            "merged_from": {"before": None, "after": _label(other)},
            **({"moved_rows": {"before": None, "after": _moved_text(moved)}} if moved else {}),
        }, summary=_l("Gộp hồ sơ %(other)s vào hồ sơ này.", other=_label(other)))
        record("merge", other, user=by, changes={
            **diff(other_before, audit_values(other)),
            "merged_into": {"before": None, "after": _label(survivor)},
            "deleted_at": {"before": None, "after": now.isoformat()},
        }, summary=_l("Hồ sơ này được gộp vào hồ sơ %(survivor)s.", survivor=_label(survivor)))
    _commit(survivor)
    return merge


# How the rows features move read in the history (keys of their receivers' answers).
MOVED_LABELS = {
    "memberships": _l("tổ chức"),
    "participants": _l("lượt tham gia hoạt động"),
    "channels": _l("kênh phân phối phụ trách"),
    "import_rows": _l("dòng nhập Excel"),
    "participants_removed": _l("lượt tham gia trùng hoạt động (đã bỏ)"),
    "not_duplicate_carried": _l("đánh dấu “không trùng” với hồ sơ khác"),
}


def _moved_text(moved: dict) -> str:
    return ", ".join(f"{count} {MOVED_LABELS.get(key, key)}" for key, count in moved.items())


def undo_refusal(merge: PersonMerge) -> str | None:
    """Why this merge cannot be undone now, or None."""
    survivor, other = merge.survivor, merge.merged
    if merge.undone_at is not None:
        return _("Lần gộp này đã được hoàn tác.")
    if merge.snapshot is None or survivor.is_erased or other.is_erased:
        return _("Một trong hai hồ sơ đã bị xoá vĩnh viễn; không thể hoàn tác việc gộp.")
    if survivor.merged_into_id is not None:
        return _("Hồ sơ giữ lại đã được gộp tiếp vào hồ sơ khác; hãy hoàn tác lần gộp đó trước.")
    if survivor.is_deleted:
        return _("Hồ sơ giữ lại đang ở thùng rác; khôi phục nó trước khi hoàn tác.")
    if other.merged_into_id != survivor.id or not other.is_deleted:
        return _("Hồ sơ đã gộp đã được thay đổi sau khi gộp (khôi phục hoặc gộp lại); không thể hoàn tác.")
    later = db.session.scalar(select(PersonMerge.id).where(
        PersonMerge.survivor_id == survivor.id, PersonMerge.id > merge.id, PersonMerge.undone_at.is_(None)))
    if later is not None:
        return _("Hồ sơ giữ lại đã được gộp thêm hồ sơ khác sau lần này; hãy hoàn tác lần gộp sau trước.")
    now = snapshot(audit_values(survivor))
    changed = [key for key, value in merge.snapshot["survivor_after"].items() if now.get(key) != value]
    if changed:
        return _("Hồ sơ giữ lại đã được sửa sau khi gộp (%(fields)s); hoàn tác sẽ xoá những thay đổi đó, "
                 "nên không thực hiện. Hãy sửa tay nếu cần.",
                 fields=", ".join(str(PERSON_FIELD_LABELS.get(key, key)) for key in changed))
    return None


def undo_merge(merge: PersonMerge, *, by) -> None:
    """Put both records back exactly as they were before the merge, in one transaction; MergeRefused (see
    undo_refusal) when that is no longer safe."""
    reason = undo_refusal(merge)
    if reason:
        raise MergeRefused(reason)
    session = db.session
    survivor, other, saved = merge.survivor, merge.merged, merge.snapshot
    survivor_before, other_before = audit_values(survivor), audit_values(other)
    merged_at = _json(other.deleted_at)
    restored = signals.merged_rows(signals.merge_undone, survivor, source=other, merge=merge)
    for contact_id, primary in saved["contacts"].items():
        session.execute(update(Contact).where(Contact.id == int(contact_id), Contact.person_id == survivor.id)
                        .values(person_id=other.id, is_primary=primary),
                        execution_options={"synchronize_session": False})
    for table, column, key in ((person_fields, "field_id", "fields"), (person_roles, "role_id", "roles"),
                               (PersonOffer.__table__, "kind", "offers")):
        session.execute(delete(table).where(table.c.person_id == survivor.id))
        items = saved["survivor_links"][key]
        if items:
            session.execute(insert(table), [{"person_id": survivor.id, column: item} for item in items])
    session.expire_all()
    with session.no_autoflush:
        for person, columns in ((survivor, saved["survivor"]), (other, saved["merged"])):
            for column, value in columns.items():
                if column not in _NOT_RESTORED:
                    setattr(person, column, _stored(column, value))
            touch(person, by)
        merge.undone_at, merge.undone_by_id = utcnow(), user_id(by)
        session.flush()
        moved = {key: count for key, count in restored.items() if count}
        record("merge_undone", survivor, user=by, changes={
            **diff(survivor_before, audit_values(survivor)),
            "merged_from": {"before": _label(other), "after": None},
            **({"moved_rows": {"before": _moved_text(moved), "after": None}} if moved else {}),
        }, summary=_l("Hoàn tác việc gộp hồ sơ %(other)s vào hồ sơ này.", other=_label(other)))
        record("merge_undone", other, user=by, changes={
            **diff(other_before, audit_values(other)),
            "merged_into": {"before": _label(survivor), "after": None},
            "deleted_at": {"before": merged_at, "after": None},
        }, summary=_l("Hoàn tác việc gộp hồ sơ này vào hồ sơ %(survivor)s.", survivor=_label(survivor)))
    _commit(survivor)


def get_merge_or_404(merge_id: int) -> PersonMerge:
    """The merge with this id, or 404."""
    merge = db.session.get(PersonMerge, merge_id)
    if merge is None:
        abort(404)
    return merge


def merges_of(person: Person) -> list[PersonMerge]:
    """The merges into this person, newest first (the person's page offers admins their undo)."""
    return list(db.session.scalars(select(PersonMerge).where(PersonMerge.survivor_id == person.id)
                                   .order_by(PersonMerge.id.desc())))


def survivor_of(person_id: int) -> Person | None:
    """The record a merged record now lives in (following later merges), or None when it is not merged."""
    person = db.session.get(Person, person_id)
    if person is None or person.merged_into_id is None or not person.is_deleted or person.is_erased:
        return None
    seen = set()
    while person.merged_into_id is not None and person.id not in seen:
        seen.add(person.id)
        following = db.session.get(Person, person.merged_into_id)
        if following is None:
            break
        person = following
    return person if seen else None


@signals.person_erased.connect
def forget_merge_snapshots(person, **_) -> dict:
    """An erased person's values go from the merges that kept them (and with them the undo of those merges)."""
    count = db.session.execute(
        update(PersonMerge).where((PersonMerge.survivor_id == person.id) | (PersonMerge.merged_id == person.id),
                                  PersonMerge.snapshot.is_not(None))
        .values(snapshot=None), execution_options={"synchronize_session": False}).rowcount
    return {"erased_merge_snapshots": count} if count else {}
