"""Figures for the dashboard."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from diaspora.extensions import db
from diaspora.people.models import Person
from diaspora.reports import figures


@dataclass
class DashboardFigures:
    people: int
    organisations: int
    countries: int
    recently_updated: list[Person]


def dashboard_figures(on: date) -> DashboardFigures:
    """Counts of the register at the end of the day `on` and the latest changes (the charts, reports.charts, show
    the rest). The totals are the annual report's own functions (reports.figures), so both say the same."""
    now = figures.Period(on, on)
    recently_updated = db.session.scalars(
        select(Person).where(*figures.live_people()).order_by(Person.updated_at.desc()).limit(8)
    ).all()
    return DashboardFigures(
        people=figures.people_totals(now, compare=False).total,
        organisations=figures.organisation_totals(now, compare=False).total,
        countries=figures.countries_of(figures.people_by(now, "country", compare=False)),
        recently_updated=list(recently_updated),
    )
