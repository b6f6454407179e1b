"""Hometown matching: a written address ("xã Thanh Hải, huyện Thanh Hà, Hải Dương") to today's administrative unit."""
import importlib.util
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from diaspora.reference.index import (
    Index,
    LegacyRef,
    cached_row,
    cached_rows,
    reference_index,
)
from diaspora.reference.models import Unit
from diaspora.text import clean_text, fold


@dataclass
class HometownMatch:
    """Today's unit a written hometown means, or the units it may mean, and why."""

    unit: Unit | None
    candidates: list[Unit]
    # unit | old_commune | old_commune_split | abolished_commune | old_district | ambiguous | not_found | empty
    # (abolished_commune: a commune merged away before our list's snapshot, known from vietnamadminunits)
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
    code, candidates, reason = _resolve_hometown(reference_index(), _parse_address(text))
    return HometownMatch(cached_row(Unit, code) if code else None, [cached_row(Unit, c) for c in candidates], reason)


def _resolve_hometown(index: Index, pieces: list[_Piece]) -> tuple[str | None, list[str], str]:
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
        if not there:
            found = _from_library(index, name, kind, district_codes, province)
            if found:
                return found
        return None, _district_units(index, district_codes, district.name), "old_district"
    if not units and not legacy:
        found = _from_library(index, name, kind, [], province)
        if found:
            return found
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


def _prefer_kind(refs: list[LegacyRef], kind: str | None) -> list[LegacyRef]:
    """The old communes of the written type when there are any; people mislabel xã and phường."""
    return [ref for ref in refs if ref.kind == kind] or refs


def _from_legacy(refs: list[LegacyRef]) -> tuple[str | None, list[str], str]:
    targets = list(dict.fromkeys(code for ref in refs for code in ref.targets))
    if len(targets) == 1:
        return targets[0], [], "old_commune"
    return None, targets, "old_commune_split" if len(refs) == 1 else "ambiguous"


def _district_units(index: Index, district_codes: list[str], name: str) -> list[str]:
    """Today's units covering an old district, the one that kept its name first."""
    codes = dict.fromkeys(code for d in district_codes for code in index.units_of_district.get(d, ()))
    units = cached_rows(Unit)
    return sorted(codes, key=lambda code: fold(units[code].name) != name if code in units else True)


# Communes abolished before our list's snapshot (xã Thủy Triều and thị trấn Núi Đèo, merged into
# Thủy Nguyên's wards on 1/1/2025; the 2019–2020 mergers of Hải Dương) come from the vietnamadminunits
# package's data files (read directly; importing the package would load geopy, shapely and numpy): its 63-province table names, for each commune of early 2025, the older communes merged
# into it ("wardAlias"). Our list then says where that commune went on 1/7/2025. Only the package's
# offline data is read: never `convert_address`, which asks an online geocoder (ArcGIS) when an old
# commune was split and a street is written. A split commune gives candidates instead.
_LIBRARY_PROVINCES = {"Hải Phòng": "hai phong", "Hải Dương": "hai duong"}
_ALIAS_KINDS = (("thitran", "thi tran"), ("phuong", "phuong"), ("tt", "thi tran"), ("xa", "xa"))


@dataclass(frozen=True)
class _LibraryAlias:
    kind: str | None  # folded type of the abolished commune when the package gives it
    commune_code: str  # the early-2025 commune it was merged into (GSO code, as in our list)
    district_code: str
    province: str


@dataclass(frozen=True)
class _LibraryData:
    aliases: dict[str, tuple[_LibraryAlias, ...]]  # name folded without spaces -> aliases
    converted: dict[str, tuple[str, ...]]  # early-2025 commune code -> 2025 unit codes (the package's)


def _library_files() -> Path | None:
    """The package's data folder, found without importing the package: its __init__ imports geopy,
    shapely and numpy (about 55 MB and 0.3 s) for the online parts we never use."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - pinned in requirements.txt
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    return folder if (folder / "dataset.db").is_file() else None


def _query(folder: Path, sql: str, *params) -> list[sqlite3.Row]:
    with closing(sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


@lru_cache(maxsize=1)
def _library_data() -> _LibraryData:
    """The package's aliases of abolished Hải Phòng and Hải Dương communes; empty when not installed."""
    folder = _library_files()
    if folder is None:  # pragma: no cover - the package is pinned in requirements.txt
        return _LibraryData({}, {})
    rows = _query(folder, "SELECT provinceShort, districtCode, wardCode, wardAlias FROM admin_units_legacy "
                          "WHERE provinceShort IN (?, ?) AND wardCode IS NOT NULL", *_LIBRARY_PROVINCES)
    aliases: dict[str, list[_LibraryAlias]] = {}
    for row in rows:
        words = set(_json_list(row["wardAlias"]))
        for word in words:
            kind, bare = next(((kind, word[len(prefix):]) for prefix, kind in _ALIAS_KINDS
                               if word.startswith(prefix) and word[len(prefix):] in words), (None, word))
            if kind is None and any(f"{prefix}{word}" in words for prefix, _ in _ALIAS_KINDS):
                continue  # the bare name of a typed alias: recorded with its type
            alias = _LibraryAlias(kind, row["wardCode"], row["districtCode"],
                                  _LIBRARY_PROVINCES[row["provinceShort"]])
            aliases.setdefault(bare, []).append(alias)
    return _LibraryData({name: tuple(found) for name, found in aliases.items()}, _library_conversion(folder))


def _library_conversion(folder: Path) -> dict[str, tuple[str, ...]]:
    """Early-2025 commune code -> the 2025 unit codes the package converts it to (its offline tables)."""
    new_codes = {row["wardKey"]: row["wardCode"] for row in _query(
        folder, "SELECT wardKey, wardCode FROM admin_units WHERE provinceShort = ?", "Hải Phòng")}
    old_codes = {f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}": row["wardCode"] for row in _query(
        folder, "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy "
                "WHERE provinceShort IN (?, ?) AND wardCode IS NOT NULL", *_LIBRARY_PROVINCES)}
    with open(folder / "converter_2025.json", encoding="utf-8") as handle:
        conversion = json.load(handle)
    converted: dict[str, list[str]] = {}
    for new_key, old_keys in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].get("thanhphohaiphong", {}).items():
        for old_key in old_keys:
            if old_key in old_codes and new_key in new_codes:
                converted.setdefault(old_codes[old_key], []).append(new_codes[new_key])
    for old_key, wards in conversion["DICT_PROVINCE_WARD_DIVIDED"].get("thanhphohaiphong", {}).items():
        if old_key in old_codes:
            converted.setdefault(old_codes[old_key], []).extend(
                new_codes[ward["newWardKey"]] for ward in wards if ward["newWardKey"] in new_codes)
    return {code: tuple(dict.fromkeys(codes)) for code, codes in converted.items()}


def _json_list(value: str | None) -> list[str]:
    return [word for word in json.loads(value) if isinstance(word, str)] if value else []


def _from_library(index: Index, name: str, kind: str | None, district_codes: list[str],
                  province: str | None) -> tuple[str | None, list[str], str] | None:
    """Today's unit(s) of a commune abolished before our list's snapshot, or None when unknown."""
    found = list(_library_data().aliases.get(name.replace(" ", ""), ()))
    if district_codes:
        found = [alias for alias in found if alias.district_code in district_codes]
    if province:
        found = [alias for alias in found if alias.province == province] or found
    found = [alias for alias in found if alias.kind == kind] or found
    if not found:
        return None
    ours = _legacy_by_code(index)
    targets: list[str] = []
    split = False
    for alias in found:
        ref = ours.get(alias.commune_code)
        codes = ref.targets if ref else _library_data().converted.get(alias.commune_code, ())
        split = split or len(codes) > 1
        targets.extend(codes)
    targets = list(dict.fromkeys(targets))
    if len(targets) == 1:
        return targets[0], [], "abolished_commune"
    if not targets:
        return None
    communes = {alias.commune_code for alias in found}
    return None, targets, "old_commune_split" if len(communes) == 1 and split else "ambiguous"


_BY_CODE: dict[int, tuple[Index, dict[str, LegacyRef]]] = {}


def _legacy_by_code(index: Index) -> dict[str, LegacyRef]:
    cached = _BY_CODE.get(id(index))
    if cached is None or cached[0] is not index:
        _BY_CODE.clear()
        cached = (index, {ref.code: ref for refs in index.legacy_by_name.values() for ref in refs})
        _BY_CODE[id(index)] = cached
    return cached[1]
