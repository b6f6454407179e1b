"""First-run setup: the first visit creates the first administrator, once."""
import threading

import pytest
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.auth import service
from diaspora.auth.models import User
from diaspora.extensions import db
from tests.conftest import make_user

GOOD = {"name": "Nguyễn Văn Quản", "email": "Quan.Tri@Example.org",
        "password": "mật khẩu đủ dài", "confirm": "mật khẩu đủ dài"}


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_first_visit_leads_to_setup(client):
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/setup"
    page = response.get_data(as_text=True)
    assert "Kiều bào Hải Phòng" in page
    assert "Tạo tài khoản quản trị" in page


def test_any_protected_page_leads_to_setup_when_there_is_no_user(client):
    response = client.get("/users", follow_redirects=True)
    assert response.request.path == "/setup"


def test_setup_creates_the_first_admin_and_signs_in(client):
    response = client.post("/setup", data=GOOD)

    assert response.status_code == 302
    [admin] = db.session.scalars(select(User)).all()
    assert (admin.email, admin.name, admin.role) == ("quan.tri@example.org", "Nguyễn Văn Quản", "admin")
    assert admin.active
    assert admin.password_hash.startswith("scrypt:")
    assert client.get("/users").status_code == 200
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create")).all()
    assert event.user_id == admin.id
    assert event.changes["role"] == {"before": None, "after": "admin"}
    assert "password_hash" not in event.changes


def test_setup_is_gone_once_a_user_exists(client):
    make_user("viewer")
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data=GOOD).status_code == 404
    assert user_count() == 1


def test_login_page_is_offered_once_a_user_exists(client):
    make_user("viewer")
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize("change, message", [
    ({"confirm": "một mật khẩu khác"}, "Hai mật khẩu không giống nhau."),
    ({"password": "ngắn", "confirm": "ngắn"}, "Mật khẩu phải có ít nhất 10 ký tự."),
    ({"email": "không-phải-email"}, "Địa chỉ email không hợp lệ."),
    ({"name": "   "}, "Vui lòng nhập họ tên."),
])
def test_setup_refuses_bad_input_next_to_the_field(client, change, message):
    response = client.post("/setup", data={**GOOD, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == 0


def test_first_admin_is_checked_inside_the_transaction(app):
    # Another request created an account after this one decided setup was needed.
    make_user("viewer")
    with pytest.raises(service.SetupClosed):
        service.create_first_admin("Kẻ thứ hai", "second@example.org", "mật khẩu đủ dài")
    assert user_count() == 1


def test_two_simultaneous_setups_create_one_admin(app):
    start = threading.Barrier(2, timeout=60)
    outcomes = []

    def submit(email):
        with app.app_context():
            start.wait()
            try:
                service.create_first_admin("Quản trị", email, "mật khẩu đủ dài")
                outcomes.append("created")
            except service.SetupClosed:
                outcomes.append("closed")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(f"admin{n}@example.org",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["closed", "created"]
    assert user_count() == 1
