"""The import wizard through the test client: upload, sheet, mapping, preview, commit, result, undo, roles."""
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.batches.models import ImportBatch, SavedMapping
from diaspora.people import service as people_service
from diaspora.people.models import Person
from tests.spreadsheets.sheets import write_workbook

HEADERS = ["STT", "Họ và tên", "Năm sinh", "Nơi ở", "Số ĐT", "Email", "Lĩnh vực"]
ROWS = [
    [1, "Nguyễn Văn An", 1975, "Nhật Bản", "090-1234-5678", "an@example.jp", "Y tế"],
    [2, "Trần Thị Bình", 1982, "Nhật Bản", None, "binh@", None],
    [3, "Lê Văn Cường", 1970, "Đức", None, "cuong@example.de", None],
]


@pytest.fixture
def workbook(tmp_path):
    return write_workbook(tmp_path / "danh-sach.xlsx", HEADERS, ROWS, extra_sheets={
        "Hướng dẫn": (["Ghi chú"], [["Điền mỗi người một dòng"]])})


def upload(client, path, name="danh-sach.xlsx"):
    return client.post("/imports/new", data={"file": (io.BytesIO(path.read_bytes()), name)},
                       content_type="multipart/form-data")


def batch_id_of(response) -> int:
    return int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))


def mapping_data(**overrides):
    data = {"column_1": "full_name", "column_2": "birth_date", "column_3": "country", "column_4": "",
            "column_5": "emails", "column_6": "fields", "default_country": "", "save_as": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ["/imports/", "/imports/new", "/imports/1", "/imports/1/progress"])
def test_viewers_may_not_import(seeded, client, login, url):
    login("viewer")
    assert client.get(url).status_code == 403


def test_anonymous_users_are_sent_to_login(seeded, client):
    assert "/login" in client.get("/imports/").headers["Location"]


def test_the_whole_wizard(seeded, client, login, workbook):
    editor = login("editor")
    people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE",
                                  "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    response = upload(client, workbook)
    assert response.status_code == 302
    batch_id = batch_id_of(response)
    page = client.get(f"/imports/{batch_id}/sheet")
    assert "Danh sách" in page.text and "Hướng dẫn" not in page.text
    assert "Hiện cả 1 trang" in page.text
    response = client.post(f"/imports/{batch_id}/sheet", data={"sheet": "Danh sách"})
    assert response.headers["Location"].endswith(f"/imports/{batch_id}/mapping")

    page = client.get(f"/imports/{batch_id}/mapping")
    assert page.status_code == 200
    assert "Nơi ở" in page.text and "Nguyễn Văn An" in page.text
    # "Nơi ở" is not a known header: without it and without a default country the mapping is refused.
    page = client.post(f"/imports/{batch_id}/mapping", data=mapping_data(column_3=""))
    assert "Chưa có cột bắt buộc: Quốc gia cư trú" in page.text
    response = client.post(f"/imports/{batch_id}/mapping", data=mapping_data(save_as="Danh sách Nhật"))
    assert response.headers["Location"].endswith(f"/imports/{batch_id}/preview")
    assert db.session.scalar(select(SavedMapping.name)) == "Danh sách Nhật"

    page = client.get(f"/imports/{batch_id}/preview")
    assert page.status_code == 200
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page.text))
    assert counts == {"rows_total": "3", "rows_valid": "2", "errors": "1", "duplicates": "1", "created": "1",
                      "updated": "0", "skipped": "1"}
    assert "Địa chỉ email “binh@” không hợp lệ." in page.text and "trùng email" in page.text
    assert page.text.index("Trần Thị Bình") < page.text.index("Lê Văn Cường") < page.text.index("Nguyễn Văn An")

    response = client.post(f"/imports/{batch_id}/preview", data={"on_duplicate": "skip", "row_4": "update"})
    assert response.status_code == 302
    page = client.get(f"/imports/{batch_id}/preview?show=duplicates")
    assert dict(re.findall(r'data-count="(\w+)">(\d+)<', page.text))["updated"] == "1"

    errors = client.get(f"/imports/{batch_id}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(errors.data)).active
    assert [cell.value for cell in sheet[1]] == [*HEADERS, "Lỗi"]
    assert [cell.value for cell in sheet[2]][:6] == [2, "Trần Thị Bình", 1982, "Nhật Bản", None, "binh@"]
    assert "Email: Địa chỉ email" in sheet.cell(2, 8).value
    assert sheet.cell(2, 6).fill.fgColor.rgb.endswith("F8D7DA")

    response = client.post(f"/imports/{batch_id}/commit")
    assert response.headers["Location"].endswith(f"/imports/{batch_id}")
    page = client.get(f"/imports/{batch_id}")
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page.text))
    assert (counts["created"], counts["updated"], counts["errors"]) == ("1", "1", "1")
    batch = db.session.get(ImportBatch, batch_id)
    assert (batch.status, batch.user_id, batch.sheet_name) == ("committed", editor.id, "Danh sách")
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2
    assert "Hoàn tác lần nhập" not in page.text  # editors do not undo
    assert client.post(f"/imports/{batch_id}/undo").status_code == 403
    assert "danh-sach.xlsx" in client.get("/imports/").text
    errors = client.get(f"/imports/{batch_id}/errors.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(errors.data)).active.max_row == 2


def test_admin_undoes_and_sees_what_blocks_an_undo(seeded, client, login, workbook):
    login("admin")
    batch_id = batch_id_of(upload(client, workbook))
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data())
    client.post(f"/imports/{batch_id}/commit")
    an = db.session.scalar(select(Person).where(Person.full_name == "Nguyễn Văn An"))
    people_service.update_person(an, {"city": "Osaka"})
    page = client.post(f"/imports/{batch_id}/undo")
    assert page.status_code == 409 and "Nguyễn Văn An" in page.text and "đã được sửa" in page.text
    people_service.delete_person(db.session.get(Person, an.id))
    batch_id = batch_id_of(upload(client, workbook))
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data())
    client.post(f"/imports/{batch_id}/commit")
    response = client.post(f"/imports/{batch_id}/undo", follow_redirects=True)
    assert "Đã hoàn tác" in response.text
    assert db.session.get(ImportBatch, batch_id).status == "undone"


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_upload(seeded, client, login, tmp_path):
    login("editor")
    path = tmp_path / "virus.xlsx"
    path.write_bytes(b"MZ\x90\x00 not a spreadsheet")
    response = upload(client, path, "virus.xlsx")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    response = upload(client, path, "virus.exe")
    assert response.status_code == 422 and "Chỉ nhận tệp Excel" in response.text


def test_the_commit_runs_as_a_job_and_its_progress_is_read_from_the_batch(seeded, app, client, login, workbook):
    login("editor")
    batch_id = batch_id_of(upload(client, workbook))
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data())
    client.get(f"/imports/{batch_id}/preview")
    client.post(f"/imports/{batch_id}/commit")  # the test app's queue runs a job at once, in the caller
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).worker  # the batch names the process that ran it
    state = client.get(f"/imports/{batch_id}/progress").get_json()
    assert state["status"] == "committed" and state["progress"] == 100
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_a_saved_mapping_applies_to_a_new_file_and_drafts_are_private(seeded, client, login, workbook, tmp_path):
    login("editor", email="a@example.org")
    first = batch_id_of(upload(client, workbook))
    client.post(f"/imports/{first}/mapping", data=mapping_data(column_3="country", save_as="Nhật"))
    saved = db.session.scalar(select(SavedMapping))
    other = write_workbook(tmp_path / "khac.xlsx", ["Nơi ở", "Họ và tên"], [["Nhật Bản", "Phạm Thị Dung"]])
    second = batch_id_of(upload(client, other, "khac.xlsx"))
    page = client.get(f"/imports/{second}/mapping?saved={saved.id}")
    assert re.search(r'<option selected value="country">', page.text) or 'value="country" selected' in page.text
    login("editor", email="b@example.org")
    assert client.get(f"/imports/{second}/mapping").status_code == 403


def test_rows_with_a_note_have_a_tab_of_their_own_in_the_preview_and_the_result(seeded, client, login, tmp_path):
    login("editor")
    path = write_workbook(tmp_path / "gia-dinh.xlsx", ["Họ và tên", "Quốc gia", "Nước cư trú", "Số ĐT"], [
        ["Đinh Văn Hải", "Pháp", "Pháp", "+33 6 12 34 56 78"],
        ["Mai Thị Hoa", "Pháp", "Bỉ", "+33 6 12 34 56 78"],
        ["Vũ Văn Long", "Pháp", None, None],
    ])
    batch_id = batch_id_of(upload(client, path, "gia-dinh.xlsx"))
    client.post(f"/imports/{batch_id}/sheet", data={"sheet": "Danh sách"})
    client.post(f"/imports/{batch_id}/mapping", data={"column_0": "full_name", "column_1": "country",
                                                      "column_2": "country", "column_3": "phones",
                                                      "default_country": "", "save_as": ""})
    page = client.get(f"/imports/{batch_id}/preview?show=notes")
    assert "Có ghi chú" in page.text
    assert re.findall(r'<tr id="row-(\d+)"', page.text) == ["3"]  # the one row with a second country and a shared phone
    assert "“Bỉ” (cột Nước cư trú) được ghi vào Ghi chú" in page.text
    assert "Cùng số điện thoại với dòng 2 nhưng khác họ tên" in page.text
    client.post(f"/imports/{batch_id}/commit")
    page = client.get(f"/imports/{batch_id}?action=notes")
    assert "Cùng số điện thoại với dòng 2" in page.text and "Vũ Văn Long" not in page.text
    assert "Vũ Văn Long" in client.get(f"/imports/{batch_id}").text


def test_the_preview_is_prepared_once_and_kept_where_every_web_process_reads_it(seeded, app, client, login, workbook,
                                                                                monkeypatch):
    from diaspora.imports import wizard
    from diaspora.imports.storage import uploads_dir

    login("editor")
    batch_id = batch_id_of(upload(client, workbook))
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data())
    assert client.get(f"/imports/{batch_id}/preview").status_code == 200
    kept = list(uploads_dir().glob(f"preview-{batch_id}-*"))
    assert len(kept) == 1
    prepared = []
    monkeypatch.setattr(wizard, "prepare_import", lambda *a, **k: prepared.append(1) or pytest.fail("read again"))
    assert client.get(f"/imports/{batch_id}/preview?show=errors").status_code == 200  # read from the kept file
    assert prepared == []
    monkeypatch.undo()
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data(column_6=""))  # another mapping: prepared again
    client.get(f"/imports/{batch_id}/preview")
    assert list(uploads_dir().glob(f"preview-{batch_id}-*")) != kept
