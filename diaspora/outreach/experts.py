"""The expert finder: people of the register by field, country, academic title and what they offer."""
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.people.models import CONTRIBUTION_LABELS, Person
from diaspora.people.search import PeopleQuery, count_people, search_people
from diaspora.reference.countries import country_choices
from diaspora.reference.models import Field

# Academic titles for the expert finder: the folded prefix the people search matches, and the label.
ACADEMIC_TITLE_FILTERS = (("gs", "GS."), ("pgs", "PGS."), ("ts", "TS."), ("ths", "ThS."), ("bs", "BS."),
                          ("ks", "KS."))


def expert_query(args) -> PeopleQuery:
    """The expert finder's filters, read from the URL, as a people query for outreach: the people who refused
    or withdrew consent, or whose processing is restricted, are left out."""
    query = PeopleQuery.from_args(args)
    return PeopleQuery(q=query.q, country=query.country, field=query.field, title=query.title,
                       offer=query.offer, page=query.page, per_page=50, outreach=True)


def left_out_of(query: PeopleQuery, found: int) -> int:
    """How many people matching the filters the finder leaves out (no consent, or restricted), given how
    many it found."""
    return count_people(replace(query, outreach=False, page=1)) - found


def expert_filter_options() -> dict:
    """The choices of the expert finder's filters."""
    return {
        "fields": [(field.key, field.name(current_language())) for field in db.session.scalars(
            select(Field).where(Field.active.is_(True)).order_by(Field.sort_order))],
        "countries": country_choices(),
        "titles": ACADEMIC_TITLE_FILTERS,
        "offers": [(key, str(label)) for key, label in CONTRIBUTION_LABELS.items()],
    }


def find_experts(query: PeopleQuery):
    """A page of people matching the expert filters, with fields, offers and contacts loaded."""
    page = search_people(query)
    if page.items:
        db.session.scalars(
            select(Person).where(Person.id.in_([person.id for person in page.items]))
            .options(selectinload(Person.fields), selectinload(Person.offers), selectinload(Person.contacts))
        ).all()
    return page


def primary_contact(person: Person):
    """The contact marked primary, else the first one, else None."""
    contacts = list(person.contacts)
    return next((contact for contact in contacts if contact.is_primary), contacts[0] if contacts else None)
