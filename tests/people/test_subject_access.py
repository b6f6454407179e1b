"""Subject access: one person's data (every field, contacts, memberships, activities, channels, the history of
changes and of reads) as a workbook and as JSON, from the person page (admins) and the command line; recorded."""
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.extensions import db
from diaspora.people import service
from tests.outreach.factories import make_activity, make_channel
from tests.people.factories import make_organisation, make_person

NAME = "Đinh Thị Minh Châu"


@pytest.fixture
def person(seeded, client, login):
    """A person with contacts, a membership, an activity, a channel, an edit, and a viewer's visit."""
    editor = login("editor")
    person = make_person(full_name=NAME, by=editor, city="Osaka", consent_status="given", consent_source="email",
                         consent_legal_basis="consent", processing_purpose="Kết nối chuyên gia",
                         contacts=[{"kind": "email", "value": "chau.dinh@example.jp"},
                                   {"kind": "phone", "value": "+81 80 1111 2222"}])
    service.add_membership(person, {"organisation_id": make_organisation().id, "role": "Hội viên"}, by=editor)
    service.update_person(person, {"city": "Kyoto"}, by=editor, expected_version=person.version)
    make_activity("Gặp mặt Tết 2026", people=[person], by=editor)
    make_channel("Cửa hàng Châu Việt", person=person, by=editor)
    login("viewer")
    assert client.get(f"/people/{person.id}").status_code == 200
    return person


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def _table(rows: list[tuple]) -> list[dict]:
    """The rows under a sheet's header (the row after the title lines and a blank line)."""
    header = rows[3]
    return [dict(zip(header, row)) for row in rows[4:]]


def test_admin_downloads_the_workbook_with_every_part(client, login, person):
    admin = login("admin")
    with client.get(f"/people/{person.id}/data.xlsx") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].endswith(f"du-lieu-ca-nhan-{person.id}.xlsx")
        sheets = _sheets(response.data)
    assert list(sheets) == ["Thông tin cá nhân", "Liên hệ", "Tổ chức, hội đoàn", "Hoạt động đã tham gia",
                            "Kênh phân phối phụ trách", "Thư, thiệp đã gửi", "Lịch sử thay đổi", "Lượt xem, xuất dữ liệu"]
    assert sheets["Thông tin cá nhân"][0][0].startswith(f"Dữ liệu cá nhân của hồ sơ #{person.id}")
    fields = {row["Thông tin"]: row["Giá trị"] for row in _table(sheets["Thông tin cá nhân"])}
    assert fields["Họ và tên"] == NAME and fields["Thành phố"] == "Kyoto" and fields["Mã hồ sơ (ID)"] == person.id
    assert fields["Cách thức ghi nhận sự đồng ý"] == "Thư điện tử"
    assert fields["Mục đích xử lý dữ liệu"] == "Kết nối chuyên gia"
    contacts = _table(sheets["Liên hệ"])
    assert [(row["Loại"], row["Giá trị"]) for row in contacts] == [("Email", "chau.dinh@example.jp"),
                                                                    ("Điện thoại", "+81 80 1111 2222")]
    assert _table(sheets["Tổ chức, hội đoàn"])[0]["Vai trò"] == "Hội viên"
    assert _table(sheets["Hoạt động đã tham gia"])[0]["Hoạt động"] == "Gặp mặt Tết 2026"
    assert _table(sheets["Kênh phân phối phụ trách"])[0]["Tên kênh"] == "Cửa hàng Châu Việt"
    history = _table(sheets["Lịch sử thay đổi"])
    assert [row["Thao tác"] for row in history] == ["Tạo mới", "Sửa", "Sửa"]
    assert "Thành phố: Osaka → Kyoto" in history[-1]["Thay đổi"] and history[0]["Người thực hiện"] == "Cán bộ editor"
    reads = _table(sheets["Lượt xem, xuất dữ liệu"])
    assert ("Cán bộ viewer", "Xem hồ sơ") in [(row["Người thực hiện"], row["Thao tác"]) for row in reads]

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.entity_type, event.entity_id, event.user_id) == ("people", person.id, admin.id)
    assert event.changes["subject_access"] is True and event.changes["parts"]["contacts"] == 2
    assert db.session.scalar(select(audit_event_people.c.person_id)
                             .where(audit_event_people.c.event_id == event.id)) == person.id


def test_admin_downloads_the_json(client, login, person):
    login("admin")
    with client.get(f"/people/{person.id}/data.json") as response:
        assert response.status_code == 200 and response.mimetype == "application/json"
        document = json.loads(response.data)
    assert document["person_id"] == person.id
    fields = {row["key"]: row["value"] for row in document["person"]}
    assert fields["full_name"] == NAME and fields["consent_legal_basis"] == "Sự đồng ý của chủ thể dữ liệu"
    assert fields["created_at"].startswith("20")  # ISO dates and times
    assert [row["value"] for row in document["contacts"]] == ["chau.dinh@example.jp", "+81 80 1111 2222"]
    assert document["memberships"][0]["organisation"] == "Hội người Việt Nam tại Nhật Bản"
    assert document["activities"][0]["date"] == "2025-01-20"
    assert document["channels"][0]["name"] == "Cửa hàng Châu Việt"
    assert {"history", "reads"} <= set(document)


def test_the_person_page_offers_it_to_admins_only(client, login, person):
    login("admin")
    page = client.get(f"/people/{person.id}").text
    assert f"/people/{person.id}/data.xlsx" in page and f"/people/{person.id}/erase" in page


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_others_may_not_download_it(client, login, person, role, fmt):
    login(role, email=f"other-{role}@example.org")
    assert client.get(f"/people/{person.id}/data.{fmt}").status_code == 403
    assert f"/people/{person.id}/data.xlsx" not in client.get(f"/people/{person.id}").text


def test_command_line_export_in_both_formats(runner, person, tmp_path):
    result = runner.invoke(args=["person", "export", str(person.id), str(tmp_path / "chau.xlsx")])
    assert result.exit_code == 0, result.output
    assert "contacts: 2" in result.output
    assert _table(_sheets((tmp_path / "chau.xlsx").read_bytes())["Liên hệ"])[0]["Giá trị"] == "chau.dinh@example.jp"
    result = runner.invoke(args=["person", "export", str(person.id), str(tmp_path / "chau.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "chau.json").read_text())["person_id"] == person.id
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [(event.user_id, event.changes["format"]) for event in events] == [(None, "xlsx"), (None, "json")]


def test_command_line_refuses_bad_arguments(runner, person, tmp_path):
    assert runner.invoke(args=["person", "export", str(person.id), str(tmp_path / "x.pdf")]).exit_code == 2
    assert runner.invoke(args=["person", "export", "424242", str(tmp_path / "x.json")]).exit_code == 2
    assert runner.invoke(args=["person", "export", "0", str(tmp_path / "x.json")]).exit_code == 2
    assert not (tmp_path / "x.json").exists()
