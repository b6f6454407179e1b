"""Export → edit (openpyxl, LibreOffice, a CSV editor) → import: exactly the edited records change."""
import csv
import os
import shutil
import subprocess
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.people import service as people_service
from diaspora.people.models import Person
from tests.exports.helpers import HEADER_ROW, export_to, full_person, header, run_import
from tests.exports.test_safe_cells import ATTRIBUTES, HOSTILE
from tests.people.factories import make_organisation, make_person

# CI sets REQUIRE_TEST_TOOLS=1: there a missing LibreOffice fails the test instead of skipping it.
needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None and os.environ.get("REQUIRE_TEST_TOOLS") != "1",
    reason="LibreOffice (soffice) is not installed",
)


@pytest.fixture
def register(seeded):
    """Three people with everything filled, one with hostile texts, and one known only by a year."""
    organisation = make_organisation()
    people = [
        full_person(organisation=organisation),
        full_person(organisation=organisation, full_name="Trần Thị Bích Ngọc", gender="female",
                    birth_date=date(1982, 4, 3), birth_year=1982, country_code="KR", city="Seoul",
                    contacts=[{"kind": "phone", "value": "+82 10-1234-5678"},
                              {"kind": "email", "value": "ngoc@example.kr"}]),
        make_person(full_name="Phạm Đức Mạnh", birth_year=1968, country_code="DE",
                    **{ATTRIBUTES[name]: value for name, value in HOSTILE.items()}),
    ]
    return [person.id for person in people]


def versions() -> dict[int, int]:
    return dict(db.session.execute(select(Person.id, Person.version)).all())


def person(person_id: int) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def edit_with_openpyxl(path, edits: dict, extra_rows=()):
    """Change cells by (person id, header) and append rows, as someone would in Excel."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    columns = {name: index for index, name in enumerate(header(sheet), start=1)}
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)}
    for (person_id, name), value in edits.items():
        sheet.cell(row=rows[person_id], column=columns[name], value=value)
    for values in extra_rows:
        row = sheet.max_row + 1
        for name, value in values.items():
            sheet.cell(row=row, column=columns[name], value=value)
    workbook.save(path)


def libreoffice_convert(source, target_suffix: str, tmp_path):
    """The file as LibreOffice saves it again (headless), in its own profile so runs do not collide."""
    outdir = tmp_path / f"lo-{target_suffix}"
    outdir.mkdir()
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    target_suffix, "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    return outdir / f"{source.stem}.{target_suffix}"


def test_unedited_export_changes_nothing(register, runner, tmp_path):
    before = versions()
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    outcome = run_import(runner, path)
    assert (outcome["rows_total"], outcome["created"], outcome["updated"], outcome["unchanged"]) == (3, 0, 0, 3)
    assert outcome["errors"] == [] and outcome["duplicates"] == []
    assert versions() == before


def test_edited_cells_update_only_their_records_field_by_field(register, runner, tmp_path):
    an, ngoc, manh = register
    before = versions()
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    edit_with_openpyxl(path, {
        (ngoc, "Thành phố"): "Busan",
        (ngoc, "Giới tính"): "Nam",
        (ngoc, "Ngày sinh"): datetime(1982, 5, 3),
        (ngoc, "Điện thoại"): "+821012345678; +82 10 9999 8888",
        (ngoc, "Lĩnh vực"): "Công nghệ thông tin; Y tế; Giáo dục – đào tạo",
    }, extra_rows=[{"ID": 999_999, "Họ và tên": "Người Lạ", "Quốc gia cư trú": "Nhật Bản"}])
    outcome = run_import(runner, path)
    assert (outcome["rows_total"], outcome["created"], outcome["updated"], outcome["unchanged"]) == (4, 0, 1, 2)
    assert [(error["row"], error["column"]) for error in outcome["errors"]] == [(HEADER_ROW + 4, "ID")]
    assert "999999" in outcome["errors"][0]["message"]
    assert db.session.scalar(select(func.count()).where(Person.full_name == "Người Lạ")) == 0

    after = versions()
    assert after[ngoc] == before[ngoc] + 1 and after[an] == before[an] and after[manh] == before[manh]
    changed = person(ngoc)
    assert (changed.city, changed.gender, changed.birth_date) == ("Busan", "male", date(1982, 5, 3))
    assert sorted(c.normalized for c in changed.contacts if c.kind == "phone") == ["+821012345678", "+821099998888"]
    assert {field.key for field in changed.fields} == {"health", "it", "education"}


def test_a_record_deleted_since_the_export_is_an_error_not_a_new_record(register, runner, tmp_path):
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    people_service.delete_person(person(register[0]))
    outcome = run_import(runner, path)
    assert (outcome["created"], outcome["unchanged"]) == (0, 2)
    assert [error["column"] for error in outcome["errors"]] == ["ID"]


def test_csv_round_trip(register, runner, tmp_path):
    an, ngoc, manh = register
    before = versions()
    path = tmp_path / "kieu-bao.csv"
    export_to(path)
    with path.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    rows[[row[0] for row in rows].index(str(an))][rows[0].index("Thành phố")] = "Yokohama"
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        csv.writer(target).writerows(rows)
    outcome = run_import(runner, path)
    assert (outcome["updated"], outcome["unchanged"], outcome["errors"]) == (1, 2, [])
    assert person(an).city == "Yokohama"
    assert versions()[manh] == before[manh] and versions()[ngoc] == before[ngoc]


@needs_libreoffice
def test_round_trip_through_libreoffice(register, runner, tmp_path):
    an, ngoc, manh = register
    before = versions()
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    edit_with_openpyxl(path, {(an, "Chức vụ"): "Giám đốc bệnh viện", (an, "Ngày sinh"): datetime(1976, 1, 2)})
    saved = libreoffice_convert(path, "xlsx", tmp_path)
    outcome = run_import(runner, saved)
    assert (outcome["rows_total"], outcome["updated"], outcome["unchanged"], outcome["errors"]) == (3, 1, 2, [])
    after = versions()
    assert after[an] == before[an] + 1 and after[ngoc] == before[ngoc] and after[manh] == before[manh]
    changed = person(an)
    assert (changed.position, changed.birth_year, changed.birth_date) == ("Giám đốc bệnh viện", 1976,
                                                                          date(1976, 1, 2))
    hostile = person(manh)
    assert {name: getattr(hostile, ATTRIBUTES[name]) for name in HOSTILE} == HOSTILE


@needs_libreoffice
def test_export_saved_as_ods_by_libreoffice_imports_unchanged(register, runner, tmp_path):
    # OpenDocument cannot hold control characters: LibreOffice drops them when it saves an .ods.
    people_service.update_person(person(register[2]), {"position": "Kỹ sư trưởng"})
    before = versions()
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    outcome = run_import(runner, libreoffice_convert(path, "ods", tmp_path))
    assert (outcome["rows_total"], outcome["updated"], outcome["unchanged"], outcome["errors"]) == (3, 0, 3, [])
    assert versions() == before
