"""Hostile values: never a formula in .xlsx, guarded in .csv, and read back by the import unchanged."""
import csv
import unicodedata
import zipfile

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from diaspora.extensions import db
from diaspora.people.models import Person
from diaspora.spreadsheets.raw_cells import TRUNCATION_MARK
from diaspora.spreadsheets.writers import MAX_CELL_UNITS, csv_text, excel_text
from tests.exports.helpers import HEADER_ROW, export_to, header, open_sheet, run_import
from tests.people.factories import make_person

# Column header → a value a spreadsheet program would run, or that an .xlsx cannot hold as it is.
HOSTILE = {
    "Tên khác": "=1+1",
    "Thành phố": "-2",
    "Địa chỉ": "+33 6 12 34 56 78",
    "Nghề nghiệp": "@SUM(A1)",
    "Nơi làm việc": "=HYPERLINK(\"http://example.com\",\"bấm vào đây\")",
    "Chức vụ": "Kỹ sư\x01trưởng\x07",
    "Chuyên môn": "Tim mạch 🫀 và 😀 nhi khoa",
    "Nguồn": "<r><t>z</t></r>",
    "Ghi chú": "_x0041_ giữ nguyên",
}
ATTRIBUTES = {"Tên khác": "other_names", "Thành phố": "city", "Địa chỉ": "address", "Nghề nghiệp": "occupation",
              "Nơi làm việc": "employer", "Chức vụ": "position", "Chuyên môn": "expertise", "Nguồn": "source",
              "Ghi chú": "notes"}


@pytest.fixture
def hostile(seeded):
    """A person holding every hostile value, written as stored (NFD name given, NFC stored)."""
    person = make_person(full_name=unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
                         **{ATTRIBUTES[name]: value for name, value in HOSTILE.items()})
    return person


def _stored(person_id: int) -> dict:
    row = db.session.execute(select(Person).where(Person.id == person_id)).scalar_one()
    db.session.refresh(row)
    return {name: getattr(row, attribute) for name, attribute in ATTRIBUTES.items()} | {"version": row.version}


def test_xlsx_writes_every_hostile_value_as_text_never_a_formula(hostile, tmp_path):
    path = tmp_path / "nguy-hiem.xlsx"
    export_to(path)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = open_sheet(path)
    cells = dict(zip(header(sheet), sheet[HEADER_ROW + 1]))
    for name in HOSTILE:
        assert cells[name].data_type == "s", name
    assert cells["Tên khác"].value == "=1+1" and cells["Thành phố"].value == "-2"
    assert cells["Họ và tên"].value == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    # calamine, the import's reader, decodes the _xHHHH_ escapes back to the characters stored.
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    values = dict(zip(rows[HEADER_ROW - 1], rows[HEADER_ROW]))
    assert {name: values[name] for name in HOSTILE} == HOSTILE


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_hostile_values_come_back_unchanged(hostile, tmp_path, runner, suffix):
    before = _stored(hostile.id)
    path = tmp_path / f"nguy-hiem.{suffix}"
    export_to(path)
    outcome = run_import(runner, path)
    assert (outcome["rows_total"], outcome["errors"], outcome["updated"], outcome["unchanged"]) == (1, [], 0, 1)
    assert _stored(hostile.id) == before


def test_csv_has_a_bom_and_guards_formula_like_texts(hostile, tmp_path):
    path = tmp_path / "nguy-hiem.csv"
    export_to(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    values = dict(zip(rows[0], rows[1]))
    assert values["Tên khác"] == "'=1+1" and values["Thành phố"] == "'-2"
    assert values["Địa chỉ"] == "'+33 6 12 34 56 78" and values["Nghề nghiệp"] == "'@SUM(A1)"
    assert values["Chức vụ"] == HOSTILE["Chức vụ"] and values["Chuyên môn"] == HOSTILE["Chuyên môn"]
    assert values["Ngày sinh"] == ""


@pytest.mark.parametrize("value, guarded", [
    ("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Hải Phòng", "Hải Phòng"), ("a=b", "a=b"), (12, "12"),
])
def test_csv_guard(value, guarded):
    assert csv_text(value) == guarded


def test_value_stored_with_a_leading_tab_stays_a_text(seeded, tmp_path):
    person = make_person(full_name="Lê Văn Tú")
    db.session.execute(update(Person).where(Person.id == person.id).values(notes="\t=1+1"))
    db.session.commit()
    path = tmp_path / "tab.xlsx"
    export_to(path)
    cell = dict(zip(header(open_sheet(path)), open_sheet(path)[HEADER_ROW + 1]))["Ghi chú"]
    # Rendering trims the text as every stored text is trimmed; what is left is still only text.
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    export_to(tmp_path / "tab.csv")
    assert "'=1+1" in (tmp_path / "tab.csv").read_text(encoding="utf-8-sig")


def test_text_longer_than_a_cell_is_cut_with_a_mark_and_the_import_keeps_the_stored_text(seeded, tmp_path, runner):
    person = make_person(full_name="Vũ Văn Dài")
    long_notes = "Ghi chép rất dài 📜 " * 2500  # 47,500 characters, 50,000 UTF-16 units
    db.session.execute(update(Person).where(Person.id == person.id).values(notes=long_notes))
    db.session.commit()
    path = tmp_path / "dai.xlsx"
    export_to(path)
    cell = dict(zip(header(open_sheet(path)), open_sheet(path)[HEADER_ROW + 1]))["Ghi chú"]
    assert cell.value.endswith(TRUNCATION_MARK)
    assert len(cell.value.encode("utf-16-le")) // 2 <= MAX_CELL_UNITS
    assert long_notes.startswith(cell.value[:-len(TRUNCATION_MARK)])
    outcome = run_import(runner, path)
    assert (outcome["errors"], outcome["unchanged"]) == ([], 1)
    db.session.expire_all()
    assert db.session.get(Person, person.id).notes == long_notes


@pytest.mark.parametrize("value, cleaned", [
    ("a\ufffeb\uffff", "ab"),
    (unicodedata.normalize("NFD", "Đặng Thị Ánh"), "Đặng Thị Ánh"),
    ("😀" * 20_000, None),
])
def test_excel_text(value, cleaned):
    text = excel_text(value)
    if cleaned is not None:
        assert text == cleaned
    else:
        assert text.endswith(TRUNCATION_MARK) and len(text.encode("utf-16-le")) // 2 <= MAX_CELL_UNITS
        assert not text[:-len(TRUNCATION_MARK)].endswith("\ud83d")
