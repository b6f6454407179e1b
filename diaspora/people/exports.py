"""Exporting the people a list query finds to .xlsx or .csv: streamed, audited.

The rows are read in chunks from one streaming SELECT (a server-side cursor on PostgreSQL), and
each chunk's contacts, fields, roles and organisations come with one bulk query each, so memory
stays flat however many people match. The writing itself is the spreadsheet library's.
"""
import re
from types import SimpleNamespace

from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, any_, bindparam, select
from sqlalchemy.dialects import postgresql

from diaspora.audit.access import noting_ids, record_access
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.locale import current_language
from diaspora.messages import Messages, Ref
from diaspora.organisations.models import Membership, Organisation
from diaspora.people.columns import PEOPLE
from diaspora.people.models import (
    CONTRIBUTION_LABELS,
    STATUS_LABELS,
    Person,
    PersonOffer,
    person_fields,
    person_roles,
)
from diaspora.people.privacy import LeftOut, describe_left_out, export_allowed, left_out, left_out_message
from diaspora.people.search import PeopleQuery, filtered_people_select
from diaspora.records import utcnow
from diaspora.reference.models import CommunityRole, Country, Field, Unit
from diaspora.spreadsheets.columns import Sheet
from diaspora.spreadsheets.writers import (
    CHUNK,
    FORMATS,
    exported_by,
    rendered_records,
    write_list,
)

_PERSON_COLUMNS = [column for column in Person.__table__.c if column.name != "search_text"]


class ExportForbidden(Exception):
    """The user may not export this list (viewers; the bin is for admins)."""


def may_export(user, query: PeopleQuery, include_refused: bool = False) -> bool:
    """Editors and admins export the register; only admins export the bin or ask for the people who refused
    or withdrew consent; the command line the register."""
    if user is None:
        return not query.deleted
    if not user.has_role("editor"):
        return False
    return (not query.deleted and not include_refused) or user.has_role("admin")


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
        select(Contact.person_id, Contact.kind, Contact.value, Contact.normalized, Contact.verified)
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


def rendered_rows(query: PeopleQuery, sheet: Sheet = PEOPLE, chunk: int = CHUNK, ids: list | None = None,
                  include_refused: bool = False):
    """Lists of cell values, one per person and column of the sheet, streamed; with `ids`, the id of each
    person rendered is added to it. Restricted people are never written, those who refused or withdrew
    consent only with `include_refused` (privacy.export_allowed).

    Values are rendered in Vietnamese, the language the import reads back (labels such as "Nam").
    """
    people = (person for records in iter_people_of(people_select(query).where(export_allowed(include_refused)), chunk)
              for person in records)
    return rendered_records(sheet, people if ids is None else noting_ids(people, ids))


# --- the title: what was exported, when, by whom ------------------------------------------------------------

def describe_query(query: PeopleQuery) -> str:
    """The list's filters in words: "Quốc gia: Nhật Bản; Lĩnh vực: Y tế; Tìm: “nguyen”"."""
    return str(query_message(query))


def query_message(query: PeopleQuery) -> Messages:
    """describe_query as a message, read in the reader's language (the audit keeps it so)."""
    parts = Messages(separator="; ")
    if query.deleted:
        parts.add(_l("Thùng rác (hồ sơ đã xoá)"))
    if query.country:
        parts.add(_l("Quốc gia: %(name)s", name=Ref("country", query.country)))
    if query.field:
        parts.add(_l("Lĩnh vực: %(name)s", name=Ref("field", query.field)))
    if query.role:
        parts.add(_l("Vai trò: %(name)s", name=Ref("role", query.role)))
    if query.organisation_id:
        name = db.session.scalar(select(Organisation.name).where(Organisation.id == query.organisation_id))
        parts.add(_l("Tổ chức: %(name)s", name=name or query.organisation_id))
    if query.status:
        parts.add(_l("Tình trạng: %(name)s", name=STATUS_LABELS.get(query.status, query.status)))
    if query.title:
        parts.add(_l("Học hàm, học vị: %(title)s", title=query.title))
    if query.offer:
        parts.add(_l("Có thể đóng góp: %(name)s", name=CONTRIBUTION_LABELS.get(query.offer, query.offer)))
    if query.q:
        parts.add(_l("Tìm: “%(text)s”", text=query.q))
    return parts if parts else Messages(_l("Tất cả hồ sơ"))


def title_lines(query: PeopleQuery, user, now, left: LeftOut = LeftOut(),
                include_refused: bool = False) -> list[str]:
    """The lines above the header of an exported workbook; a third says who was left out, or that the people
    who refused or withdrew consent are in it."""
    lines = [_("Danh sách kiều bào — %(filter)s", filter=describe_query(query)),
             exported_by(user, now, current_language())]
    notes = [describe_left_out(left)]
    if include_refused:
        notes.append(_("Gồm cả người đã từ chối hoặc rút lại đồng ý (quản trị viên yêu cầu)."))
    return lines + ([" ".join(note for note in notes if note)] if any(notes) else [])


def left_out_of(query: PeopleQuery, include_refused: bool = False) -> LeftOut:
    """How many people the list finds that its export leaves out (restricted; refused or withdrew consent)."""
    return left_out(filtered_people_select(query), include_refused)


def left_out_note(query: PeopleQuery, include_refused: bool = False) -> str | None:
    """What an export of the list says about the people it leaves out, or None when it leaves out no one."""
    return describe_left_out(left_out_of(query, include_refused))


def export_options(args: dict) -> dict:
    """The export's own options in a list's URL arguments: consent=all includes the people who refused or
    withdrew consent (admins only)."""
    return {"include_refused": (args or {}).get("consent") == "all"}


def export_people(query: PeopleQuery, out, *, fmt: str = "xlsx", user=None, locale: str = "vi",
                  include_refused: bool = False) -> int:
    """Write the people the query finds to `out` (a path or a binary file), record the export; the row count.

    Restricted people are never written; those who refused or withdrew consent only with `include_refused`
    (an admin's choice, recorded); the title and the audit event say how many were left out. Headers and the
    title are in the user's language; the cells in Vietnamese, which the import reads back. Raises
    ExportForbidden when the user may not export this list (may_export).
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if not may_export(user, query, include_refused):
        raise ExportForbidden()
    now = utcnow()
    left = left_out_of(query, include_refused)
    with force_locale(locale):
        lines = title_lines(query, user, now, left, include_refused)
    exported: list[int] = []
    count = write_list(out, fmt, PEOPLE, rendered_rows(query, PEOPLE, ids=exported, include_refused=include_refused),
                       locale=locale, lines=lines, user=user, now=now, sheet_name=_("Kiều bào"))
    details = {"rows": count, "format": fmt}
    if left.total:
        details["left_out"] = left.to_json()
    if include_refused:
        details["include_refused"] = True
    summary = _l("Xuất %(rows)d hồ sơ kiều bào ra tệp %(format)s (%(filter)s).", rows=count, format=fmt.upper(),
                 filter=query_message(query))
    record_access("export", people_ids=exported, entity_type="people", user=user, filters=query.to_args(),
                  details=details, summary=Messages(summary, left_out_message(left)))
    return count


def export_filename(query: PeopleQuery, fmt: str, now=None) -> str:
    """An ASCII file name saying what the list is: kieu-bao-JP-health-20251123-1430.xlsx."""
    stamp = to_user_timezone(now or utcnow()).strftime("%Y%m%d-%H%M")
    parts = ["kieu-bao", "thung-rac" if query.deleted else None, query.country, query.field, query.role, stamp]
    name = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "", part) for part in parts if part)
    return f"{name}.{fmt}"
