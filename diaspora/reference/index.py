"""The in-memory index of the reference lists every lookup shares, and reference rows cached per session."""
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.reference.models import (
    Country,
    CountryAlias,
    LegacyCommune,
    OldDistrict,
    Unit,
)
from diaspora.text import fold

# Another process (a second app server, the `seed` command) may change the lists; re-read them
# after this many seconds so no process serves stale data for long.
CACHE_SECONDS = 300


@dataclass
class LegacyRef:
    code: str
    district_code: str | None
    kind: str
    province: str
    targets: tuple[str, ...]


@dataclass
class Index:
    built_at: float
    country_by_alias: dict[str, str] = field(default_factory=dict)
    country_by_alpha3: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    units_by_name: dict[str, list[str]] = field(default_factory=dict)
    unit_kind: dict[str, str] = field(default_factory=dict)
    districts_by_name: dict[str, list[str]] = field(default_factory=dict)
    district_name: dict[str, str] = field(default_factory=dict)
    units_of_district: dict[str, list[str]] = field(default_factory=dict)
    legacy_by_name: dict[str, list[LegacyRef]] = field(default_factory=dict)


def invalidate_cache() -> None:
    """Forget the lookup index and cached objects so the next lookup reads the database again."""
    current_app.extensions.pop("reference_index", None)
    db.session.info.pop("reference_objects", None)


def reference_index() -> Index:
    """The index of this app, built again when older than CACHE_SECONDS."""
    index = current_app.extensions.get("reference_index")
    if index is None or time.monotonic() - index.built_at > CACHE_SECONDS:
        index = _build_index()
        current_app.extensions["reference_index"] = index
    return index


def _build_index() -> Index:
    index = Index(built_at=time.monotonic())
    for code, alpha3, name_vi, name_en in db.session.execute(
            select(Country.code, Country.alpha3, Country.name_vi, Country.name_en)):
        index.country_names[code] = (name_vi, name_en)
        if alpha3:
            index.country_by_alpha3[alpha3] = code
    aliases = db.session.execute(select(CountryAlias.alias_folded, CountryAlias.country_code))
    index.country_by_alias = dict(aliases.all())

    for code, district_type, name in db.session.execute(
            select(OldDistrict.code, OldDistrict.district_type, OldDistrict.name)):
        index.districts_by_name.setdefault(fold(name), []).append(code)
        index.district_name[fold(f"{district_type} {name}")] = code

    for code, kind, name, old_districts in db.session.execute(
            select(Unit.code, Unit.unit_type, Unit.name, Unit.old_districts).order_by(Unit.code)):
        index.units_by_name.setdefault(fold(name), []).append(code)
        index.unit_kind[code] = fold(kind)
        for district in (old_districts or "").split(";"):
            district_code = index.district_name.get(fold(district))
            if district_code:
                index.units_of_district.setdefault(district_code, []).append(code)

    for row in db.session.execute(select(
            LegacyCommune.old_code, LegacyCommune.district_code, LegacyCommune.commune_type,
            LegacyCommune.province, LegacyCommune.name, LegacyCommune.new_unit_codes)):
        ref = LegacyRef(row.old_code, row.district_code, fold(row.commune_type), fold(row.province),
                         tuple(code for code in row.new_unit_codes.split(";") if code))
        index.legacy_by_name.setdefault(fold(row.name), []).append(ref)
    return index


def cached_rows(model) -> dict:
    """Every row of a small reference table, loaded once per database session and kept alive there."""
    cache = db.session.info.setdefault("reference_objects", {})
    objects = cache.get(model)
    if objects is None or (objects and next(iter(objects.values())) not in db.session):
        objects = {obj.code: obj for obj in db.session.scalars(select(model))}
        cache[model] = objects
    return objects


def cached_row(model, code: str):
    """One cached row by code, reloading the table once when another process has added rows since."""
    found = cached_rows(model).get(code)
    if found is None:
        db.session.info["reference_objects"].pop(model, None)
        found = cached_rows(model).get(code)
    return found
