"""Signing in and out: credentials, throttling per account and per address, safe redirects."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.auth import service
from diaspora.auth.models import LoginFailure, User
from diaspora.extensions import db
from diaspora.records import utcnow
from tests.conftest import make_user

PASSWORD = "mật-khẩu-đủ-dài-1"
GENERIC = "Email hoặc mật khẩu không đúng."


def sign_in(client, email, password=PASSWORD, address="192.0.2.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def signed_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_login_page_is_a_finished_card(client):
    make_user("admin")
    page = client.get("/login").get_data(as_text=True)
    assert "Kiều bào Hải Phòng" in page
    assert "Cơ sở dữ liệu kiều bào thành phố Hải Phòng" in page
    assert 'name="email"' in page and 'name="password"' in page


def test_successful_login_sets_last_login_and_is_audited(client):
    user = make_user("editor")
    db.session.add(LoginFailure(email=user.email, address="192.0.2.9"))
    db.session.commit()

    response = sign_in(client, "  Editor@Example.org ")

    assert response.status_code == 302
    assert response.location == "/"
    assert signed_in_user_id(client) == user.get_id()
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0
    [event] = events("login")
    assert (event.user_id, event.entity_type, event.entity_id) == (user.id, "users", user.id)


@pytest.mark.parametrize("email", ["editor@example.org", "nobody@example.org"])
def test_failed_login_gives_the_same_generic_message_and_is_recorded(client, email):
    make_user("editor")
    response = sign_in(client, email, password="sai-mật-khẩu-rồi")

    assert response.status_code == 401
    assert GENERIC in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    [failure] = db.session.scalars(select(LoginFailure)).all()
    assert (failure.email, failure.address) == (email, "192.0.2.1")
    [event] = events("login_failed")
    assert event.user_id is None
    assert email in event.summary
    assert "sai-mật-khẩu-rồi" not in (event.summary or "") + str(event.changes)


def test_failed_login_counts_on_the_account(client):
    user = make_user("editor")
    sign_in(client, user.email, password="sai-mật-khẩu-rồi")
    db.session.refresh(user)
    assert user.failed_logins == 1
    sign_in(client, user.email)
    db.session.refresh(user)
    assert user.failed_logins == 0


def test_empty_form_is_refused_without_counting_a_failure(client):
    make_user("editor")
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Vui lòng nhập email." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_deactivated_account_cannot_log_in(client):
    user = make_user("editor")
    user.active = False
    db.session.commit()

    response = sign_in(client, user.email)

    assert response.status_code == 401
    assert GENERIC in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    assert "khóa" in events("login_failed")[0].summary


def test_deactivation_ends_an_open_session(client, login):
    user = login("editor")
    assert client.get("/account/password").status_code == 200
    user.active = False
    db.session.commit()
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_account_is_throttled_even_with_the_right_password(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    user = make_user("editor")
    for attempt in range(3):
        response = sign_in(client, user.email, password=f"sai-{attempt}-mật-khẩu", address=f"198.51.100.{attempt}")
        assert response.status_code == 401

    response = sign_in(client, user.email, address="198.51.100.99")

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    other = make_user("viewer")
    assert sign_in(client, other.email, address="198.51.100.1").status_code == 302


def test_address_is_throttled_even_with_the_right_password(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    user = make_user("editor")
    for attempt in range(3):
        assert sign_in(client, f"guess{attempt}@example.org", password="sai-mật-khẩu-rồi").status_code == 401

    response = sign_in(client, user.email)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None
    assert sign_in(client, user.email, address="203.0.113.7").status_code == 302


def test_failures_older_than_the_window_do_not_count(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 2
    user = make_user("editor")
    old = utcnow() - timedelta(minutes=app.config["LOGIN_THROTTLE_MINUTES"] + 1)
    db.session.add_all([LoginFailure(email=user.email, address="192.0.2.1", at=old) for _ in range(5)])
    db.session.commit()

    assert sign_in(client, user.email).status_code == 302


def test_throttle_is_kept_in_the_database_not_in_the_process(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 2
    user = make_user("editor")
    # Failures written by another server process are just rows in the table.
    db.session.add_all([LoginFailure(email=user.email, address="10.0.0.1") for _ in range(2)])
    db.session.commit()
    assert sign_in(client, user.email).status_code == 429


def test_logout_is_a_post_and_audited(client, login):
    user = login("viewer")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert events("logout")[0].user_id == user.id


def test_login_page_sends_a_signed_in_user_on(client, login):
    login("viewer")
    response = client.get("/login?next=/audit/")
    assert response.status_code == 302
    assert response.location == "/audit/"


def test_login_keeps_the_chosen_language(client):
    user = make_user("viewer")
    client.get("/language/en")
    sign_in(client, user.email)
    with client.session_transaction() as session:
        assert session["locale"] == "en"


@pytest.mark.parametrize("target", ["/people/?q=Nguy%E1%BB%85n", "/audit/", "/users?x=1#top"])
def test_next_path_on_this_site_is_followed(client, target):
    user = make_user("viewer")
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == target


EVIL_TARGETS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "evil.example",
    "ftp://evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_next_leaving_the_site_is_ignored(client, target):
    user = make_user("viewer")
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    if any(ord(char) < 32 for char in target):
        # An address holding a control character is refused before any view (diaspora/security.py).
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert response.location == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_safe_next_path_rejects_every_other_host(target):
    assert service.safe_next_path(target) is None


def test_password_is_stored_as_a_modern_hash(app):
    user = make_user("viewer")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert db.session.get(User, user.id).has_role("viewer")
