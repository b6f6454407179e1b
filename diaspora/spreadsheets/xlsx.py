"""Scanning the parts of an .xlsx/.xlsm: the reach of each worksheet, sampled cell fonts, formula errors and
formulas without a computed value."""
import html
import os
import re
import zipfile
from collections import Counter

from defusedxml.ElementTree import fromstring as parse_xml

from diaspora.spreadsheets.archives import (
    CHUNK,
    ZipFacts,
    attribute,
    local_name,
    stream_part,
    xml_parts,
)
from diaspora.spreadsheets.limits import MAX_ERROR_CELLS, MB, Extent, Limits
from diaspora.spreadsheets.raw_cells import FONT_SAMPLE_ROWS

_FONT_SAMPLE_BYTES = 2 * MB


def _column_index(letters: str) -> int:
    """1-based column number of Excel column letters: "A" → 1, "AA" → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _greater_than(limit: str, digit_class: str, first_class: str) -> str:
    """Regex for tokens of one alphabet (digits or column letters) that sort after `limit`.

    Longer tokens are greater; among tokens of the same length the order is lexicographic.
    """
    alphabet = digit_class[1:-1]
    start, end = alphabet.split("-")
    options = [f"{first_class}{digit_class}{{{len(limit)},}}"]
    for position, char in enumerate(limit):
        if char == end:
            continue
        following = chr(ord(char) + 1)
        options.append(
            re.escape(limit[:position]) + f"[{following}-{end}]" + (f"{digit_class}{{{len(limit) - position - 1}}}")
        )
    return "(?:" + "|".join(options) + ")"


class _ExtentScanner:
    """Finds, chunk by chunk, how far the cells with content of a worksheet XML part reach.

    Only cells with content count: the cell reader ignores formatted empty cells (<c r="Z9" s="3"/>)
    and empty rows. Writers put r="…" first on every cell; matching that form keeps the scan fast,
    and a part that does not follow the habit gets an exact, slower pass instead.
    """

    def __init__(self, limits: Limits):
        rows_beyond = _greater_than(str(limits.max_rows), "[0-9]", "[1-9]")
        columns_beyond = _greater_than(_column_letters(limits.max_columns), "[A-Z]", "[A-Z]")
        self._beyond = [
            re.compile(rf'{prefix}c r="(?:[A-Z]+({rows_beyond})|({columns_beyond})[0-9]+)"[^>]*(?<!/)>'.encode())
            for prefix in ("<", ":")
        ]
        self._content_cell = re.compile(rb'c r="([A-Z]+)([0-9]+)"[^>]*(?<!/)>')
        self.extent = Extent()
        self._beyond_found = False
        self._cell_tags = 0
        self._cell_references = 0

    def feed(self, chunk: bytes) -> None:
        prefixed = b':c r="' in chunk
        self._cell_tags += chunk.count(b"<c ")
        self._cell_references += chunk.count(b'<c r="')
        if prefixed:
            self._cell_tags += chunk.count(b":c ")
            self._cell_references += chunk.count(b':c r="')
        for pattern in self._beyond[: 2 if prefixed else 1]:
            beyond = pattern.search(chunk)
            if beyond:
                self._beyond_found = True
                self._extend(beyond.group(0)[1:])
        if self._beyond_found:
            # Rows come in order: the last content cell of a chunk tells how far the sheet has gone.
            position = len(chunk)
            while position > 0:
                position = max(chunk.rfind(b'<c r="', 0, position), chunk.rfind(b':c r="', 0, position))
                last = self._content_cell.match(chunk, position + 1) if position >= 0 else None
                if last:
                    self._extend(last.group(0))
                    break

    def _extend(self, cell_tag: bytes) -> None:
        cell = self._content_cell.match(cell_tag)
        self.extent.rows = max(self.extent.rows, int(cell.group(2)))
        self.extent.columns = max(self.extent.columns, _column_index(cell.group(1).decode()))

    @property
    def exact_pass_needed(self) -> bool:
        return self._cell_tags != self._cell_references


class _ExactExtent:
    """Row and column reach of the content cells of a worksheet part, following every row and cell tag."""

    _token = re.compile(rb'<(?:\w+:)?(row|c)\b([^>]*)>|</(?:\w+:)?row>')
    _cell_reference = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
    _row_reference = re.compile(rb'\br="([0-9]+)"')

    def __init__(self):
        self.extent = Extent()
        self._row = 0
        self._column = 0

    def feed(self, chunk: bytes) -> None:
        for token in self._token.finditer(chunk):
            kind, attributes = token.groups()
            if kind == b"row":
                reference = self._row_reference.search(attributes)
                self._row = int(reference.group(1)) if reference else self._row + 1
                self._column = 0
            elif kind == b"c":
                reference = self._cell_reference.search(attributes)
                if reference:
                    self._column = _column_index(reference.group(1).decode())
                    self._row = int(reference.group(2))
                else:
                    self._column += 1
                if not attributes.endswith(b"/"):
                    self.extent.columns = max(self.extent.columns, self._column)
                    self.extent.rows = max(self.extent.rows, self._row)


class _FontSampler:
    """Counts the cell style of the first non-empty cells of each column of a worksheet part."""

    _cell = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(/?)>')
    _reference = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
    _style = re.compile(rb'\bs="([0-9]+)"')

    def __init__(self):
        self.styles: dict[int, Counter] = {}
        self._seen = 0

    def feed(self, chunk: bytes) -> None:
        if self._seen >= _FONT_SAMPLE_BYTES:
            return
        self._seen += len(chunk)
        for cell in self._cell.finditer(chunk):
            attributes, self_closing = cell.groups()
            reference = self._reference.search(attributes)
            if reference and int(reference.group(2)) > FONT_SAMPLE_ROWS:
                self._seen = _FONT_SAMPLE_BYTES
                return
            if self_closing or not reference:
                continue
            style = self._style.search(attributes)
            column = _column_index(reference.group(1).decode()) - 1
            self.styles.setdefault(column, Counter())[int(style.group(1)) if style else 0] += 1


class _ErrorCells:
    """The cells of a worksheet part that hold an Excel error (#N/A, #REF!…), which the cell reader gives
    as empty: {(row, column) 0-based: the error as Excel shows it}."""

    _cell_tag = re.compile(rb'<(?:\w+:)?c\s[^>]*\bt="e"')
    _cell = re.compile(rb'<(?:\w+:)?c\b([^>]*)>(.*?)</(?:\w+:)?c>', re.S)
    _reference = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
    _value = re.compile(rb'<(?:\w+:)?v>([^<]*)</')

    def __init__(self):
        self.cells: dict[tuple[int, int], str] = {}
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        if self._carry:
            chunk, self._carry = self._carry + chunk, b""
        position = chunk.find(b't="e"')
        while position >= 0 and len(self.cells) < MAX_ERROR_CELLS:
            start = chunk.rfind(b"<", 0, position)  # the tag the attribute is in
            tag = self._cell_tag.match(chunk, start) if start >= 0 else None
            if tag is None or chunk[tag.end():chunk.find(b">", tag.end())].endswith(b"/"):  # no value
                position = chunk.find(b't="e"', position + 1)
                continue
            cell = self._cell.match(chunk, start)
            if cell is None:
                if len(chunk) - start < CHUNK:
                    self._carry = chunk[start:]  # the cell goes on in the next chunk
                return
            reference, value = self._reference.search(cell.group(1)), self._value.search(cell.group(2))
            if reference:
                row, column = int(reference.group(2)) - 1, _column_index(reference.group(1).decode()) - 1
                self.cells[row, column] = value.group(1).decode("utf-8", "replace") if value else "#?"
            position = chunk.find(b't="e"', cell.end())


class _ValuelessFormulas:
    """The cells of a worksheet part holding a formula with no computed value, which the cell reader gives
    as empty: a workbook written by a program that does not calculate (openpyxl and most libraries write
    `<f>HYPERLINK(…)</f><v/>`). Adds {(row, column) 0-based: "=FORMULA"} to `cells` (the error cells).

    A formula whose value is an empty text (Excel writes t="str" and an empty <v>) has its value, and a
    formula shared from another cell (no text of its own) is left as the reader gives it.
    """

    _formula = re.compile(rb'<(?:\w+:)?f[\s>/]')
    _cell = re.compile(rb'<(?:\w+:)?c\b([^>]*)(?<!/)>\s*<(?:\w+:)?f\b[^>]*(?<!/)>([^<]*)</(?:\w+:)?f>\s*'
                       rb'(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>', re.S)
    _reference = re.compile(rb'\br="([A-Z]+)([0-9]+)"')

    def __init__(self, cells: dict[tuple[int, int], str]):
        self.cells = cells
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        if self._carry:
            chunk, self._carry = self._carry + chunk, b""
        found = self._formula.search(chunk)
        while found and len(self.cells) < MAX_ERROR_CELLS:
            start = chunk.rfind(b"<", 0, found.start())  # the cell tag the formula is in
            if start < 0:
                found = self._formula.search(chunk, found.end())
                continue
            cell = self._cell.match(chunk, start)
            if cell is None:
                if chunk.find(b"c>", found.end()) < 0 and len(chunk) - start < CHUNK:
                    self._carry = chunk[start:]  # the cell goes on in the next chunk
                    return
                found = self._formula.search(chunk, found.end())
                continue
            attributes, formula, empty_value = cell.groups()
            reference = self._reference.search(attributes)
            if reference and formula.strip() and not (empty_value and b't="str"' in attributes):
                row, column = int(reference.group(2)) - 1, _column_index(reference.group(1).decode()) - 1
                self.cells.setdefault((row, column), "=" + html.unescape(formula.decode("utf-8", "replace")))
            found = self._formula.search(chunk, cell.end())


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part name, from the workbook and its relationships."""
    workbook = parse_xml(archive.read("xl/workbook.xml"))
    try:
        relations = parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for relation in relations:
        target = relation.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else os.path.normpath("xl/" + target).replace(os.sep, "/")
        targets[relation.get("Id")] = part
    parts = {}
    for element in workbook.iter():
        if local_name(element.tag) == "sheet":
            parts[element.get("name")] = targets.get(attribute(element, "id"))
    return parts


def _xlsx_fonts(archive: zipfile.ZipFile) -> list[str | None]:
    """Font name of each cell format (cellXfs index), from the styles part."""
    try:
        styles = parse_xml(archive.read("xl/styles.xml"))
    except KeyError:
        return []
    fonts, formats = [], []
    for element in styles:
        if local_name(element.tag) == "fonts":
            for font in element:
                names = [child.get("val") for child in font if local_name(child.tag) == "name"]
                fonts.append(names[0] if names else None)
        elif local_name(element.tag) == "cellXfs":
            formats = [int(xf.get("fontId", 0)) for xf in element]
    return [fonts[font] if font < len(fonts) else None for font in formats]


def scan_xlsx(archive: zipfile.ZipFile, facts: ZipFacts, limits: Limits) -> None:
    worksheets = {}
    for info in xml_parts(archive):
        consumers = []
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            scanner, sampler, errors = _ExtentScanner(limits), _FontSampler(), _ErrorCells()
            worksheets[info.filename] = (scanner, sampler, errors)
            consumers = [scanner.feed, sampler.feed, errors.feed, _ValuelessFormulas(errors.cells).feed]
        stream_part(archive, info, consumers)
    facts.sheet_parts = _xlsx_sheet_parts(archive)
    fonts = _xlsx_fonts(archive)
    for part, (scanner, sampler, errors) in worksheets.items():
        facts.extents[part] = scanner.extent
        facts.error_cells[part] = errors.cells
        if scanner.exact_pass_needed:
            exact = _ExactExtent()
            stream_part(archive, archive.getinfo(part), [exact.feed])
            facts.extents[part] = exact.extent
        facts.style_samples[part] = {
            column: Counter({fonts[style] if style < len(fonts) else None: count for style, count in styles.items()})
            for column, styles in sampler.styles.items()
        }
