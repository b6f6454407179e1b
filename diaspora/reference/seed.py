"""Seeding the reference lists (countries, aliases, taxonomies, administrative units) from the CSV files in data/."""
import csv
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update

from diaspora.config import PROJECT_ROOT
from diaspora.extensions import db
from diaspora.reference.index import invalidate_cache
from diaspora.reference.models import (
    CommunityRole,
    Country,
    CountryAlias,
    Field,
    LegacyCommune,
    OldDistrict,
    Synonym,
    Unit,
)
from diaspora.reference.synonyms import seed_synonyms
from diaspora.text import clean_text, fold, fold_key

DATA_DIR = PROJECT_ROOT / "data"


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: clean_text(value) for key, value in row.items()} for row in csv.DictReader(handle)]


@lru_cache(maxsize=4)
def load_reference_files(data_dir: Path = DATA_DIR) -> dict[str, list[dict]]:
    """The rows to store, per table, read from the CSV files in `data_dir`."""
    countries = _read_csv(data_dir / "countries.csv")
    districts = _read_csv(data_dir / "old_districts.csv")
    units = _read_csv(data_dir / "units_2025.csv")
    communes = _read_csv(data_dir / "legacy_communes.csv")
    return {
        "countries": [
            {"code": row["code"], "alpha3": row["alpha3"], "name_vi": row["name_vi"], "name_en": row["name_en"]}
            for row in countries
        ],
        "country_aliases": _country_aliases(countries, _read_csv(data_dir / "country_aliases.csv")),
        "fields": _taxonomy_rows(data_dir / "fields.csv"),
        "community_roles": _taxonomy_rows(data_dir / "community_roles.csv"),
        "old_districts": [
            {
                "code": row["code"],
                "province": row["province"],
                "district_type": row["district_type"],
                "name": row["name"],
                "name_folded": fold(row["name"]),
            }
            for row in districts
        ],
        "units": [
            {
                "code": row["code"],
                "name": row["name"],
                "unit_type": row["unit_type"],
                "full_name": row["full_name"],
                "name_folded": fold(row["name"]),
                "old_districts": row["old_districts"],
            }
            for row in units
        ],
        "legacy_communes": [
            {
                "old_code": row["old_code"],
                "province": row["province"],
                "district_code": row["district_code"],
                "district_name": row["district_name"],
                "commune_type": row["commune_type"],
                "name": row["name"],
                "name_folded": fold(row["name"]),
                "new_unit_code": row["new_unit_codes"] if row["mapping"] == "full" else None,
                "new_unit_codes": row["new_unit_codes"],
                "note": row["note"],
            }
            for row in communes
        ],
    }


def _taxonomy_rows(path: Path) -> list[dict]:
    return [
        {"key": row["key"], "name_vi": row["name_vi"], "name_en": row["name_en"],
         "sort_order": int(row["sort_order"]), "active": True}
        for row in _read_csv(path)
    ]


def _country_aliases(countries: list[dict], typed: list[dict]) -> list[dict]:
    """Hand-written aliases first, then every code and name of every country; the first claim wins."""
    claims = [(row["country_code"], row["alias"]) for row in typed]
    for row in countries:
        claims += [(row["code"], row["name_vi"]), (row["code"], row["name_en"])]
    for row in countries:
        claims += [(row["code"], row["code"]), (row["code"], row["alpha3"])]
    for row in countries:
        for column in ("other_names_vi", "other_names_en"):
            claims += [(row["code"], name.strip()) for name in (row[column] or "").split("|") if name.strip()]
    aliases: dict[str, dict] = {}
    for code, alias in claims:
        key = fold_key(alias)
        if key and key not in aliases:
            aliases[key] = {"alias_folded": key, "country_code": code, "alias": alias}
    return list(aliases.values())


# --- seeding ---------------------------------------------------------------------------------------

def seed_reference_data(data_dir: Path = DATA_DIR) -> dict[str, dict[str, int]]:
    """Load data/ into the database; idempotent. Returns {table: {added, updated, removed, total}}."""
    data = load_reference_files(data_dir)
    counts = {
        "countries": _sync(Country, data["countries"]),
        "country_aliases": _sync(CountryAlias, data["country_aliases"], remove_missing=True),
        # Admins maintain these taxonomies: only keys not yet present are added.
        "fields": _sync(Field, data["fields"], key="key", update_existing=False),
        "community_roles": _sync(CommunityRole, data["community_roles"], key="key", update_existing=False),
        "old_districts": _sync(OldDistrict, data["old_districts"]),
        "units": _sync(Unit, data["units"]),
        "legacy_communes": _sync(LegacyCommune, data["legacy_communes"]),
    }
    # The office's words for catalogue items: only those not yet present are added (admins edit them).
    added = seed_synonyms(data_dir / "synonyms.csv")
    total = db.session.scalar(select(func.count()).select_from(Synonym))
    counts["synonyms"] = {"added": added, "updated": 0, "removed": 0, "total": total}
    db.session.commit()
    invalidate_cache()
    return counts


def _sync(model, rows: list[dict], key: str | None = None, update_existing: bool = True,
          remove_missing: bool = False) -> dict[str, int]:
    """Insert missing rows, update changed ones (by primary key) and optionally delete stale ones."""
    key = key or model.__mapper__.primary_key[0].key
    columns = list(rows[0])
    stored = {row[0]: tuple(row[1:]) for row in
              db.session.execute(select(getattr(model, key), *(getattr(model, c) for c in columns)))}
    added = [row for row in rows if row[key] not in stored]
    changed = [row for row in rows
               if update_existing and row[key] in stored and tuple(row[c] for c in columns) != stored[row[key]]]
    stale = set(stored) - {row[key] for row in rows} if remove_missing else set()
    if stale:
        db.session.execute(delete(model).where(getattr(model, key).in_(stale)))
    if changed:
        db.session.execute(update(model), changed)
    if added:
        db.session.execute(insert(model), added)
    return {"added": len(added), "updated": len(changed), "removed": len(stale),
            "total": len(stored) + len(added) - len(stale)}
