"""The data subject's rights over a record (Law 91/2025/QH15): whom exports and outreach lists may show,
restricting processing, and erasing a person for good.

An erase is not the bin. The person's row becomes an anonymous tombstone (its id kept, in the bin and out
of every list, so the activities and channels that count it stay right); their contacts, memberships and
links are deleted; their values are wiped from the audit log (the events of their record, and any event whose
text holds their name, phone or e-mail); the features above remove what they keep (import rows and uploaded
files, export files: signals.person_erased). On SQLite the erase runs with secure_delete, so the freed space
is zeroed, the full-text index is merged without the person, and the write-ahead log is checkpointed.
"""
import json
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, case, cast, delete, false, func, or_, select

from diaspora import signals
from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.audit.service import diff, record
from diaspora.audit.tracking import commit_or_conflict, touch
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.messages import Messages
from diaspora.organisations.models import Membership
from diaspora.people.models import (
    ERASED_NAME,
    NO_CONSENT,
    OUTREACH_RULES,
    PROCESSING_RULES,
    Person,
    PersonOffer,
    person_fields,
    person_roles,
)
from diaspora.records import utcnow
from diaspora.text import clean_text, fold, fold_words, name_sort_key

# What a wiped value reads as in the audit log and the import rows.
REDACTED = "[đã xoá]"
# Shorter strings ("An") are left alone in other records' texts: they would wipe other people's words.
MIN_LENGTH = 4
MIN_PHONE_DIGITS = 7  # a search with fewer digits names no one's phone
REASON_LENGTH = 500
# The columns an erase keeps: the record's id, stamps and version, and the marks of the bin and the erase.
KEPT_COLUMNS = ("id", "created_at", "created_by_id", "updated_at", "updated_by_id", "version", "deleted_at",
                "is_demo", "erased_at")
# Columns that cannot be empty get a neutral value.
TOMBSTONE_VALUES = {"full_name": ERASED_NAME, "name_folded": fold(ERASED_NAME), "sort_key": name_sort_key(ERASED_NAME),
                    "person_type": "overseas_vietnamese",
                    "consent_status": "unknown", "status": "active", "search_text": ""}


# --- whom an export or an outreach list may show ---------------------------------------------------------------

def processing_allowed():
    """The condition every export keeps, always: the person is neither erased nor restricted."""
    return and_(*(rule(getattr(Person, name)) for name, rule in PROCESSING_RULES.items()))


def outreach_allowed():
    """The condition of outreach (the expert finder, mailings, the API) and of exports by default: neither erased
    nor restricted, and consent not refused or withdrawn."""
    return and_(*(rule(getattr(Person, name)) for name, rule in OUTREACH_RULES.items()))


def export_allowed(include_refused: bool = False):
    """Who a people export writes: outreach_allowed, or with `include_refused` (an admin's choice, audited)
    processing_allowed."""
    return processing_allowed() if include_refused else outreach_allowed()


@dataclass(frozen=True)
class LeftOut:
    """How many people a list found that an export or an outreach list leaves out, and why."""

    refused: int = 0  # refused or withdrew consent (and not restricted)
    restricted: int = 0

    @property
    def total(self) -> int:
        return self.refused + self.restricted

    def to_json(self) -> dict:
        return {"refused": self.refused, "restricted": self.restricted}


def left_out(statement, include_refused: bool = False) -> LeftOut:
    """How many of the people a SELECT of Person finds are left out of an export (include_refused: only the
    restricted), counted in one query."""
    restricted = Person.restricted_at.is_not(None)
    refused = and_(Person.restricted_at.is_(None), Person.consent_status.in_(NO_CONSENT))
    counted = statement.order_by(None).with_only_columns(func.count(case((restricted, 1))),
                                                         func.count(case((refused, 1))))
    restricted_count, refused_count = db.session.execute(counted).one()
    return LeftOut(refused=0 if include_refused else refused_count, restricted=restricted_count)


def left_out_message(left: LeftOut):
    """"Không gồm 3 người đã từ chối hoặc rút lại đồng ý, 1 người bị hạn chế xử lý.", or None: a message
    read in the reader's language (diaspora.messages)."""
    parts = Messages(separator=", ")
    if left.refused:
        parts.add(_l("%(count)d người đã từ chối hoặc rút lại đồng ý", count=left.refused))
    if left.restricted:
        parts.add(_l("%(count)d người bị hạn chế xử lý", count=left.restricted))
    return _l("Không gồm %(people)s.", people=parts) if parts else None


def describe_left_out(left: LeftOut) -> str | None:
    """left_out_message as text in the current language, or None."""
    message = left_out_message(left)
    return str(message) if message is not None else None


# --- restricting processing ------------------------------------------------------------------------------------

class ReasonMissing(ValueError):
    """A right of the data subject was exercised without a reason; nothing was changed."""


def _reason(text: str | None) -> str:
    reason = clean_text(text)
    if not reason:
        raise ReasonMissing(_("Hãy ghi lý do."))
    return reason[:REASON_LENGTH]


def restrict_processing(person: Person, reason: str, by=None) -> bool:
    """Restrict the processing of a person's data (the subject's request): the record stays in the register but
    no export, outreach list or API shows it. Audited with the reason; False when already restricted."""
    reason = _reason(reason)
    if person.is_restricted:
        return False
    _change(person, by, "restrict", reason, restricted_at=utcnow(), restriction_reason=reason)
    return True


def lift_restriction(person: Person, reason: str, by=None) -> bool:
    """Lift a restriction of processing; audited with the reason; False when the person was not restricted."""
    reason = _reason(reason)
    if not person.is_restricted:
        return False
    _change(person, by, "unrestrict", reason, restricted_at=None, restriction_reason=None)
    return True


def _change(person: Person, by, action: str, reason: str, **values) -> None:
    version = person.version
    before = {key: getattr(person, key) for key in values}
    for key, value in values.items():
        setattr(person, key, value)
    touch(person, by)
    record(action, person, user=by, summary=reason, changes=diff(before, values))
    commit_or_conflict(person, version)


# --- erasing ---------------------------------------------------------------------------------------------------

@dataclass
class Scrubber:
    """A person's strings (names, contact values) and how to wipe them from texts kept elsewhere: whole words
    only, any case, each replaced by REDACTED; `replaced` counts the replacements."""

    strings: tuple
    replaced: int = 0
    _pattern: re.Pattern | None = field(default=None, repr=False)

    def __post_init__(self):
        kept = sorted({text.strip() for text in self.strings if text and len(text.strip()) >= MIN_LENGTH},
                      key=len, reverse=True)
        self.strings = tuple(kept)
        if kept:
            self._pattern = re.compile("|".join(rf"(?<!\w){re.escape(text)}(?!\w)" for text in kept), re.IGNORECASE)

    def text(self, value):
        """The text with the strings wiped (None and other values unchanged)."""
        if not isinstance(value, str) or self._pattern is None:
            return value
        wiped, count = self._pattern.subn(REDACTED, value)
        self.replaced += count
        return wiped

    def value(self, value):
        """A JSON value with the strings wiped from every text in it; keys (field names) are kept."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

    def found_in(self, *columns):
        """A condition: one of the columns (text or JSON) holds one of the strings, as written or JSON-escaped.
        A superset of what `text` wipes (it also knows word boundaries), to find the rows to read."""
        forms = sorted({form for text in self.strings for form in (text, json.dumps(text)[1:-1])})
        if not forms:
            return false()
        return or_(*(cast(column, Text).icontains(form, autoescape=True) for column in columns for form in forms))


def scrubber_for(person: Person) -> Scrubber:
    """The strings of a person to wipe everywhere: names and the values of their contacts, as written and
    normalised."""
    contacts = db.session.execute(select(Contact.value, Contact.normalized).where(Contact.person_id == person.id))
    return Scrubber((person.full_name, person.other_names, *(text for row in contacts for text in row)))


def _redacted(changes) -> tuple[dict | None, int]:
    """An event's changes with every value replaced by REDACTED (empty ones kept empty): the fields that
    changed stay, their values go; and how many values went."""
    if not isinstance(changes, dict):
        return changes, 0
    count = 0

    def wipe(value):
        nonlocal count
        if value in (None, "", [], {}):
            return value
        count += 1
        return REDACTED

    wiped = {}
    for key, change in changes.items():
        if isinstance(change, dict) and "before" in change and "after" in change:
            wiped[key] = {**change, "before": wipe(change["before"]), "after": wipe(change["after"])}
            if "submitted" in change:
                wiped[key]["submitted"] = wipe(change["submitted"])
        else:
            wiped[key] = wipe(change)
    return wiped, count


def _wipe_audit(person: Person, contact_ids: list[int], membership_ids: list[int], scrub: Scrubber) -> int:
    """Wipe the person from the audit log: every value of the events of their record (and of their contacts
    and memberships), and their strings from any other event; how many values were wiped."""
    own = [and_(AuditEvent.entity_type == "people", AuditEvent.entity_id == person.id)]
    for entity_type, ids in (("contacts", contact_ids), ("memberships", membership_ids)):
        if ids:
            own.append(and_(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_(ids)))
    wiped, seen = 0, set()
    for event in db.session.scalars(select(AuditEvent).where(or_(*own))):
        event.changes, count = _redacted(event.changes)
        event.summary, event.summary_message = scrub.text(event.summary), scrub.value(event.summary_message)
        wiped += count
        seen.add(event.id)
    before = scrub.replaced
    for event in db.session.scalars(select(AuditEvent).where(
            scrub.found_in(AuditEvent.summary, AuditEvent.summary_message, AuditEvent.changes))):
        if event.id not in seen:
            event.summary, event.changes = scrub.text(event.summary), scrub.value(event.changes)
            event.summary_message = scrub.value(event.summary_message)
    return wiped + scrub.replaced - before + _wipe_searches(person, scrub)


def _wipe_searches(person: Person, scrub: Scrubber) -> int:
    """Wipe, from the lists and exports that showed the person, a search that named them in a way not kept
    as such: words of their names ("Quỳnh Trang", "quynh trang") or a phone number typed in another layout
    ("90 5555 1234" for "+81 90 5555 1234"); how many values were wiped."""
    name_words = {word for text in scrub.strings for word in fold_words(text)}
    numbers = {digits for digits in (re.sub(r"\D", "", text) for text in scrub.strings)
               if len(digits) >= MIN_PHONE_DIGITS}
    shown = select(audit_event_people.c.event_id).where(audit_event_people.c.person_id == person.id)
    wiped = 0
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.id.in_(shown))):
        filters = event.changes.get("filter") if isinstance(event.changes, dict) else None
        typed = filters.get("q") if isinstance(filters, dict) else None
        if not isinstance(typed, str) or len(typed.strip()) < MIN_LENGTH:
            continue
        # The digits typed, without the trunk or international prefix's zeros ("090…", "0081…").
        digits = re.sub(r"\D", "", typed).lstrip("0")
        words = fold_words(typed)
        if (len(digits) >= MIN_PHONE_DIGITS and any(digits in number for number in numbers)) or (
                words and not digits and set(words) <= name_words):
            search = Scrubber((typed,))
            event.summary, event.changes = search.text(event.summary), search.value(event.changes)
            event.summary_message = search.value(event.summary_message)
            wiped += search.replaced
    return wiped


class AlreadyErased(ValueError):
    """The person was erased before; there is nothing left to erase."""


def erase_person(person: Person, reason: str, by=None) -> dict:
    """Erase a person for good (the subject's request; irreversible), in one transaction, and return what was
    removed: {"erased_contacts", "erased_memberships", "erased_audit_values", plus what the features above
    removed ("erased_import_rows", "erased_files"…)}.

    The row becomes an anonymous tombstone (ERASED_NAME, every other personal column empty, in the bin); one
    "erase" audit event records who, when and the reason (with the person's strings wiped from it too).
    Raises ReasonMissing without a reason and AlreadyErased for a tombstone.
    """
    reason = _reason(reason)
    if person.is_erased:
        raise AlreadyErased(_("Hồ sơ này đã được xoá vĩnh viễn."))
    # The same person's other records, merged into this one (people.merging), are erased first, each in its own
    # transaction: an erase cut short is finished by running it again.
    merged_records = [erase_person(merged, reason, by) for merged in db.session.scalars(
        select(Person).where(Person.merged_into_id == person.id, Person.erased_at.is_(None))).all()]
    session = db.session
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Deleted and overwritten content is zeroed in the database file, not left in free space.
        connection.exec_driver_sql("PRAGMA secure_delete=ON")
    scrub = scrubber_for(person)
    contact_ids = list(session.scalars(select(Contact.id).where(Contact.person_id == person.id)))
    membership_ids = list(session.scalars(select(Membership.id).where(Membership.person_id == person.id)))
    counts = {"erased_contacts": len(contact_ids), "erased_memberships": len(membership_ids),
              "erased_audit_values": _wipe_audit(person, contact_ids, membership_ids, scrub)}
    if merged_records:
        counts["erased_merged_records"] = len(merged_records)
    for table, column in ((Contact.__table__, Contact.person_id), (Membership.__table__, Membership.person_id),
                          (PersonOffer.__table__, PersonOffer.person_id), (person_fields, person_fields.c.person_id),
                          (person_roles, person_roles.c.person_id)):
        session.execute(delete(table).where(column == person.id))
    session.expire(person, ["contacts", "memberships", "offers", "fields", "roles"])
    now = utcnow()
    with session.no_autoflush:
        for column in Person.__table__.c:
            if column.name not in KEPT_COLUMNS:
                setattr(person, column.key, TOMBSTONE_VALUES.get(column.name))
        person.deleted_at = person.deleted_at or now
        person.erased_at = now
        touch(person, by)
    session.flush()
    counts.update(signals.erased_counts(person, scrub=scrub))
    record("erase", person, user=by, summary=scrub.text(reason), changes=dict(counts))
    session.flush()
    if sqlite and connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'people_fts'").scalar():
        # The index keeps a deleted row's words in older segments until they are merged.
        connection.exec_driver_sql("INSERT INTO people_fts(people_fts) VALUES ('optimize')")
    session.commit()
    if sqlite:
        # The write-ahead log holds the pages as they were until a checkpoint copies them back.
        with db.engine.connect() as checkpoint:
            checkpoint.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts
