"""Cells as offices write them: names in capitals, years as numbers, a lone TCVN3 cell, formulas without a value,
a header with no rows."""
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest

from diaspora.people.columns import PEOPLE
from diaspora.reference.lookups import import_lookups
from diaspora.spreadsheets import cleaners as c
from diaspora.spreadsheets import pipeline
from diaspora.spreadsheets.cleaners import CleanContext, Lookups
from diaspora.spreadsheets.read import SpreadsheetRejected
from tests.spreadsheets.sheets import layout, write_workbook


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield CleanContext(Lookups(find_country=lambda text: None,
                                   match_hometown=lambda text: SimpleNamespace(unit=None)))


@pytest.mark.parametrize("written, stored", [
    ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
    ("nguyễn văn an", "Nguyễn Văn An"),
    ("ĐẶNG THỊ ĐÀO", "Đặng Thị Đào"),
    ("HOA\u0300NG J\u0301AN", "Hoàng J\u0301an"),  # str.title() gave "Hoàng J́An"
    ("McDonald", "McDonald"),
])
def test_full_names_in_capitals_or_small_letters_get_title_case(ctx, written, stored):
    assert c.clean_full_name(written, ctx) == stored


def clean(sheet_layout):
    mapping = pipeline.map_headers(sheet_layout, PEOPLE)
    pipeline.convert_legacy(sheet_layout, mapping)
    return pipeline.clean_rows(sheet_layout, mapping, PEOPLE, import_lookups())


@pytest.mark.parametrize("header", ["Năm sinh", "Year of birth", "Sinh năm", "Nam sinh"])
def test_a_number_in_a_year_column_is_a_year_never_an_excel_serial(seeded, header):
    rows = clean(layout(["Họ và tên", header, "Nước cư trú"], [
        ["Nguyễn Văn An", 2035, "Nhật Bản"],
        ["Trần Thị Bình", 1850, "Nhật Bản"],
        ["Lê Văn Cường", 1975, "Nhật Bản"],
        ["Phạm Thị Dung", 1975.0, "Nhật Bản"],
    ]))
    assert [(p.column, p.message) for p in rows[0].problems] == [(header, "Năm sinh 2035 không hợp lệ.")]
    assert "birth_date" not in rows[0].values
    assert [(p.column, p.message) for p in rows[1].problems] == [(header, "Năm sinh 1850 không hợp lệ.")]
    assert rows[2].values["birth_date"] == (None, 1975)
    assert rows[3].values["birth_date"] == (None, 1975)


@pytest.mark.parametrize("header", ["Ngày sinh", "Ngày tháng năm sinh", "Date of birth"])
def test_a_number_in_a_date_column_is_still_an_excel_serial(seeded, header):
    rows = clean(layout(["Họ và tên", header, "Nước cư trú"], [["Nguyễn Văn An", 27621, "Nhật Bản"]]))
    assert rows[0].values["birth_date"] == (date(1975, 8, 15), 1975)


def test_a_year_column_under_gender_sub_headers_is_a_year(seeded):
    rows = clean(layout(["Họ và tên", "Năm sinh / Nam", "Năm sinh / Nữ", "Nước cư trú"], [
        ["Nguyễn Văn An", 2035, None, "Nhật Bản"], ["Trần Thị Bình", None, 1980, "Nhật Bản"]]))
    assert [p.message for p in rows[0].problems] == ["Năm sinh 2035 không hợp lệ."]
    assert rows[1].values["birth_date"] == (None, 1980)


def test_a_single_tcvn3_cell_in_a_unicode_column_is_converted_with_a_note(seeded):
    rows = clean(layout(["Họ và tên", "Nước cư trú"], [
        ["Nguyễn Văn An", "Nhật Bản"],
        ["Trần Thị Bình", "Nhật Bản"],
        ["Lª V¨n §øc", "Nhật Bản"],
        ["José Müller", "Đức"],
        ["Lê Văn Cường", "Đức"],
    ]))
    assert [row.values["full_name"] for row in rows] == [
        "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức", "José Müller", "Lê Văn Cường"]
    assert rows[2].notes == ["Ô Họ và tên viết bằng mã TCVN3, đã chuyển sang Unicode."]
    assert all(not row.notes for index, row in enumerate(rows) if index != 2)


def test_a_lone_cell_is_converted_only_when_unambiguous():
    from diaspora.text import cell_legacy_encoding

    assert cell_legacy_encoding("§øc") == "tcvn3"
    assert cell_legacy_encoding("NguyÔn V¨n Hïng") == "tcvn3"
    assert cell_legacy_encoding("Nguyeãn Vaên Huøng") == "vni"
    for text in ("Đức", "Nguyễn Văn An", "José Müller", "Søren", "Zoë", "Lê Thị Hà", "abc", "", None, 1975):
        assert cell_legacy_encoding(text) is None, text


def formula_workbook(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Nước cư trú", "Ghi chú"])
    sheet.append(['=HYPERLINK("https://example.org/?a=1&b=2","Nguyễn Văn An")', "Nhật Bản", "=A1"])
    sheet.append(["Trần Thị Bình", "Nhật Bản", None])
    workbook.save(path)  # openpyxl writes formulas without a computed value
    return path


def test_a_formula_without_a_stored_value_is_reported_as_such(seeded, tmp_path):
    sheet_layout = pipeline.read_layout(formula_workbook(tmp_path / "chuong-trinh.xlsx"), PEOPLE)
    rows = clean(sheet_layout)
    formula = '=HYPERLINK("https://example.org/?a=1&b=2","Nguyễn Văn An")'
    assert [(p.row, p.column) for p in rows[0].problems] == [(2, "Họ và tên")]
    message = rows[0].problems[0].message
    assert "công thức" in message and formula in message and "Thiếu Họ và tên." != message
    assert rows[0].notes == ["Ô Ghi chú chứa công thức =A1 nhưng không có giá trị đã tính: coi là để trống."]
    assert rows[1].valid and rows[1].values["full_name"] == "Trần Thị Bình"
    assert sheet_layout.formula_text(2, 0) == formula


def test_a_header_without_data_rows_is_refused(app, tmp_path):
    path = write_workbook(tmp_path / "chi-tieu-de.xlsx", ["Họ và tên", "Năm sinh", "Nước cư trú"], [],
                          title="DANH SÁCH KIỀU BÀO")
    with app.test_request_context(), pytest.raises(SpreadsheetRejected) as rejected:
        pipeline.read_layout(path, PEOPLE)
    assert rejected.value.reason == "empty"
    assert "Tệp không có dòng dữ liệu nào" in str(rejected.value)
