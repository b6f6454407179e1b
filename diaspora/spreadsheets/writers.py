"""Writing a list of records to .xlsx or .csv: headers, cell texts and the order of the columns all
come from the sheet's column declaration (columns.py), so the import reads an exported file again:
export → edit in Excel → import updates the same records by their ID. Rows are streamed.

Cells never carry a formula. In .xlsx every text is written as a text cell (never guessed), and
what an .xlsx cannot hold is made safe: control characters are escaped (_xHHHH_, which readers
decode), characters XML forbids are dropped, and a text longer than a cell holds is cut and ends
with TRUNCATION_MARK (the import then keeps the stored text). In .csv a text that a spreadsheet
program would run as a formula gets a leading "'" (OWASP), which the import removes again.
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from flask_babel import force_locale, format_datetime, to_user_timezone
from flask_babel import gettext as _
from sqlalchemy import Date, Integer

from diaspora.spreadsheets.columns import Column, Sheet
from diaspora.spreadsheets.raw_cells import (
    FORMULA_GUARD,
    FORMULA_TRIGGERS,
    TRUNCATION_MARK,
)

FORMATS = ("xlsx", "csv")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # the server adds "; charset=utf-8"
}
CHUNK = 2000
MAX_CELL_UNITS = 32_767  # what an Excel cell holds, in UTF-16 code units
WRAP_AT = 50  # longer texts wrap inside their column
MIN_WIDTH, MAX_WIDTH = 6, 50
LINE_HEIGHT, MAX_LINES = 15, 12  # a wrapped row is made tall enough for at most MAX_LINES lines
# Characters XML 1.0 cannot carry even escaped: lone surrogates and the two non-characters.
_XML_FORBIDDEN = re.compile("[\ud800-\udfff\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
# --- cell values ---------------------------------------------------------------------------------------------

_TYPED = (Date, Integer)


def cell_reader(column: Column, table):
    """A function giving a record's cell for the column: an int, a date, a text, or None when empty.

    The ID is a number; a column whose attributes are all dates or numbers (birth date, else birth
    year) gives the first one set, so Excel holds a real date; every other column its rendered text.
    A coded column (one with choices: gender, country…) renders each stored code once.
    """
    if column.relation == "id":
        return lambda person: person.id
    targets = column.targets
    if targets and all(isinstance(table.c[name].type, _TYPED) for name in targets):
        def typed(person):
            for name in targets:
                value = getattr(person, name)
                if value is not None:
                    return value
            return None

        return typed
    render = column.render
    if column.choices is not None and targets:
        rendered: dict[tuple, str | None] = {}

        def coded(person):
            key = tuple(getattr(person, name) for name in targets)
            if key not in rendered:
                rendered[key] = render(person) or None
            return rendered[key]

        return coded
    return lambda person: render(person) or None


def rendered_records(sheet: Sheet, records):
    """Lists of cell values, one per record and column of the sheet, in Vietnamese, streamed."""
    readers = [cell_reader(column, sheet.table) for column in sheet.columns]
    with force_locale("vi"):
        for record_ in records:
            yield [read(record_) for read in readers]


def excel_text(text: str) -> str:
    """Text an .xlsx cell holds exactly: NFC, no XML-forbidden characters, cut to what a cell holds."""
    if not text.isascii():
        if _XML_FORBIDDEN.search(text):
            text = _XML_FORBIDDEN.sub("", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if len(text) > MAX_CELL_UNITS // 2 and _utf16_units(text) > MAX_CELL_UNITS:
        text = _cut(text, MAX_CELL_UNITS - _utf16_units(TRUNCATION_MARK)) + TRUNCATION_MARK
    return text


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    """The longest start of the text within `units` UTF-16 code units, never splitting a character."""
    cut = text[:units]
    while _utf16_units(cut) > units:
        cut = cut[:-(_utf16_units(cut) - units + 1) // 2 or -1]
    return cut


def csv_text(value) -> str:
    """A cell as CSV text: dates dd/mm/yyyy, and a formula-like text guarded with a leading "'"."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return FORMULA_GUARD + text
    return text


# --- writers -------------------------------------------------------------------------------------------------

@dataclass
class OfficeFormats:
    """The cell formats of an exported workbook or a template."""

    plain: object
    title: object
    subtitle: object
    header: object
    header_required: object
    text: object
    wrapped: object
    date: object
    number: object


def workbook_options() -> dict:
    """XlsxWriter settings under which a string is only ever a string, in constant memory."""
    return {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "default_date_format": "dd/mm/yyyy"}


def office_formats(workbook) -> OfficeFormats:
    border = {"border": 1, "border_color": "#A6A6A6"}
    header = {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "bg_color": "#DDEBF7", **border}
    return OfficeFormats(
        plain=workbook.add_format(),
        title=workbook.add_format({"bold": True, "font_size": 14}),
        subtitle=workbook.add_format({"italic": True, "font_color": "#595959"}),
        header=workbook.add_format(header),
        header_required=workbook.add_format({**header, "font_color": "#C00000"}),
        text=workbook.add_format({"num_format": "@", "valign": "top"}),
        wrapped=workbook.add_format({"num_format": "@", "valign": "top", "text_wrap": True}),
        date=workbook.add_format({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"}),
        number=workbook.add_format({"num_format": "0", "valign": "top", "align": "left"}),
    )


def text_lines(text: str, width: int) -> int:
    """About how many lines a text wrapped in a column `width` characters wide takes."""
    return sum(1 + len(line) // max(width - 2, 1) for line in text.split("\n"))


def fit_row(worksheet, row: int, lines: int) -> None:
    """Make a row tall enough for its wrapped text: LibreOffice keeps the default height otherwise."""
    if lines > 1:
        worksheet.set_row(row, LINE_HEIGHT * min(lines, MAX_LINES))


def write_text(worksheet, row: int, column: int, text: str, cell_format, formats: OfficeFormats) -> None:
    """A text cell, always: XlsxWriter writes a text shaped "<r>…</r>" as raw rich-text XML, so such a
    text goes as two escaped fragments (without control characters, which fragments cannot carry)."""
    if text.startswith("<r>") and text.endswith("</r>"):
        worksheet.write_rich_string(row, column, "<", formats.plain, _CONTROL.sub("", text[1:]), cell_format)
    else:
        worksheet.write_string(row, column, text, cell_format)


def write_header(worksheet, row: int, columns, locale: str, formats: OfficeFormats, mark_required: str = "") -> None:
    """The header row: headers from the column declaration, required ones in red (and marked)."""
    worksheet.set_row(row, 30)
    for index, column in enumerate(columns):
        header = column.header(locale) + (mark_required if column.required else "")
        write_text(worksheet, row, index, excel_text(header),
                   formats.header_required if column.required else formats.header, formats)


def _write_xlsx(out, sheet: Sheet, rows, locale: str, lines: list[str], sheet_name: str, properties: dict) -> int:
    workbook = xlsxwriter.Workbook(out, workbook_options())
    workbook.set_properties(properties)
    formats = office_formats(workbook)
    worksheet = workbook.add_worksheet(sheet_name)
    columns = sheet.columns
    for index, line in enumerate(lines):
        worksheet.write_string(index, 0, excel_text(line), formats.subtitle if index else formats.title)
    header_row = len(lines) + 1  # a blank line between the title and the table
    write_header(worksheet, header_row, columns, locale, formats)
    widths = [min(MAX_WIDTH, max(MIN_WIDTH, len(column.header(locale)) + 2)) for column in columns]
    kinds = [None] * len(columns)
    row_number = header_row
    write_string, write_number = worksheet.write_string, worksheet.write_number
    write_datetime = worksheet.write_datetime
    text_format, wrapped_format = formats.text, formats.wrapped
    for values in rows:
        row_number += 1
        lines = 1
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is str:
                text = excel_text(value)
                length = len(text)
                if length > widths[index]:
                    widths[index] = min(length + 1, MAX_WIDTH)
                cell_format = text_format
                if length > WRAP_AT or "\n" in text:
                    cell_format = wrapped_format
                    lines = max(lines, text_lines(text, MAX_WIDTH))
                if text[:1] == "<" and text.startswith("<r>"):
                    write_text(worksheet, row_number, index, text, cell_format, formats)
                else:
                    write_string(row_number, index, text, cell_format)
                kinds[index] = "text"
            elif isinstance(value, date):
                write_datetime(row_number, index, value, formats.date)
                widths[index] = max(widths[index], 11)
            else:
                write_number(row_number, index, value, formats.number)
                widths[index] = max(widths[index], len(str(value)) + 1)
        fit_row(worksheet, row_number, lines)
    # Column formats and sizes are written when the workbook closes, so they can follow the rows.
    for index, width in enumerate(widths):
        worksheet.set_column(index, index, width, formats.text if kinds[index] == "text" else None)
    worksheet.freeze_panes(header_row + 1, 2)
    worksheet.autofilter(header_row, 0, max(row_number, header_row + 1), len(columns) - 1)
    worksheet.repeat_rows(header_row)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    workbook.close()
    return row_number - header_row


def _write_csv(out, sheet: Sheet, rows, locale: str) -> int:
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([csv_text(column.header(locale)) for column in sheet.columns])
    count = 0
    for values in rows:
        writer.writerow([csv_text(value) for value in values])
        count += 1
    stream.flush()
    stream.detach()
    return count


# --- writing a list ---------------------------------------------------------------------------------------------

def exported_by(user, now, locale: str) -> str:
    """The second title line: when and by whom."""
    with force_locale(locale):
        who = (user.name or user.email) if user is not None else _("dòng lệnh")
        return _("Xuất lúc %(when)s, người xuất: %(who)s", when=format_datetime(now, "dd/MM/yyyy HH:mm"), who=who)


def write_list(out, fmt: str, sheet: Sheet, rows, *, locale: str, lines: list[str], user, now, sheet_name: str) -> int:
    """Write rendered rows to `out` (a path or a binary file) as .xlsx (title lines, then the table) or .csv
    (the table alone); the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "xlsx":
        with force_locale(locale):
            properties = {"title": lines[0], "comments": lines[1], "author": getattr(user, "name", None) or "",
                          "company": _("Sở Ngoại vụ thành phố Hải Phòng"), "created": now}
        return _write_xlsx(out, sheet, rows, locale, lines, sheet_name, properties)
    binary = out if hasattr(out, "write") else open(out, "wb")
    try:
        return _write_csv(binary, sheet, rows, locale)
    finally:
        if binary is not out:
            binary.close()


# --- a workbook of several tables -------------------------------------------------------------------------------

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_tables(out, tables, *, lines: list[str], properties: dict | None = None) -> None:
    """Write several tables to one .xlsx workbook (a record's data, one part per worksheet): `tables` are
    (sheet name, headers, rows of values). Each sheet has the title lines, a header row, frozen and filtered;
    texts are always text cells, lists are joined with "; ", dates are dates and moments are in the user's
    time zone."""
    workbook = xlsxwriter.Workbook(out, workbook_options())
    workbook.set_properties(properties or {})
    formats = office_formats(workbook)
    moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top", "align": "left"})
    used: set[str] = set()
    for name, headers, rows in tables:
        worksheet = workbook.add_worksheet(_sheet_name(name, used))
        for index, line in enumerate(lines):
            worksheet.write_string(index, 0, excel_text(line), formats.subtitle if index else formats.title)
        header_row = len(lines) + 1
        worksheet.set_row(header_row, 30)
        for column, header in enumerate(headers):
            write_text(worksheet, header_row, column, excel_text(str(header)), formats.header, formats)
        widths = [min(MAX_WIDTH, max(MIN_WIDTH, len(str(header)) + 2)) for header in headers]
        row_number = header_row
        for values in rows:
            row_number += 1
            lines_needed = 1
            for column, value in enumerate(values):
                width, lines_ = _write_value(worksheet, row_number, column, value, formats, moment)
                widths[column], lines_needed = max(widths[column], width), max(lines_needed, lines_)
            fit_row(worksheet, row_number, lines_needed)
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width)
        worksheet.freeze_panes(header_row + 1, 0)
        worksheet.autofilter(header_row, 0, max(row_number, header_row + 1), max(len(headers) - 1, 0))
    workbook.close()


def _sheet_name(name, used: set) -> str:
    """A worksheet name Excel takes: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", str(name)).strip()[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _write_value(worksheet, row: int, column: int, value, formats: OfficeFormats, moment) -> tuple[int, int]:
    """Write one cell of a table; the column width and the lines it needs."""
    if value is None or value == "" or value == []:
        return MIN_WIDTH, 1
    if isinstance(value, bool):
        value = _("Có") if value else _("Không")
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, datetime):
        local = to_user_timezone(value) if value.tzinfo else value
        worksheet.write_datetime(row, column, local.replace(tzinfo=None), moment)
        return 17, 1
    if isinstance(value, date):
        worksheet.write_datetime(row, column, value, formats.date)
        return 11, 1
    if isinstance(value, int | float):
        worksheet.write_number(row, column, value, formats.number)
        return len(str(value)) + 1, 1
    text = excel_text(str(value))
    wrapped = len(text) > WRAP_AT or "\n" in text
    write_text(worksheet, row, column, text, formats.wrapped if wrapped else formats.text, formats)
    return min(MAX_WIDTH, len(text) + 1), text_lines(text, MAX_WIDTH) if wrapped else 1
