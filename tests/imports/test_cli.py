"""`flask import-people` end to end on real workbooks: JSON outcome, modes, dry run, rejected files."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.batches.models import ImportBatch
from diaspora.people import service as people_service
from diaspora.people.models import Person
from diaspora.contacts import Contact
from tests.spreadsheets.sheets import write_workbook

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Nước cư trú", "Thành phố", "Quê quán", "Số điện thoại",
           "Email", "Lĩnh vực", "Hội đoàn", "Ghi chú"]
ROWS = [
    [1, "Nguyễn Văn An", date(1975, 8, 15), "Nam", "Nhật Bản", "Tokyo", "xã Thanh Hồng, huyện Thanh Hà, Hải Dương",
     9012345678, "an.nguyen@example.jp", "Y tế", "Hội người Việt Nam tại Nhật Bản", "=không phải công thức"],
    [2, "Trần Thị Bích Ngọc", "03/04/1982", "Nữ", "Hàn Quốc", "Seoul", "Hải Phòng", "+82 10-1234-5678",
     "ngoc@example.kr", "Giáo dục – đào tạo; Công nghệ thông tin", None, None],
    [3, "Phạm Đức Mạnh", "1968", "M", "CHLB Đức", "Berlin", None, "0049 151 23456789", "manh@", "Thiên văn", None,
     None],
    [4, "Nguyễn Văn Nam", 1970, "Nam", "Mỹ", "Houston", None, None, None, None, None, None],
    [5, "Nguyễn Văn Nam", 1985, "Nam", "Mỹ", "Houston", None, None, None, None, None, None],
    [6, "Nguyen Van An", 1975, "Nam", "Japan", None, None, None, "AN.NGUYEN@example.jp", None, None, None],
]


def invoke(runner, path, *options):
    result = runner.invoke(args=["import-people", str(path), "--json", *options])
    return result.exit_code, json.loads(result.output)


def count(model=Person):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def workbook(tmp_path):
    return write_workbook(tmp_path / "danh-sach-kieu-bao.xlsx", HEADERS, ROWS,
                          title="DANH SÁCH KIỀU BÀO HẢI PHÒNG NĂM 2025")


def test_import_reports_rows_errors_and_duplicates_as_json(seeded, runner, workbook):
    code, outcome = invoke(runner, workbook)
    assert code == 0
    assert outcome["status"] == "ok"
    assert (outcome["rows_total"], outcome["rows_valid"], outcome["created"], outcome["skipped"]) == (6, 5, 4, 1)
    assert outcome["errors"] == [
        {"row": 6, "column": "Email", "message": "Địa chỉ email “manh@” không hợp lệ."},
    ]  # a field the catalogue lacks ("Thiên văn") is kept in the expertise, never a reason to refuse
    assert outcome["duplicates"] == [
        {"row": 9, "matches": [{"row": 4, "reason": "trùng email, trùng họ tên + năm sinh + quốc gia"}]}]
    an = db.session.scalar(select(Person).where(Person.full_name == "Nguyễn Văn An"))
    assert (an.birth_date, an.gender, an.country_code, an.notes) == (date(1975, 8, 15), "male", "JP",
                                                                      "=không phải công thức")
    assert an.hometown_text == "xã Thanh Hồng, huyện Thanh Hà, Hải Dương" and an.hometown_unit.name == "Hà Đông"
    assert [c.normalized for c in an.contacts] == ["+819012345678", "an.nguyen@example.jp"]
    # The two Nguyễn Văn Nam of Houston, born 15 years apart, are two people.
    assert count() == 4 and db.session.scalar(select(func.count()).where(Person.full_name == "Nguyễn Văn Nam")) == 2
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.source, batch.file_name, batch.status, batch.created) == ("cli", "danh-sach-kieu-bao.xlsx",
                                                                           "committed", 4)


def test_second_import_of_the_same_file_finds_every_row_in_the_register(seeded, runner, workbook):
    invoke(runner, workbook)
    code, outcome = invoke(runner, workbook)
    assert (code, outcome["created"], outcome["skipped"]) == (0, 0, 5)
    reasons = {item["row"]: [match["reason"] for match in item["matches"]] for item in outcome["duplicates"]}
    assert reasons[4][0] == "trùng email, trùng số điện thoại, trùng họ tên + năm sinh + quốc gia"
    assert reasons[5][0] == "trùng email, trùng số điện thoại, trùng họ tên + năm sinh + quốc gia"
    assert reasons[7] == ["trùng họ tên + năm sinh + quốc gia"]
    code, outcome = invoke(runner, workbook, "--on-duplicate", "update")
    assert (outcome["created"], outcome["updated"] + outcome["unchanged"]) == (0, 5)
    code, outcome = invoke(runner, workbook, "--on-duplicate", "create")
    assert outcome["created"] == 5
    assert count() == 9


def test_dry_run_changes_nothing(seeded, runner, workbook):
    code, outcome = invoke(runner, workbook, "--dry-run")
    assert (code, outcome["status"], outcome["dry_run"], outcome["created"]) == (0, "ok", True, 4)
    assert count() == 0 and count(ImportBatch) == 0


def test_update_mode_updates_a_stored_person(seeded, runner, tmp_path):
    stored = people_service.create_person({"full_name": "Nguyễn Văn An", "country_code": "JP",
                                           "contacts": [{"kind": "email", "value": "an.nguyen@example.jp"}]})
    path = write_workbook(tmp_path / "a.xlsx", HEADERS[1:], [ROWS[0][1:]])
    code, outcome = invoke(runner, path, "--on-duplicate", "update")
    assert (outcome["created"], outcome["updated"]) == (0, 1)
    assert outcome["duplicates"] == [{"row": 2, "matches": [{"person_id": stored.id, "reason": "trùng email"}]}]
    person = db.session.get(Person, stored.id)
    assert (person.city, person.version) == ("Tokyo", 2)


@pytest.mark.parametrize("content, reason", [
    (b"this is not a spreadsheet at all", None),
    (b"PK\x03\x04" + b"\x00" * 200, None),
])
def test_a_hostile_or_broken_file_is_rejected_and_nothing_changes(seeded, runner, tmp_path, content, reason):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(content)
    code, outcome = invoke(runner, path)
    assert code != 0
    assert outcome["status"] == "rejected" and outcome["reason"] and outcome["message"]
    assert count() == 0 and count(ImportBatch) == 0


def test_missing_required_column_and_unknown_sheet_are_rejected(seeded, runner, tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", ["Họ và tên", "Ghi chú"], [["Nguyễn Văn An", "x"]])
    code, outcome = invoke(runner, path)
    assert (code, outcome["status"], outcome["reason"]) == (1, "rejected", "missing_columns")
    assert "Quốc gia cư trú" in outcome["message"]
    code, outcome = invoke(runner, path, "--sheet", "Không có")
    assert (code, outcome["reason"]) == (1, "sheet_not_found")


def test_sheet_option_chooses_the_sheet(seeded, runner, tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", ["Ghi chú"], [["hướng dẫn"]], sheet_name="Hướng dẫn", extra_sheets={
        "Nhật Bản": (["Họ và tên", "Quốc gia"], [["Lê Thị Hồng", "Nhật Bản"]]),
        "Hàn Quốc": (["Họ và tên", "Quốc gia"], [["Đỗ Văn Long", "Hàn Quốc"], ["Mai Anh", "Hàn Quốc"]]),
    })
    code, outcome = invoke(runner, path, "--sheet", "han quoc")
    assert (code, outcome["sheet"], outcome["created"]) == (0, "Hàn Quốc", 2)


def test_readable_summary_and_user_attribution(seeded, runner, workbook):
    from tests.conftest import make_user

    editor = make_user("editor")
    result = runner.invoke(args=["import-people", str(workbook), "--user", editor.email])
    assert result.exit_code == 0
    assert "Thêm mới 4, cập nhật 0, không đổi 0, bỏ qua 1." in result.output
    assert "Dòng 6, cột “Email”: Địa chỉ email “manh@” không hợp lệ." in result.output
    assert "Dòng 9 trùng dòng 4 (trùng email, trùng họ tên + năm sinh + quốc gia)" in result.output
    assert db.session.scalar(select(ImportBatch)).user_id == editor.id
    result = runner.invoke(args=["import-people", str(workbook), "--user", "nobody@example.org"])
    assert result.exit_code != 0


def test_contacts_count_after_import(seeded, runner, workbook):
    invoke(runner, workbook)
    assert count(Contact) == 4
