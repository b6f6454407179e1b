"""Exporting the people a list query finds to .xlsx or .csv: streamed, safe cells, audited.

The rows are read in chunks from one streaming SELECT (a server-side cursor on PostgreSQL), and
each chunk's contacts, fields, roles and organisations come with one bulk query each, so memory
stays flat however many people match. Headers, cell texts and the order of the columns all come
from the sheet's column declaration (columns.py), so the import reads an exported file again:
export → edit in Excel → import updates the same records by their ID.

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
from datetime import date
from types import SimpleNamespace

import xlsxwriter
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import Date, Integer, any_, bindparam, select
from sqlalchemy.dialects import postgresql

from diaspora.audit.service import record
from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.people.models import CONTRIBUTION_LABELS, STATUS_LABELS, Person, PersonOffer, person_fields, person_roles
from diaspora.organisations.models import Membership
from diaspora.contacts import Contact
from diaspora.people.search import PeopleQuery, filtered_people_select
from diaspora.records import utcnow
from diaspora.reference.models import CommunityRole, Country, Field, Unit
from diaspora.spreadsheets.columns import PEOPLE, Column, Sheet
from diaspora.spreadsheets.read import FORMULA_GUARD, FORMULA_TRIGGERS, TRUNCATION_MARK

FORMATS = ("xlsx", "csv")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CHUNK = 2000
MAX_CELL_UNITS = 32_767  # what an Excel cell holds, in UTF-16 code units
WRAP_AT = 50  # longer texts wrap inside their column
MIN_WIDTH, MAX_WIDTH = 6, 50
LINE_HEIGHT, MAX_LINES = 15, 12  # a wrapped row is made tall enough for at most MAX_LINES lines
# Characters XML 1.0 cannot carry even escaped: lone surrogates and the two non-characters.
_XML_FORBIDDEN = re.compile("[\ud800-\udfff\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_PERSON_COLUMNS = [column for column in Person.__table__.c if column.name != "search_text"]


class ExportForbidden(Exception):
    """The user may not export this list (viewers; the bin is for admins)."""


def may_export(user, query: PeopleQuery) -> bool:
    """Editors and admins export the register; only admins export the bin; the command line the register."""
    if user is None:
        return not query.deleted
    if not user.has_role("editor"):
        return False
    return not query.deleted or user.has_role("admin")


# --- reading: the filtered people, streamed in chunks with their relations --------------------------------

def people_select_all():
    """The columns of every person (to narrow with joins and conditions), as the renderers read them."""
    return select(*_PERSON_COLUMNS)


def people_select(query: PeopleQuery):
    """The columns of every person the list query finds, in the list's order (no pagination)."""
    return filtered_people_select(query).with_only_columns(*_PERSON_COLUMNS)


def _among(column, ids: list[int]):
    """column IN ids; on PostgreSQL as one array parameter rather than thousands of placeholders."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=postgresql.ARRAY(Integer)))
    return column.in_(ids)


def _grouped(result) -> dict[int, list]:
    """Rows whose first column is a person id, by person id, in the order read."""
    grouped: dict[int, list] = {}
    for row in result.all():
        grouped.setdefault(row[0], []).append(row)
    return grouped


class _References:
    """Countries and hometown units by code, read once and on demand: a list repeats few of them."""

    def __init__(self, connection):
        self.connection = connection
        self.countries = {row.code: row for row in connection.execute(select(Country.code, Country.name_vi))}
        self.units: dict[str, object] = {}

    def load_units(self, codes: set) -> None:
        missing = [code for code in codes if code and code not in self.units]
        if missing:
            self.units.update((row.code, row) for row in self.connection.execute(
                select(Unit.code, Unit.full_name).where(Unit.code.in_(missing))))


def _chunk_records(connection, keys, rows, references: _References) -> list[SimpleNamespace]:
    """People as the column renderers read them: the row's columns and their relations, in bulk."""
    ids = [row.id for row in rows]
    contacts = _grouped(connection.execute(
        select(Contact.person_id, Contact.kind, Contact.value, Contact.normalized)
        .where(_among(Contact.person_id, ids)).order_by(Contact.person_id, Contact.id)))
    fields = _grouped(connection.execute(
        select(person_fields.c.person_id, Field.name_vi).join(Field, Field.id == person_fields.c.field_id)
        .where(_among(person_fields.c.person_id, ids)).order_by(person_fields.c.person_id, Field.sort_order, Field.id)))
    roles = _grouped(connection.execute(
        select(person_roles.c.person_id, CommunityRole.name_vi)
        .join(CommunityRole, CommunityRole.id == person_roles.c.role_id)
        .where(_among(person_roles.c.person_id, ids))
        .order_by(person_roles.c.person_id, CommunityRole.sort_order, CommunityRole.id)))
    offers = _grouped(connection.execute(
        select(PersonOffer.person_id, PersonOffer.kind).where(_among(PersonOffer.person_id, ids))
        .order_by(PersonOffer.person_id, PersonOffer.kind)))
    memberships = _grouped(connection.execute(
        select(Membership.person_id, Organisation.name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(_among(Membership.person_id, ids)).order_by(Membership.person_id, Membership.id)))
    references.load_units({row.hometown_unit_code for row in rows})
    countries, units, nothing = references.countries, references.units, ()
    return [
        SimpleNamespace(
            **dict(zip(keys, row)),
            country=countries.get(row.country_code),
            hometown_unit=units.get(row.hometown_unit_code),
            contacts=contacts.get(row.id, nothing),
            fields=fields.get(row.id, nothing),
            roles=roles.get(row.id, nothing),
            offers=offers.get(row.id, nothing),
            memberships=[SimpleNamespace(organisation=m) for m in memberships.get(row.id, nothing)],
        )
        for row in rows
    ]


def iter_people(query: PeopleQuery, chunk: int = CHUNK):
    """Chunks of people matching the query, with their relations; never the whole list in memory."""
    return iter_people_of(people_select(query), chunk)


def iter_people_of(statement, chunk: int = CHUNK):
    """Chunks of the people a SELECT of Person columns gives (and any other columns it labels), with
    their relations. One streaming SELECT (a server-side cursor on PostgreSQL) gives the people; each
    chunk's relations come with one query per relation, on the same connection and transaction.
    """
    connection = db.session.connection()
    references = _References(connection)
    result = connection.execute(statement.execution_options(yield_per=chunk))
    keys = list(result.keys())
    for rows in result.partitions():
        yield _chunk_records(connection, keys, rows, references)


# --- cell values ---------------------------------------------------------------------------------------------

_TYPED = (Date, Integer)


def cell_reader(column: Column, table=Person.__table__):
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


def rendered_rows(query: PeopleQuery, sheet: Sheet = PEOPLE, chunk: int = CHUNK):
    """Lists of cell values, one per person and column of the sheet, streamed.

    Values are rendered in Vietnamese, the language the import reads back (labels such as "Nam").
    """
    return rendered_records(sheet, (person for records in iter_people(query, chunk) for person in records))


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


# --- the title: what was exported, when, by whom ------------------------------------------------------------

def describe_query(query: PeopleQuery) -> str:
    """The list's filters in words: "Quốc gia: Nhật Bản; Lĩnh vực: Y tế; Tìm: “nguyen”"."""
    from diaspora.reference.service import country_name

    parts = []
    if query.deleted:
        parts.append(_("Thùng rác (hồ sơ đã xoá)"))
    if query.country:
        parts.append(_("Quốc gia: %(name)s", name=country_name(query.country)))
    for key, model, label in ((query.field, Field, _("Lĩnh vực")), (query.role, CommunityRole, _("Vai trò"))):
        if key:
            names = db.session.execute(select(model.name_vi, model.name_en).where(model.key == key)).first()
            name = (names.name_en if _locale_is_en() else names.name_vi) if names else key
            parts.append(f"{label}: {name}")
    if query.organisation_id:
        name = db.session.scalar(select(Organisation.name).where(Organisation.id == query.organisation_id))
        parts.append(_("Tổ chức: %(name)s", name=name or query.organisation_id))
    if query.status:
        parts.append(_("Tình trạng: %(name)s", name=STATUS_LABELS.get(query.status, query.status)))
    if query.title:
        parts.append(_("Học hàm, học vị: %(title)s", title=query.title))
    if query.offer:
        parts.append(_("Có thể đóng góp: %(name)s", name=CONTRIBUTION_LABELS.get(query.offer, query.offer)))
    if query.q:
        parts.append(_("Tìm: “%(text)s”", text=query.q))
    return "; ".join(parts) if parts else _("Tất cả hồ sơ")


def _locale_is_en() -> bool:
    from flask_babel import get_locale

    locale = get_locale()
    return locale is not None and locale.language == "en"


def title_lines(query: PeopleQuery, user, now) -> list[str]:
    """The lines above the header of an exported workbook."""
    from flask_babel import get_locale

    return [_("Danh sách kiều bào — %(filter)s", filter=describe_query(query)),
            exported_by(user, now, str(get_locale() or "vi"))]


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
    worksheet.write_string(0, 0, excel_text(lines[0]), formats.title)
    worksheet.write_string(1, 0, excel_text(lines[1]), formats.subtitle)
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


# --- the service ---------------------------------------------------------------------------------------------

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


def export_people(query: PeopleQuery, out, *, fmt: str = "xlsx", user=None, locale: str = "vi") -> int:
    """Write the people the query finds to `out` (a path or a binary file), record the export; the row count.

    Headers and the title are in the user's language; the cells in Vietnamese, which the import
    reads back. Raises ExportForbidden when the user may not export this list (may_export).
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if not may_export(user, query):
        raise ExportForbidden()
    now = utcnow()
    with force_locale(locale):
        lines = title_lines(query, user, now)
    count = write_list(out, fmt, PEOPLE, rendered_rows(query, PEOPLE), locale=locale, lines=lines, user=user, now=now,
                       sheet_name=_("Kiều bào"))
    record("export", entity_type="people", user=user,
           summary=_("Xuất %(rows)d hồ sơ kiều bào ra tệp %(format)s (%(filter)s).", rows=count,
                     format=fmt.upper(), filter=describe_query(query)),
           changes={"filter": query.to_args(), "rows": count, "format": fmt})
    db.session.commit()
    return count


def export_filename(query: PeopleQuery, fmt: str, now=None) -> str:
    """An ASCII file name saying what the list is: kieu-bao-JP-health-20251123-1430.xlsx."""
    from flask_babel import to_user_timezone

    stamp = to_user_timezone(now or utcnow()).strftime("%Y%m%d-%H%M")
    parts = ["kieu-bao", "thung-rac" if query.deleted else None, query.country, query.field, query.role, stamp]
    name = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "", part) for part in parts if part)
    return f"{name}.{fmt}"
