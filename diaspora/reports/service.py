"""Figures for the dashboard."""
from dataclasses import dataclass

from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.people.models import Person, person_fields
from diaspora.reference.models import Country, Field


@dataclass
class DashboardFigures:
    people: int
    organisations: int
    countries: int
    by_country: list[tuple[str, str, int]]  # (code, name, count)
    by_field: list[tuple[str, str, int]]  # (key, name, count)
    recently_updated: list[Person]


def dashboard_figures(locale: str = "vi", top: int = 10) -> DashboardFigures:
    """Counts of the live register, the countries and fields with most people, the latest changes."""
    live = Person.deleted_at.is_(None)
    people = db.session.scalar(select(func.count()).select_from(Person).where(live)) or 0
    organisations = db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.deleted_at.is_(None))
    ) or 0
    country_name = Country.name_en if locale == "en" else Country.name_vi
    by_country_rows = db.session.execute(
        select(Person.country_code, country_name, func.count())
        .join(Country, Country.code == Person.country_code)
        .where(live)
        .group_by(Person.country_code, country_name)
        .order_by(func.count().desc())
    ).all()
    field_name = Field.name_en if locale == "en" else Field.name_vi
    by_field = db.session.execute(
        select(Field.key, field_name, func.count())
        .join(person_fields, person_fields.c.field_id == Field.id)
        .join(Person, Person.id == person_fields.c.person_id)
        .where(live)
        .group_by(Field.key, field_name)
        .order_by(func.count().desc())
        .limit(top)
    ).all()
    recently_updated = db.session.scalars(
        select(Person).where(live).order_by(Person.updated_at.desc()).limit(8)
    ).all()
    return DashboardFigures(
        people=people,
        organisations=organisations,
        countries=len(by_country_rows),
        by_country=[tuple(row) for row in by_country_rows[:top]],
        by_field=[tuple(row) for row in by_field],
        recently_updated=list(recently_updated),
    )
