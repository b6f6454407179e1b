"""Whole imports of files as offices and programs write them: a header with no rows, formulas without a value."""
import io
import json
import re

import openpyxl
from sqlalchemy import func, select

from diaspora.batches.models import ImportBatch
from diaspora.extensions import db
from diaspora.people.models import Person
from tests.spreadsheets.sheets import write_workbook

FORMULA = '=HYPERLINK("https://example.org/?a=1&b=2","Nguyễn Văn An")'


def test_a_file_with_a_header_and_no_data_rows_is_rejected_by_the_cli(seeded, runner, tmp_path):
    path = write_workbook(tmp_path / "mau.xlsx", ["STT", "Họ và tên", "Năm sinh", "Nước cư trú"], [],
                          title="DANH SÁCH KIỀU BÀO HẢI PHÒNG")
    result = runner.invoke(args=["import-people", str(path), "--json"])
    outcome = json.loads(result.output)
    assert result.exit_code != 0
    assert (outcome["status"], outcome["reason"]) == ("rejected", "empty")
    assert "Tệp không có dòng dữ liệu nào" in outcome["message"]
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_error_workbook_gives_back_a_formula_without_a_value(seeded, client, login, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Nước cư trú"])
    sheet.append([FORMULA, "Nhật Bản"])  # no computed value: openpyxl does not calculate
    sheet.append(["Trần Thị Bình", "Nhật Bản"])
    path = tmp_path / "chuong-trinh.xlsx"
    workbook.save(path)

    login("editor")
    response = client.post("/imports/new", data={"file": (io.BytesIO(path.read_bytes()), "chuong-trinh.xlsx")},
                           content_type="multipart/form-data")
    batch_id = int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))
    client.post(f"/imports/{batch_id}/mapping", data={"column_0": "full_name", "column_1": "country",
                                                      "default_country": "", "save_as": ""})
    page = client.get(f"/imports/{batch_id}/preview")
    assert "HYPERLINK" in page.text and "công thức" in page.text
    errors = openpyxl.load_workbook(io.BytesIO(client.get(f"/imports/{batch_id}/errors.xlsx").data)).active
    assert [cell.value for cell in errors[1]] == ["Họ và tên", "Nước cư trú", "Lỗi"]
    assert errors.cell(2, 1).value == FORMULA
    assert errors.cell(2, 1).data_type == "s"  # given back as text, never run as a formula
    assert "công thức" in errors.cell(2, 3).value

    client.post(f"/imports/{batch_id}/commit")
    assert db.session.scalars(select(Person.full_name)).all() == ["Trần Thị Bình"]
    errors = openpyxl.load_workbook(io.BytesIO(client.get(f"/imports/{batch_id}/errors.xlsx").data)).active
    assert errors.cell(2, 1).value == FORMULA
