"""Reference data: seeding from data/, country lookup, hometown matching, taxonomy maintenance."""
import csv
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from diaspora.audit.service import diff, record
from diaspora.config import PROJECT_ROOT
from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.reference.models import (
    CommunityRole,
    Country,
    CountryAlias,
    Field,
    LegacyCommune,
    OldDistrict,
    Unit,
)
from diaspora.spreadsheets.cleaners import Lookups
from diaspora.text import clean_text, fold, fold_key

DATA_DIR = PROJECT_ROOT / "data"

# Where most of Hải Phòng's community lives; offered first in country lists.
COMMON_COUNTRIES = ("JP", "KR", "TW", "US", "DE", "CZ", "RU", "FR", "AU", "CA", "PL", "GB", "CN", "LA", "KH", "TH")

# Another process (a second app server, the `seed` command) may change the lists; re-read them
# after this many seconds so no process serves stale data for long.
CACHE_SECONDS = 300


# --- reading data/ -------------------------------------------------------------------------------

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


# --- in-memory index, shared by every lookup -------------------------------------------------------

@dataclass
class _LegacyRef:
    code: str
    district_code: str | None
    kind: str
    province: str
    targets: tuple[str, ...]


@dataclass
class _Index:
    built_at: float
    country_by_alias: dict[str, str] = field(default_factory=dict)
    country_by_alpha3: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    units_by_name: dict[str, list[str]] = field(default_factory=dict)
    unit_kind: dict[str, str] = field(default_factory=dict)
    districts_by_name: dict[str, list[str]] = field(default_factory=dict)
    district_name: dict[str, str] = field(default_factory=dict)
    units_of_district: dict[str, list[str]] = field(default_factory=dict)
    legacy_by_name: dict[str, list[_LegacyRef]] = field(default_factory=dict)


def invalidate_cache() -> None:
    """Forget the lookup index and cached objects so the next lookup reads the database again."""
    current_app.extensions.pop("reference_index", None)
    db.session.info.pop("reference_objects", None)


def _index() -> _Index:
    index = current_app.extensions.get("reference_index")
    if index is None or time.monotonic() - index.built_at > CACHE_SECONDS:
        index = _build_index()
        current_app.extensions["reference_index"] = index
    return index


def _build_index() -> _Index:
    index = _Index(built_at=time.monotonic())
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
        ref = _LegacyRef(row.old_code, row.district_code, fold(row.commune_type), fold(row.province),
                         tuple(code for code in row.new_unit_codes.split(";") if code))
        index.legacy_by_name.setdefault(fold(row.name), []).append(ref)
    return index


def _objects(model) -> dict:
    """Every row of a small reference table, loaded once per database session and kept alive there."""
    cache = db.session.info.setdefault("reference_objects", {})
    objects = cache.get(model)
    if objects is None or (objects and next(iter(objects.values())) not in db.session):
        objects = {obj.code: obj for obj in db.session.scalars(select(model))}
        cache[model] = objects
    return objects


def _object(model, code: str):
    """One cached row by code, reloading the table once when another process has added rows since."""
    found = _objects(model).get(code)
    if found is None:
        db.session.info["reference_objects"].pop(model, None)
        found = _objects(model).get(code)
    return found


# --- countries -------------------------------------------------------------------------------------

_PARENTHESES = re.compile(r"\(([^)]*)\)")


def find_country(text: str | None) -> Country | None:
    """The country a written name or code means ("Mỹ", "USA", "CHLB Đức", "nhat ban", "JPN"), else None."""
    text = clean_text(text)
    if not text:
        return None
    index = _index()
    code = None
    # An upper-case code means the code: "MY" is Malaysia even though "Mỹ" folds to "my".
    if text.isascii() and text.isalpha() and text.isupper():
        code = text if text in index.country_names else index.country_by_alpha3.get(text)
    if code is None:
        inside = _PARENTHESES.findall(text)
        for variant in (text, _PARENTHESES.sub(" ", text), *inside):
            code = index.country_by_alias.get(fold_key(variant))
            if code:
                break
    return _object(Country, code) if code else None


# Words after which a title names a place: "kiều bào tại Nhật Bản", "hội người Việt ở Đức", "in Japan".
_PLACE_MARKERS = {"tai", "o", "in", "nuoc"}


def countries_named_in(text: str | None, longest_name: int = 6) -> set[str]:
    """Codes of the countries a title names after "tại", "ở", "nước" or "in" ("Danh sách kiều bào tại Cộng
    hòa Séc" → {"CZ"}; "ở Đức và Ba Lan" → {"DE", "PL"}): the longest country name or alias, in whole
    words, after the marker, and each one listed after it. Names elsewhere are not read:
    "Anh", "Đức" and "Nga" are also given names, "và" is an ISO code."""
    words = [word.strip(",;.:-–()") for word in fold(text).split()]
    aliases = _index().country_by_alias
    found = set()
    position, after_country = 0, False
    while position < len(words):
        word = words[position]
        start = None
        if word in _PLACE_MARKERS or (after_country and word in ("va", "and", "")):
            start = position + 1
        elif after_country:  # a list of countries: "tại Đức, Ba Lan"
            start = position
        elif word == "quoc" and words[position + 1:position + 2] == ["gia"]:
            start = position + 2
        after_country = False
        if start is not None and words[start:start + 1] == ["the"]:
            start += 1
        if start is not None:
            for size in range(min(longest_name, len(words) - start), 0, -1):
                code = aliases.get("".join(words[start:start + size]))
                if code:
                    found.add(code)
                    position, after_country = start + size, True
                    break
            else:
                position += 1
            continue
        position += 1
    return found


def country_choices(locale: str | None = None, common_first: bool = False):
    """(code, name) of every country sorted by name, diacritics aside.

    With common_first, a dict of two option groups for a select field: the countries where most of
    the community lives, then all others.
    """
    locale = locale or current_language()
    names = [(code, en if locale == "en" else vi) for code, (vi, en) in _index().country_names.items()]
    names.sort(key=lambda choice: (fold(choice[1]), choice[1]))
    if not common_first:
        return names
    by_code = dict(names)
    return {
        _("Nước có nhiều kiều bào"): [(code, by_code[code]) for code in COMMON_COUNTRIES if code in by_code],
        _("Các nước khác"): [choice for choice in names if choice[0] not in COMMON_COUNTRIES],
    }


def country_name(code: str | None, locale: str | None = None) -> str:
    """The display name of a country code, or the code itself when unknown."""
    if not code:
        return ""
    names = _index().country_names.get(code)
    if names is None:
        return code
    return names[1] if (locale or current_language()) == "en" else names[0]


# --- hometowns -------------------------------------------------------------------------------------

@dataclass
class HometownMatch:
    """Today's unit a written hometown means, or the units it may mean, and why."""

    unit: Unit | None
    candidates: list[Unit]
    # unit | old_commune | old_commune_split | old_district | ambiguous | not_found | empty
    reason: str


@dataclass
class _Piece:
    level: str | None  # commune, district, province, below (a village or street), None (unlabelled)
    kind: str | None  # folded commune type: xa, phuong, thi tran, dac khu
    words: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(self.words)


_COMMUNE, _DISTRICT, _PROVINCE, _BELOW = "commune", "district", "province", "below"
# Written with diacritics these words are unambiguous; unit names contain "Phượng", "Quán", "Tĩnh"…
_LABELS: dict[tuple[str, ...], tuple[str, str | None]] = {
    ("thị", "trấn"): (_COMMUNE, "thi tran"),
    ("đặc", "khu"): (_COMMUNE, "dac khu"),
    ("thị", "xã"): (_DISTRICT, None),
    ("thành", "phố"): (_DISTRICT, None),
    ("xã",): (_COMMUNE, "xa"),
    ("phường",): (_COMMUNE, "phuong"),
    ("huyện",): (_DISTRICT, None),
    ("quận",): (_DISTRICT, None),
    ("tỉnh",): (_PROVINCE, None),
    ("tt",): (_COMMUNE, "thi tran"),
    ("tp",): (_DISTRICT, None),
    ("tx",): (_DISTRICT, None),
    ("p",): (_COMMUNE, "phuong"),
    ("x",): (_COMMUNE, "xa"),
    ("h",): (_DISTRICT, None),
    ("q",): (_DISTRICT, None),
    **{(word,): (_BELOW, None) for word in
       ("thôn", "xóm", "tổ", "ấp", "khu", "số", "ngõ", "ngách", "hẻm", "khối", "cụm", "đội", "làng")},
}
# Without diacritics ("xa Thanh Hai") a label is trusted at the start of a segment; inside one only
# the words no unit name contains.
_FOLDED_LABELS = {tuple(fold(word) for word in words): label for words, label in _LABELS.items()}
_FOLDED_INNER = {("huyen",), ("thi", "xa"), ("thanh", "pho"), ("thi", "tran")}
_TOKEN = re.compile(r"\w+\.?")
_SEGMENT_BREAK = re.compile(r"[,;|()\[\]\n/]+|\s[-–—]+\s")
_PROVINCES = {"hai phong": "hai phong", "hp": "hai phong", "hai duong": "hai duong", "hd": "hai duong"}
_IGNORED = {"viet nam", "vn", "vietnam"}


def _label_at(words: list[str], dotted: list[bool], start: int, first: bool):
    """(length, (level, kind)) when a level word begins at `start`, else None."""
    for length in (2, 1):
        chunk = tuple(words[start:start + length])
        if len(chunk) < length:
            continue
        label = _LABELS.get(chunk)
        if label is None and (first or chunk in _FOLDED_INNER) and all(word.isascii() for word in chunk):
            label = _FOLDED_LABELS.get(chunk)
        # Inside a segment, single letters count only as abbreviations ("P.", "H.").
        if label and (first or len(chunk[0]) > 1 or dotted[start]):
            return length, label
    return None


def _parse_address(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for segment in _SEGMENT_BREAK.split(text):
        tokens = _TOKEN.findall(segment.lower())
        words, dotted = [token.rstrip(".") for token in tokens], [token.endswith(".") for token in tokens]
        current = None
        position = 0
        while position < len(words):
            found = _label_at(words, dotted, position, first=current is None)
            after = position + found[0] if found else 0
            # A label needs a name after it that is not itself a label ("xã Thượng Quận huyện…").
            if found and after < len(words) and (current is None or _label_at(words, dotted, after, False) is None):
                current = _Piece(*found[1])
                pieces.append(current)
                position = after
                continue
            if current is None:
                current = _Piece(None, None)
                pieces.append(current)
            current.words.append(fold(words[position]))
            position += 1
    return [piece for piece in pieces if piece.words]


def match_hometown(text: str | None) -> HometownMatch:
    """Match a written hometown ("xã Thanh Hải, huyện Thanh Hà, Hải Dương") to today's unit."""
    text = clean_text(text)
    if not text:
        return HometownMatch(None, [], "empty")
    code, candidates, reason = _resolve_hometown(_index(), _parse_address(text))
    return HometownMatch(_object(Unit, code) if code else None, [_object(Unit, c) for c in candidates], reason)


def _resolve_hometown(index: _Index, pieces: list[_Piece]) -> tuple[str | None, list[str], str]:
    province, commune, district, unlabelled = None, None, None, []
    for position, piece in enumerate(pieces):
        name = piece.name
        if piece.level == _BELOW or name in _IGNORED:
            continue
        if (piece.level == _PROVINCE or (piece.level == _DISTRICT and _PROVINCES.get(name) == "hai phong")
                or (piece.level is None and name in _PROVINCES and position > 0)):
            province = _PROVINCES.get(name, name)
        elif piece.level == _COMMUNE and commune is None:
            commune = piece
        elif piece.level == _DISTRICT and district is None:
            district = piece
        elif piece.level is None:
            unlabelled.append(piece)
    if commune is None and unlabelled:
        commune = unlabelled.pop(0)
    if district is None and unlabelled:
        district = unlabelled.pop(0)

    district_codes = index.districts_by_name.get(district.name, []) if district else []
    if commune is None or (commune.level is None and not district_codes and commune.name in index.districts_by_name):
        if commune is not None:
            district, district_codes = commune, index.districts_by_name[commune.name]
        if district_codes:
            return None, _district_units(index, district_codes, district.name), "old_district"
        return None, [], "not_found"

    name, kind = commune.name, commune.kind
    legacy = index.legacy_by_name.get(name, [])
    if province:
        legacy = [ref for ref in legacy if province in ref.province] or legacy
    units = [code for code in index.units_by_name.get(name, []) if kind is None or index.unit_kind[code] == kind]

    if district_codes:
        in_district = _prefer_kind([ref for ref in legacy if ref.district_code in district_codes], kind)
        if in_district:
            return _from_legacy(in_district)
        there = [code for code in units if any(code in index.units_of_district.get(d, ()) for d in district_codes)]
        if len(there) == 1:
            return there[0], [], "unit"
        return None, _district_units(index, district_codes, district.name), "old_district"
    if kind is not None:
        if len(units) == 1:
            return units[0], [], "unit"
        legacy = _prefer_kind(legacy, kind)
        if legacy:
            return _from_legacy(legacy)
        return None, units, "ambiguous" if units else "not_found"
    targets = list(dict.fromkeys(units + [code for ref in legacy for code in ref.targets]))
    if len(targets) == 1:
        return targets[0], [], "unit" if units else "old_commune"
    return None, targets, "ambiguous" if targets else "not_found"


def _prefer_kind(refs: list[_LegacyRef], kind: str | None) -> list[_LegacyRef]:
    """The old communes of the written type when there are any; people mislabel xã and phường."""
    return [ref for ref in refs if ref.kind == kind] or refs


def _from_legacy(refs: list[_LegacyRef]) -> tuple[str | None, list[str], str]:
    targets = list(dict.fromkeys(code for ref in refs for code in ref.targets))
    if len(targets) == 1:
        return targets[0], [], "old_commune"
    return None, targets, "old_commune_split" if len(refs) == 1 else "ambiguous"


def _district_units(index: _Index, district_codes: list[str], name: str) -> list[str]:
    """Today's units covering an old district, the one that kept its name first."""
    codes = dict.fromkeys(code for d in district_codes for code in index.units_of_district.get(d, ()))
    units = _objects(Unit)
    return sorted(codes, key=lambda code: fold(units[code].name) != name if code in units else True)


# --- taxonomies ------------------------------------------------------------------------------------

def field_choices(locale: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active fields in their display order."""
    return _taxonomy_choices(Field, locale)


def role_choices(locale: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active community roles in their display order."""
    return _taxonomy_choices(CommunityRole, locale)


def _taxonomy_choices(model, locale: str | None) -> list[tuple[int, str]]:
    locale = locale or current_language()
    items = db.session.scalars(select(model).where(model.active.is_(True)).order_by(model.sort_order, model.id))
    return [(item.id, item.name(locale)) for item in items]


TAXONOMIES = {"fields": Field, "roles": CommunityRole}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(Exception):
    """A taxonomy change that breaks a rule; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def taxonomy_model(kind: str):
    """The model of a taxonomy named in a URL ("fields", "roles"); 404 for anything else."""
    model = TAXONOMIES.get(kind)
    if model is None:
        abort(404)
    return model


def list_taxonomy(model) -> list:
    """Every item, active or not, in display order."""
    return db.session.scalars(select(model).order_by(model.active.desc(), model.sort_order, model.id)).all()


def get_taxonomy_item_or_404(model, item_id: int):
    return db.get_or_404(model, item_id)


def next_sort_order(model) -> int:
    """A sort order placing a new item after the others (before "other", kept last at 1000)."""
    highest = db.session.scalar(select(func.max(model.sort_order)).where(model.sort_order < 1000))
    return (highest or 0) + 10


def _audited_item(item) -> dict:
    return {"key": item.key, "name_vi": item.name_vi, "name_en": item.name_en,
            "sort_order": item.sort_order, "active": item.active}


def _check_item(model, values: dict, item=None) -> dict:
    """Cleaned values; TaxonomyError when a name is empty or a key or name is already taken."""
    name_vi = clean_text(values.get("name_vi"))
    if not name_vi:
        raise TaxonomyError(_("Vui lòng nhập tên tiếng Việt."), "name_vi")
    cleaned = {"name_vi": name_vi, "name_en": clean_text(values.get("name_en")) or name_vi,
               "sort_order": values.get("sort_order")}
    if cleaned["sort_order"] is None:
        cleaned["sort_order"] = item.sort_order if item else next_sort_order(model)
    others = select(model).where(model.id != item.id) if item else select(model)
    if item is None:
        key = (clean_text(values.get("key")) or "").lower()
        if not _KEY.match(key):
            raise TaxonomyError(_("Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ."), "key")
        if db.session.scalar(select(model.id).where(model.key == key)):
            raise TaxonomyError(_("Mã “%(key)s” đã được dùng.", key=key), "key")
        cleaned["key"] = key
    if any(fold(other.name_vi) == fold(name_vi) for other in db.session.scalars(others)):
        raise TaxonomyError(_("Đã có mục tên “%(name)s”.", name=name_vi), "name_vi")
    return cleaned


def create_taxonomy_item(model, values: dict, *, by=None):
    """Add an item to a taxonomy, audited."""
    item = model(active=True, **_check_item(model, values))
    db.session.add(item)
    db.session.flush()
    record("create", item, user=by, changes=diff({}, _audited_item(item)))
    db.session.commit()
    return item


def update_taxonomy_item(item, values: dict, *, by=None) -> None:
    """Rename or reorder an item (its key never changes: imports and links use it), audited."""
    cleaned = _check_item(type(item), values, item)
    _change_item(item, cleaned, by)


def set_taxonomy_item_active(item, active: bool, *, by=None) -> None:
    """Hide an item from new choices (records keep it) or offer it again, audited."""
    _change_item(item, {"active": active}, by)


def _change_item(item, values: dict, by) -> None:
    before = _audited_item(item)
    for key, value in values.items():
        setattr(item, key, value)
    changes = diff(before, _audited_item(item))
    if changes:
        record("update", item, user=by, changes=changes)
    db.session.commit()


# --- read-only lists -------------------------------------------------------------------------------

def countries_with_aliases(query: str | None = None, locale: str | None = None) -> list[tuple[Country, list[str]]]:
    """Countries (optionally those a name or alias matches) with the aliases staff may write."""
    locale = locale or current_language()
    aliases: dict[str, list[str]] = {}
    for code, alias in db.session.execute(select(CountryAlias.country_code, CountryAlias.alias)
                                          .order_by(CountryAlias.alias)):
        aliases.setdefault(code, []).append(alias)
    needle = fold_key(query)
    rows = []
    for country in sorted(_objects(Country).values(), key=lambda country: fold(country.name(locale))):
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
    units = sorted(_objects(Unit).values(), key=lambda unit: (fold(unit.unit_type), fold(unit.name)))
    return [(unit, origins.get(unit.code, [])) for unit in units
            if not needle or needle in fold(unit.full_name) or needle in fold(unit.old_districts)
            or any(needle in fold(commune.name) for commune in origins.get(unit.code, []))]


def reference_counts() -> dict[str, int]:
    """How many rows each reference list holds, for the overview page."""
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in
            (("countries", Country), ("country_aliases", CountryAlias), ("units", Unit),
             ("old_districts", OldDistrict), ("legacy_communes", LegacyCommune))}


# --- the drop-downs of the import templates: names as staff write them in a list -------------------------

def country_names() -> list[str]:
    """Vietnamese names of the countries, sorted diacritics aside."""
    return [name for _, name in country_choices("vi")]


def field_names() -> list[str]:
    """Names of the active fields, in taxonomy order."""
    return [name for _, name in field_choices("vi")]


def role_names() -> list[str]:
    """Names of the active community roles, in taxonomy order."""
    return [name for _, name in role_choices("vi")]


def product_names() -> list[str]:
    """Names of the active typical products, by name."""
    from diaspora.reference.models import Product

    return list(db.session.scalars(select(Product.name).where(Product.active).order_by(Product.name_folded)))


def import_lookups() -> Lookups:
    """The reference data cleaners need, read once for the whole file."""
    from diaspora.reference.models import Product

    lookups = Lookups(find_country=find_country, match_hometown=match_hometown)
    for model, table, names in ((Field, lookups.fields, lookups.field_names),
                                (CommunityRole, lookups.roles, lookups.role_names)):
        for item in db.session.scalars(select(model).where(model.active).order_by(model.sort_order)):
            for text in (item.key, item.name_vi, item.name_en):
                table.setdefault(fold_key(text), item.id)
            names.append(item.name_vi)
    for product in db.session.execute(select(Product.id, Product.name).where(Product.active).order_by(Product.name)):
        lookups.products.setdefault(fold_key(product.name), product.id)
        lookups.product_names.append(product.name)
    return lookups
