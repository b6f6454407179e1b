"""Scanning the content of an OpenDocument spreadsheet: the reach of each table, merges, cell fonts and errors."""
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import XMLPullParser

from diaspora.spreadsheets.archives import (
    MAX_ZIP_ENTRIES,
    ZipFacts,
    local_name,
    stream_part,
    xml_parts,
)
from diaspora.spreadsheets.limits import MAX_ERROR_CELLS, Extent, Limits, check_extent
from diaspora.spreadsheets.raw_cells import FONT_SAMPLE_ROWS

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


@dataclass
class OdsTable:
    rows: int = 0
    columns: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    style_counts: dict[int, Counter] = field(default_factory=dict)
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)


class _OdsScanner:
    """Streams content.xml: the used extent of each table (repeats included), merges and cell styles."""

    def __init__(self, limits: Limits):
        self._parser = XMLPullParser(events=("start", "end"))
        self._limits = limits
        self.tables: dict[str, OdsTable] = {}
        self.cell_fonts: dict[str, str] = {}
        self._table: OdsTable | None = None
        self._name = ""
        self._row = 0
        self._column = 0
        self._row_has_content = False
        self._row_repeat = 1
        self._parents = []

    def feed(self, chunk: bytes) -> None:
        self._parser.feed(chunk)
        for event, element in self._parser.read_events():
            if event == "start":
                self._start(element)
            else:
                self._end(element)

    def _start(self, element) -> None:
        self._parents.append(element)
        if element.tag == f"{{{_TABLE}}}table":
            self._name = element.get(f"{{{_TABLE}}}name", "")
            self._table = self.tables.setdefault(self._name, OdsTable())
            self._row = 0
        elif element.tag == f"{{{_TABLE}}}table-row":
            self._column = 0
            self._row_has_content = False
            self._row_repeat = int(element.get(f"{{{_TABLE}}}number-rows-repeated", "1"))

    def _end(self, element) -> None:
        self._parents.pop()
        tag = element.tag
        if tag == f"{{{_STYLE}}}style":
            self._remember_style(element)
        elif self._table is None:
            pass
        elif tag in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
            self._cell(element)
        elif tag == f"{{{_TABLE}}}table-row":
            if self._row_has_content:
                self._table.rows = self._row + self._row_repeat
            self._row += self._row_repeat
        elif tag == f"{{{_TABLE}}}table":
            self._table = None
        if self._parents and tag in (f"{{{_TABLE}}}table-row", f"{{{_STYLE}}}style"):
            # Rows are done with once counted: drop them so memory stays bounded.
            self._parents[-1].remove(element)

    def _cell(self, element) -> None:
        repeat = int(element.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
        has_content = element.get(f"{{{_OFFICE}}}value-type") is not None or len(element) > 0
        if has_content and element.tag == f"{{{_TABLE}}}table-cell":
            self._row_has_content = True
            if element.get(f"{{{_CALCEXT}}}value-type") == "error" and len(self._table.error_cells) < MAX_ERROR_CELLS:
                self._table.error_cells[self._row, self._column] = "".join(element.itertext()).strip() or "#?"
            self._table.columns = max(self._table.columns, self._column + repeat)
            if self._row < FONT_SAMPLE_ROWS:
                style = element.get(f"{{{_TABLE}}}style-name")
                for column in range(self._column, min(self._column + repeat, self._limits.max_columns)):
                    self._table.style_counts.setdefault(column, Counter())[self.cell_fonts.get(style)] += 1
        spanned_columns = int(element.get(f"{{{_TABLE}}}number-columns-spanned", "1"))
        spanned_rows = int(element.get(f"{{{_TABLE}}}number-rows-spanned", "1"))
        if (spanned_columns > 1 or spanned_rows > 1) and len(self._table.merged) < MAX_ZIP_ENTRIES:
            self._table.merged.append(
                (self._row, self._column, self._row + spanned_rows - 1, self._column + spanned_columns - 1)
            )
        self._column += repeat
        element.clear()

    def _remember_style(self, element) -> None:
        for child in element:
            if local_name(child.tag) == "text-properties":
                font = child.get(f"{{{_STYLE}}}font-name")
                if font:
                    self.cell_fonts[element.get(f"{{{_STYLE}}}name")] = font


def scan_ods(archive: zipfile.ZipFile, facts: ZipFacts, limits: Limits) -> None:
    scanner = _OdsScanner(limits)
    for info in xml_parts(archive):
        stream_part(archive, info, [scanner.feed] if info.filename == "content.xml" else [])
    facts.ods_tables = scanner.tables
    # The cell reader expands every table of an OpenDocument file when it opens it: check them all.
    for name, table in scanner.tables.items():
        facts.extents[name] = Extent(table.rows, table.columns)
        check_extent(name, facts.extents[name], limits)
