"""Sessions end everywhere: logout, password, role and deactivation rotate the account's session token;
idle and absolute timeouts send the user to the login page, and back to where they were."""
import pytest
from flask import g
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.auth import sessions
from diaspora.extensions import db
from tests.conftest import make_user

PASSWORD = "mật-khẩu-đủ-dài-1"
ENDED = "Phiên đăng nhập đã kết thúc"


def get(client, url):
    # The test's app context outlives requests: Flask-Login's cached user must not carry over.
    g.pop("_login_user", None)
    return client.get(url)


def post(client, url, **kwargs):
    g.pop("_login_user", None)
    return client.post(url, **kwargs)


def sign_in(client, user, password=PASSWORD, next_path=None):
    response = post(client, "/login", data={"email": user.email, "password": password},
                    query_string={"next": next_path} if next_path else None)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def second_browser(app, client):
    """Another client holding a copy of `client`'s session cookie, as a thief or a second tab would."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def is_signed_in(client) -> bool:
    return get(client, "/account").status_code == 200


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_session_id_carries_the_account_token_not_just_its_number(app, client):
    user = make_user("viewer")
    sign_in(client, user)
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id() == f"{user.id}:{user.session_token}"
    # A cookie signed with the right key but holding only the account's number (as before) opens nothing.
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert sent_to_login(get(client, "/account"))


def test_the_old_cookie_no_longer_opens_a_page_after_logout(app, client):
    user = make_user("viewer")
    sign_in(client, user)
    copy = second_browser(app, client)
    assert is_signed_in(copy)

    assert post(client, "/logout").status_code == 302

    response = get(copy, "/people/")
    assert sent_to_login(response)
    assert response.location == "/login?next=/people/"
    assert ENDED in get(copy, "/login").get_data(as_text=True)
    assert not is_signed_in(client)
    # A logout ends the user's sessions in other browsers too.
    assert [event.user_id for event in events("logout")] == [user.id]


def test_logout_ends_the_sessions_of_other_browsers(app):
    user = make_user("editor")
    office, laptop = app.test_client(), app.test_client()
    sign_in(office, user)
    sign_in(laptop, user)
    assert is_signed_in(office) and is_signed_in(laptop)

    post(laptop, "/logout")

    assert not is_signed_in(office)
    # Signing in again opens a fresh session that works.
    sign_in(office, user)
    assert is_signed_in(office)


def test_own_password_change_keeps_this_session_and_ends_the_others(app, client):
    user = make_user("viewer")
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)

    response = post(client, "/account/password", data={
        "current_password": PASSWORD, "password": "mật khẩu mới dài", "confirm": "mật khẩu mới dài"})

    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(other)


def test_a_wrong_current_password_ends_nothing(app, client):
    user = make_user("viewer")
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)
    response = post(client, "/account/password", data={
        "current_password": "không phải", "password": "mật khẩu mới dài", "confirm": "mật khẩu mới dài"})
    assert response.status_code == 422
    assert is_signed_in(other)


@pytest.mark.parametrize("change", ["role", "deactivate", "password"])
def test_an_administrators_change_ends_the_users_sessions(app, client, change):
    user = make_user("editor")
    user_browser = app.test_client()
    sign_in(user_browser, user)
    admin_browser = app.test_client()
    admin = make_user("admin")
    sign_in(admin_browser, admin)
    url, data = {
        "role": (f"/users/{user.id}/role", {"role": "viewer"}),
        "deactivate": (f"/users/{user.id}/deactivate", {}),
        "password": (f"/users/{user.id}/password", {"password": "mật khẩu mới dài", "confirm": "mật khẩu mới dài"}),
    }[change]

    assert post(admin_browser, url, data=data).status_code == 302

    assert sent_to_login(get(user_browser, "/people/"))
    assert is_signed_in(admin_browser)


def test_an_unchanged_role_ends_no_session(app, client):
    user = make_user("editor")
    sign_in(client, user)
    admin_browser = app.test_client()
    sign_in(admin_browser, make_user("admin"))
    assert post(admin_browser, f"/users/{user.id}/role", data={"role": "editor"}).status_code == 302
    assert is_signed_in(client)


def test_an_administrator_changing_their_own_role_stays_signed_in(app, client):
    make_user("admin", email="other-admin@example.org")
    admin = make_user("admin")
    sign_in(client, admin)
    assert post(client, f"/users/{admin.id}/role", data={"role": "editor"}).status_code == 302
    assert is_signed_in(client)
    assert get(client, "/users").status_code == 403


def move_clock(client, **seconds_back):
    with client.session_transaction() as session:
        for key, seconds in seconds_back.items():
            session[key] -= seconds


def test_idle_session_ends_with_a_message_and_returns_to_the_page(app, client):
    user = make_user("viewer")
    sign_in(client, user)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    move_clock(client, _seen_at=idle + 5, _signed_in_at=idle + 5)

    response = get(client, "/people/?country=JP")

    assert sent_to_login(response)
    assert response.location == "/login?next=/people/?country%3DJP"
    page = get(client, response.location).get_data(as_text=True)
    assert "không hoạt động quá 60 phút" in page
    [event] = events("session_expired")
    assert (event.user_id, event.entity_id) == (user.id, user.id)
    # Signing in again goes back to the page that was asked for.
    assert sign_in(client, user, next_path="/people/?country=JP").location == "/people/?country=JP"


def test_idle_limit_is_configurable(app, client):
    app.config["SESSION_IDLE_MINUTES"] = 5
    sign_in(client, make_user("viewer"))
    move_clock(client, _seen_at=4 * 60)
    assert is_signed_in(client)
    move_clock(client, _seen_at=6 * 60)
    assert not is_signed_in(client)


def test_each_request_restarts_the_idle_clock(app, client):
    sign_in(client, make_user("viewer"))
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    move_clock(client, _seen_at=idle - 60, _signed_in_at=idle - 60)
    assert is_signed_in(client)
    # Had the request not restarted the clock, two more minutes of silence would end the session.
    move_clock(client, _seen_at=120)
    assert is_signed_in(client)


def test_the_session_ends_after_its_lifetime_even_when_busy(app, client):
    sign_in(client, make_user("viewer"))
    move_clock(client, _signed_in_at=app.config["SESSION_MAX_HOURS"] * 3600 + 1)

    response = get(client, "/account")

    assert sent_to_login(response)
    assert "quá 12 giờ" in get(client, "/login").get_data(as_text=True)
    assert events("session_expired")


def test_a_session_without_its_sign_in_time_is_not_accepted(app, client):
    user = make_user("viewer")
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert sent_to_login(get(client, "/account"))


def test_the_sign_in_times_are_written_by_a_sign_in(app, client):
    sign_in(client, make_user("viewer"))
    with client.session_transaction() as session:
        assert session[sessions.SIGNED_IN_AT] == session[sessions.SEEN_AT] > 0


def test_no_remember_me_cookie_outlives_the_session(app, client):
    sign_in(client, make_user("viewer"))
    assert client.get_cookie("remember_token") is None
    assert client.get_cookie("session").expires is None  # gone when the browser closes


def test_the_login_page_after_a_timeout_never_sends_off_the_site(app, client):
    user = make_user("viewer")
    sign_in(client, user)
    move_clock(client, _seen_at=10**6, _signed_in_at=10**6)
    response = get(client, "/login?next=//evil.example/")
    assert response.status_code == 200
    assert sign_in(client, user, next_path="//evil.example/").location == "/"


def test_a_post_after_a_timeout_goes_to_the_login_page_without_a_next(app, client):
    sign_in(client, make_user("editor"))
    move_clock(client, _seen_at=10**6, _signed_in_at=10**6)
    response = post(client, "/people/new", data={"full_name": "Nguyễn Văn An"})
    assert response.status_code == 302 and response.location == "/login"


def test_the_login_fixture_opens_a_working_session(client, login):
    login("viewer")
    assert is_signed_in(client)
