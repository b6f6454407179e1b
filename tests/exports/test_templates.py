"""The import template: headers with required marks, the guide, drop-down lists on a hidden sheet."""
import json

import openpyxl
import pytest

from diaspora.spreadsheets import read
from diaspora.people.columns import PEOPLE
from diaspora.spreadsheets.templates import build_template
from tests.exports.helpers import run_import


@pytest.fixture
def template(seeded, tmp_path):
    path = tmp_path / "mau-nhap-kieu-bao.xlsx"
    path.write_bytes(build_template(PEOPLE, "vi").getvalue())
    return path


def _list_values(workbook, formula: str) -> list[str]:
    sheet_name, cells = formula.lstrip("=").split("!")
    sheet = workbook[sheet_name.strip("'")]
    return [cell.value for row in sheet[cells.replace("$", "")] for cell in row]


def test_template_has_the_data_sheet_the_guide_and_the_hidden_lists(template):
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["Kiều bào", "Hướng dẫn", "Hướng dẫn - ví dụ", "Danh mục"]
    assert [sheet.sheet_state for sheet in workbook] == ["visible", "visible", "visible", "hidden"]
    assert workbook.active.title == "Kiều bào"
    data = workbook["Kiều bào"]
    headers = [cell.value for cell in data[1]]
    assert headers == [column.header_vi + (" *" if column.required else "") for column in PEOPLE.columns]
    required = {cell.value for cell in data[1] if cell.font.color is not None and cell.font.color.rgb == "FFC00000"}
    assert required == {"Họ và tên *", "Quốc gia cư trú *"}
    assert data.freeze_panes == "A2"
    assert data.max_row == 1  # no example among the data


def test_reader_takes_the_data_sheet_and_flags_the_others(app, template):
    sheets = read.list_sheets(template, read.Limits.from_config(app.config))
    assert [(sheet.name, sheet.hidden, sheet.instructions) for sheet in sheets] == [
        ("Kiều bào", False, False), ("Hướng dẫn", False, True), ("Hướng dẫn - ví dụ", False, True),
        ("Danh mục", True, True)]
    assert read.default_sheet(sheets).name == "Kiều bào"


def test_guide_lists_every_column_with_meaning_requirement_and_example(template):
    guide = openpyxl.load_workbook(template)["Hướng dẫn"]
    lines = list(guide.iter_rows(values_only=True))
    start = next(index for index, row in enumerate(lines) if row[0] == "Cột") + 1
    table = lines[start:start + len(PEOPLE.columns)]
    assert [row[0] for row in table] == [column.header_vi for column in PEOPLE.columns]
    rows = {row[0]: row for row in table}
    for column in PEOPLE.columns:
        name, required, meaning, example, _choices = rows[column.header_vi][:5]
        assert (required or None) == ("Có" if column.required else None)
        assert (meaning or "") == column.help_vi and (example or "") == column.example
    assert "Nam; Nữ; Khác" in rows["Giới tính"][4]
    assert "danh sách thả xuống" in rows["Quốc gia cư trú"][4]


def test_example_row_lives_in_a_guide_sheet_under_the_same_headers(template):
    example = openpyxl.load_workbook(template)["Hướng dẫn - ví dụ"]
    headers = [cell.value for cell in example[3]]
    assert headers == [column.header_vi + (" *" if column.required else "") for column in PEOPLE.columns]
    values = dict(zip(headers, (cell.value for cell in example[4])))
    assert values["Họ và tên *"] == "Nguyễn Văn An" and values["Quốc gia cư trú *"] == "Nhật Bản"


def test_coded_columns_have_drop_downs_from_the_lists_sheet(template):
    workbook = openpyxl.load_workbook(template)
    data = workbook["Kiều bào"]
    letters = {column.key: openpyxl.utils.get_column_letter(index)
               for index, column in enumerate(PEOPLE.columns, start=1)}
    validations = {str(dv.sqref).split(":")[0]: dv for dv in data.data_validations.dataValidation}
    assert set(validations) == {f"{letters[key]}2" for key in
                                ("gender", "person_type", "nationality", "country", "fields", "roles", "offers",
                                 "consent", "consent_source", "consent_legal_basis", "status")}
    for validation in validations.values():
        assert validation.type == "list" and validation.formula1.startswith("'Danh mục'!")
    values = {key: _list_values(workbook, validations[f"{letters[key]}2"].formula1) for key in letters
              if f"{letters[key]}2" in validations}
    assert values["gender"] == ["Nam", "Nữ", "Khác"]
    assert "Nhật Bản" in values["country"] and len(values["country"]) > 200
    assert len("; ".join(values["country"])) > 255  # too long for an inline list
    assert "Y tế" in values["fields"] and "Đồng ý" in values["consent"]
    # A cell may hold several fields: the list suggests, it does not refuse.
    assert not validations[f"{letters['fields']}2"].showErrorMessage
    assert validations[f"{letters['gender']}2"].showErrorMessage


def test_unedited_template_is_refused_as_it_has_no_data_row(template, runner):
    result = runner.invoke(args=["import-people", str(template), "--json"])
    outcome = json.loads(result.output)
    assert result.exit_code != 0
    assert (outcome["status"], outcome["reason"]) == ("rejected", "empty")
    assert "Tệp không có dòng dữ liệu nào" in outcome["message"]


def test_filled_template_imports(template, runner):
    workbook = openpyxl.load_workbook(template)
    data = workbook["Kiều bào"]
    for index, column in enumerate(PEOPLE.columns, start=1):
        if column.key != "id" and column.example:
            data.cell(row=2, column=index, value=column.example)
    workbook.save(template)
    outcome = run_import(runner, template)
    assert (outcome["created"], outcome["errors"]) == (1, [])


def test_english_template(seeded):
    workbook = openpyxl.load_workbook(build_template(PEOPLE, "en"))
    assert [cell.value for cell in workbook.worksheets[0][1]][:2] == ["ID", "Full name *"]
    assert [sheet.sheet_state for sheet in workbook] == ["visible", "visible", "visible", "hidden"]
