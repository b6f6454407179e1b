"""Read-only views of the reference lists for the admin pages: countries with aliases, units with origins, counts."""
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.reference.index import cached_rows
from diaspora.reference.models import (
    Country,
    CountryAlias,
    LegacyCommune,
    OldDistrict,
    Unit,
)
from diaspora.text import fold, fold_key


def countries_with_aliases(query: str | None = None, locale: str | None = None) -> list[tuple[Country, list[str]]]:
    """Countries (optionally those a name or alias matches) with the aliases staff may write."""
    locale = locale or current_language()
    aliases: dict[str, list[str]] = {}
    for code, alias in db.session.execute(select(CountryAlias.country_code, CountryAlias.alias)
                                          .order_by(CountryAlias.alias)):
        aliases.setdefault(code, []).append(alias)
    needle = fold_key(query)
    rows = []
    for country in sorted(cached_rows(Country).values(), key=lambda country: fold(country.name(locale))):
        names = aliases.get(country.code, [])
        if not needle or any(needle in fold_key(name) for name in (country.name_vi, country.name_en, *names)):
            rows.append((country, names))
    return rows


def units_with_origins(query: str | None = None) -> list[tuple[Unit, list[LegacyCommune]]]:
    """Today's units (optionally those whose name or former communes match) with the old communes they took in."""
    origins: dict[str, list[LegacyCommune]] = {}
    communes = db.session.scalars(select(LegacyCommune).order_by(LegacyCommune.district_name, LegacyCommune.name))
    for commune in communes:
        for code in commune.new_unit_codes.split(";"):
            origins.setdefault(code, []).append(commune)
    needle = fold(query)
    units = sorted(cached_rows(Unit).values(), key=lambda unit: (fold(unit.unit_type), fold(unit.name)))
    return [(unit, origins.get(unit.code, [])) for unit in units
            if not needle or needle in fold(unit.full_name) or needle in fold(unit.old_districts)
            or any(needle in fold(commune.name) for commune in origins.get(unit.code, []))]


def reference_counts() -> dict[str, int]:
    """How many rows each reference list holds, for the overview page."""
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in
            (("countries", Country), ("country_aliases", CountryAlias), ("units", Unit),
             ("old_districts", OldDistrict), ("legacy_communes", LegacyCommune))}
