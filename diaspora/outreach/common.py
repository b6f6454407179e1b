"""Small helpers the outreach services share: today, lenient parsing of ids, readable values."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from diaspora.extensions import db
from diaspora.listing import record_id
from diaspora.reference.models import Country


def today() -> date:
    """Today in the office's time zone (the server may run on UTC)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def optional_id(value) -> int | None:
    """An id from a form or the URL, or None (also for one no record can have)."""
    return record_id(value)


def label(labels: dict, code: str | None) -> str | None:
    """The label of a code, as text for the audit; None for no code."""
    return str(labels.get(code, code)) if code else None


def country_name(code: str | None) -> str | None:
    """The Vietnamese name of a country code, for the audit; the code when unknown."""
    country = db.session.get(Country, code) if code else None
    return country.name_vi if country is not None else code
