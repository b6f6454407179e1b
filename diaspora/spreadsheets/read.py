"""Reading uploaded spreadsheets safely: type sniffing, limits, sheets and raw cell values.

Every file is checked before a parser sees it: size, real type by content (not by extension),
encryption, zip structure (declared and real decompressed size, compression ratio), XML
DOCTYPE/ENTITY declarations (refused, never resolved) and the extent of the chosen sheet, since
the cell reader allocates the whole rectangle from A1 to the last cell at once.
"""
import codecs
import csv
import datetime
import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import XMLPullParser

import python_calamine
import xlrd
from babel.numbers import format_decimal
from defusedxml.ElementTree import fromstring as parse_xml
from flask import has_app_context
from flask_babel import format_decimal as format_decimal_in_locale
from flask_babel import gettext as _
from xlrd.compdoc import CompDoc

from diaspora.text import (
    count_vietnamese_words,
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    fold,
    legacy_encoding_for_font,
)

MB = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_EXTENSIONS = {".csv", ".txt", ".tsv"}
_MAX_ZIP_ENTRIES = 10_000
# Deflate reaches about 1000:1 on repeated bytes; real workbook parts stay far below 100:1.
_MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM = MB
_CHUNK = MB
_FONT_SAMPLE_BYTES = 2 * MB
_FONT_SAMPLE_ROWS = 300
_MAX_ERROR_CELLS = 10_000  # cells showing an Excel error (#N/A…) remembered per sheet
_TEXT_SAMPLE = 256 * 1024
_FORBIDDEN_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
# What export does to keep a cell safe, undone on reading: a CSV text that a spreadsheet program
# would run as a formula starts with "'" (OWASP), and a text longer than an Excel cell holds is
# cut and ends with the mark, so reading it back keeps the stored text (the cell counts as empty).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
TRUNCATION_MARK = "… [đã cắt bớt vì quá dài]"
_TRUNCATED_MIN_LENGTH = 16_000
_INSTRUCTION_SHEETS = re.compile(
    r"^(huong ?dan|hd|instructions?|guide|readme|ghi ?chu|chu ?thich|danh ?muc|dm|lists?|notes?|tra ?cuu|ma)\b"
)


class SpreadsheetRejected(Exception):
    """A file refused before or while reading; `reason` is a short code, the message is for the user."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class Limits:
    """Bounds that protect the server from hostile or oversized files."""

    max_bytes: int = 20 * MB
    max_rows: int = 200_000
    max_columns: int = 200
    max_uncompressed_bytes: int = 500 * MB

    @classmethod
    def from_config(cls, config) -> "Limits":
        """Limits from a Flask config mapping (app.config) or a Config class."""
        def setting(name):
            return config[name] if hasattr(config, "keys") else getattr(config, name)

        return cls(
            max_bytes=int(setting("MAX_CONTENT_LENGTH")),
            max_rows=int(setting("IMPORT_MAX_ROWS")),
            max_columns=int(setting("IMPORT_MAX_COLUMNS")),
            max_uncompressed_bytes=int(setting("IMPORT_MAX_UNCOMPRESSED_MB")) * MB,
        )


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
    `error_cells` are the cells showing a formula error (#N/A, #REF!…): their value is None, and
    the import says why.
    """

    name: str
    rows: list[list[object]]
    column_fonts: dict[int, str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    kind: str = "xlsx"
    encoding: str | None = None
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # 0-based (row, column): "#N/A"


def _number(value) -> str:
    if has_app_context():
        return format_decimal_in_locale(value)
    return format_decimal(value, locale="vi")


def _megabytes(size: int) -> str:
    return _number(round(size / MB, 1))


def _not_spreadsheet(detail: str | None = None) -> SpreadsheetRejected:
    message = _("Tệp không phải là bảng tính (Excel .xlsx, .xlsm, .xls, LibreOffice .ods hoặc .csv).")
    return SpreadsheetRejected("not_spreadsheet", f"{message} {detail}" if detail else message)


def _corrupt() -> SpreadsheetRejected:
    return SpreadsheetRejected("corrupt", _("Tệp bị hỏng hoặc tải lên không đầy đủ nên không đọc được."))


def _encrypted() -> SpreadsheetRejected:
    return SpreadsheetRejected(
        "encrypted", _("Tệp được bảo vệ bằng mật khẩu. Hãy mở tệp, bỏ mật khẩu, lưu lại rồi tải lên lần nữa.")
    )


def _too_many_rows(sheet: str, rows: int, limits: Limits) -> SpreadsheetRejected:
    return SpreadsheetRejected("too_many_rows", _(
        "Trang tính “%(sheet)s” có %(rows)s dòng, vượt giới hạn %(max)s dòng. Hãy chia thành nhiều tệp nhỏ hơn.",
        sheet=sheet, rows=_number(rows), max=_number(limits.max_rows),
    ))


def _too_many_columns(sheet: str, columns: int, limits: Limits) -> SpreadsheetRejected:
    return SpreadsheetRejected("too_many_columns", _(
        "Trang tính “%(sheet)s” có %(columns)s cột, vượt giới hạn %(max)s cột.",
        sheet=sheet, columns=_number(columns), max=_number(limits.max_columns),
    ))


def _empty_sheet(sheet: str) -> SpreadsheetRejected:
    return SpreadsheetRejected("empty", _("Trang tính “%(sheet)s” không có dữ liệu.", sheet=sheet))


# --- Extent of a sheet --------------------------------------------------------------------------

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


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0


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
        self.extent = _Extent()
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
        self.extent = _Extent()
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
            if reference and int(reference.group(2)) > _FONT_SAMPLE_ROWS:
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
        while position >= 0 and len(self.cells) < _MAX_ERROR_CELLS:
            start = chunk.rfind(b"<", 0, position)  # the tag the attribute is in
            tag = self._cell_tag.match(chunk, start) if start >= 0 else None
            if tag is None or chunk[tag.end():chunk.find(b">", tag.end())].endswith(b"/"):  # no value
                position = chunk.find(b't="e"', position + 1)
                continue
            cell = self._cell.match(chunk, start)
            if cell is None:
                if len(chunk) - start < _CHUNK:
                    self._carry = chunk[start:]  # the cell goes on in the next chunk
                return
            reference, value = self._reference.search(cell.group(1)), self._value.search(cell.group(2))
            if reference:
                row, column = int(reference.group(2)) - 1, _column_index(reference.group(1).decode()) - 1
                self.cells[row, column] = value.group(1).decode("utf-8", "replace") if value else "#?"
            position = chunk.find(b't="e"', cell.end())


# --- Zip-based workbooks (xlsx, xlsm, ods) ------------------------------------------------------

@dataclass
class _ZipFacts:
    kind: str
    sheet_parts: dict[str, str] = field(default_factory=dict)
    extents: dict[str, _Extent] = field(default_factory=dict)
    style_samples: dict[str, dict[int, Counter]] = field(default_factory=dict)
    error_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    ods_tables: dict[str, "_OdsTable"] = field(default_factory=dict)


def _check_central_directory_size(path: Path, size: int) -> None:
    """Refuse archives announcing more entries than a workbook ever has, before zipfile lists them."""
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise _corrupt()
    entries = struct.unpack_from("<H", tail, end + 10)[0]
    if _MAX_ZIP_ENTRIES < entries < 0xFFFF:
        raise SpreadsheetRejected("zip_bomb", _("Tệp có cấu trúc bất thường (quá nhiều thành phần) nên không được đọc."))


def _zip_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise _not_spreadsheet(_("Định dạng Excel nhị phân (.xlsb) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx."))
    if "mimetype" in names:
        with archive.open("mimetype") as handle:
            mimetype = handle.read(200)
        if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet" and "content.xml" in names:
            return "ods"
    if "word/document.xml" in names or "mimetype" in names:
        raise _not_spreadsheet(_("Đây là một văn bản hoặc tài liệu khác, không phải bảng tính."))
    raise _not_spreadsheet()


def _check_declared_sizes(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > _MAX_ZIP_ENTRIES:
        raise SpreadsheetRejected("zip_bomb", _("Tệp có cấu trúc bất thường (quá nhiều thành phần) nên không được đọc."))
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise SpreadsheetRejected("zip_bomb", _(
            "Tệp khi giải nén có dung lượng %(size)s MB, vượt giới hạn %(max)s MB.",
            size=_megabytes(total), max=_megabytes(limits.max_uncompressed_bytes),
        ))
    for info in infos:
        if info.file_size > _RATIO_CHECK_FROM and info.file_size > _MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise SpreadsheetRejected("zip_bomb", _(
                "Tệp có phần nén bất thường (tỉ lệ nén %(ratio)s:1), có thể là tệp độc hại, nên không được đọc.",
                ratio=_number(info.file_size // max(info.compress_size, 1)),
            ))


def _xml_parts(archive: zipfile.ZipFile):
    return [info for info in archive.infolist() if info.filename.lower().endswith((".xml", ".rels", ".vml"))]


def _stream_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, consumers) -> None:
    """Decompress one part in chunks cut after a '>', refusing DOCTYPE/ENTITY declarations.

    zipfile stops at the declared size and verifies the CRC, so a part that inflates beyond what the
    central directory declares is caught as corrupt with bounded memory.
    """
    carry = b""
    with archive.open(info) as handle:
        while True:
            data = handle.read(_CHUNK)
            buffer = carry + data
            if data:
                cut = buffer.rfind(b">") + 1
                if 0 < cut and len(buffer) - cut < _CHUNK:
                    buffer, carry = buffer[:cut], buffer[cut:]
                else:
                    carry = b""
            if (b"<!" in buffer or b"<\x00!" in buffer) and any(marker in buffer for marker in _FORBIDDEN_XML):
                raise SpreadsheetRejected("xml_entities", _(
                    "Tệp chứa khai báo XML (DOCTYPE/ENTITY) không được phép, có thể là tệp độc hại, nên không được đọc."
                ))
            for consume in consumers:
                consume(buffer)
            if not data:
                return


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local_name(key) == name:
            return value
    return None


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
        if _local_name(element.tag) == "sheet":
            parts[element.get("name")] = targets.get(_attribute(element, "id"))
    return parts


def _xlsx_fonts(archive: zipfile.ZipFile) -> list[str | None]:
    """Font name of each cell format (cellXfs index), from the styles part."""
    try:
        styles = parse_xml(archive.read("xl/styles.xml"))
    except KeyError:
        return []
    fonts, formats = [], []
    for element in styles:
        if _local_name(element.tag) == "fonts":
            for font in element:
                names = [child.get("val") for child in font if _local_name(child.tag) == "name"]
                fonts.append(names[0] if names else None)
        elif _local_name(element.tag) == "cellXfs":
            formats = [int(xf.get("fontId", 0)) for xf in element]
    return [fonts[font] if font < len(fonts) else None for font in formats]


def _inspect_zip(path: Path, size: int, limits: Limits) -> _ZipFacts:
    _check_central_directory_size(path, size)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _corrupt() from None
    with archive:
        kind = _zip_kind(archive)
        _check_declared_sizes(archive, limits)
        facts = _ZipFacts(kind)
        try:
            if kind == "xlsx":
                _scan_xlsx(archive, facts, limits)
            else:
                _scan_ods(archive, facts, limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError, SyntaxError):
            raise _corrupt() from None
    return facts


def _scan_xlsx(archive: zipfile.ZipFile, facts: _ZipFacts, limits: Limits) -> None:
    worksheets = {}
    for info in _xml_parts(archive):
        consumers = []
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            scanner, sampler, errors = _ExtentScanner(limits), _FontSampler(), _ErrorCells()
            worksheets[info.filename] = (scanner, sampler, errors)
            consumers = [scanner.feed, sampler.feed, errors.feed]
        _stream_part(archive, info, consumers)
    facts.sheet_parts = _xlsx_sheet_parts(archive)
    fonts = _xlsx_fonts(archive)
    for part, (scanner, sampler, errors) in worksheets.items():
        facts.extents[part] = scanner.extent
        facts.error_cells[part] = errors.cells
        if scanner.exact_pass_needed:
            exact = _ExactExtent()
            _stream_part(archive, archive.getinfo(part), [exact.feed])
            facts.extents[part] = exact.extent
        facts.style_samples[part] = {
            column: Counter({fonts[style] if style < len(fonts) else None: count for style, count in styles.items()})
            for column, styles in sampler.styles.items()
        }


# --- OpenDocument spreadsheets ------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


@dataclass
class _OdsTable:
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
        self.tables: dict[str, _OdsTable] = {}
        self.cell_fonts: dict[str, str] = {}
        self._table: _OdsTable | None = None
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
            self._table = self.tables.setdefault(self._name, _OdsTable())
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
            if element.get(f"{{{_CALCEXT}}}value-type") == "error" and len(self._table.error_cells) < _MAX_ERROR_CELLS:
                self._table.error_cells[self._row, self._column] = "".join(element.itertext()).strip() or "#?"
            self._table.columns = max(self._table.columns, self._column + repeat)
            if self._row < _FONT_SAMPLE_ROWS:
                style = element.get(f"{{{_TABLE}}}style-name")
                for column in range(self._column, min(self._column + repeat, self._limits.max_columns)):
                    self._table.style_counts.setdefault(column, Counter())[self.cell_fonts.get(style)] += 1
        spanned_columns = int(element.get(f"{{{_TABLE}}}number-columns-spanned", "1"))
        spanned_rows = int(element.get(f"{{{_TABLE}}}number-rows-spanned", "1"))
        if (spanned_columns > 1 or spanned_rows > 1) and len(self._table.merged) < _MAX_ZIP_ENTRIES:
            self._table.merged.append(
                (self._row, self._column, self._row + spanned_rows - 1, self._column + spanned_columns - 1)
            )
        self._column += repeat
        element.clear()

    def _remember_style(self, element) -> None:
        for child in element:
            if _local_name(child.tag) == "text-properties":
                font = child.get(f"{{{_STYLE}}}font-name")
                if font:
                    self.cell_fonts[element.get(f"{{{_STYLE}}}name")] = font


def _scan_ods(archive: zipfile.ZipFile, facts: _ZipFacts, limits: Limits) -> None:
    scanner = _OdsScanner(limits)
    for info in _xml_parts(archive):
        _stream_part(archive, info, [scanner.feed] if info.filename == "content.xml" else [])
    facts.ods_tables = scanner.tables
    # The cell reader expands every table of an OpenDocument file when it opens it: check them all.
    for name, table in scanner.tables.items():
        facts.extents[name] = _Extent(table.rows, table.columns)
        _check_extent(name, facts.extents[name], limits)


# --- Legacy binary workbooks (xls) --------------------------------------------------------------

def _inspect_ole(path: Path) -> bytes:
    """The BIFF workbook stream of an .xls file, after refusing encrypted and non-Excel containers."""
    data = path.read_bytes()
    try:
        document = CompDoc(data, logfile=io.StringIO())
    except Exception:  # xlrd raises bare CompDocError and struct/index errors on damaged containers
        raise _corrupt() from None
    names = {entry.name for entry in document.dirlist}
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        raise _encrypted()
    stream_name = "Workbook" if "Workbook" in names else "Book" if "Book" in names else None
    if stream_name is None:
        raise _not_spreadsheet(_("Đây là một tài liệu Office khác, không phải bảng tính."))
    try:
        stream = document.get_named_stream(stream_name)
    except Exception:
        raise _corrupt() from None
    if stream is None or _biff_is_encrypted(stream):
        raise _encrypted() if stream is not None else _corrupt()
    return stream


def _biff_is_encrypted(stream: bytes) -> bool:
    """True when the workbook globals carry a FILEPASS record (an .xls saved with a password)."""
    position = 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        if record == 0x002F:
            return True
        if record in (0x000A, 0x0085):  # end of globals, or the sheet list that follows FILEPASS
            return False
        position += 4 + length
    return False


_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6, 0x00BD}
_BIFF_ROW_LISTS = 0x00BD  # MULRK: one row, a run of columns ending with the last column number


_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A"}


def _biff_error(record: int, body: bytes) -> str | None:
    """The error a BOOLERR or FORMULA cell record shows (#N/A…), else None."""
    if record == 0x0205 and len(body) >= 8 and body[7] == 1:
        return _BIFF_ERRORS.get(body[6], "#?")
    if record == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
        return _BIFF_ERRORS.get(body[8], "#?")
    return None


def _xls_extents(stream: bytes) -> list[tuple[str, _Extent, dict]]:
    """How far the content cells of each sheet reach, walking the BIFF records (blank cells excluded), and
    the cells showing an error: (name, extent, {(row, column): "#N/A"})."""
    sheets, position = [], 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        if record == 0x0085 and length >= 8:
            sheets.append((_biff_sheet_name(stream[position + 10:position + 4 + length]),
                           struct.unpack_from("<I", stream, position + 4)[0]))
        elif record == 0x000A:
            break
        position += 4 + length
    extents = []
    unpack = struct.unpack_from
    for name, offset in sheets:
        extent, depth, position, errors = _Extent(), 0, offset, {}
        while position + 4 <= len(stream):
            record, length = unpack("<HH", stream, position)
            if record in _BIFF_CELLS and length >= 4:
                row, column = unpack("<HH", stream, position + 4)
                if record in (0x0205, 0x0006) and len(errors) < _MAX_ERROR_CELLS:
                    error = _biff_error(record, stream[position + 4:position + 4 + min(length, 14)])
                    if error:
                        errors[row, column] = error
                if record == _BIFF_ROW_LISTS and length >= 6:
                    column = unpack("<H", stream, position + 4 + length - 2)[0]
                if row >= extent.rows:
                    extent.rows = row + 1
                if column >= extent.columns:
                    extent.columns = column + 1
            elif record == 0x0809:
                depth += 1
            elif record == 0x000A:
                depth -= 1
                if depth <= 0:
                    break
            position += 4 + length
        extents.append((name, extent, errors))
    return extents


def _biff_sheet_name(data: bytes) -> str:
    """Sheet name from a BIFF8 BOUNDSHEET record body after its offset and flags."""
    if len(data) < 2:
        return ""
    length, options = data[0], data[1]
    if options & 1:
        return data[2:2 + 2 * length].decode("utf-16-le", errors="replace")
    return data[2:2 + length].decode("latin-1")


def _xls_column_fonts(path: Path, sheet_name: str) -> dict[int, str]:
    """Fonts of the first rows of an .xls sheet, read only when the workbook uses a legacy Vietnamese font."""
    try:
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception:  # fonts are a best-effort extra: the values were read by calamine already
        return {}
    try:
        if not any(legacy_encoding_for_font(font.name) for font in book.font_list):
            return {}
        sheet = book.sheet_by_name(sheet_name)
        counts: dict[int, Counter] = {}
        for row in range(min(sheet.nrows, _FONT_SAMPLE_ROWS)):
            for column in range(sheet.ncols):
                if sheet.cell_type(row, column) in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                font = book.font_list[book.xf_list[sheet.cell_xf_index(row, column)].font_index].name
                counts.setdefault(column, Counter())[font] += 1
        return _majority_fonts(counts)
    except Exception:
        return {}
    finally:
        book.release_resources()


# --- Sniffing -----------------------------------------------------------------------------------

@dataclass
class _Inspection:
    kind: str
    zip_facts: _ZipFacts | None = None
    xls_errors: dict[str, dict] = field(default_factory=dict)  # sheet name -> {(row, column): "#N/A"}


def _describe_text(head: bytes) -> str | None:
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        return _("Tệp ở định dạng XML Spreadsheet 2003: hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    if sample.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in sample[:1000]:
        return _("Tệp là trang web (HTML) được đặt đuôi bảng tính: hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    return None


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" not in head and sum(byte < 9 or 13 < byte < 32 for byte in head) <= len(head) // 100


def _inspect(path, limits: Limits, original_filename: str | None) -> _Inspection:
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetRejected("empty", _("Tệp rỗng, không có dữ liệu."))
    if size > limits.max_bytes:
        raise SpreadsheetRejected("too_large", _(
            "Tệp quá lớn (%(size)s MB); giới hạn là %(max)s MB.", size=_megabytes(size), max=_megabytes(limits.max_bytes)
        ))
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_ZIP_MAGIC):
        facts = _inspect_zip(path, size, limits)
        return _Inspection(facts.kind, facts)
    if head.startswith(_OLE_MAGIC):
        # The .xls reader expands every sheet when it opens the file: check them all first.
        errors = {}
        for name, extent, sheet_errors in _xls_extents(_inspect_ole(path)):
            _check_extent(name, extent, limits)
            errors[name] = sheet_errors
        return _Inspection("xls", xls_errors=errors)
    extension = Path(original_filename or path.name).suffix.lower()
    if head.startswith(b"%PDF"):
        raise _not_spreadsheet()
    if _looks_like_text(head):
        detail = _describe_text(head)
        if detail:
            raise _not_spreadsheet(detail)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise _not_spreadsheet()
        if extension in _TEXT_EXTENSIONS:
            return _Inspection("csv")
        raise _not_spreadsheet(_(
            "Tệp có đuôi %(extension)s nhưng thực chất là văn bản (CSV): hãy đổi đuôi thành .csv hoặc lưu lại dưới dạng .xlsx.",
            extension=extension or "?",
        ))
    raise _not_spreadsheet()


# --- Public functions ---------------------------------------------------------------------------

def _is_instructions(name: str) -> bool:
    return bool(_INSTRUCTION_SHEETS.match(fold(name)))


def _open_workbook(path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise _encrypted() from None
    except Exception:  # calamine reports damage with several exception types
        raise _corrupt() from None


def _csv_sheet_name(path, original_filename: str | None) -> str:
    return Path(original_filename or str(path)).stem or "CSV"


def list_sheets(path, limits: Limits, *, original_filename: str | None = None) -> list[SheetInfo]:
    """Validate the file (raises SpreadsheetRejected) and list its sheets in workbook order."""
    return _list_sheets(path, _inspect(path, limits, original_filename), original_filename)


def _list_sheets(path, inspection: _Inspection, original_filename: str | None) -> list[SheetInfo]:
    if inspection.kind == "csv":
        return [SheetInfo(_csv_sheet_name(path, original_filename), 0, False, False)]
    workbook = _open_workbook(path)
    try:
        return _sheet_infos(workbook)
    finally:
        workbook.close()


def _sheet_infos(workbook: python_calamine.CalamineWorkbook) -> list[SheetInfo]:
    sheets = [
        SheetInfo(
            name=sheet.name,
            index=index,
            hidden=sheet.visible != python_calamine.SheetVisibleEnum.Visible,
            instructions=_is_instructions(sheet.name),
        )
        for index, sheet in enumerate(workbook.sheets_metadata)
        if sheet.typ in (python_calamine.SheetTypeEnum.WorkSheet, python_calamine.SheetTypeEnum.MacroSheet)
    ]
    if not sheets:
        raise SpreadsheetRejected("empty", _("Tệp không có trang tính nào."))
    return sheets


def default_sheet(sheets: list[SheetInfo]) -> SheetInfo:
    """The first visible sheet that is not a guide or a lookup list (else the first visible, else the first)."""
    visible = [sheet for sheet in sheets if not sheet.hidden]
    for sheet in visible:
        if not sheet.instructions:
            return sheet
    return (visible or sheets)[0]


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


def _tidy(raw_rows) -> list[list[object]]:
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


def _majority_fonts(counts: dict[int, Counter]) -> dict[int, str]:
    fonts = {}
    for column, counter in sorted(counts.items()):
        named = Counter({font: count for font, count in counter.items() if font})
        if named:
            fonts[column] = named.most_common(1)[0][0]
    return fonts


def _check_extent(sheet_name: str, extent: _Extent | None, limits: Limits) -> None:
    if extent is None:
        return
    if extent.rows > limits.max_rows:
        raise _too_many_rows(sheet_name, extent.rows, limits)
    if extent.columns > limits.max_columns:
        raise _too_many_columns(sheet_name, extent.columns, limits)


def _check_sheet(inspection: _Inspection, sheet_name: str, limits: Limits):
    """Refuse a sheet reaching beyond the limits before it is loaded; its sampled fonts and ODS merges."""
    facts = inspection.zip_facts
    if inspection.kind == "xlsx":
        part = facts.sheet_parts.get(sheet_name)
        _check_extent(sheet_name, facts.extents.get(part), limits)
        return _majority_fonts(facts.style_samples.get(part, {})), [], facts.error_cells.get(part, {})
    if inspection.kind == "ods" and sheet_name in facts.ods_tables:
        table = facts.ods_tables[sheet_name]
        return _majority_fonts(table.style_counts), table.merged, table.error_cells
    return {}, [], inspection.xls_errors.get(sheet_name, {})


def read_sheet(path, sheet_name: str | None, limits: Limits, *, original_filename: str | None = None,
               choose: Callable[[list[SheetInfo]], SheetInfo] | None = None) -> RawSheet:
    """Validate the file and return the raw values of one sheet (the default sheet when no name is given).

    `choose`, when given, picks the sheet from the file's list instead: a caller with its own rules
    for naming a sheet then has the file checked once, not once to list the sheets and once to read.
    """
    inspection = _inspect(path, limits, original_filename)
    if inspection.kind == "csv":
        name = _csv_sheet_name(path, original_filename)
        if choose is not None:
            sheet_name = choose([SheetInfo(name, 0, False, False)]).name
        if sheet_name not in (None, name):
            raise _sheet_not_found(sheet_name, [name])
        return _read_csv(Path(path), name, limits)
    workbook = _open_workbook(path)
    try:
        sheets = _sheet_infos(workbook)
        if choose is not None:
            sheet_name = choose(sheets).name
        if sheet_name is None:
            sheet_name = default_sheet(sheets).name
        if sheet_name not in [sheet.name for sheet in sheets]:
            raise _sheet_not_found(sheet_name, [sheet.name for sheet in sheets])
        column_fonts, merged, error_cells = _check_sheet(inspection, sheet_name, limits)
        sheet = workbook.get_sheet_by_name(sheet_name)
        end = sheet.end
        if end is not None:
            _check_extent(sheet_name, _Extent(end[0] + 1, end[1] + 1), limits)
        rows = _tidy(sheet.to_python(skip_empty_area=False))
        if inspection.kind != "ods":
            merged = [(top, left, bottom, right) for (top, left), (bottom, right) in sheet.merged_cell_ranges or []]
    except SpreadsheetRejected:
        raise
    except python_calamine.PasswordError:
        raise _encrypted() from None
    except Exception:  # damaged content surfaces only when the sheet is parsed
        raise _corrupt() from None
    finally:
        workbook.close()
    if not rows:
        raise _empty_sheet(sheet_name)
    if inspection.kind == "xls":
        column_fonts = _xls_column_fonts(Path(path), sheet_name)
    width = len(rows[0])
    return RawSheet(
        name=sheet_name,
        rows=rows,
        column_fonts={column: font for column, font in column_fonts.items() if column < width},
        merged=[area for area in merged if area[0] < len(rows) and area[1] < width],
        kind=inspection.kind,
        error_cells={cell: text for cell, text in error_cells.items() if cell[0] < len(rows) and cell[1] < width},
    )


def _sheet_not_found(name: str, names: list[str]) -> SpreadsheetRejected:
    return SpreadsheetRejected("sheet_not_found", _(
        "Không có trang tính “%(name)s”. Các trang tính trong tệp: %(names)s.",
        name=name, names=", ".join(f"“{sheet}”" for sheet in names),
    ))


# --- CSV and text files -------------------------------------------------------------------------

def _decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised exactly; anything else is 8-bit:
    Windows-1258 (combining tone marks, hence NFC), or TCVN3/VNI text from old Vietnamese fonts.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    windows = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    legacy_view = data.decode("cp1252", errors="replace")
    legacy = detect_legacy_encoding(legacy_view[:_TEXT_SAMPLE].splitlines())
    if legacy:
        decoded = decode_tcvn3(legacy_view) if legacy == "tcvn3" else decode_vni(legacy_view)
        if count_vietnamese_words(decoded[:_TEXT_SAMPLE].splitlines()) > count_vietnamese_words(
            windows[:_TEXT_SAMPLE].splitlines()
        ):
            return decoded, legacy
    return windows, "cp1258"


def _sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon or tab) that splits the first lines most consistently."""
    sample = text[:_TEXT_SAMPLE].splitlines()[:50]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if any(cell.strip() for cell in row)]
        common = Counter(width for width in widths if width > 1).most_common(1)
        score = (common[0][1], common[0][0]) if common else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, name: str, limits: Limits) -> RawSheet:
    text, encoding = _decode_text(path.read_bytes())
    delimiter = _sniff_delimiter(text)
    rows, count = [], 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            count += 1
            if len(row) > limits.max_columns:
                raise _too_many_columns(name, len(row), limits)
            if count <= limits.max_rows:
                rows.append(row)
    except csv.Error:
        raise _corrupt() from None
    if count > limits.max_rows:
        raise _too_many_rows(name, count, limits)
    rows = _tidy(rows)
    if not rows:
        raise _empty_sheet(name)
    return RawSheet(name=name, rows=rows, kind="csv", encoding=encoding)
