"""Cleaning rows (problems with Excel row and header as written) and planning an action per row."""
from datetime import date

import pytest

from diaspora.reference.lookups import import_lookups
from diaspora.spreadsheets import pipeline
from diaspora.people.columns import PEOPLE
from diaspora.people.duplicates import Match
from diaspora.spreadsheets.read import SpreadsheetRejected
from tests.spreadsheets.sheets import layout

HEADERS = ["Họ và tên", "Năm sinh", "Nước cư trú", "SĐT", "Lĩnh vực", "Email"]


def clean(sheet_layout, defaults=None):
    mapping = pipeline.map_headers(sheet_layout, PEOPLE)
    return pipeline.clean_rows(sheet_layout, mapping, PEOPLE, import_lookups(), defaults)


def test_valid_rows_are_cleaned_and_bad_cells_reported_by_row_and_header(seeded):
    rows = clean(layout(HEADERS, [
        ["Nguyễn Văn An", 1975, "Nhật Bản", 9012345678, "Y tế", "an@example.org"],
        ["Trần Thị Bình", "31/02/1980", "Atlantis", "123", "Thiên văn", "binh@"],
        [None, None, "Mỹ", None, None, None],
        ["Lê Văn Cường", "1960", "Đức", "+49 151 23456789", None, None],
    ]))
    assert [row.valid for row in rows] == [True, False, False, True]
    assert rows[0].values["full_name"] == "Nguyễn Văn An"
    assert rows[0].values["birth_date"] == (None, 1975)
    assert rows[0].values["country"] == "JP"
    assert rows[0].values["phones"] == (("phone", "9012345678", "+819012345678"),)
    assert [(p.row, p.column) for p in rows[1].problems] == [
        (3, "Năm sinh"), (3, "Nước cư trú"), (3, "SĐT"), (3, "Email")]
    # A field the catalogue lacks is no problem: kept in the expertise, with a note naming the nearest fields.
    assert rows[1].values["fields"] == () and rows[1].values["expertise"] == "Thiên văn"
    assert any("“Thiên văn” chưa có trong danh mục, đã ghi vào Chuyên môn" in note for note in rows[1].notes)
    assert [(p.row, p.column, p.message) for p in rows[2].problems] == [(4, "Họ và tên", "Thiếu Họ và tên.")]
    assert rows[3].values["birth_date"] == (None, 1960)


def test_a_default_country_fills_a_missing_column(seeded):
    rows = clean(layout(["Họ và tên", "SĐT"], [["Phạm Văn Dũng", "090-1234-5678"]]), {"country": "Nhật Bản"})
    assert rows[0].values["country"] == "JP"
    assert rows[0].values["phones"][0][2] == "+819012345678"


def test_check_mapping_rejects_a_sheet_without_a_required_column(seeded):
    mapping = pipeline.map_headers(layout(["Họ và tên", "Ghi chú"], []), PEOPLE)
    with pytest.raises(SpreadsheetRejected) as rejected:
        pipeline.check_mapping(mapping, PEOPLE)
    assert rejected.value.reason == "missing_columns"
    assert "Quốc gia cư trú" in str(rejected.value)


def test_multi_columns_collect_values_from_several_file_columns(seeded):
    rows = clean(layout(["Họ tên", "Quốc gia", "Điện thoại", "Di động", "Ngày sinh", "Năm sinh"],
                        [["A B", "VN", "0912345678", "0987654321", None, 1970]]))
    assert [n for _, _, n in rows[0].values["phones"]] == ["+84912345678", "+84987654321"]
    assert rows[0].values["birth_date"] == (None, 1970)



def test_another_value_for_a_one_value_column_is_kept_in_the_notes_and_told(seeded):
    rows = clean(layout(["Họ tên", "Quốc gia", "Nước cư trú", "Ngày sinh", "Năm sinh", "Ghi chú"], [
        ["Đỗ Văn Em", "Nhật Bản", "Hàn Quốc", date(1970, 5, 1), 1970, "Hội viên"],
        ["Ngô Thị Gấm", "Nhật Bản", "Nhật", None, 1981, None],
        ["Vũ Văn Hải", "Đức", "CHLB Đức", date(1965, 2, 3), "1966", None],
    ]))
    assert rows[0].values["country"] == "JP"
    assert rows[0].values["notes"] == "Hội viên\nNước cư trú: Hàn Quốc"
    assert rows[0].notes == ["Quốc gia cư trú chỉ nhận một giá trị: đã lấy “Nhật Bản”; “Hàn Quốc” (cột Nước cư trú) "
                             "được ghi vào Ghi chú."]
    # The same value written twice ("Nhật Bản" and "Nhật"; a date and its year) is no other value.
    assert "notes" not in rows[1].values and rows[1].notes == []
    assert rows[2].values["notes"] == "Năm sinh: 1966"
    assert all(row.valid for row in rows)


def test_convert_legacy_text_per_column(seeded):
    sheet = layout(["Họ và tên", "Quốc gia"], [["NguyÔn V¨n An", "NhËt B¶n"], ["TrÇn ThÞ B×nh", "NhËt B¶n"]])
    mapping = pipeline.map_headers(sheet, PEOPLE)
    assert pipeline.convert_legacy(sheet, mapping) == {0: "tcvn3", 1: "tcvn3"}
    assert sheet.data_rows[0][1] == ["Nguyễn Văn An", "Nhật Bản"]


def test_convert_legacy_uses_the_column_font_when_known(seeded):
    sheet = layout(["Họ và tên", "Quốc gia"], [["Hoa", "Mü"]])
    sheet.column_fonts = {1: ".VnTime"}
    mapping = pipeline.map_headers(sheet, PEOPLE)
    assert pipeline.convert_legacy(sheet, mapping) == {1: "tcvn3"}
    assert sheet.data_rows[0][1] == ["Hoa", "Mỹ"]


def _row(number, values=None, problems=()):
    return pipeline.CleanRow(number, values or {"full_name": "X"}, list(problems))


def test_plan_creates_new_rows_and_applies_the_default_to_duplicates():
    rows = [_row(2), _row(3), _row(4, problems=[pipeline.Problem(4, "X", "bad")]), _row(5)]
    duplicates = {3: [Match(("email",), person_id=10)], 5: [Match(("phone",), row=2)]}
    assert [p.action for p in pipeline.plan_rows(rows, duplicates, "skip")] == ["create", "skip", "error", "skip"]
    plans = pipeline.plan_rows(rows, duplicates, "update")
    assert [(p.action, p.person_id, p.target_row) for p in plans] == [
        ("create", None, None), ("update", 10, None), ("error", None, None), ("update", None, 2)]
    assert [p.action for p in pipeline.plan_rows(rows, duplicates, "create")] == ["create", "create", "error", "create"]


def test_plan_row_choices_override_the_default_and_an_id_means_update():
    rows = [_row(2), _row(3), _row(4, {"full_name": "X", "id": 42})]
    duplicates = {3: [Match(("email",), person_id=10)]}
    plans = pipeline.plan_rows(rows, duplicates, "skip", {3: "update"})
    assert [(p.action, p.person_id) for p in plans] == [("create", None), ("update", 10), ("update", 42)]
    assert pipeline.plan_rows(rows, duplicates, "skip", {4: "skip"})[2].action == "skip"


def test_plan_update_of_a_skipped_row_is_skipped_with_a_note():
    rows = [_row(2), _row(3)]
    duplicates = {2: [Match(("email",), person_id=10)], 3: [Match(("phone",), row=2)]}
    plans = pipeline.plan_rows(rows, duplicates, "skip", {3: "update"})
    assert plans[1].action == "skip"
    assert "dòng 2" in plans[1].note


def test_birth_date_value_types(seeded):
    rows = clean(layout(["Họ và tên", "Quốc gia", "Ngày sinh"], [["A", "VN", date(1980, 1, 2)]]))
    assert rows[0].values["birth_date"] == (date(1980, 1, 2), 1980)
