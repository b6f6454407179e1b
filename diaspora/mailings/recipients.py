"""Whom a campaign reaches: the people the people list's filters find (the same URL arguments as /people/),
less those it must leave out, each counted under one reason, in this order:

1. processing restricted (the subject's request);
2. no consent to be contacted: refused or withdrew it (people.privacy.outreach_allowed is the rule);
3. deceased (status);
4. no address for the channel: an e-mail needs an e-mail contact; a printed letter needs a postal address
   (the person's address or a postal-address contact), since it goes in an envelope.

People in the bin and erased tombstones are never in the list. The e-mail used is the person's primary
e-mail contact, else their first.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select

from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.mailings.merge import Recipient, postal_address
from diaspora.people.models import NO_CONSENT, Person
from diaspora.people.privacy import outreach_allowed
from diaspora.people.search import PeopleQuery, filtered_people_select

REASONS = {
    "restricted": _l("bị hạn chế xử lý dữ liệu"),
    "no_consent": _l("từ chối hoặc rút lại đồng ý liên hệ"),
    "deceased": _l("đã mất"),
    "no_email": _l("không có địa chỉ e-mail"),
    "no_address": _l("không có địa chỉ bưu chính"),
}


def has_address(channel: str):
    """The condition that a person can be reached by the channel."""
    if channel == "email":
        return exists().where(Contact.person_id == Person.id, Contact.kind == "email")
    postal = exists().where(Contact.person_id == Person.id, Contact.kind == "address")
    return or_(and_(Person.address.is_not(None), Person.address != ""), postal)


def reachable(channel: str):
    """Who a campaign on the channel writes to, among the people a list finds."""
    return and_(outreach_allowed(), Person.status != "deceased", has_address(channel))


@dataclass(frozen=True)
class Selection:
    """The people a list finds, how many the campaign reaches and how many it leaves out, by reason."""

    found: int
    recipients: int
    excluded: dict  # {reason: count}, only reasons with someone

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    def described(self) -> list[tuple[str, int]]:
        """(label, count) of each reason that left someone out, in REASONS' order."""
        return [(str(REASONS[reason]), count) for reason, count in self.excluded.items()]


def select_for(query: PeopleQuery, channel: str) -> Selection:
    """Count, in one query, the people the list finds, and those left out under each reason."""
    no_address_key = "no_email" if channel == "email" else "no_address"
    restricted = Person.restricted_at.is_not(None)
    refused = Person.consent_status.in_(NO_CONSENT)
    deceased = Person.status == "deceased"
    reason = case((restricted, "restricted"), (refused, "no_consent"), (deceased, "deceased"),
                  (~has_address(channel), no_address_key), else_=None)
    found = filtered_people_select(query).where(Person.erased_at.is_(None)).order_by(None).subquery()
    rows = db.session.execute(
        select(reason.label("reason"), func.count()).select_from(Person).join(found, found.c.id == Person.id)
        .group_by(reason)).all()
    counts = {key: count for key, count in rows}
    excluded = {key: counts[key] for key in REASONS if counts.get(key)}
    total = sum(counts.values())
    return Selection(found=total, recipients=counts.get(None, 0), excluded=excluded)


def recipients_select(query: PeopleQuery, channel: str):
    """SELECT of the people the campaign writes to, in the list's order."""
    return filtered_people_select(query).where(reachable(channel))


def _primary_emails(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Contact.person_id, Contact.normalized).where(Contact.person_id.in_(ids), Contact.kind == "email")
        .order_by(Contact.person_id, Contact.is_primary.desc(), Contact.id)).all()
    emails: dict[int, str] = {}
    for person_id, email in rows:
        emails.setdefault(person_id, email)
    return emails


def _postal_addresses(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Contact.person_id, Contact.value).where(Contact.person_id.in_(ids), Contact.kind == "address")
        .order_by(Contact.person_id, Contact.is_primary.desc(), Contact.id)).all()
    addresses: dict[int, str] = {}
    for person_id, value in rows:
        addresses.setdefault(person_id, value)
    return addresses


def recipients_of(people: list[Person]) -> list[Recipient]:
    """Recipients (what a letter needs) of loaded people, with their e-mail and postal address."""
    ids = [person.id for person in people]
    emails, postal = _primary_emails(ids), _postal_addresses(ids)
    return [Recipient(id=person.id, full_name=person.full_name, gender=person.gender, birth_year=person.birth_year,
                      country_code=person.country_code, city=person.city,
                      address=postal_address(person.address or postal.get(person.id), person.city,
                                             person.country_code), email=emails.get(person.id))
            for person in people]


def recipient_ids(query: PeopleQuery, channel: str) -> list[int]:
    """The ids of the people the campaign writes to, in the list's order."""
    return list(db.session.scalars(recipients_select(query, channel).with_only_columns(Person.id)))


def recipient_at(query: PeopleQuery, channel: str, index: int, total: int) -> tuple[Recipient | None, int]:
    """The recipient at a position of the list (0-based, kept within its `total`) and that position."""
    if total <= 0:
        return None, 0
    index = max(0, min(index, total - 1))
    person = db.session.scalars(recipients_select(query, channel).limit(1).offset(index)).first()
    return (recipients_of([person])[0] if person else None), index


def load_recipients(ids: list[int]) -> list[Recipient]:
    """Recipients of the people with these ids, in this order."""
    people = {person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return recipients_of([people[i] for i in ids if i in people])
