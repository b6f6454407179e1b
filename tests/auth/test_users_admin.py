"""User administration by admins: list, create, change role, (de)activate, reset password."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from diaspora.audit.models import AuditEvent
from diaspora.auth import service
from diaspora.auth.models import User
from diaspora.extensions import db
from tests.conftest import make_user

NEW = {"name": "Trần Thị Bình", "email": "binh@example.org", "role": "editor",
       "password": "mật khẩu ban đầu", "confirm": "mật khẩu ban đầu"}
USER_ADMIN_POSTS = [
    ("/users/new", NEW),
    ("/users/{id}/role", {"role": "admin"}),
    ("/users/{id}/deactivate", {}),
    ("/users/{id}/reactivate", {}),
    ("/users/{id}/password", {"password": "mật khẩu mới tinh", "confirm": "mật khẩu mới tinh"}),
]


def audit_events(user, action="update"):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "users", AuditEvent.entity_id == user.id, AuditEvent.action == action)
        .order_by(AuditEvent.id)
    ).all()


def test_list_shows_every_account_with_last_login(client, login):
    admin = login("admin")
    editor = make_user("editor")
    editor.last_login_at = datetime(2025, 3, 4, 1, 5, tzinfo=UTC)
    db.session.commit()

    page = client.get("/users").get_data(as_text=True)

    assert admin.email in page and editor.email in page
    assert "Cán bộ editor" in page
    assert "Biên tập viên" in page and "Quản trị viên" in page
    assert "04/03/2025 08:05" in page  # shown in Hải Phòng time (UTC+7)
    assert "Đang hoạt động" in page


def test_admin_creates_a_user_audited_without_the_password(client, login):
    admin = login("admin")
    response = client.post("/users/new", data={**NEW, "email": " Binh@Example.ORG "})

    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "binh@example.org"))
    assert (user.name, user.role, user.active) == ("Trần Thị Bình", "editor", True)
    assert check_password_hash(user.password_hash, "mật khẩu ban đầu")
    [event] = audit_events(user, "create")
    assert event.user_id == admin.id
    assert event.changes == {
        "active": {"before": None, "after": True},
        "email": {"before": None, "after": "binh@example.org"},
        "name": {"before": None, "after": "Trần Thị Bình"},
        "role": {"before": None, "after": "editor"},
    }
    assert "mật khẩu" not in str(event.changes) and "scrypt" not in str(event.changes)


@pytest.mark.parametrize("change, message", [
    ({"email": "editor@example.org"}, "Đã có tài khoản dùng email này."),
    ({"email": "binh@"}, "Địa chỉ email không hợp lệ."),
    ({"password": "ngắn quá", "confirm": "ngắn quá"}, "Mật khẩu phải có ít nhất 10 ký tự."),
    ({"confirm": "không giống"}, "Hai mật khẩu không giống nhau."),
    ({"role": "superuser"}, "Vai trò không hợp lệ."),
    ({"name": ""}, "Vui lòng nhập họ tên."),
])
def test_create_user_refuses_bad_input(client, login, change, message):
    login("admin")
    make_user("editor")
    response = client.post("/users/new", data={**NEW, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.name == "Trần Thị Bình")) is None


def test_duplicate_email_caught_by_the_service_is_shown_next_to_the_field(client, login, monkeypatch):
    login("admin")
    make_user("editor")
    # The form's own check passes; the service (and the unique index) still refuse.
    monkeypatch.setattr(service, "normalise_email", lambda value: (value or "").strip().lower())
    response = client.post("/users/new", data={**NEW, "email": "EDITOR@example.org"})
    assert response.status_code == 422
    assert "Đã có tài khoản dùng email này." in response.get_data(as_text=True)


def test_admin_changes_a_role_with_a_diff(client, login):
    admin = login("admin")
    viewer = make_user("viewer")
    response = client.post(f"/users/{viewer.id}/role", data={"role": "editor"})
    assert response.status_code == 302
    db.session.refresh(viewer)
    assert viewer.role == "editor"
    [event] = audit_events(viewer)
    assert event.user_id == admin.id
    assert event.changes == {"role": {"before": "viewer", "after": "editor"}}


def test_admin_deactivates_and_reactivates(client, login):
    login("admin")
    editor = make_user("editor")
    assert client.post(f"/users/{editor.id}/deactivate").status_code == 302
    db.session.refresh(editor)
    assert editor.active is False
    assert client.post(f"/users/{editor.id}/reactivate").status_code == 302
    db.session.refresh(editor)
    assert editor.active is True
    changes = [event.changes for event in audit_events(editor)]
    assert changes == [{"active": {"before": True, "after": False}}, {"active": {"before": False, "after": True}}]


def test_admin_resets_a_password(client, login):
    admin = login("admin")
    editor = make_user("editor")
    response = client.post(f"/users/{editor.id}/password",
                           data={"password": "mật khẩu mới tinh", "confirm": "mật khẩu mới tinh"})
    assert response.status_code == 302
    db.session.refresh(editor)
    assert check_password_hash(editor.password_hash, "mật khẩu mới tinh")
    [event] = audit_events(editor, "password_reset")
    assert event.user_id == admin.id
    assert event.changes is None


def test_reset_password_refuses_a_short_one(client, login):
    login("admin")
    editor = make_user("editor")
    response = client.post(f"/users/{editor.id}/password", data={"password": "ngắn", "confirm": "ngắn"})
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 10 ký tự." in response.get_data(as_text=True)


def test_user_page_shows_the_account_history(client, login):
    login("admin")
    viewer = make_user("viewer")
    client.post(f"/users/{viewer.id}/role", data={"role": "editor"})
    page = client.get(f"/users/{viewer.id}").get_data(as_text=True)
    assert "Lịch sử thay đổi" in page
    history = page[page.index("Lịch sử thay đổi"):]
    assert "Đổi vai trò" in history
    assert "Người xem" in history and "Biên tập viên" in history


@pytest.mark.parametrize("action, data", [("role", {"role": "editor"}), ("deactivate", {})])
def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(client, login, action, data):
    admin = login("admin")
    response = client.post(f"/users/{admin.id}/{action}", data=data)
    assert response.status_code == 409
    assert "quản trị viên đang hoạt động cuối cùng" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert (admin.role, admin.active) == ("admin", True)
    assert audit_events(admin) == []


def test_a_locked_admin_does_not_count_as_another_admin(client, login):
    admin = login("admin")
    locked = make_user("admin", email="locked@example.org")
    locked.active = False
    db.session.commit()
    assert client.post(f"/users/{admin.id}/role", data={"role": "viewer"}).status_code == 409


def test_an_admin_may_step_down_when_another_admin_remains(client, login):
    admin = login("admin")
    make_user("admin", email="other-admin@example.org")
    assert client.post(f"/users/{admin.id}/role", data={"role": "editor"}).status_code == 302
    db.session.refresh(admin)
    assert admin.role == "editor"


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("url, data", USER_ADMIN_POSTS)
def test_non_admins_get_403_on_every_user_admin_post(client, login, role, url, data):
    target = make_user("viewer", email="target@example.org")
    target.active = False
    db.session.commit()
    login(role)
    response = client.post(url.format(id=target.id), data=data)
    assert response.status_code == 403
    db.session.refresh(target)
    assert (target.role, target.active) == ("viewer", False)
    assert db.session.scalar(select(User).where(User.email == "binh@example.org")) is None


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("url", ["/users", "/users/new", "/users/{id}"])
def test_non_admins_get_403_on_user_admin_pages(client, login, role, url):
    user = login(role)
    assert client.get(url.format(id=user.id)).status_code == 403


def test_anyone_signed_in_changes_their_own_password(client, login):
    user = login("viewer")
    response = client.post("/account/password", data={
        "current_password": "mật-khẩu-đủ-dài-1", "password": "mật khẩu của tôi", "confirm": "mật khẩu của tôi"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, "mật khẩu của tôi")
    assert audit_events(user, "password_change")


def test_own_password_change_needs_the_current_password(client, login):
    user = login("viewer")
    response = client.post("/account/password", data={
        "current_password": "không phải", "password": "mật khẩu của tôi", "confirm": "mật khẩu của tôi"})
    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, "mật-khẩu-đủ-dài-1")


def test_user_page_history_leaves_sign_ins_to_the_audit_log(app):
    viewer = make_user("viewer")
    with pytest.raises(service.LoginRefused):
        service.authenticate(viewer.email, "sai-mật-khẩu-rồi", "192.0.2.1")
    service.authenticate(viewer.email, "mật-khẩu-đủ-dài-1", "192.0.2.1")
    actions = [event.action for event in service.account_history(viewer)]
    assert actions == ["login_failed"]
