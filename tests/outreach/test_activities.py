"""Activities: forms with dd/mm/yyyy dates and participants, filters, locking, follow-ups, timelines."""
import re
from datetime import date, timedelta

import pytest
from flask import render_template

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.outreach import activities as activity_service
from diaspora.outreach import common
from diaspora.outreach.models import Activity, ActivityParticipant
from tests.conftest import make_user
from tests.outreach.factories import fresh, make_activity, make_organisation, make_person


def _form(**values) -> dict:
    return {"activity_type": "meeting", "title": "Làm việc với Hội kiều bào", "start_date": "20/01/2025",
            "country": "JP", **values}


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_every_role_sees_activities(client, login, seeded, role):
    activity = make_activity(outcome="Thống nhất tổ chức Tết cộng đồng")
    login(role)
    page = client.get("/outreach/activities/").get_data(as_text=True)
    assert "Gặp mặt kiều bào tại Tokyo" in page and "20/01/2025" in page
    assert ("Ghi hoạt động" in page) == (role != "viewer")
    page = client.get(f"/outreach/activities/{activity.id}").get_data(as_text=True)
    assert "Thống nhất tổ chức Tết cộng đồng" in page and "Gặp gỡ, làm việc" in page


def test_viewer_cannot_log_or_change_activities(client, login, seeded):
    activity = make_activity(follow_up=date.today())
    login("viewer")
    assert client.get("/outreach/activities/new").status_code == 403
    assert client.post("/outreach/activities/new", data=_form()).status_code == 403
    assert client.post(f"/outreach/activities/{activity.id}/edit", data=_form(version="1")).status_code == 403
    assert client.post(f"/outreach/activities/{activity.id}/follow-up-done").status_code == 403
    assert client.post(f"/outreach/activities/{activity.id}/delete").status_code == 403
    stored = fresh(Activity, activity.id)
    assert (stored.version, stored.follow_up_done, stored.is_deleted) == (1, False, False)


def test_editor_logs_an_activity_with_participants(client, login, seeded):
    editor = login("editor")
    person, association = make_person(), make_organisation()
    page = client.get(f"/outreach/activities/new?person={person.id}").get_data(as_text=True)
    assert 'name="participants-0-ref_id" type="hidden" value="%d"' % person.id in page
    response = client.post("/outreach/activities/new", data=_form(
        activity_type="contribution", end_date="21/01/2025", follow_up_date="15/02/2025", amount="10.000",
        currency="USD", city="Tokyo", place="Đại sứ quán",
        **{"participants-0-kind": "person", "participants-0-ref_id": str(person.id),
           "participants-0-display_name": person.full_name, "participants-0-role": "Trưởng đoàn",
           "participants-3-kind": "organisation", "participants-3-ref_id": str(association.id),
           "participants-3-display_name": association.name}))
    assert response.status_code == 302
    activity = db.session.scalar(db.select(Activity))
    assert (activity.start_date, activity.end_date, activity.follow_up_date) == (
        date(2025, 1, 20), date(2025, 1, 21), date(2025, 2, 15))
    assert (activity.amount, activity.currency, activity.created_by_id) == (10000, "USD", editor.id)
    assert {(p.name, p.role) for p in activity.participants} == {
        ("Nguyễn Văn Hùng", "Trưởng đoàn"), ("Hội người Việt Nam tại Nhật Bản", None)}
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "activities"))
    assert event.changes["participants"]["after"] == [
        "Hội người Việt Nam tại Nhật Bản", "Nguyễn Văn Hùng (Trưởng đoàn)"]
    assert event.changes["activity_type"]["after"] == "Đóng góp, ủng hộ"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "10.000 USD" in page and "Trưởng đoàn" in page and "21/01/2025" in page


@pytest.mark.parametrize(("values", "message"), [
    ({"start_date": "2025-01-20"}, "Ngày phải viết theo dạng dd/mm/yyyy, ví dụ 20/11/2025."),
    ({"start_date": "20/1/25"}, "Ngày phải viết theo dạng dd/mm/yyyy, ví dụ 20/11/2025."),
    ({"start_date": "31/02/2025"}, "Ngày 31/02/2025 không tồn tại."),
    ({"start_date": ""}, "Vui lòng nhập ngày diễn ra."),
    ({"end_date": "19/01/2025"}, "Ngày kết thúc không được trước ngày bắt đầu."),
    ({"follow_up_date": "15.02.2025"}, "Ngày phải viết theo dạng dd/mm/yyyy, ví dụ 20/11/2025."),
    ({"amount": "10,5"}, "Số tiền phải là số nguyên không âm, ví dụ 10.000."),
    ({"amount": "5000"}, "Vui lòng chọn đơn vị tiền cho số tiền."),
    ({"title": ""}, "Vui lòng nhập tiêu đề."),
    ({"participants-0-kind": "person", "participants-0-ref_id": "999"},
     "Người hoặc tổ chức tham gia không tồn tại hoặc đã bị xoá."),
])
def test_invalid_activity_forms_are_refused_with_a_message(client, login, seeded, values, message):
    login("editor")
    response = client.post("/outreach/activities/new", data=_form(**values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Activity)) == 0


def test_a_deleted_person_cannot_be_added(client, login, seeded):
    gone = make_person("Trần Thị Mai", deleted=True)
    login("editor")
    response = client.post("/outreach/activities/new", data=_form(
        **{"participants-0-kind": "person", "participants-0-ref_id": str(gone.id)}))
    assert response.status_code == 422


def test_editing_changes_participants_and_keeps_the_form_dates(client, login, seeded):
    first, second = make_person(), make_person("Lê Minh Tuấn", "KR")
    activity = make_activity(people=[first])
    login("editor")
    page = client.get(f"/outreach/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="20/01/2025"' in page
    assert '<span class="participant-name">Nguyễn Văn Hùng</span>' in page
    response = client.post(f"/outreach/activities/{activity.id}/edit", data=_form(
        title="Gặp mặt kiều bào tại Tokyo", version=_version(page), outcome="Đã ký biên bản",
        **{"participants-0-kind": "person", "participants-0-ref_id": str(second.id)}))
    assert response.status_code == 302
    stored = fresh(Activity, activity.id)
    assert [p.person_id for p in stored.participants] == [second.id]
    assert (stored.outcome, stored.version) == ("Đã ký biên bản", 2)


def test_a_stale_activity_edit_is_refused_and_shows_what_changed(client, login, seeded):
    activity = make_activity()
    login("editor")
    stale = _version(client.get(f"/outreach/activities/{activity.id}/edit").get_data(as_text=True))
    other = make_user("editor", "other@example.org")
    activity_service.update_activity(activity, {**_form(title=activity.title), "start_date": date(2025, 1, 22)},
                                     by=other, expected_version=activity.version)
    response = client.post(f"/outreach/activities/{activity.id}/edit",
                           data=_form(title="Tiêu đề của tôi", version=stale))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "22/01/2025" in page and "20/01/2025" in page and "Cán bộ editor" in page
    stored = fresh(Activity, activity.id)
    assert (stored.title, stored.start_date) == ("Gặp mặt kiều bào tại Tokyo", date(2025, 1, 22))


@pytest.fixture
def logbook(seeded):
    """Activities over two years, in two countries, with people and an organisation."""
    hung, mai = make_person(), make_person("Trần Thị Mai", "DE")
    association = make_organisation()
    make_activity("Gặp mặt Tết Ất Tỵ", date(2025, 1, 25), activity_type="tet", people=[hung],
                  organisations=[association])
    make_activity("Đoàn lãnh đạo thành phố thăm Berlin", date(2024, 9, 3), activity_type="leader_visit",
                  country="DE", people=[mai])
    make_activity("Trao học bổng", date(2024, 5, 1), activity_type="contribution", country=None)
    return hung, mai, association


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"Gặp mặt Tết Ất Tỵ", "Đoàn lãnh đạo thành phố thăm Berlin", "Trao học bổng"}),
    ("type=tet", {"Gặp mặt Tết Ất Tỵ"}),
    ("year=2024", {"Đoàn lãnh đạo thành phố thăm Berlin", "Trao học bổng"}),
    ("country=DE", {"Đoàn lãnh đạo thành phố thăm Berlin"}),
    ("participant=tran+thi", {"Đoàn lãnh đạo thành phố thăm Berlin"}),
    ("participant=hoi+nguoi+viet", {"Gặp mặt Tết Ất Tỵ"}),
    ("q=hoc+bong", {"Trao học bổng"}),
])
def test_activity_filters(client, login, logbook, query, expected):
    login("viewer")
    page = client.get(f"/outreach/activities/?{query}").get_data(as_text=True)
    titles = {"Gặp mặt Tết Ất Tỵ", "Đoàn lãnh đạo thành phố thăm Berlin", "Trao học bổng"}
    assert {title for title in titles if title in page} == expected
    assert f"Tìm thấy {len(expected)} hoạt động." in page


def test_activity_list_filters_by_person_and_lists_newest_first(client, login, logbook):
    hung, _mai, association = logbook
    login("viewer")
    page = client.get(f"/outreach/activities/?person={hung.id}").get_data(as_text=True)
    assert "Tìm thấy 1 hoạt động." in page
    page = client.get("/outreach/activities/").get_data(as_text=True)
    assert page.index("Gặp mặt Tết Ất Tỵ") < page.index("Đoàn lãnh đạo thành phố") < page.index("Trao học bổng")
    assert activity_service.activity_years() == [2025, 2024]


def test_timelines_for_a_person_and_an_organisation(logbook, app):
    hung, mai, association = logbook
    later = make_activity("Hội thảo y tế", date(2025, 6, 1), activity_type="cooperation", people=[hung],
                          outcome="Ký thoả thuận hợp tác")
    gone = make_activity("Đã huỷ", date(2025, 7, 1), people=[hung])
    activity_service.delete_activity(gone)
    timeline = activity_service.activities_for_person(hung.id)
    assert [a.title for a in timeline] == ["Hội thảo y tế", "Gặp mặt Tết Ất Tỵ"]
    assert [a.title for a in activity_service.activities_for_organisation(association.id)] == ["Gặp mặt Tết Ất Tỵ"]
    with app.test_request_context():
        html = render_template("outreach/_timeline.html", activities=timeline)
        empty = render_template("outreach/_timeline.html", activities=[])
    assert f"/outreach/activities/{later.id}" in html and "01/06/2025" in html
    assert "Ký thoả thuận hợp tác" in html and "Hợp tác (y tế, giáo dục, văn hóa, KH-CN)" in html
    assert "Chưa có hoạt động nào." in empty


def test_follow_ups_due_within_fourteen_days_oldest_first(seeded):
    today = date(2025, 3, 1)
    overdue = make_activity("Quá hạn", follow_up=today - timedelta(days=5))
    soon = make_activity("Sắp đến hạn", follow_up=today + timedelta(days=14))
    make_activity("Còn xa", follow_up=today + timedelta(days=15))
    make_activity("Đã xong", follow_up=today, done=True)
    make_activity("Không cần theo dõi")
    activity_service.delete_activity(make_activity("Đã xoá", follow_up=today))
    assert activity_service.follow_ups_due(today) == [overdue, soon]


def test_follow_ups_page_and_marking_one_done(client, login, seeded):
    today = common.today()
    overdue = make_activity("Gửi thư cảm ơn", follow_up=today - timedelta(days=3))
    make_activity("Chuẩn bị đón đoàn", follow_up=today + timedelta(days=2))
    login("editor")
    page = client.get("/outreach/follow-ups").get_data(as_text=True)
    assert page.index("Gửi thư cảm ơn") < page.index("Chuẩn bị đón đoàn")
    assert "quá hạn 3 ngày" in page and "còn 2 ngày" in page
    response = client.post(f"/outreach/activities/{overdue.id}/follow-up-done", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã đánh dấu hoàn thành việc theo dõi “Gửi thư cảm ơn”." in page
    assert "Chuẩn bị đón đoàn" in page and page.count("Gửi thư cảm ơn") == 1
    stored = fresh(Activity, overdue.id)
    assert (stored.follow_up_done, stored.version) == (True, 2)
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.changes == {"follow_up_done": {"before": False, "after": True}}


def test_viewer_sees_follow_ups_without_the_button(client, login, seeded):
    make_activity("Gửi thư cảm ơn", follow_up=common.today())
    login("viewer")
    page = client.get("/outreach/follow-ups").get_data(as_text=True)
    assert "Gửi thư cảm ơn" in page and "hôm nay" in page and "Đã xong" not in page


def test_only_admins_delete_and_restore_activities(client, login, seeded):
    activity = make_activity()
    login("admin")
    client.post(f"/outreach/activities/{activity.id}/delete")
    assert fresh(Activity, activity.id).is_deleted
    page = client.get("/outreach/activities/?deleted=1").get_data(as_text=True)
    assert "Gặp mặt kiều bào tại Tokyo" in page
    client.post(f"/outreach/activities/{activity.id}/restore")
    assert not fresh(Activity, activity.id).is_deleted
    assert db.session.scalar(db.select(db.func.count()).select_from(ActivityParticipant)) == 0


def test_editors_cannot_delete_activities(client, login, seeded):
    activity = make_activity()
    login("editor")
    assert client.post(f"/outreach/activities/{activity.id}/delete").status_code == 403
    assert client.get("/outreach/activities/?deleted=1").status_code == 403
    assert not fresh(Activity, activity.id).is_deleted
