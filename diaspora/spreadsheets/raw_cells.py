"""Raw values as every reader returns them: the sheet listing entry, the raw sheet, tidied cells, column fonts."""
import datetime
from collections import Counter
from dataclasses import dataclass, field

FONT_SAMPLE_ROWS = 300
# What export does to keep a cell safe, undone on reading: a CSV text that a spreadsheet program
# would run as a formula starts with "'" (OWASP), and a text longer than an Excel cell holds is
# cut and ends with the mark, so reading it back keeps the stored text (the cell counts as empty).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
TRUNCATION_MARK = "… [đã cắt bớt vì quá dài]"
_TRUNCATED_MIN_LENGTH = 16_000


@dataclass
class SheetInfo:
    """A sheet of a workbook as listed to the user."""

    name: str
    index: int
    hidden: bool
    instructions: bool


@dataclass
class RawSheet:
    """Cell values of one sheet; rows[i] is Excel row i + 1, all rows as wide as the widest.

    Values are str (trimmed, non-breaking spaces removed), int (integral numbers), float, bool,
    date, datetime or None; cached formula results, never formulas. `column_fonts` gives the font of
    most sampled non-empty cells of a column (xlsx/xlsm, ods; xls only when the workbook uses a
    legacy Vietnamese font). `merged` lists merged ranges as 0-based inclusive (first_row,
    first_col, last_row, last_col). `kind` is the real file type; `encoding` how a CSV was decoded.
    `error_cells` are the cells showing a formula error (#N/A, #REF!…), and, in an .xlsx written by a
    program that does not calculate, the cells holding a formula without a computed value
    ("=HYPERLINK(…)"): their value is None, and the import says why.
    """

    name: str
    rows: list[list[object]]
    column_fonts: dict[int, str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    kind: str = "xlsx"
    encoding: str | None = None
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # 0-based (row, column): "#N/A"


def _cell(value):
    kind = value.__class__
    if kind is str:
        if "\xa0" in value or "\u200b" in value:
            value = value.replace("\xa0", " ").replace("\u200b", "")
        if value[:1] == FORMULA_GUARD and value[1:2] and value[1] in FORMULA_TRIGGERS:
            value = value[1:]
        elif len(value) > _TRUNCATED_MIN_LENGTH and value.endswith(TRUNCATION_MARK):
            return None
        return value.strip() or None
    if kind is float:
        # Integral numbers become int: a phone typed as a number must not show as 912345678.0.
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if kind is datetime.time:
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if kind is datetime.timedelta:
        return str(value)
    return value


def tidy(raw_rows) -> list[list[object]]:
    rows = []
    for raw in raw_rows:
        row = [_cell(value) for value in raw]
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return rows


def majority_fonts(counts: dict[int, Counter]) -> dict[int, str]:
    fonts = {}
    for column, counter in sorted(counts.items()):
        named = Counter({font: count for font, count in counter.items() if font})
        if named:
            fonts[column] = named.most_common(1)[0][0]
    return fonts
