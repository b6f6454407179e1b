"""Sessions that end everywhere: a per-account token in every session id, idle and absolute timeouts.

A session is Flask's signed cookie. Its id (`User.get_id()`) carries the account's session token, and the
loader accepts only the current one, so a new token (logout, password, role, deactivation, second factor)
ends every session of the account in every browser and on every server. The sign-in and last-request
times are kept in the same signed cookie, so the checks cost no database write per request.
"""
import hmac
import time

from flask import current_app

from diaspora.auth.models import User, new_session_token
from diaspora.extensions import db, login_manager

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# Between the password and the second factor: the account's session id and when the password was right.
PENDING_USER = "_pending_user"
PENDING_AT = "_pending_at"
PENDING_SECONDS = 5 * 60
MAX_USER_ID_DIGITS = 10


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The signed-in user when the session carries the account's current token and the account is active."""
    user_id, _, token = session_id.partition(":")
    if not token or not user_id.isascii() or not user_id.isdigit() or len(user_id) > MAX_USER_ID_DIGITS:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def rotate(user: User) -> None:
    """Give the account a new session token (in the caller's transaction): its open sessions all end."""
    user.session_token = new_session_token()


def _now() -> int:
    return int(time.time())


def stamp(session) -> None:
    """Note in a new session when its user signed in (the start of its absolute lifetime and idle clock)."""
    session[SIGNED_IN_AT] = session[SEEN_AT] = _now()


def expiry(session) -> str | None:
    """Why a signed-in session has run out ("idle", "lifetime", or "unstamped" for one opened without a
    sign-in time), or None while it is good."""
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return "unstamped"
    config, now = current_app.config, _now()
    if now - signed_in > config["SESSION_MAX_HOURS"] * 3600:
        return "lifetime"
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60:
        return "idle"
    return None


def touch(session) -> None:
    """Restart the idle clock; rewritten at most a few times per idle period, so most responses set no cookie."""
    idle_seconds = current_app.config["SESSION_IDLE_MINUTES"] * 60
    now = _now()
    if now - session.get(SEEN_AT, 0) >= min(60, idle_seconds // 4):
        session[SEEN_AT] = now


def begin_pending(session, user: User) -> None:
    """Remember, for a few minutes, that `user` gave the right password and now owes the second factor."""
    session[PENDING_USER] = user.get_id()
    session[PENDING_AT] = _now()


def pending_user(session) -> User | None:
    """The user half-way through signing in, while the password step is recent and the account unchanged."""
    session_id, at = session.get(PENDING_USER), session.get(PENDING_AT)
    if not isinstance(session_id, str) or not isinstance(at, int) or _now() - at > PENDING_SECONDS:
        return None
    return load_user(session_id)
