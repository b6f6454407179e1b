"""A list whose title says the country ("… tại Nhật Bản") gives it to the rows that name none."""
import json

import pytest
import xlsxwriter

from diaspora.extensions import db
from diaspora.people.models import Person


def _workbook(path, titles, headers, rows, sheet_name="Danh sách"):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(sheet_name)
    for number, title in enumerate(titles):
        sheet.write_string(number, 0, title)
    top = len(titles) + 1
    sheet.write_row(top, 0, headers)
    for offset, values in enumerate(rows, start=1):
        sheet.write_row(top + offset, 0, values)
    workbook.close()
    return path


def _import(runner, path) -> dict:
    result = runner.invoke(args=["import-people", str(path), "--json"])
    return json.loads(result.output)


@pytest.mark.parametrize("titles, sheet_name, country", [
    (["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "DANH SÁCH KIỀU BÀO HẢI PHÒNG TẠI CỘNG HÒA SÉC"], "Danh sách", "CZ"),
    (["Đại sứ quán Việt Nam tại Nhật Bản", "Danh sách dự gặp mặt Tết 2026"], "Danh sách", "JP"),
    (["DANH SÁCH KIỀU BÀO"], "Japan", "JP"),
])
def test_rows_without_a_country_take_the_one_the_title_names(seeded, runner, tmp_path, titles, sheet_name, country):
    path = _workbook(tmp_path / "ds.xlsx", titles, ["STT", "Họ và tên", "Email"],
                     [[1, "Nguyễn Văn An", "an@example.org"], [2, "Trần Thị Bình", "binh@example.org"]],
                     sheet_name=sheet_name)
    outcome = _import(runner, path)
    assert (outcome["created"], outcome["errors"], outcome["country_from_titles"]) == (2, [], country)
    assert {person.country_code for person in db.session.scalars(db.select(Person))} == {country}


def test_a_title_naming_two_countries_decides_nothing(seeded, runner, tmp_path):
    path = _workbook(tmp_path / "ds.xlsx", ["Kiều bào tại Đức và Ba Lan"], ["Họ và tên", "Email"],
                     [["Nguyễn Văn An", "an@example.org"]])
    outcome = _import(runner, path)
    assert outcome["status"] == "rejected" and "Quốc gia" in outcome["message"]


def test_a_country_column_wins_and_its_empty_cells_take_the_titles_country(seeded, runner, tmp_path):
    path = _workbook(tmp_path / "ds.xlsx", ["DANH SÁCH KIỀU BÀO TẠI NHẬT BẢN"], ["Họ và tên", "Quốc gia"],
                     [["Nguyễn Văn An", "Hàn Quốc"], ["Trần Thị Bình", None]])
    outcome = _import(runner, path)
    assert outcome["created"] == 2
    countries = dict(db.session.execute(db.select(Person.full_name, Person.country_code)).all())
    assert countries == {"Nguyễn Văn An": "KR", "Trần Thị Bình": "JP"}


@pytest.mark.parametrize("title, codes", [
    ("DANH SÁCH KIỀU BÀO HẢI PHÒNG TẠI CỘNG HÒA SÉC", {"CZ"}),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", set()),  # "nam" is Namibia's ISO code, not read outside a place
    ("Kiều bào ở Đức và Ba Lan", {"DE", "PL"}),
    ("Kiều bào tại Đức, Ba Lan", {"DE", "PL"}),
    ("Danh sách gặp mặt Tết do anh Nguyễn Văn Đức gửi", set()),  # "Anh", "Đức": names here
    ("Hội người Việt Nam tại Liên bang Nga", {"RU"}),
    ("Overseas Vietnamese in the United States", {"US"}),
])
def test_countries_are_read_where_a_title_names_a_place(seeded, title, codes):
    from diaspora.reference.countries import countries_named_in

    assert countries_named_in(title) == codes


def test_the_wizard_offers_the_titles_country_as_default(seeded, client, login, tmp_path):
    login("editor")
    path = _workbook(tmp_path / "ds.xlsx", ["DANH SÁCH KIỀU BÀO TẠI NHẬT BẢN"], ["Họ và tên", "Email"],
                     [["Nguyễn Văn An", "an@example.org"]])
    response = client.post("/imports/new", data={"kind": "people", "file": (path.open("rb"), "ds.xlsx")})
    batch_id = int(response.headers["Location"].split("/")[-2])
    page = client.get(f"/imports/{batch_id}/mapping").text
    assert '<option selected value="JP">' in page or '<option value="JP" selected>' in page
