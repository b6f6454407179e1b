"""Retention: uploaded files and previews are deleted IMPORT_FILE_KEEP_DAYS after their upload (the worker's daily
job, or `flask imports purge`); a batch whose file is gone says so and rebuilds its error workbook from its rows."""
import io
import re
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select, update

from diaspora import jobs
from diaspora.batches.models import ImportBatch
from diaspora.extensions import db
from diaspora.imports.retention import purge_import_files, purge_import_files_daily
from diaspora.imports.storage import has_upload, uploads_dir
from diaspora.records import utcnow
from tests.imports.test_views import HEADERS, ROWS, mapping_data, upload
from tests.spreadsheets.sheets import write_workbook


@pytest.fixture
def committed(seeded, client, login, tmp_path):
    """A batch committed through the wizard (its file and a preview kept), with one row in error."""
    login("editor")
    path = write_workbook(tmp_path / "danh-sach.xlsx", HEADERS, ROWS)
    batch_id = int(re.search(r"/imports/(\d+)/", upload(client, path).headers["Location"]).group(1))
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data())
    assert client.get(f"/imports/{batch_id}/preview").status_code == 200
    client.post(f"/imports/{batch_id}/commit")
    return db.session.get(ImportBatch, batch_id)


def _age(batch_id: int, days: int) -> None:
    db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                       .values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def _previews(batch_id: int) -> list:
    return list(uploads_dir().glob(f"preview-{batch_id}-*"))


def test_files_older_than_the_keeping_time_are_deleted(app, committed):
    sha = committed.file_sha256
    assert has_upload(sha) and _previews(committed.id)
    assert purge_import_files()["expired_files"] == 0  # uploaded today
    assert has_upload(sha)
    _age(committed.id, app.config["IMPORT_FILE_KEEP_DAYS"] + 1)
    removed = purge_import_files()
    assert (removed["expired_files"], removed["previews"]) == (1, 1)
    assert not has_upload(sha) and not _previews(committed.id)
    assert db.session.get(ImportBatch, committed.id).status == "committed"  # the results stay


def test_a_file_a_recent_batch_also_uses_is_kept(app, committed, client, tmp_path):
    _age(committed.id, 100)
    assert upload(client, tmp_path / "danh-sach.xlsx").status_code == 302  # the same file uploaded again
    assert purge_import_files()["expired_files"] == 0 and has_upload(committed.file_sha256)


def test_the_keeping_time_is_a_setting(app, committed):
    app.config["IMPORT_FILE_KEEP_DAYS"] = 10
    _age(committed.id, 11)
    assert purge_import_files()["expired_files"] == 1


def test_the_worker_runs_the_purge_every_night_and_the_command_line_on_demand(app, committed, runner):
    def due(at):
        return [task.name for task in jobs.queue.read_periodic(at)]

    assert "purge_import_files_daily" in due(datetime(2026, 3, 4, 2, 17))
    assert "purge_import_files_daily" not in due(datetime(2026, 3, 4, 14, 0))
    _age(committed.id, 365)
    purge_import_files_daily()  # the queue runs jobs at once in the tests
    assert not has_upload(committed.file_sha256)
    result = runner.invoke(args=["imports", "purge"])
    assert result.exit_code == 0 and "Đã xoá 0 tệp hết thời hạn lưu giữ" in result.output


def test_an_expired_batch_says_so_and_rebuilds_its_error_workbook_from_its_rows(app, committed, client):
    _age(committed.id, 365)
    purge_import_files()
    page = client.get(f"/imports/{committed.id}")
    assert page.status_code == 200 and "không còn được lưu" in page.text and 'id="file-gone"' in page.text
    with client.get(f"/imports/{committed.id}/errors.xlsx") as response:
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]] == ["Dòng trong tệp gốc", *HEADERS, "Lỗi"]
    assert sheet.max_row == 2 and sheet.cell(2, 1).value == 3
    assert "Địa chỉ email “binh@” không hợp lệ." in sheet.cell(2, len(HEADERS) + 2).value
    assert sheet.cell(2, HEADERS.index("Email") + 2).fill.fgColor.rgb.endswith("F8D7DA")  # the cell at fault


def test_a_draft_whose_file_is_gone_says_it_expired(app, seeded, client, login, tmp_path):
    login("editor")
    path = write_workbook(tmp_path / "danh-sach.xlsx", HEADERS, ROWS)
    batch_id = int(re.search(r"/imports/(\d+)/", upload(client, path).headers["Location"]).group(1))
    (uploads_dir() / db.session.get(ImportBatch, batch_id).file_sha256).unlink()
    for url in (f"/imports/{batch_id}/sheet", f"/imports/{batch_id}/mapping", f"/imports/{batch_id}/preview"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/imports/"), url
    assert "không còn được lưu" in client.get("/imports/").text
    response = client.get(f"/imports/{batch_id}/errors.xlsx")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/imports/{batch_id}")


def test_a_failed_batch_without_rows_has_no_error_workbook(app, committed, client):
    db.session.execute(update(ImportBatch).where(ImportBatch.id == committed.id).values(mapping=None))
    db.session.commit()
    (uploads_dir() / committed.file_sha256).unlink()
    response = client.get(f"/imports/{committed.id}/errors.xlsx", follow_redirects=True)
    assert response.status_code == 200 and "Không còn tệp dòng lỗi" in response.text
    assert db.session.scalar(select(ImportBatch.status).where(ImportBatch.id == committed.id)) == "committed"
