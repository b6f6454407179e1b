"""Finding the header of a sheet: title rows, two-row headers, STT column, numbering and footer rows.

Vietnamese office lists put a heading block above the table (ministry, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA
VIỆT NAM", the list's title, a date), often a header on two rows (a group title merged above its
sub-headers), a numbering row "(1) (2) (3)…" under it, and a signature block below the data.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from diaspora.text import clean_text, detect_legacy_encoding, fold, fold_key, to_unicode

HEADER_SEARCH_ROWS = 30
_MAX_HEADER_LENGTH = 120
_STT_KEYS = {"stt", "tt", "sott", "sothutu", "thutu", "no", "nr", "number"}
_STT_TEXTS = {"#", "no.", "nº", "n°"}
_NUMBERING_CELL = re.compile(r"^[(\[]?\s*(\d{1,3}|[a-z]{1,2})\s*[)\]]?$", re.IGNORECASE)
_SECTION = re.compile(r"^[ivxlc]+\s*[.)/]\s*\S")
_SECTION_NUMBER = re.compile(r"^(?:[ivxlc]+|[a-z])\s*[.)]?$")
# A signature block, a total line, a place-and-date line or a note line: the table is over. "Ký" must
# read as a signature ("Ký, ghi rõ họ tên", "Ký tên"), not start an occupation ("Kỹ sư" folds to "ky su").
_FOOTER_STRONG = re.compile(
    r"^(?:\(?\s*ky(?:,| ten| va | ghi | ho ten| dong dau|\)|$)|nguoi lap|nguoi ky|tong cong|tong so\b|cong\s*:|ghi chu\s*:|kt\.|tm\.|tl\.|q\.\s|"
    r"xac nhan cua|noi nhan|[a-z .]{0,40}, ngay .{0,12}thang .{0,12}nam|ngay .{0,10}thang .{0,10}nam)"
)
# A caption that is also a common position title: a footer only when a strong line follows.
_FOOTER_WEAK = re.compile(
    r"^(?:thu truong|pho thu truong|giam doc|pho giam doc|truong phong|pho truong phong|ke toan|"
    r"lanh dao|chu tich|pho chu tich|nguoi duyet|duyet)(?: [a-z ]{0,30})?$"
)
_FOOTER_LOOKAHEAD = 4

SKIP_REASONS = {
    "title": _l("Dòng tiêu đề phía trên bảng"),
    "blank": _l("Dòng trống"),
    "numbering": _l("Dòng đánh số cột"),
    "repeated_header": _l("Dòng tiêu đề cột lặp lại"),
    "section": _l("Dòng tiêu đề nhóm"),
    "footer": _l("Phần cuối bảng (tổng cộng, ngày tháng, chữ ký)"),
}


@dataclass
class HeaderLayout:
    """Where the header is and which rows hold data.

    header_row_index: 0-based index in the rows of the first header row; header_rows: 1 or 2.
    headers: one text per column ("" when the column has none). In a two-row header a column under a
    group title (a cell merged across several columns, e.g. "Liên hệ" over "Điện thoại" | "Email")
    is named by its sub-header alone when is_known_header accepts it, else "Group / Sub-header";
    `groups` keeps the group title of each column (None outside groups).
    data_rows: (1-based Excel row number, values) for every row kept, values as wide as headers.
    skipped_rows: (1-based Excel row number, reason) with reasons from SKIP_REASONS.
    recognised: how many headers is_known_header accepted.
    """

    header_row_index: int
    header_rows: int
    headers: list[str]
    data_rows: list[tuple[int, list[object]]]
    stt_column: int | None = None
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)
    recognised: int = 0

    @property
    def header_row_number(self) -> int:
        """1-based Excel row number of the (last) header row."""
        return self.header_row_index + self.header_rows


def _text(value) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)) or ""


def _label(value, row_encoding: str | None = None) -> str:
    """Header text, decoded when typed in a legacy font: whole workbooks in .VnTime still arrive.

    row_encoding: the legacy encoding of the header row as a whole, since one short word ("chuù")
    can read as Unicode too.
    """
    text = _text(value)
    if text and not text.isascii():
        encoding = detect_legacy_encoding([text]) or row_encoding
        if encoding:
            return to_unicode(text, encoding) or ""
    return text


def _row_encoding(*rows: list[object]) -> str | None:
    return detect_legacy_encoding([_text(value) for row in rows for value in row])


def _is_label(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _MAX_HEADER_LENGTH


def _fill_merges(rows: list[list[object]], merged, last_row: int) -> list[list[object]]:
    """Copies of rows[:last_row] where every cell of a merged range carries the range's value."""
    top = [list(row) for row in rows[:last_row]]
    for first_row, first_column, end_row, end_column in merged:
        if first_row >= len(top):
            continue
        value = top[first_row][first_column] if first_column < len(top[first_row]) else None
        for row in top[first_row:min(end_row, len(top) - 1) + 1]:
            for column in range(first_column, min(end_column, len(row) - 1) + 1):
                row[column] = value
    return top


def _recognised(row: list[object], is_known_header) -> int:
    return len({text for text in map(_label, row) if text and is_known_header(text)})


def _is_title_row(row: list[object]) -> bool:
    texts = {_text(value) for value in row} - {""}
    return len(texts) <= 1


def _find_header_row(top: list[list[object]], is_known_header) -> int:
    scores = [_recognised(row, is_known_header) for row in top[:HEADER_SEARCH_ROWS]]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    for index, row in enumerate(top[:HEADER_SEARCH_ROWS]):
        labels = [value for value in row if _is_label(value) and not _looks_numeric(value)]
        if len(labels) >= 3 and not _is_title_row(row):
            return index
    return next((index for index, row in enumerate(top) if any(value is not None for value in row)), 0)


def _looks_numeric(value) -> bool:
    return isinstance(value, (int, float)) or (isinstance(value, str) and value.replace(".", "").replace(",", "").isdigit())


def _groups(parent: list[object], child: list[object], merged, parent_index: int) -> list[tuple[int, int]]:
    """Column spans [first, last] of group titles in the parent row."""
    if merged:
        return [
            (first_column, end_column)
            for first_row, first_column, end_row, end_column in merged
            if first_row == parent_index and end_row == parent_index and end_column > first_column
        ]
    spans, column = [], 0
    while column < len(parent):
        end = column
        while end + 1 < len(parent) and parent[end + 1] is None and child[end + 1] is not None:
            end += 1
        if parent[column] is not None and end > column and child[column] is not None:
            spans.append((column, end))
        column = end + 1
    return spans


def _two_row_header(top, merged, parent_index: int, is_known_header) -> list[tuple[int, int]] | None:
    """The group spans when rows parent_index and parent_index + 1 form a two-row header.

    Besides its group titles the upper row holds headers of its own (spanning both rows) or known
    headers: a heading block right above a one-row header ("UBND…" | "CỘNG HÒA…") is not a group row.
    """
    if parent_index < 0 or parent_index + 1 >= len(top):
        return None
    parent, child = top[parent_index], top[parent_index + 1]
    cells = [value for value in parent + child if value is not None]
    if not all(_is_label(value) for value in cells) or len({_text(value) for value in parent} - {""}) < 2:
        return None
    spans = _groups(parent, child, merged, parent_index)
    if not spans:
        return None
    grouped = {column for first, last in spans for column in range(first, last + 1)}
    own_headers = any(value is not None for column, value in enumerate(parent) if column not in grouped)
    if not own_headers and not _recognised(parent, is_known_header):
        return None
    for first, last in spans:
        if all(child[column] is None or child[column] == parent[column] for column in range(first, last + 1)):
            return None
    for column, value in enumerate(child):
        if column not in grouped and value is not None and parent[column] is not None and value != parent[column]:
            return None
    return spans


def _header_texts(top, merged, index: int, is_known_header):
    """(header_row_index, header_rows, headers, groups) around the best-scoring row `index`."""
    for parent_index in (index, index - 1):
        spans = _two_row_header(top, merged, parent_index, is_known_header)
        if spans is None:
            continue
        parent, child = top[parent_index], top[parent_index + 1]
        encoding = _row_encoding(parent, child)
        headers, groups = [], []
        for column in range(len(parent)):
            span = next((span for span in spans if span[0] <= column <= span[1]), None)
            upper, lower = _label(parent[column], encoding), _label(child[column], encoding)
            if span is None:
                headers.append(upper or lower)
                groups.append(None)
                continue
            group = _label(parent[span[0]], encoding)
            groups.append(group)
            if not lower:
                headers.append(group)
            elif is_known_header(lower):
                headers.append(lower)
            else:
                headers.append(f"{group} / {lower}")
        return parent_index, 2, headers, groups
    encoding = _row_encoding(top[index])
    return index, 1, [_label(value, encoding) for value in top[index]], [None] * len(top[index])


def _stt_column(headers: list[str]) -> int | None:
    for column, header in enumerate(headers):
        if fold_key(header) in _STT_KEYS or header.strip().lower() in _STT_TEXTS:
            return column
    return None


def _is_numbering_row(row: list[object]) -> bool:
    """A row numbering the columns: "(1) (2) (3)…", "1 2 3…" or "A B 1 2…"."""
    cells = [value for value in row if value is not None]
    numbers = []
    for value in cells:
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            if not float(value).is_integer():
                return False
            numbers.append(int(value))
            continue
        match = _NUMBERING_CELL.match(str(value))
        if not match:
            return False
        if match.group(1).isdigit():
            numbers.append(int(match.group(1)))
    return len(cells) >= 3 and len(numbers) >= 3 and all(b > a for a, b in zip(numbers, numbers[1:]))


def _footer_kind(row: list[object], stt_column: int | None, width: int) -> str | None:
    """"strong" or "weak" when the row reads like a total, date or signature line, else None."""
    if stt_column is not None and stt_column < len(row) and isinstance(row[stt_column], (int, float)):
        return None
    if sum(value is not None for value in row) > max(3, width // 2):
        return None
    texts = [fold(value) for value in row if isinstance(value, str)]
    if any(_FOOTER_STRONG.match(text) for text in texts):
        return "strong"
    if any(_FOOTER_WEAK.match(text) for text in texts):
        return "weak"
    return None


def _footer_start(rows, start: int, stt_column: int | None, width: int) -> int:
    """Index of the first footer row at or after `start`, or len(rows).

    A row numbered in the STT column is data, so the footer cannot begin above the last one.
    """
    if stt_column is not None:
        numbered = [index for index in range(start, len(rows)) if isinstance(rows[index][stt_column], (int, float))]
        start = max([start] + [index + 1 for index in numbered[-1:]])
    for index in range(start, len(rows)):
        kind = _footer_kind(rows[index], stt_column, width)
        if kind == "strong":
            return index
        if kind == "weak":
            following = [row for row in rows[index + 1:] if any(value is not None for value in row)]
            if any(_footer_kind(row, stt_column, width) == "strong" for row in following[:_FOOTER_LOOKAHEAD]):
                return index
    return len(rows)


def _section_rows(merged, start: int, width: int) -> set[int]:
    """Rows whose cell is merged across most of the table: a group title inside the data."""
    return {
        first_row for first_row, first_column, end_row, end_column in merged or ()
        if first_row >= start and end_column - first_column + 1 >= max(3, width // 2)
    }


def _vertical_fills(rows, merged, start: int) -> dict[int, list[tuple[int, object]]]:
    """Cells of data rows under a vertically merged cell, with the value they show."""
    fills: dict[int, list[tuple[int, object]]] = {}
    for first_row, first_column, end_row, _end_column in merged or ():
        if first_row < start or end_row == first_row or first_row >= len(rows):
            continue
        value = rows[first_row][first_column]
        for index in range(first_row + 1, min(end_row, len(rows) - 1) + 1):
            fills.setdefault(index, []).append((first_column, value))
    return fills


def find_header(
    rows: list[list[object]],
    is_known_header: Callable[[str], bool],
    *,
    merged: list[tuple[int, int, int, int]] | None = None,
) -> HeaderLayout:
    """Locate the header row(s) and split the sheet into header, data and skipped rows.

    rows: RawSheet.rows (rectangular, row i = Excel row i + 1); merged: RawSheet.merged, which makes
    two-row headers, vertically merged data cells and group rows exact (without it, layout is guessed).
    """
    top = _fill_merges(rows, merged or (), HEADER_SEARCH_ROWS + 2)
    if not top:
        return HeaderLayout(0, 1, [], [])
    index = _find_header_row(top, is_known_header)
    header_index, header_rows, headers, groups = _header_texts(top, merged, index, is_known_header)
    width = len(headers)
    stt_column = _stt_column(headers)
    skipped = [(number + 1, "title" if any(value is not None for value in rows[number]) else "blank")
               for number in range(header_index)]
    start = header_index + header_rows
    if start < len(rows) and _is_numbering_row(rows[start]):
        skipped.append((start + 1, "numbering"))
        start += 1
    footer = _footer_start(rows, start, stt_column, width)
    sections = _section_rows(merged, start, width)
    fills = _vertical_fills(rows, merged, start)
    header_keys = {column: fold_key(text) for column, text in enumerate(headers) if text}
    header_cells = {(column, value) for row in top[header_index:start] for column, value in enumerate(row)
                    if isinstance(value, str)}
    data_rows = []
    for index in range(start, footer):
        row = rows[index]
        if index in fills:
            row = list(row)
            for column, value in fills[index]:
                row[column] = value
        reason = _skip_reason(row, index, stt_column, sections, header_keys, header_cells)
        if reason:
            skipped.append((index + 1, reason))
        else:
            data_rows.append((index + 1, row))
    skipped.extend((index + 1, "footer") for index in range(footer, len(rows)))
    return HeaderLayout(
        header_row_index=header_index,
        header_rows=header_rows,
        headers=headers,
        data_rows=data_rows,
        stt_column=stt_column,
        skipped_rows=skipped,
        groups=groups,
        recognised=len([text for text in headers if text and is_known_header(text)]),
    )


def _skip_reason(row, index: int, stt_column, sections: set[int], header_keys, header_cells) -> str | None:
    """Why a row between the header and the footer is not data, or None when it is data."""
    filled = [column for column, value in enumerate(row) if value is not None and column != stt_column]
    # Group rows number themselves "I", "II", "A"… in the STT column, or "I. NHẬT BẢN" in one cell.
    number = row[stt_column] if stt_column is not None else None
    numbered_group = isinstance(number, str) and bool(_SECTION_NUMBER.match(fold(number)))
    if not filled:
        return "section" if numbered_group or (isinstance(number, str) and _SECTION.match(fold(number))) else "blank"
    if index in sections:
        return "section"
    first = row[filled[0]]
    if len(filled) == 1 and isinstance(first, str) and (numbered_group or _SECTION.match(fold(first))):
        return "section"
    # Printed lists repeat the header on every page.
    if (filled[0], first) in header_cells:
        same = sum(1 for column, key in header_keys.items() if fold_key(_label(row[column])) == key)
        if same >= max(2, 0.6 * len(header_keys)):
            return "repeated_header"
    if len(filled) >= max(3, 0.6 * len(header_keys)) and _is_numbering_row(row):
        return "numbering"
    return None
