"""Restricting processing: admins restrict a person (with a reason) and lift it; the person stays in the register
but no export shows them, ever, nor the expert finder; each step is audited."""
import io

import openpyxl
import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.people import privacy
from diaspora.people.models import Person
from tests.exports.helpers import _field_ids_for_tests
from tests.people.factories import make_person


@pytest.fixture
def person(seeded):
    make_person(full_name="Đỗ Văn Khác", fields=_field_ids_for_tests("health"))
    return make_person(full_name="Ngô Thị Hạn", consent_status="given", fields=_field_ids_for_tests("health"))


def _fresh(person_id) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def _exported_names(client, url: str) -> str:
    with client.get(url) as response:
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
        return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)


def test_admin_restricts_and_lifts_with_a_reason(client, login, person):
    admin = login("admin")
    response = client.post(f"/people/{person.id}/restrict", data={"reason": "Thư yêu cầu ngày 05/01/2026"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/people/{person.id}#privacy")
    restricted = _fresh(person.id)
    assert restricted.restricted_at is not None and restricted.restriction_reason == "Thư yêu cầu ngày 05/01/2026"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "restrict"))
    assert (event.user_id, event.entity_id, event.summary) == (admin.id, person.id, "Thư yêu cầu ngày 05/01/2026")
    assert event.changes["restriction_reason"] == {"before": None, "after": "Thư yêu cầu ngày 05/01/2026"}
    page = client.get(f"/people/{person.id}").text
    assert "Hồ sơ đang bị hạn chế xử lý" in page and "Bỏ hạn chế" in page and "Hạn chế xử lý dữ liệu" in page

    assert client.post(f"/people/{person.id}/unrestrict", data={"reason": "Người này đồng ý lại"}).status_code == 302
    assert _fresh(person.id).restricted_at is None and _fresh(person.id).restriction_reason is None
    lifted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unrestrict"))
    assert lifted.summary == "Người này đồng ý lại"


def test_a_restriction_needs_a_reason(client, login, person):
    login("admin")
    response = client.post(f"/people/{person.id}/restrict", data={"reason": "  "}, follow_redirects=True)
    assert response.status_code == 200 and "Chưa hạn chế xử lý" in response.text
    assert _fresh(person.id).restricted_at is None
    with pytest.raises(privacy.ReasonMissing):
        privacy.restrict_processing(_fresh(person.id), "")


def test_restricted_people_are_never_exported(app, client, login, person, runner, tmp_path):
    privacy.restrict_processing(person, "Yêu cầu", by=None)
    login("admin")
    assert "Ngô Thị Hạn" in client.get("/people/").text  # the record stays in the register
    for url in ("/exports/people.xlsx", "/exports/people.xlsx?consent=all"):
        names = _exported_names(client, url)
        assert "Đỗ Văn Khác" in names and "Ngô Thị Hạn" not in names
        assert "1 người bị hạn chế xử lý" in names
    result = runner.invoke(args=["export-people", str(tmp_path / "a.xlsx"), "--include-refused"])
    assert result.stdout == "1\n" and "Không gồm 1 người bị hạn chế xử lý." in result.stderr
    app.config["EXPORT_BACKGROUND_ROWS"] = 0
    response = client.get("/exports/people.csv?consent=all")
    page = client.get(response.headers["Location"]).text
    assert "Đã ghi 1 dòng." in page and "Không gồm 1 người bị hạn chế xử lý." in page


def test_restricted_people_are_left_out_of_the_expert_finder_and_attendance_lists(client, login, person):
    from tests.outreach.factories import make_activity

    other = db.session.scalar(select(Person).where(Person.full_name == "Đỗ Văn Khác"))
    activity = make_activity(people=[person, other])
    privacy.restrict_processing(_fresh(person.id), "Yêu cầu")
    login("editor")
    page = client.get("/outreach/experts?field=health").text
    assert "Đỗ Văn Khác" in page and "Ngô Thị Hạn" not in page and "Không hiện 1 người" in page
    names = _exported_names(client, f"/exports/activities/{activity.id}/participants.xlsx")
    assert "Đỗ Văn Khác" in names and "Ngô Thị Hạn" not in names


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_restrict(client, login, person, role):
    login(role)
    assert client.post(f"/people/{person.id}/restrict", data={"reason": "x"}).status_code == 403
    assert client.post(f"/people/{person.id}/unrestrict", data={"reason": "x"}).status_code == 403
    assert _fresh(person.id).restricted_at is None
    assert 'id="privacy"' not in client.get(f"/people/{person.id}").text
