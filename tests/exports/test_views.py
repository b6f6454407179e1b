"""Downloads on the web: editors export what the list shows, viewers cannot, the bin is for admins; audited."""
import io

import openpyxl
import pytest
from flask import g
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.people import service as people_service
from tests.exports.helpers import HEADER_ROW, data_rows
from tests.people.factories import make_person

URLS = ["/exports/people.xlsx", "/exports/people.csv", "/exports/templates/people.xlsx"]


def download(client, url):
    """GET a download and close it, as the server does once the file is sent."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _sign_in(login, role):
    user = login(role)
    g.pop("_login_user", None)
    return user


@pytest.mark.parametrize("url", URLS)
def test_viewers_cannot_download(seeded, client, login, url):
    _sign_in(login, "viewer")
    assert download(client, url).status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


@pytest.mark.parametrize("url", URLS)
def test_anonymous_users_are_sent_to_login(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_download_the_filtered_list_and_the_export_is_audited(seeded, client, login, role):
    user = _sign_in(login, role)
    make_person(full_name="Nguyễn Văn An")
    make_person(full_name="Trần Văn Bình", country_code="US")
    response = download(client, "/exports/people.xlsx?country=JP&page=3")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=kieu-bao-JP-") and disposition.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    # Every matching person, not one page of them.
    assert [row["Họ và tên"] for row in data_rows(sheet)] == ["Nguyễn Văn An"]
    assert sheet["A1"].value == "Danh sách kiều bào — Quốc gia: Nhật Bản"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert (event.user_id, event.entity_type) == (user.id, "people")
    assert event.changes == {"filter": {"country": "JP"}, "rows": 1, "format": "xlsx"}
    assert "Quốc gia: Nhật Bản" in event.summary and "1" in event.summary


def test_csv_download(seeded, client, login):
    _sign_in(login, "editor")
    make_person(full_name="Nguyễn Văn An", notes="=1+1")
    response = download(client, "/exports/people.csv?q=an")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbfID,")
    assert "'=1+1" in response.data.decode("utf-8-sig")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.changes == {"filter": {"q": "an"}, "rows": 1, "format": "csv"}


def test_bin_is_exported_only_by_admins(seeded, client, login):
    gone = make_person(full_name="Trần Văn Bảo")
    make_person(full_name="Nguyễn Văn An")
    people_service.delete_person(gone)
    _sign_in(login, "editor")
    assert download(client, "/exports/people.xlsx?deleted=1").status_code == 403
    _sign_in(login, "admin")
    response = download(client, "/exports/people.xlsx?deleted=1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [row["Họ và tên"] for row in data_rows(sheet)] == ["Trần Văn Bảo"]


def test_english_interface_gets_english_headers(seeded, client, login):
    _sign_in(login, "editor")
    make_person()
    client.get("/language/en")
    response = download(client, "/exports/people.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [cell.value for cell in sheet[HEADER_ROW]][:2] == ["ID", "Full name"]


def test_template_download(seeded, client, login):
    _sign_in(login, "editor")
    response = download(client, "/exports/templates/people.xlsx")
    assert response.status_code == 200
    assert "mau-nhap-kieu-bao.xlsx" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Kiều bào", "Hướng dẫn", "Hướng dẫn - ví dụ", "Danh mục"]
    assert client.get("/exports/templates/channels.xlsx").status_code == 200
    assert client.get("/exports/templates/unknown.xlsx").status_code == 404
