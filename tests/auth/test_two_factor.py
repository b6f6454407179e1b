"""Two-factor sign-in: enrolment by QR code, login with a TOTP code or a recovery code (each once),
throttled wrong codes, administrators made to enrol, resets by an administrator and on the command line."""
import re
import time

import pyotp
import pytest
from flask import g
from sqlalchemy import func, select, update

from diaspora.audit.models import AuditEvent
from diaspora.auth import service, two_factor
from diaspora.auth.models import LoginFailure, RecoveryCode, User
from diaspora.extensions import db
from tests.conftest import make_user, sign_in_client

PASSWORD = "mật-khẩu-đủ-dài-1"


def get(client, url, **kwargs):
    g.pop("_login_user", None)  # the test's app context outlives requests
    return client.get(url, **kwargs)


def post(client, url, **kwargs):
    g.pop("_login_user", None)
    return client.post(url, **kwargs)


def password_step(client, user, next_path=None, address="192.0.2.1"):
    return post(client, "/login", data={"email": user.email, "password": PASSWORD},
                query_string={"next": next_path} if next_path else None, environ_base={"REMOTE_ADDR": address})


def code_step(client, code, next_path=None, address="192.0.2.1"):
    return post(client, "/login/code", data={"code": code}, query_string={"next": next_path} if next_path else None,
                environ_base={"REMOTE_ADDR": address})


def signed_in_as(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def enrolled(role="editor", email=None) -> tuple[User, pyotp.TOTP, list[str]]:
    """A user who has turned on two-factor sign-in, with their authenticator and recovery codes."""
    user = make_user(role, email)
    totp = pyotp.TOTP(two_factor.enrolment_secret(user))
    codes = two_factor.confirm_enrolment(user, totp.now())
    return user, totp, codes


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step (accepted: a phone clock may run a step ahead); the current step's
    code was used to enrol, and a code is never accepted twice."""
    return totp.at(time.time() + 30)


def time_passes(user: User) -> None:
    """As if a minute and a half went by: the last step accepted moves back, so the codes the app shows
    now have not been used yet."""
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=User.totp_last_step - 3))
    db.session.commit()


def wrong_code(totp: pyotp.TOTP) -> str:
    """Six digits that are no code of the steps accepted now."""
    now = time.time()
    accepted = {totp.at(now + offset) for offset in (-30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in accepted)


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def failures():
    return db.session.scalar(select(func.count()).select_from(LoginFailure))


# Enrolment


def test_enrolment_shows_a_qr_code_and_turns_on_with_a_code_from_the_app(client, login):
    user = login("viewer")

    page = get(client, "/account/two-factor")

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert '<svg' in html and 'class="segno"' in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    db.session.refresh(user)
    secret = user.totp_secret
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    assert not user.two_factor_enabled
    # Reloading shows the same secret, so a code from the app scanned a moment ago still works.
    get(client, "/account/two-factor")
    db.session.refresh(user)
    assert user.totp_secret == secret

    response = post(client, "/account/two-factor", data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}\b", response.get_data(as_text=True))
    assert len(set(codes)) == 10
    db.session.refresh(user)
    assert user.two_factor_enabled
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not {code.replace("-", "") for code in codes} & set(stored)
    [event] = events("two_factor_enabled")
    assert (event.user_id, event.entity_id) == (user.id, user.id)
    # This browser stays signed in; the enrolment page now sends to the account page.
    assert get(client, "/account/two-factor").location == "/account"
    assert "Đang bật" in get(client, "/account").get_data(as_text=True)


def test_a_wrong_code_does_not_turn_it_on(client, login):
    user = login("viewer")
    get(client, "/account/two-factor")
    db.session.refresh(user)
    response = post(client, "/account/two-factor", data={"code": wrong_code(pyotp.TOTP(user.totp_secret))})
    assert response.status_code == 422
    assert "Mã không đúng" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.two_factor_enabled
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


@pytest.mark.parametrize("code", ["", "abc", "12345\x00", "١٢٣٤٥٦", "1" * 65])
def test_nonsense_codes_get_a_message_not_an_error(client, login, code):
    login("viewer")
    get(client, "/account/two-factor")
    response = post(client, "/account/two-factor", data={"code": code})
    assert response.status_code == 422
    assert 'class="invalid-feedback"' in response.get_data(as_text=True)


def test_enrolment_ends_the_users_other_sessions(app, client):
    user = make_user("viewer")
    other = app.test_client()
    for browser in (client, other):
        assert password_step(browser, user).status_code == 302
    get(client, "/account/two-factor")
    db.session.refresh(user)
    post(client, "/account/two-factor", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert get(client, "/account").status_code == 200
    assert get(other, "/account").status_code == 302


# Signing in


def test_login_asks_for_the_code_after_the_password(client):
    user, totp, _ = enrolled()

    response = password_step(client, user)

    assert response.status_code == 302 and response.location == "/login/code"
    assert signed_in_as(client) is None
    assert get(client, "/account").status_code == 302  # not signed in yet
    assert not events("login")
    page = get(client, "/login/code").get_data(as_text=True)
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page

    response = code_step(client, next_code(totp))

    assert response.status_code == 302 and response.location == "/"
    assert signed_in_as(client) == user.get_id()
    [event] = events("login")
    assert event.user_id == user.id and "xác thực hai bước" in event.summary


def test_the_code_step_keeps_a_safe_next_and_drops_another(client):
    user, totp, _ = enrolled()
    assert password_step(client, user, next_path="/audit/").location == "/login/code?next=/audit/"
    assert code_step(client, next_code(totp), next_path="/audit/").location == "/audit/"

    post(client, "/logout")
    time_passes(user)
    assert password_step(client, user, next_path="https://evil.example/").location == "/login/code"
    assert code_step(client, totp.now(), next_path="//evil.example").location == "/"


def test_a_code_is_not_accepted_twice(app, client):
    user, totp, _ = enrolled()
    code = next_code(totp)
    password_step(client, user)
    assert code_step(client, code).status_code == 302

    thief = app.test_client()
    password_step(thief, user)
    response = code_step(thief, code)

    assert response.status_code == 401
    assert "đã được dùng" in response.get_data(as_text=True)
    assert signed_in_as(thief) is None
    [event] = events("login_code_failed")
    assert event.entity_id == user.id and event.user_id is None
    assert failures() == 1


def test_the_code_used_to_enrol_cannot_sign_in(client):
    user = make_user("viewer")
    totp = pyotp.TOTP(two_factor.enrolment_secret(user))
    code = totp.now()
    two_factor.confirm_enrolment(user, code)
    password_step(client, user)
    assert code_step(client, code).status_code == 401


def test_a_code_from_long_ago_is_refused(client):
    user, totp, _ = enrolled()
    password_step(client, user)
    assert code_step(client, totp.at(time.time() - 300)).status_code == 401


def test_a_recovery_code_signs_in_once(app, client):
    user, _, codes = enrolled()
    password_step(client, user)

    # Typed in capitals with spaces instead of dashes, as people copy them from paper.
    response = code_step(client, codes[3].upper().replace("-", " "))

    assert response.status_code == 302
    assert signed_in_as(client) == user.get_id()
    assert "còn 9 mã" in get(client, "/").get_data(as_text=True)
    [used] = events("recovery_code_used")
    assert used.entity_id == user.id and "còn 9" in used.summary

    again = app.test_client()
    password_step(again, user)
    assert code_step(again, codes[3]).status_code == 401
    assert code_step(again, codes[4]).status_code == 302


def test_wrong_codes_are_throttled_like_passwords(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    user, totp, _ = enrolled()
    password_step(client, user)
    wrong = wrong_code(totp)
    for _attempt in range(3):
        assert code_step(client, wrong).status_code == 401

    response = code_step(client, next_code(totp))

    assert response.status_code == 429
    assert "thử lại sau 15 phút" in response.get_data(as_text=True)
    assert signed_in_as(client) is None
    # The right password does not lift the throttle on codes, and is throttled itself.
    assert password_step(client, user).status_code == 429
    assert len(events("login_code_failed")) == 3


def test_a_right_password_does_not_forget_wrong_codes(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    user, totp, _ = enrolled()
    wrong = wrong_code(totp)
    for _attempt in range(2):
        password_step(client, user)
        code_step(client, wrong)
    password_step(client, user)
    assert code_step(client, wrong).status_code == 401
    assert code_step(client, next_code(totp)).status_code == 429


def test_a_successful_code_forgets_earlier_failures(client):
    user, totp, _ = enrolled()
    password_step(client, user)
    code_step(client, wrong_code(totp))
    assert failures() == 1
    assert code_step(client, next_code(totp)).status_code == 302
    assert failures() == 0


def test_the_code_page_needs_the_password_first(client):
    make_user("viewer")
    response = get(client, "/login/code")
    assert response.status_code == 302 and response.location == "/login"
    assert code_step(client, "123456").location == "/login"


def test_the_password_step_expires(client):
    user, totp, _ = enrolled()
    password_step(client, user)
    with client.session_transaction() as session:
        session["_pending_at"] -= 6 * 60
    assert code_step(client, next_code(totp)).location == "/login"
    assert signed_in_as(client) is None


def test_the_password_step_ends_with_a_password_change(client):
    user, totp, _ = enrolled()
    password_step(client, user)
    service.reset_password(user, "mật khẩu mới rất dài")
    assert code_step(client, next_code(totp)).location == "/login"


# Administrators must enrol


@pytest.fixture
def required(app):
    app.config["REQUIRE_ADMIN_2FA"] = True


def test_an_admin_without_a_second_factor_can_reach_nothing_but_enrolment(client, required):
    admin = make_user("admin")

    response = password_step(client, admin, next_path="/users")

    assert response.location == "/account/two-factor?next=/users"
    for url in ("/", "/people/", "/users", "/audit/", "/account", "/account/password"):
        response = get(client, url)
        assert response.status_code == 302 and response.location == "/account/two-factor", url
    assert post(client, "/users/new", data={"name": "X", "email": "x@example.org", "role": "admin",
                                            "password": "mật khẩu rất dài", "confirm": "mật khẩu rất dài"}
                ).location == "/account/two-factor"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    page = get(client, "/account/two-factor")
    assert page.status_code == 200
    assert "Tài khoản quản trị phải đăng nhập" in page.get_data(as_text=True)

    db.session.refresh(admin)
    response = post(client, "/account/two-factor?next=/users", data={"code": pyotp.TOTP(admin.totp_secret).now()})

    assert response.status_code == 200
    assert 'href="/users"' in response.get_data(as_text=True)
    assert get(client, "/users").status_code == 200


def test_an_admin_may_sign_out_before_enrolling(client, required):
    admin = make_user("admin")
    password_step(client, admin)
    assert post(client, "/logout").location == "/login"
    assert signed_in_as(client) is None


def test_an_admin_who_enrolled_signs_in_with_the_code(client, required):
    admin, totp, _ = enrolled("admin")
    assert password_step(client, admin).location == "/login/code"
    assert code_step(client, next_code(totp)).location == "/"
    assert get(client, "/users").status_code == 200


def test_editors_are_not_made_to_enrol(client, required):
    editor = make_user("editor")
    assert password_step(client, editor).location == "/"
    assert get(client, "/people/").status_code == 200


def test_without_the_requirement_admins_need_not_enrol(client):
    admin = make_user("admin")
    assert password_step(client, admin).location == "/"
    assert get(client, "/users").status_code == 200


def test_first_run_setup_goes_on_to_enrolment(client, required):
    response = post(client, "/setup", data={"name": "Quản Trị", "email": "qt@example.org",
                                            "password": "mật khẩu rất dài", "confirm": "mật khẩu rất dài"})
    assert response.location == "/account/two-factor"
    assert get(client, "/people/").location == "/account/two-factor"


def test_an_admin_turning_it_off_must_enrol_again(client, required):
    admin, totp, _ = enrolled("admin")
    password_step(client, admin)
    code_step(client, next_code(totp))
    assert post(client, "/account/two-factor/disable", data={"disable-password": PASSWORD}).status_code == 302
    assert get(client, "/users").location == "/account/two-factor"


# The user's own changes


def test_turning_it_off_needs_the_password_and_ends_other_sessions(app, client):
    user, totp, _ = enrolled("viewer")
    other = app.test_client()
    password_step(client, user)
    code_step(client, next_code(totp))
    time_passes(user)
    password_step(other, user)
    assert code_step(other, totp.now()).status_code == 302

    response = post(client, "/account/two-factor/disable", data={"disable-password": "không đúng"})

    assert response.status_code == 422
    assert "Mật khẩu không đúng." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.two_factor_enabled
    assert failures() == 1

    assert post(client, "/account/two-factor/disable", data={"disable-password": PASSWORD}).status_code == 302

    db.session.refresh(user)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert events("two_factor_disabled")[0].user_id == user.id
    assert get(client, "/account").status_code == 200
    assert get(other, "/account").status_code == 302
    post(client, "/logout")
    assert password_step(client, user).location == "/"


def test_new_recovery_codes_replace_the_old_ones(app, client):
    user, totp, old_codes = enrolled("viewer")
    password_step(client, user)
    code_step(client, next_code(totp))

    assert post(client, "/account/two-factor/recovery-codes", data={"codes-password": "sai"}).status_code == 422
    response = post(client, "/account/two-factor/recovery-codes", data={"codes-password": PASSWORD})

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new_codes = re.findall(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}\b", response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert events("recovery_codes_renewed")
    other = app.test_client()
    password_step(other, user)
    assert code_step(other, old_codes[0]).status_code == 401
    assert code_step(other, new_codes[0]).status_code == 302


def test_the_account_page_counts_the_codes_left(client):
    user, totp, codes = enrolled("viewer")
    password_step(client, user)
    code_step(client, codes[0])
    assert "Còn 9 mã khôi phục" in get(client, "/account").get_data(as_text=True)


# Resets by an administrator


def test_an_admin_resets_another_users_second_factor(app, client, login):
    user, totp, _ = enrolled("editor", email="lost-phone@example.org")
    user_browser = app.test_client()
    password_step(user_browser, user)
    code_step(user_browser, next_code(totp))
    admin = login("admin")

    assert "Đặt lại xác thực hai bước" in get(client, f"/users/{user.id}").get_data(as_text=True)
    response = post(client, f"/users/{user.id}/two-factor/reset")

    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.two_factor_enabled
    [event] = events("two_factor_reset")
    assert (event.user_id, event.entity_id) == (admin.id, user.id)
    assert get(user_browser, "/account").status_code == 302
    assert password_step(user_browser, user).location == "/"
    assert "Đặt lại xác thực hai bước" in get(client, f"/users/{user.id}").get_data(as_text=True)


def test_an_admin_cannot_reset_their_own_second_factor_there(client, login):
    admin = login("admin")
    totp = pyotp.TOTP(two_factor.enrolment_secret(admin))
    two_factor.confirm_enrolment(admin, totp.now())
    sign_in_client(client, admin)  # enrolling rotated the session token
    response = post(client, f"/users/{admin.id}/two-factor/reset")
    assert response.status_code == 409
    db.session.refresh(admin)
    assert admin.two_factor_enabled


def test_reset_2fa_on_the_command_line(runner):
    user, _, _ = enrolled("admin")

    result = runner.invoke(args=["users", "reset-2fa", "  ADMIN@example.org "])

    assert result.exit_code == 0, result.output
    assert "Đã đặt lại xác thực hai bước của admin@example.org" in result.output
    db.session.refresh(user)
    assert not user.two_factor_enabled
    [event] = events("two_factor_reset")
    assert (event.user_id, event.entity_id) == (None, user.id)


@pytest.mark.parametrize("email", ["nobody@example.org", "editor@example.org"])
def test_reset_2fa_refuses_an_unknown_or_unenrolled_account(runner, email):
    make_user("editor")
    result = runner.invoke(args=["users", "reset-2fa", email])
    assert result.exit_code != 0
    assert "Không có tài khoản" in result.output or "chưa bật" in result.output


def test_reset_password_on_the_command_line_lifts_the_throttle(app, runner, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 1
    user = make_user("admin")
    post(client, "/login", data={"email": user.email, "password": "sai-mật-khẩu-rồi"})
    assert password_step(client, user).status_code == 429

    result = runner.invoke(args=["users", "reset-password", user.email], input="mật khẩu mới rất dài\n")

    assert result.exit_code == 0, result.output
    response = post(client, "/login", data={"email": user.email, "password": "mật khẩu mới rất dài"})
    assert response.status_code == 302
    assert events("password_reset")
