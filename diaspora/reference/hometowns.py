"""Hometown matching: a written address ("xã Thanh Hải, huyện Thanh Hà, Hải Dương") to today's administrative unit."""
import re
from dataclasses import dataclass, field

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
