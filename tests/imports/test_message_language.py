"""An import's messages (a row's problems and notes, why a row duplicates another) are kept as their msgid and
parameters and read in the reader's language, whatever language the import ran in; rows kept before as plain
text still display as they were written."""
from flask_babel import force_locale

from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.imports.running import import_file
from tests.conftest import make_user
from tests.spreadsheets.sheets import write_workbook


def _awkward_import(tmp_path) -> ImportBatch:
    """An import run without a request (as the worker and the command line run it: in Vietnamese)."""
    path = write_workbook(tmp_path / "danh-sach.xlsx", ["Họ và tên", "Quốc gia", "Email", "Điện thoại", "Năm sinh"], [
        ["Lê Văn Cường", "Nhật Bản", "cuong@example.jp", "+81 90-0127-6842", 1980],
        ["Lê Văn Cường", "Nhật Bản", "cuong@example.jp", "", 1980],
        ["Phạm Thị Dung", "Nhật Bản", "dung@", "", 2090],
        ["", "Đức", "", "", ""],
    ])
    import_file(path, user=make_user("admin", email="owner@example.org"))
    return db.session.scalar(db.select(ImportBatch))


def _row(batch, number) -> ImportRow:
    return db.session.scalar(db.select(ImportRow).where(ImportRow.batch_id == batch.id,
                                                        ImportRow.row_number == number))


def test_problems_and_notes_are_kept_as_text_and_as_codes(app, seeded, tmp_path):
    batch = _awkward_import(tmp_path)
    refused = _row(batch, 4)
    email = next(problem for problem in refused.problems if problem["column"] == "Email")
    assert email["message"] == "Địa chỉ email “dung@” không hợp lệ."
    assert email["code"] == {"key": "Địa chỉ email “%(value)s” không hợp lệ.", "params": {"value": "dung@"}}
    missing = _row(batch, 5).problems[0]
    assert missing["message"] == "Thiếu Họ và tên."
    assert missing["code"]["params"]["column"] == {"texts": {"vi": "Họ và tên", "en": "Full name"}}

    noted = _row(batch, 2)
    assert noted.note.startswith("Số điện thoại “+81 90-0127-6842” chưa xác minh được")
    assert noted.note_messages[0]["params"] == {"value": "+81 90-0127-6842"}
    duplicate = _row(batch, 3)
    assert duplicate.matches == [{"row": 2, "reason": "trùng email, trùng họ tên + năm sinh + quốc gia",
                                  "reasons": ["email", "name_birth_country"]}]
    with app.test_request_context(), force_locale("en"):
        assert noted.note_text.startswith("Phone number “+81 90-0127-6842” could not be verified")
        assert [problem["message"] for problem in _row(batch, 5).problem_texts] == ["Full name is missing."]


def test_an_import_written_in_vietnamese_reads_in_english(app, client, login, seeded, tmp_path):
    batch = _awkward_import(tmp_path)
    login("admin")
    client.get("/language/en")
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "The email address “dung@” is invalid." in page
    assert "Full name is missing." in page
    assert "Phone number “+81 90-0127-6842” could not be verified" in page
    assert "same email" in page and "trùng email" not in page
    assert "không hợp lệ" not in page and "chưa xác minh" not in page

    client.get("/language/vi")
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Địa chỉ email “dung@” không hợp lệ." in page and "trùng email" in page


def test_rows_kept_as_plain_text_still_display(app, client, login, seeded, tmp_path):
    batch = _awkward_import(tmp_path)
    row = _row(batch, 4)
    row.problems = [{"column": "Email", "message": "Lỗi ghi từ trước", "index": 2}]
    row.matches = [{"row": 2, "reason": "trùng email"}]
    duplicate = _row(batch, 3)
    duplicate.note, duplicate.note_messages = "Ghi chú từ trước", None
    db.session.commit()
    login("admin")
    client.get("/language/en")
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Lỗi ghi từ trước" in page and "Ghi chú từ trước" in page
    assert "(same email)" in page  # an older row's reason was the label itself: read in English too


def test_the_error_workbook_speaks_the_readers_language(app, client, login, seeded, tmp_path):
    from io import BytesIO

    import openpyxl

    batch = _awkward_import(tmp_path)
    login("admin")
    client.get("/language/en")
    response = client.get(f"/imports/{batch.id}/errors.xlsx")
    assert response.status_code == 200
    cells = [str(cell.value) for row in openpyxl.load_workbook(BytesIO(response.data)).worksheets[0].iter_rows()
             for cell in row if cell.value]
    assert any("The email address “dung@” is invalid." in cell for cell in cells)
