"""Records and files for the export tests: people with every column filled, exports opened again."""
import json
from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.people import service as people_service
from diaspora.people.search import PeopleQuery
from diaspora.reference.models import CommunityRole, Field
from diaspora.people.exports import export_people
from tests.people.factories import make_organisation

HEADER_ROW = 4  # Excel row of the header: two title lines and a blank line above it


def ids(model, *keys) -> list[int]:
    return [db.session.scalar(select(model.id).where(model.key == key)) for key in keys]


def full_person(by=None, organisation=None, **values):
    """A person with every exported column filled: contacts of each kind, fields, roles, an organisation."""
    person = people_service.create_person({
        "full_name": "Nguyễn Văn An", "other_names": "An Van Nguyen", "gender": "male",
        "birth_date": date(1975, 8, 15), "birth_year": 1975, "person_type": "overseas_vietnamese",
        "country_code": "JP", "city": "Tokyo", "address": "1-2-3 Shinjuku",
        "hometown_text": "xã Thanh Hải, huyện Thanh Hà, Hải Dương", "occupation": "Bác sĩ",
        "academic_title": "TS.", "employer": "Đại học Tokyo", "position": "Trưởng khoa",
        "fields": ids(Field, "health", "it"), "roles": ids(CommunityRole, *_role_keys()[:2]),
        "expertise": "Tim mạch can thiệp", "source": "Đại sứ quán Việt Nam tại Nhật Bản, 2025",
        "consent_status": "given", "notes": "Gặp ở buổi gặp mặt Tết 2025",
        "contacts": [
            {"kind": "phone", "value": "+81 90 1234 5678"}, {"kind": "email", "value": "an.nguyen@example.jp"},
            {"kind": "zalo", "value": "0912345678"}, {"kind": "facebook", "value": "facebook.com/an.nguyen"},
            {"kind": "line", "value": "an.nguyen"}, {"kind": "website", "value": "https://an.example.jp"},
        ],
        **values,
    }, by=by)
    organisation = organisation or make_organisation()
    people_service.add_membership(person, {"organisation_id": organisation.id, "role": "Hội viên"}, by=by)
    return person


def _field_ids_for_tests(*keys) -> list[int]:
    return ids(Field, *keys)


def _role_keys() -> list[str]:
    return list(db.session.scalars(select(CommunityRole.key).order_by(CommunityRole.sort_order)))


def export_to(path: Path, query: PeopleQuery | None = None, user=None, **options) -> int:
    fmt = path.suffix.lstrip(".")
    return export_people(query or PeopleQuery(), path, fmt=fmt, user=user, **options)


def open_sheet(path: Path):
    return openpyxl.load_workbook(path).worksheets[0]


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[HEADER_ROW]]


def data_rows(sheet) -> list[dict]:
    """The rows under the header as {header: value}."""
    names = header(sheet)
    return [dict(zip(names, (cell.value for cell in row)))
            for row in sheet.iter_rows(min_row=HEADER_ROW + 1) if any(cell.value is not None for cell in row)]


def run_import(runner, path: Path, *options) -> dict:
    result = runner.invoke(args=["import-people", str(path), "--on-duplicate", "update", "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)
