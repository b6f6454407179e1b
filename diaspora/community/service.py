"""Submissions from the public form and their review: sent, listed, compared with the register, accepted as a
new person, merged into a person field by field, or rejected. Every decision is audited; only an accepted or
merged submission reaches the register, through the people service the forms use."""
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import abort
from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from diaspora.audit.service import record
from diaspora.community import cleaning
from diaspora.community.consent import (
    CONSENT_LEGAL_BASIS,
    CONSENT_SCOPE,
    CONSENT_SOURCE,
    CONSENT_TEXT_VERSION,
    PERSON_SOURCE,
    PROCESSING_PURPOSE,
    SUBMISSION_KEEP_DAYS,
)
from diaspora.community.forms import MERGE_ATTRIBUTES
from diaspora.community.models import EventRegistration, Submission
from diaspora.community.participants import link_person
from diaspora.contacts import CONTACT_KIND_LABELS, clean_contacts
from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.organisations.models import Organisation
from diaspora.people import service as people_service
from diaspora.people.models import CONTRIBUTION_LABELS, GENDER_LABELS, PERSON_FIELD_LABELS, Person
from diaspora.records import utcnow
from diaspora.reference.countries import country_name
from diaspora.reference.models import Field
from diaspora.text import fold

# Reference codes: letters and digits no one confuses when reading them aloud or copying (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
QUEUE_PAGE = 50


class AlreadyReviewed(Exception):
    """The submission was decided already (by someone else meanwhile)."""


class SubmissionInvalid(Exception):
    """The submission's values no longer pass the register's rules (a country or field removed since)."""

    def __init__(self, problems: dict):
        super().__init__(problems)
        self.problems = problems


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def unused_code(model) -> str:
    """A fresh code no row of `model` carries yet."""
    while True:
        code = new_code()
        column = model.reference_code if model is Submission else model.code
        if db.session.scalar(select(func.count()).where(column == code)) == 0:
            return code


def normalise_code(text: str | None) -> str:
    """A code as typed: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:CODE_LENGTH * 2]


def submit(values: dict, *, address_hash: str | None, locale: str, activity_id: int | None = None,
           commit: bool = True) -> Submission:
    """Keep a registration for review (consent given: the form refuses it otherwise). Nothing reaches the register."""
    submission = Submission(reference_code=unused_code(Submission), values=values, consent_given=True,
                            consent_text_version=CONSENT_TEXT_VERSION, submitted_at=utcnow(),
                            address_hash=address_hash, locale=locale, status="pending", activity_id=activity_id)
    db.session.add(submission)
    if commit:
        db.session.commit()
    return submission


def get_submission_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        abort(404)
    return submission


def queue(status: str = "pending", page: int = 1) -> tuple[list[Submission], int]:
    """One page of the submissions of a status, oldest first (the queue), and how many there are."""
    condition = Submission.status == status
    total = db.session.scalar(select(func.count()).select_from(Submission).where(condition))
    order = Submission.submitted_at if status == "pending" else Submission.reviewed_at.desc()
    items = db.session.scalars(select(Submission).where(condition).order_by(order, Submission.id)
                               .limit(QUEUE_PAGE).offset((max(page, 1) - 1) * QUEUE_PAGE)).all()
    return list(items), total


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission).where(Submission.status == "pending"))


def matches_for(submission: Submission) -> list[tuple[Person, str]]:
    """The live people the submission probably is, strongest first, each with the reasons in words."""
    matches = cleaning.probable_matches(submission.values or {})
    people = {person.id: person for person in db.session.scalars(
        select(Person).where(Person.id.in_([m.person_id for m in matches]), Person.deleted_at.is_(None),
                             Person.erased_at.is_(None)))}
    return [(people[m.person_id], m.label) for m in matches if m.person_id in people]


def shown_values(values: dict) -> dict[str, str]:
    """The submitted values as staff read them: country, gender, fields and offers by name, not by code."""
    shown = {}
    for key, value in (values or {}).items():
        if value in (None, "", []):
            continue
        if key == "country_code":
            shown[key] = country_name(value) or str(value)
        elif key == "gender":
            shown[key] = str(GENDER_LABELS.get(value, value))
        elif key == "fields":
            ids = [int(item) for item in value if str(item).isdigit()]
            names = {item.id: item.name(current_language()) for item in db.session.scalars(
                select(Field).where(Field.id.in_(ids)))}
            shown[key] = "; ".join(names.get(item, str(item)) for item in ids)
        elif key == "offers":
            shown[key] = "; ".join(str(CONTRIBUTION_LABELS.get(item, item)) for item in value)
        elif isinstance(value, list):
            shown[key] = "; ".join(str(item) for item in value)
        else:
            shown[key] = str(value)
    return shown


def _local_date(moment: datetime):
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return to_user_timezone(moment).date()


def consent_values(submission: Submission) -> dict:
    """The consent the submitter gave, as the person's consent fields record it."""
    given_on = _local_date(submission.submitted_at)
    source = "event" if (submission.values or {}).get("walk_in") else CONSENT_SOURCE
    return {"consent_status": "given", "consent_date": given_on, "consent_source": source,
            "consent_legal_basis": CONSENT_LEGAL_BASIS, "consent_text_version": submission.consent_text_version,
            "consent_scope": CONSENT_SCOPE, "processing_purpose": PROCESSING_PURPOSE}


def _cleaned(submission: Submission):
    row = cleaning.clean_values(submission.values or {})
    if not row.valid:
        raise SubmissionInvalid(cleaning.form_problems(row))
    return row


def _refuse_reviewed(submission: Submission) -> None:
    db.session.refresh(submission)
    if submission.status != "pending":
        raise AlreadyReviewed()


def _organisations(names) -> tuple[list[Organisation], list[str]]:
    """The live organisations of the register the names are (by folded name), and the names none is."""
    found, unknown = [], []
    for name in names:
        organisation = db.session.scalar(select(Organisation).where(
            Organisation.name_folded == fold(name)[:300], Organisation.deleted_at.is_(None)).limit(1))
        if organisation is None:
            unknown.append(name)
        elif organisation not in found:
            found.append(organisation)
    return found, unknown


def _declared_note(names: list[str]) -> str | None:
    return ("Hội đoàn tự khai khi đăng ký: " + "; ".join(names)) if names else None


def _decide(submission: Submission, status: str, person: Person | None, by, note: str | None) -> None:
    """Record the decision on the submission, audited, and commit."""
    submission.status = status
    submission.person_id = person.id if person is not None else None
    submission.reviewed_by_id = getattr(by, "id", None)
    submission.reviewed_at = utcnow()
    submission.review_note = (note or "").strip()[:500] or None
    with force_locale("vi"):
        changes = {"status": {"before": "Chờ duyệt", "after": submission.status_label}}
        if person is not None:
            changes["person"] = {"before": None, "after": f"{person.full_name} (ID {person.id})"}
        if submission.review_note:
            changes["review_note"] = {"before": None, "after": submission.review_note}
        record({"accepted": "accept", "merged": "merge", "rejected": "reject"}[status], submission, changes=changes,
               summary=f"{submission.reference_code} — {submission.full_name}", user=by)
    db.session.commit()


def _add_memberships(person: Person, organisations: list[Organisation], by) -> None:
    known = {membership.organisation_id for membership in person.memberships}
    for organisation in organisations:
        if organisation.id not in known:
            people_service.add_membership(person, {"organisation_id": organisation.id}, by=by)


def accept_as_new(submission: Submission, by, note: str | None = None) -> Person:
    """Make a new person of the submission (the people service: audit, search text, consent), and mark it accepted."""
    _refuse_reviewed(submission)
    values = cleaning.person_values(_cleaned(submission))
    organisations, unknown = _organisations(values.pop("organisations"))
    values.update(consent_values(submission), source=PERSON_SOURCE, collected_on=_local_date(submission.submitted_at),
                  notes=_declared_note(unknown))
    person = people_service.create_person(values, by=by)
    _add_memberships(person, organisations, by)
    _decide(submission, "accepted", person, by, note)
    _after_decision(submission, person, by)
    return person


def reject(submission: Submission, by, note: str | None = None) -> None:
    """Reject the submission: nothing reaches the register; its values are deleted after SUBMISSION_KEEP_DAYS."""
    _refuse_reviewed(submission)
    _decide(submission, "rejected", None, by, note)


# --- merge into a person of the register, field by field ------------------------------------------------------

@dataclass
class Line:
    """One attribute side by side: the register's value and the submission's, as read."""

    name: str
    label: str
    current: str
    submitted: str

    @property
    def differs(self) -> bool:
        return bool(self.submitted) and fold(self.submitted) != fold(self.current)


@dataclass
class Comparison:
    """A person and a submission side by side, with what the submission could add."""

    person: Person
    values: dict
    lines: list[Line] = field(default_factory=list)
    new_contacts: list[str] = field(default_factory=list)
    contact_rows: list[dict] = field(default_factory=list)
    new_fields: list[str] = field(default_factory=list)
    field_ids: list[int] = field(default_factory=list)
    new_offers: list[str] = field(default_factory=list)
    offer_kinds: list[str] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    organisations: list = field(default_factory=list)
    unknown_organisations: list[str] = field(default_factory=list)


def _birth_text(birth_date, birth_year) -> str:
    return birth_date.strftime("%d/%m/%Y") if birth_date else str(birth_year or "")


def compare(submission: Submission, person: Person) -> Comparison:
    """The submission beside the person: each attribute, then the contacts, fields, offers and associations the
    person does not have yet."""
    values = cleaning.person_values(_cleaned(submission))
    comparison = Comparison(person, values)
    for name in MERGE_ATTRIBUTES:
        if name == "birth":
            current, submitted = (_birth_text(person.birth_date, person.birth_year),
                                  _birth_text(values["birth_date"], values["birth_year"]))
            label = _("Ngày sinh hoặc năm sinh")
        elif name == "gender":
            current = str(GENDER_LABELS.get(person.gender, "")) if person.gender else ""
            submitted = str(GENDER_LABELS.get(values["gender"], "")) if values["gender"] else ""
            label = str(PERSON_FIELD_LABELS[name])
        elif name == "country_code":
            current, submitted = country_name(person.country_code) or "", country_name(values["country_code"]) or ""
            label = str(PERSON_FIELD_LABELS[name])
        else:
            current, submitted = getattr(person, name) or "", values.get(name) or ""
            label = str(PERSON_FIELD_LABELS[name])
        comparison.lines.append(Line(name, label, str(current), str(submitted)))
    known = {(contact.kind, contact.normalized) for contact in person.contacts}
    cleaned, _errors = clean_contacts(values["contacts"], values["country_code"])
    for contact in cleaned:
        if (contact["kind"], contact["normalized"]) not in known:
            comparison.contact_rows.append({"kind": contact["kind"], "value": contact["value"], "is_primary": False})
            comparison.new_contacts.append(f"{CONTACT_KIND_LABELS[contact['kind']]}: {contact['value']}")
    have = {item.id for item in person.fields}
    for item in db.session.scalars(select(Field).where(Field.id.in_(values["fields"]))):
        if item.id not in have:
            comparison.field_ids.append(item.id)
            comparison.new_fields.append(item.name_vi)
    for kind in values["offers"]:
        if kind in CONTRIBUTION_LABELS and kind not in person.offer_kinds:
            comparison.offer_kinds.append(kind)
            comparison.new_offers.append(str(CONTRIBUTION_LABELS[kind]))
    member_of = {membership.organisation_id for membership in person.memberships}
    organisations, unknown = _organisations(values["organisations"])
    for organisation in organisations:
        if organisation.id not in member_of:
            comparison.organisations.append(organisation)
            comparison.new_organisations.append(organisation.name)
    comparison.unknown_organisations = unknown
    return comparison


def merge_into(submission: Submission, person: Person, *, taken: set[str], contacts: set[int], fields: set[int],
               offers: set[int], organisations: set[int], by, expected_version: int | None = None,
               note: str | None = None) -> None:
    """Take the chosen attributes and additions of the submission into the person (people service: audit,
    version check, search text) with the consent it carries, and mark the submission merged."""
    _refuse_reviewed(submission)
    comparison = compare(submission, person)
    values = comparison.values
    changes: dict = {}
    for name in taken:
        if name == "birth":
            changes.update(birth_date=values["birth_date"], birth_year=values["birth_year"])
        elif name == "hometown_text":
            changes.update(hometown_text=values["hometown_text"], hometown_unit_code=values["hometown_unit_code"])
        elif values.get(name) not in (None, ""):
            changes[name] = values[name]
    chosen = [row for index, row in enumerate(comparison.contact_rows) if index in contacts]
    if chosen:
        changes["contacts"] = people_service.person_values(person)["contacts"] + chosen
    new_fields = [item for index, item in enumerate(comparison.field_ids) if index in fields]
    if new_fields:
        changes["fields"] = [item.id for item in person.fields] + new_fields
    new_offers = [kind for index, kind in enumerate(comparison.offer_kinds) if index in offers]
    if new_offers:
        changes["offers"] = person.offer_kinds + new_offers
    changes.update(consent_values(submission))
    people_service.update_person(person, changes, by=by, expected_version=expected_version)
    _add_memberships(person, [item for index, item in enumerate(comparison.organisations) if index in organisations],
                     by)
    _decide(submission, "merged", person, by, note)
    _after_decision(submission, person, by)


def _after_decision(submission: Submission, person: Person, by) -> None:
    """An event's registrant accepted into the register: their registration names the person, who becomes a
    participant of the event once checked in."""
    for registration in db.session.scalars(select(EventRegistration).where(
            EventRegistration.submission_id == submission.id)):
        link_person(registration, person, by)


# --- retention --------------------------------------------------------------------------------------------------

def purge_rejected(days: int = SUBMISSION_KEEP_DAYS, now: datetime | None = None) -> int:
    """Delete the rejected submissions sent more than `days` ago (as the consent text promises); how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(delete(Submission).where(Submission.status == "rejected",
                                                         Submission.submitted_at < cutoff))
    db.session.commit()
    return result.rowcount
