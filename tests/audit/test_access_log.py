"""The access log: every read of personal data is one event naming its user, filters, count and people; a
person's page shows admins who read the record; the audit log filters by person; bulk browsing stops at a
ceiling per user and hour and the admins' dashboard says so."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from diaspora.audit.access import record_access
from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.exports.models import ExportFile
from diaspora.extensions import db
from diaspora.people import service as people_service
from diaspora.records import utcnow
from tests.conftest import make_user
from tests.outreach.factories import make_activity
from tests.people.factories import make_person

READS = ("view", "view_form", "list", "export", "download", "browse_limit")


def reads() -> list[AuditEvent]:
    """The access events written so far, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(READS)).order_by(AuditEvent.id)))


def linked(event: AuditEvent) -> set[int]:
    return set(db.session.scalars(select(audit_event_people.c.person_id)
                                  .where(audit_event_people.c.event_id == event.id)))


def rows(panel: str) -> int:
    """The number of reads a person's access panel lists."""
    return panel.count('<td class="ps-3 text-nowrap">')


def fetch(client, url):
    """GET a page or file, its body read and the response closed."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def register(seeded):
    """Three people in Japan and one in Germany."""
    return {
        "an": make_person(full_name="Nguyễn Văn An"),
        "binh": make_person(full_name="Trần Thị Bình"),
        "cuong": make_person(full_name="Lê Văn Cường"),
        "dung": make_person(full_name="Phạm Văn Dũng", country_code="DE"),
    }


# --- each read writes exactly one event ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_a_list_page_is_one_event_with_its_filters_count_and_the_people_shown(client, login, register, role):
    user = login(role)
    assert fetch(client, "/people/?country=JP&per_page=2&page=2&sort=-name").status_code == 200
    [event] = reads()
    assert (event.user_id, event.action, event.entity_type) == (user.id, "list", "people")
    assert event.changes == {"filter": {"country": "JP", "sort": "-name", "per_page": 2, "page": 2}}
    # By name descending (given name first, Vietnamese order), two a page: Cường, Bình | An.
    assert event.people_count == 1 and linked(event) == {register["an"].id}
    assert event.summary == "Danh sách kiều bào"


def test_an_empty_list_is_on_record_too(client, login, register):
    login("viewer")
    fetch(client, "/people/?q=khongcoai")
    [event] = reads()
    assert event.people_count == 0 and linked(event) == set()
    assert event.changes == {"filter": {"q": "khongcoai", "page": 1}}


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_a_person_page_is_one_view_event(client, login, register, role):
    user = login(role)
    person = register["binh"]
    assert fetch(client, f"/people/{person.id}").status_code == 200
    [event] = reads()
    assert (event.user_id, event.action, event.entity_type, event.entity_id) == (user.id, "view", "people", person.id)
    assert event.people_count == 1 and linked(event) == {person.id}


def test_the_edit_form_is_a_read_and_saving_it_is_not(client, login, register):
    user = login("editor")
    person = register["an"]
    assert fetch(client, f"/people/{person.id}/edit").status_code == 200
    [event] = reads()
    assert (event.user_id, event.action, event.entity_id) == (user.id, "view_form", person.id)
    assert linked(event) == {person.id}
    response = client.post(f"/people/{person.id}/edit", data={
        "full_name": "Nguyễn Văn An", "country_code": "JP", "person_type": "overseas_vietnamese",
        "consent_status": "unknown", "status": "active", "version": "1", "occupation": "Bác sĩ"})
    assert response.status_code == 302
    assert [event.action for event in reads()] == ["view_form"]


def test_a_missing_person_writes_nothing(client, login, register):
    login("viewer")
    assert fetch(client, "/people/999999").status_code == 404
    assert reads() == []


def test_the_expert_finder_is_a_list(client, login, register):
    user = login("viewer")
    assert fetch(client, "/outreach/experts?country=DE").status_code == 200
    [event] = reads()
    assert (event.user_id, event.action, event.summary) == (user.id, "list", "Tìm chuyên gia")
    assert event.changes == {"filter": {"country": "DE", "page": 1}}
    assert event.people_count == 1 and linked(event) == {register["dung"].id}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_is_one_event_naming_every_person_exported(client, login, register, fmt):
    user = login("editor")
    assert fetch(client, f"/exports/people.{fmt}?country=JP").status_code == 200
    [event] = reads()
    assert (event.user_id, event.action, event.entity_type) == (user.id, "export", "people")
    assert event.changes == {"filter": {"country": "JP"}, "rows": 3, "format": fmt}
    assert event.people_count == 3
    assert linked(event) == {register[key].id for key in ("an", "binh", "cuong")}


def test_an_export_from_the_command_line_names_its_people_and_no_user(runner, register, tmp_path):
    result = runner.invoke(args=["export-people", str(tmp_path / "de.xlsx"), "--country", "DE"])
    assert result.exit_code == 0, result.output
    [event] = reads()
    assert (event.user_id, event.action, event.people_count) == (None, "export", 1)
    assert linked(event) == {register["dung"].id}


def test_a_long_export_and_each_download_of_its_file_name_the_people(app, client, login, register):
    app.config["EXPORT_BACKGROUND_ROWS"] = 2
    editor = login("editor")
    assert fetch(client, "/exports/people.xlsx?country=JP").status_code == 302
    [export_event] = reads()
    export = db.session.scalar(select(ExportFile))
    assert (export.status, export.event_id) == ("done", export_event.id)
    everyone_in_japan = {register[key].id for key in ("an", "binh", "cuong")}
    assert export_event.user_id == editor.id and linked(export_event) == everyone_in_japan
    fetch(client, f"/exports/{export.id}")  # the page of the export shows no person
    assert len(reads()) == 1
    assert fetch(client, f"/exports/{export.id}/download").status_code == 200
    admin = login("admin")
    assert fetch(client, f"/exports/{export.id}/download").status_code == 200
    downloads = reads()[1:]
    assert [(event.action, event.user_id) for event in downloads] == [("download", editor.id), ("download", admin.id)]
    for event in downloads:
        assert (event.entity_type, event.entity_id, event.people_count) == ("export_files", export.id, 3)
        assert linked(event) == everyone_in_japan and export.download_name in event.summary


def test_an_attendance_list_export_names_its_participants(client, login, register):
    activity = make_activity(people=[register["an"], register["dung"]])
    user = login("editor")
    assert fetch(client, f"/exports/activities/{activity.id}/participants.xlsx").status_code == 200
    [event] = reads()
    assert (event.user_id, event.action, event.entity_type, event.entity_id) == (
        user.id, "export", "activities", activity.id)
    assert linked(event) == {register["an"].id, register["dung"].id} and event.people_count == 2


def test_a_channel_export_is_one_event_without_people(client, login, seeded):
    login("editor")
    assert fetch(client, "/exports/channels.xlsx").status_code == 200
    [event] = reads()
    assert (event.action, event.entity_type, event.people_count) == ("export", "distribution_channels", None)
    assert event.changes == {"filter": {}, "rows": 0, "format": "xlsx"}


def test_the_thousands_of_people_of_an_export_are_linked_once_each(app):
    ids = list(range(1, 6001))
    event_id = record_access("export", people_ids=ids + ids[:10], entity_type="people")
    event = db.session.get(AuditEvent, event_id)
    assert event.people_count == 6000
    assert db.session.scalar(select(func.count()).select_from(audit_event_people)) == 6000
    assert linked(event) == set(ids)


def test_reads_stay_out_of_a_records_history_of_changes(client, login, register):
    person = register["an"]
    login("viewer")
    fetch(client, f"/people/{person.id}")
    login("admin")
    page = fetch(client, f"/people/{person.id}").get_data(as_text=True)
    history = page.split('id="history"')[1].split('id="access"')[0]
    assert "Tạo mới" in history and "Xem hồ sơ" not in history


# --- who has seen a person ----------------------------------------------------------------------------------

def test_a_viewers_page_view_and_an_editors_export_appear_in_the_persons_access_history(client, login, register):
    person = register["binh"]
    viewer = login("viewer")
    fetch(client, f"/people/{person.id}")
    editor = login("editor")
    fetch(client, "/exports/people.xlsx?q=binh")
    fetch(client, "/people/?country=JP")
    fetch(client, f"/people/{register['dung'].id}")  # another person: not in this one's history
    login("admin")
    page = fetch(client, f"/people/{person.id}").get_data(as_text=True)
    panel = page.split('id="access"')[1]
    assert viewer.name in panel and editor.name in panel
    assert "Xem hồ sơ" in panel and "Xuất dữ liệu" in panel and "Xem danh sách" in panel
    assert '<code class="me-1">country=JP</code>' in panel and '<code class="me-1">q=binh</code>' in panel
    assert rows(panel) == 3  # view, export, list (the other person's view is not this one's)
    assert f'/audit/?person={person.id}' in panel


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_see_who_has_read_a_person(client, login, register, role):
    person = register["an"]
    login("viewer", email="first@example.org")
    fetch(client, f"/people/{person.id}")
    login(role)
    page = fetch(client, f"/people/{person.id}").get_data(as_text=True)
    assert 'id="access"' not in page and "Ai đã xem" not in page


def test_the_panel_shows_the_latest_reads_and_how_many_there_are(client, login, register):
    person = register["an"]
    viewer = make_user("viewer")
    for _ in range(25):
        record_access("view", people_ids=[person.id], entity_type="people", entity_id=person.id, user=viewer)
    login("admin")
    panel = fetch(client, f"/people/{person.id}").get_data(as_text=True).split('id="access"')[1]
    assert rows(panel) == 20 and "20 lần gần nhất trong 25 lần." in panel


# --- the audit log by person and by user --------------------------------------------------------------------

def test_the_audit_log_filters_by_person(client, login, register):
    person, other = register["an"], register["dung"]
    editor = login("editor")
    people_service.update_person(person, {"occupation": "Kỹ sư"}, by=editor)
    fetch(client, "/people/?country=JP")  # lists An
    fetch(client, f"/people/{other.id}")  # not An
    login("admin")
    page = fetch(client, f"/audit/?person={person.id}").get_data(as_text=True)
    assert "3 sự kiện" in page  # the creation, the change, the list
    assert "Kỹ sư" in page and "Xem danh sách" in page and "Tạo mới" in page
    assert f'href="/people/{person.id}"' in page
    page = fetch(client, f"/audit/?person={other.id}").get_data(as_text=True)
    assert "2 sự kiện" in page and "1 người" in page and "3 người" not in page


def test_the_audit_log_filters_by_user_and_by_a_read_action(client, login, register):
    viewer = login("viewer")
    fetch(client, "/people/")
    fetch(client, f"/people/{register['an'].id}")
    admin = login("admin")
    page = fetch(client, f"/audit/?user={viewer.id}").get_data(as_text=True)
    assert "2 sự kiện" in page and "Xem hồ sơ" in page and "Xem danh sách" in page
    page = fetch(client, "/audit/?action=list").get_data(as_text=True)
    assert "1 sự kiện" in page and "4 người" in page
    assert '<option value="view_form">Mở biểu mẫu sửa</option>' in page
    assert "0 sự kiện" in fetch(client, f"/audit/?user={admin.id}&action=view").get_data(as_text=True)


@pytest.mark.parametrize("value", ["abc", "-3", "0", "99999999999999999999"])
def test_a_malformed_person_filter_is_refused_with_a_message(client, login, register, value):
    login("admin")
    response = fetch(client, f"/audit/?person={value}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Mã hồ sơ phải là một số nguyên dương." in page
    assert "4 sự kiện" in page  # the filter is left out: every event is listed (the four creations)


# --- the ceiling on bulk browsing ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_the_ceiling_stops_a_user_with_429_and_alerts_the_admins(app, client, login, register, role):
    app.config["BROWSE_MAX_PEOPLE_PER_HOUR"] = 5
    user = login(role)
    assert fetch(client, "/people/?country=JP").status_code == 200  # 3 people shown
    assert fetch(client, "/people/?country=JP").status_code == 200  # 6: the ceiling is reached
    stopped = fetch(client, "/people/?country=JP")
    assert stopped.status_code == 429
    page = stopped.get_data(as_text=True)
    assert "Bạn đã xem quá nhiều hồ sơ trong một giờ" in page and "đạt ngưỡng 5 hồ sơ mỗi giờ" in page
    assert "Bạn có thể tiếp tục từ" in page
    # Free again an hour after the first list, whose three people then leave the count.
    assert 3000 < int(stopped.headers["Retry-After"]) <= 3600
    assert fetch(client, f"/people/{register['an'].id}").status_code == 429
    assert fetch(client, "/outreach/experts").status_code == 429
    assert fetch(client, f"/people/{register['an'].id}/edit").status_code == (429 if role == "admin" else 403)
    [limit] = [event for event in reads() if event.action == "browse_limit"]  # written once in the hour
    assert (limit.user_id, limit.people_count) == (user.id, 6)
    assert [event.action for event in reads()] == ["list", "list", "browse_limit"]
    if role != "admin":
        login("admin")
    dashboard = fetch(client, "/").get_data(as_text=True)
    assert 'id="browse-limits"' in dashboard and user.name in dashboard and "6 hồ sơ trong một giờ" in dashboard


def test_non_admins_see_no_alert_on_the_dashboard(app, client, login, register):
    viewer = make_user("viewer", email="many@example.org")
    record_access("browse_limit", count=6000, user=viewer)
    login("editor")
    assert 'id="browse-limits"' not in fetch(client, "/").get_data(as_text=True)
    login("admin")
    assert viewer.name in fetch(client, "/").get_data(as_text=True).split('id="browse-limits"')[1]


def test_reads_older_than_an_hour_and_old_alerts_no_longer_count(app, client, login, register):
    app.config["BROWSE_MAX_PEOPLE_PER_HOUR"] = 3
    login("viewer")
    fetch(client, "/people/?country=JP")
    assert fetch(client, "/people/").status_code == 429
    db.session.execute(update(AuditEvent).values(at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert fetch(client, "/people/").status_code == 200
    login("admin")
    assert 'id="browse-limits"' not in fetch(client, "/").get_data(as_text=True)


def test_no_ceiling_when_it_is_zero(app, client, login, register):
    app.config["BROWSE_MAX_PEOPLE_PER_HOUR"] = 0
    login("viewer")
    for _ in range(5):
        assert fetch(client, "/people/?per_page=500").status_code == 200
    assert [event.action for event in reads()] == ["list"] * 5


def test_exports_and_downloads_do_not_count_against_the_ceiling(app, client, login, register):
    app.config["BROWSE_MAX_PEOPLE_PER_HOUR"] = 4
    login("editor")
    fetch(client, "/exports/people.xlsx")
    assert fetch(client, "/people/?country=DE").status_code == 200


def test_deleting_an_event_deletes_its_links(app, register):
    event_id = record_access("view", people_ids=[register["an"].id], user=make_user("viewer"))
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == event_id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(audit_event_people)) == 0
