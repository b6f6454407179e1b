"""A long list is exported by the worker: the request returns at once, the file is downloaded from its
page once written, by its user only; a failed export leaves no file."""
import io

import openpyxl
import pytest

from diaspora.exports import files
from diaspora.exports.models import ExportFile
from diaspora.extensions import db
from diaspora.people import service as people_service


@pytest.fixture
def three_people(seeded):
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        people_service.create_person({"full_name": name, "country_code": "JP"})


def test_a_long_list_is_written_by_the_worker_and_downloaded_from_its_page(app, client, login, three_people):
    app.config["EXPORT_BACKGROUND_ROWS"] = 2
    login("editor")
    response = client.get("/exports/people.xlsx?country=JP")
    assert response.status_code == 302 and "/exports/" in response.location
    export = db.session.scalar(db.select(ExportFile))
    assert (export.status, export.rows, export.list_key, export.args) == ("done", 3, "people", {"country": "JP"})
    page = client.get(f"/exports/{export.id}")
    assert "Đã ghi 3 dòng" in page.text and f"/exports/{export.id}/download" in page.text
    assert client.get(f"/exports/{export.id}/state").get_json()["status"] == "done"
    download = client.get(f"/exports/{export.id}/download")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    content = download.data
    download.close()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    names = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} <= names
    assert export.download_name in client.get("/exports/").text


def test_a_short_list_is_still_sent_at_once(app, client, login, three_people):
    login("editor")
    response = client.get("/exports/people.xlsx")
    response.close()
    assert response.status_code == 200 and db.session.scalar(db.select(ExportFile)) is None


def test_only_its_user_or_an_admin_downloads_an_export(app, client, login, three_people):
    app.config["EXPORT_BACKGROUND_ROWS"] = 0
    login("editor", email="first@example.org")
    client.get("/exports/people.csv")
    export_id = db.session.scalar(db.select(ExportFile.id))
    login("editor", email="second@example.org")
    assert client.get(f"/exports/{export_id}/download").status_code == 403
    login("admin")
    download = client.get(f"/exports/{export_id}/download")
    download.close()
    assert download.status_code == 200
    login("viewer")
    assert client.get(f"/exports/{export_id}").status_code == 403


def test_a_failed_export_says_so_and_leaves_no_file(app, client, login, three_people, monkeypatch):
    app.config["EXPORT_BACKGROUND_ROWS"] = 0

    def broken(query, out, **options):
        with open(out, "wb") as partial:
            partial.write(b"half a workbook")
        raise RuntimeError("disk full")

    monkeypatch.setitem(files.LISTS, "people", files.LISTS["people"].__class__(
        files.LISTS["people"].query, files.LISTS["people"].statement, broken, files.LISTS["people"].file_name))
    login("editor")
    location = client.get("/exports/people.xlsx").location
    export = db.session.scalar(db.select(ExportFile))
    assert (export.status, export.message) == ("failed", "disk full")
    assert "Xuất thất bại" in client.get(location).text
    assert list(files.exports_dir().iterdir()) == []
    assert client.get(f"/exports/{export.id}/download").status_code == 404
