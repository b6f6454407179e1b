"""The audit log page (admins only), its filters, and the history partial other pages include."""
from datetime import UTC, datetime

import pytest
from flask import render_template_string, url_for

from diaspora.audit import service
from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from tests.conftest import make_user


def add_event(action="update", at=None, user=None, entity_type="people", entity_id=5, summary=None, changes=None):
    event = AuditEvent(action=action, at=at or datetime(2025, 6, 1, 3, 0, tzinfo=UTC),
                       user_id=getattr(user, "id", None), entity_type=entity_type, entity_id=entity_id,
                       summary=summary, changes=changes)
    db.session.add(event)
    db.session.commit()
    return event


def ensure_endpoint(app, endpoint, rule):
    if endpoint not in app.view_functions:
        app.add_url_rule(rule, endpoint, lambda **kwargs: "")


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_see_the_audit_log(client, login, role):
    login(role)
    assert client.get("/audit/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    make_user("admin")
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_log_lists_time_user_action_record_and_summary(app, client, login):
    ensure_endpoint(app, "people.show", "/people/<int:person_id>")
    ensure_endpoint(app, "organisations.show", "/organisations/<int:organisation_id>")
    admin = login("admin")
    add_event("update", datetime(2025, 6, 1, 20, 30, tzinfo=UTC), admin, "people", 5, "Sửa hồ sơ",
              {"full_name": {"before": "Nguyen Van A", "after": "Nguyễn Văn A"}})
    add_event("delete", None, admin, "organisations", 7)
    add_event("create", None, None, "contacts", 9)

    page = client.get("/audit/").get_data(as_text=True)

    assert "02/06/2025 03:30" in page  # 20:30 UTC is the next morning in Hải Phòng
    assert admin.name in page and "Hệ thống" in page
    assert "Sửa" in page and "Xóa" in page and "Tạo mới" in page
    with app.test_request_context():
        assert f'href="{url_for("people.show", person_id=5)}"' in page
        assert f'href="{url_for("organisations.show", organisation_id=7)}"' in page
    assert "Liên hệ" in page and "#9" in page and 'href="#9"' not in page
    assert "Sửa hồ sơ" in page
    assert "Họ và tên" in page and "Nguyen Van A" in page and "Nguyễn Văn A" in page


def test_log_filters_by_user_action_record_type_and_dates(client, login):
    admin = login("admin")
    editor = make_user("editor")
    add_event("update", datetime(2025, 5, 31, 16, 59, tzinfo=UTC), editor, summary="SK-truoc")  # 31/05 23:59 local
    add_event("update", datetime(2025, 5, 31, 17, 0, tzinfo=UTC), editor, summary="SK-dau")  # 01/06 00:00 local
    add_event("update", datetime(2025, 6, 2, 16, 59, tzinfo=UTC), editor, summary="SK-cuoi")  # 02/06 23:59 local
    add_event("update", datetime(2025, 6, 2, 17, 0, tzinfo=UTC), editor, summary="SK-sau")
    add_event("delete", datetime(2025, 6, 1, 5, 0, tzinfo=UTC), editor, summary="SK-xoa")
    add_event("update", datetime(2025, 6, 1, 5, 0, tzinfo=UTC), admin, "organisations", 3, summary="SK-tochuc")

    def shown(**args):
        page = client.get("/audit/", query_string=args).get_data(as_text=True)
        return {word for word in ("SK-truoc", "SK-dau", "SK-cuoi", "SK-sau", "SK-xoa", "SK-tochuc") if word in page}

    assert shown(date_from="01/06/2025", date_to="02/06/2025") == {"SK-dau", "SK-cuoi", "SK-xoa", "SK-tochuc"}
    assert shown(user=str(admin.id)) == {"SK-tochuc"}
    assert shown(action="delete") == {"SK-xoa"}
    assert shown(entity_type="organisations") == {"SK-tochuc"}
    assert shown(user=str(editor.id), action="update", date_from="1/6/2025") == {"SK-dau", "SK-cuoi", "SK-sau"}


def test_bad_date_is_reported_and_ignored(client, login):
    login("admin")
    add_event(summary="vẫn hiện")
    page = client.get("/audit/", query_string={"date_from": "31/02/2025"}).get_data(as_text=True)
    assert "Ngày phải có dạng dd/mm/yyyy." in page
    assert "vẫn hiện" in page


def test_log_is_paginated_newest_first(client, login, monkeypatch):
    monkeypatch.setattr(service, "EVENTS_PER_PAGE", 2)
    login("admin")
    for number in range(5):
        add_event(summary=f"sự kiện số {number}")

    first = client.get("/audit/?action=update").get_data(as_text=True)
    last = client.get("/audit/?action=update&page=3").get_data(as_text=True)

    assert "sự kiện số 4" in first and "sự kiện số 3" in first and "sự kiện số 2" not in first
    assert "sự kiện số 0" in last and "sự kiện số 1" not in last
    assert "action=update" in first and "page=2" in first
    assert client.get("/audit/?page=99").status_code == 200


def test_history_partial_shows_each_change_before_and_after(app, login):
    admin = login("admin")
    add_event("update", user=admin, summary="Cập nhật", changes={
        "full_name": {"before": "Nguyen Van A", "after": "Nguyễn Văn A"},
        "birth_date": {"before": None, "after": "1980-07-15"},
        "is_demo": {"before": True, "after": False},
        "fields": {"before": ["Y tế"], "after": ["Y tế", "Giáo dục"]},
        "custom_key": {"before": "x", "after": "y"},
    })
    events = service.history("people", 5)

    with app.test_request_context():
        html = render_template_string('{% include "audit/_history.html" %}', events=events)

    assert "Cập nhật" in html and admin.name in html
    assert "Họ và tên" in html and "Nguyen Van A" in html and "Nguyễn Văn A" in html
    assert "Ngày sinh" in html and "15/07/1980" in html and "—" in html
    assert "Dữ liệu mẫu" in html and "Có" in html and "Không" in html
    assert "Y tế, Giáo dục" in html
    assert "custom_key" in html
    assert "→" in html


def test_history_partial_with_no_events(app):
    with app.test_request_context():
        html = render_template_string('{% include "audit/_history.html" %}', events=[])
    assert "Chưa có thay đổi nào được ghi lại." in html


def test_features_can_add_field_labels(app, monkeypatch):
    monkeypatch.setitem(service.FIELD_LABELS, "ocop_rating", "Hạng OCOP")
    assert service.field_label("ocop_rating") == "Hạng OCOP"
    assert service.field_label("unknown_field") == "unknown_field"


@pytest.mark.parametrize("value, shown", [
    (None, "—"), ("", "—"), ([], "—"), (True, "Có"), (False, "Không"), (3, "3"),
    ("2025-01-31", "31/01/2025"), ("2025-01-31T17:30:00+00:00", "01/02/2025 00:30"),
    (["a", "b"], "a, b"), ("2025-13-45", "2025-13-45"), ("văn bản", "văn bản"),
])
def test_display_value(app, value, shown):
    with app.test_request_context():
        assert service.display_value(value) == shown


def test_display_value_labels_coded_values_of_a_field(app, monkeypatch):
    monkeypatch.setitem(service.VALUE_LABELS, "status", {"deceased": "Đã mất"})
    with app.test_request_context():
        assert service.display_value("admin", "role") == "Quản trị viên"
        assert service.display_value("deceased", "status") == "Đã mất"
        assert service.display_value(["deceased", "active"], "status") == "Đã mất, active"
        assert service.display_value("admin", "notes") == "admin"


def test_record_and_diff_store_only_changed_fields_in_the_same_transaction(app):
    user = make_user("editor")
    before = {"full_name": "A", "birth_year": 1980, "tags": ["x"]}
    after = {"full_name": "A", "birth_year": 1981, "tags": ["x", "y"]}
    service.record("update", user=user, entity_type="people", entity_id=1, changes=service.diff(before, after))
    db.session.rollback()
    assert service.history("people", 1) == []

    service.record("update", user=user, entity_type="people", entity_id=1, changes=service.diff(before, after))
    db.session.commit()
    [event] = service.history("people", 1)
    assert event.changes == {"birth_year": {"before": 1980, "after": 1981},
                             "tags": {"before": ["x"], "after": ["x", "y"]}}
