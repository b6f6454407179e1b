"""Mapping the headers of a sheet to declared columns: automatic, saved by name, or chosen by the user."""
import re
from dataclasses import dataclass, field

from diaspora.spreadsheets.columns import Column, Sheet
from diaspora.text import fold_key

# Two-row headers arrive joined ("Liên hệ / Điện thoại"); notes in brackets ("Ngày sinh (dd/mm/yyyy)").
_PARTS = re.compile(r"\s*(?:\n|\r|/|\s[-–—:]\s|:)\s*")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# A header that begins with a known header of at least this many letters ("Số điện thoại di động")
# is taken for it; shorter ones ("Tên", "Hội") would swallow "Tên tổ chức" or "Hội viên từ năm".
_MIN_PREFIX = 5


@dataclass
class MappedColumn:
    """One column of the file and the declared column it feeds (key None: ignored)."""

    index: int
    header: str
    key: str | None
    how: str  # exact, prefix, saved, user, stt, none


@dataclass
class Mapping:
    """Which declared column each column of the file feeds, in file order."""

    columns: list[MappedColumn] = field(default_factory=list)

    def sources(self, key: str) -> list[MappedColumn]:
        """The file columns feeding a declared column, left to right."""
        return [column for column in self.columns if column.key == key]

    @property
    def unmapped(self) -> list[MappedColumn]:
        """Columns with a header that feed nothing (the STT column aside)."""
        return [column for column in self.columns if column.key is None and column.header and column.how != "stt"]

    def missing(self, sheet: Sheet, defaults: dict | None = None) -> list[Column]:
        """Required columns that no file column feeds and that have no default value."""
        fed = {column.key for column in self.columns}
        return [column for column in sheet.required if column.key not in fed and not (defaults or {}).get(column.key)
                and not fed.intersection(column.read_from)]

    def header_of(self, index: int) -> str:
        return self.columns[index].header if index < len(self.columns) else ""

    def to_json(self) -> list[dict]:
        """[{index, header, key}] in file order, as stored with a batch."""
        return [{"index": column.index, "header": column.header, "key": column.key or "", "how": column.how}
                for column in self.columns]

    def saved_entries(self) -> dict[str, str]:
        """{fold_key(header): key or ""}: what a saved mapping remembers, by header, not by position."""
        return {fold_key(column.header): column.key or "" for column in self.columns
                if column.header and column.how != "stt"}


def _candidates(header: str) -> list[str]:
    """Folded forms to try for a header, most specific first."""
    keys = [fold_key(header), fold_key(_BRACKETS.sub(" ", header))]
    parts = [part for part in _PARTS.split(_BRACKETS.sub(" ", header)) if part.strip()]
    if len(parts) > 1:
        # The lower row of a two-row header names the column; the upper row groups several.
        keys += [fold_key(part) for part in reversed(parts)]
    return [key for key in dict.fromkeys(keys) if key]


def match_header(header: str, sheet: Sheet) -> tuple[str | None, str]:
    """(column key, "exact" | "prefix") for a header as written, or (None, "none")."""
    candidates = _candidates(header)
    for key in candidates:
        if key in sheet.header_index:
            return sheet.header_index[key], "exact"
    best = None
    for key in candidates:
        for known, column_key in sheet.header_index.items():
            if len(known) >= _MIN_PREFIX and key.startswith(known) and (best is None or len(known) > len(best[0])):
                best = (known, column_key)
    return (best[1], "prefix") if best else (None, "none")


def auto_map(headers: list[str], sheet: Sheet, *, stt_column: int | None = None,
             saved: dict[str, str] | None = None) -> Mapping:
    """Map headers to columns: a saved mapping first, then exact headers and aliases, then prefixes.

    Several file columns may feed one declared column ("Ngày sinh" and "Năm sinh"; "Di động" and
    "Điện thoại"): multi-valued columns take all their values, single ones the first non-empty.
    A prefix match is used only for a column no exact header feeds.
    """
    saved = saved or {}
    columns: list[MappedColumn] = []
    for index, header in enumerate(headers):
        header = (header or "").strip()
        if index == stt_column:
            columns.append(MappedColumn(index, header, None, "stt"))
        elif header and fold_key(header) in saved:
            columns.append(MappedColumn(index, header, saved[fold_key(header)] or None, "saved"))
        else:
            key, how = match_header(header, sheet) if header else (None, "none")
            columns.append(MappedColumn(index, header, key, how))
    exact = {column.key for column in columns if column.how in ("exact", "saved") and column.key}
    prefixed: set[str] = set()
    for column in columns:
        if column.how == "prefix":
            if column.key in exact or column.key in prefixed:
                column.key, column.how = None, "none"
            else:
                prefixed.add(column.key)
    valid = {column.key for column in sheet.columns}
    for column in columns:
        if column.key is not None and column.key not in valid:  # a saved mapping from an older version
            column.key, column.how = None, "none"
    return Mapping(columns)


def apply_choices(mapping: Mapping, choices: dict[int, str | None], sheet: Sheet) -> Mapping:
    """The mapping with the user's choices applied: {file column index: column key, or "" to ignore}."""
    valid = {column.key for column in sheet.columns}
    columns = []
    for column in mapping.columns:
        if column.index in choices:
            key = choices[column.index] or None
            key = key if key in valid else None
            columns.append(MappedColumn(column.index, column.header, key, "user"))
        else:
            columns.append(column)
    return Mapping(columns)

