"""Staff accounts: sign-in with throttling, first-run setup and user administration.

Every change that must end a user's sessions (logout, password, role, deactivation) rotates the
account's session token (`sessions.rotate`) in the same transaction.
"""
from datetime import timedelta
from functools import cache
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from diaspora.audit import service as audit
from diaspora.audit import tracking
from diaspora.audit.models import AuditEvent
from diaspora.auth import sessions
from diaspora.auth.models import LoginFailure, User
from diaspora.extensions import db
from diaspora.permissions import ROLES
from diaspora.records import StaleEdit, utcnow
from diaspora.text import clean_text

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
ACCOUNT_HISTORY_LENGTH = 50


class AccountError(Exception):
    """A change to accounts that breaks a rule; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class LoginRefused(Exception):
    """Wrong email or password, or a deactivated account; the person signing in is never told which."""


class LoginThrottled(Exception):
    """Too many recent failed logins for this account or from this address."""


class SetupClosed(Exception):
    """Someone already has an account, so the first-run setup is over."""


def safe_next_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None, so redirects never leave the site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers treat "\" as "/" and drop tabs and newlines, which would turn "/\evil" into "//evil".
    if "\\" in target or any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def normalise_email(value: str | None) -> str:
    """The address as stored (trimmed, NFC, lower case); AccountError when it is not a valid address."""
    email = (clean_text(value) or "").lower()
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(_("Địa chỉ email không hợp lệ."), "email") from None


def check_password_rules(password: str | None) -> None:
    """AccountError unless the password is long enough (and not absurdly long)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH), "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_("Mật khẩu không được dài quá %(n)d ký tự.", n=MAX_PASSWORD_LENGTH), "password")


def _login_key(email: str | None) -> str:
    return (clean_text(email) or "").lower()[:254]


@cache
def _dummy_hash() -> str:
    return generate_password_hash("không-phải-mật-khẩu-của-ai")


def is_throttled(email_key: str, address: str) -> bool:
    """True when this account or this address has failed to sign in too often lately (password or code)."""
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"])
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    by_account = db.session.scalar(recent.where(LoginFailure.email == email_key))
    if by_account >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    by_address = db.session.scalar(recent.where(LoginFailure.address == address))
    return by_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def authenticate(email: str, password: str, address: str | None) -> User:
    """The active user with these credentials (the first factor; `complete_login` finishes the sign-in);
    every failure is recorded and throttles later attempts."""
    key = _login_key(email)
    address = (address or "unknown")[:64]
    if is_throttled(key, address):
        raise LoginThrottled
    user = db.session.scalar(select(User).where(User.email == key))
    # Hash even for unknown emails so the response time does not reveal which addresses exist.
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not password_ok or not user.active:
        reason = (_l("email không tồn tại") if user is None
                  else _l("sai mật khẩu") if not password_ok else _l("tài khoản đã bị khóa"))
        summary = _l("Đăng nhập thất bại (%(email)s): %(reason)s", email=key, reason=reason)
        record_failure(key, address, user, "login_failed", summary)
        raise LoginRefused
    return user


def complete_login(user: User, summary: str | None = None) -> None:
    """Finish a sign-in whose every factor is right: the account's failures are forgotten, the login audited.

    Failures are cleared only here, so a right password cannot lift the throttle on guessing the code.
    """
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    user.failed_logins = 0
    user.last_login_at = utcnow()
    audit.record("login", user, user=user, summary=summary)
    db.session.commit()


def record_failure(key: str, address: str, user: User | None, action: str, summary: str) -> None:
    """Count a failed sign-in step (password or code) towards the throttle and audit it as `action`."""
    address = (address or "unknown")[:64]
    cutoff = utcnow() - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])
    # Rows older than the window no longer count; pruning here keeps the table small.
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))
    db.session.add(LoginFailure(email=key, address=address))
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
    audit.record(action, user, entity_type="users", summary=summary)
    db.session.commit()


def confirm_password(user: User, password: str | None, address: str | None) -> None:
    """AccountError unless `password` is the signed-in user's own, for a change that needs it (the second
    factor); wrong guesses count towards the login throttle like any other."""
    address = (address or "unknown")[:64]
    if is_throttled(user.email, address):
        minutes = current_app.config["LOGIN_THROTTLE_MINUTES"]
        raise AccountError(_("Nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)d phút.", n=minutes), "password")
    if not check_password_hash(user.password_hash, password or ""):
        summary = _l("Xác nhận mật khẩu thất bại (%(email)s)", email=user.email)
        record_failure(user.email, address, user, "login_failed", summary)
        raise AccountError(_("Mật khẩu không đúng."), "password")


def sign_out(user: User) -> None:
    """End every session of `user`, in this browser and all others, and note it in the audit log."""
    sessions.rotate(user)
    audit.record("logout", user, user=user)
    db.session.commit()


def end_session(user: User, reason: str) -> None:
    """Note in the audit log that a session of `user` ran out (`reason`: "idle" or "lifetime")."""
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    summary = (_l("Phiên làm việc hết hạn sau %(n)d phút không hoạt động", n=minutes) if reason == "idle"
               else _l("Phiên làm việc hết thời hạn %(n)d giờ", n=current_app.config["SESSION_MAX_HOURS"]))
    audit.record("session_expired", user, user=user, summary=summary)
    db.session.commit()


def needs_setup() -> bool:
    """True while no account exists at all: the first visit must create an administrator."""
    return db.session.scalar(select(User.id).limit(1)) is None


def _lock_users() -> None:
    """Serialise changes that depend on counting users (first admin, last active admin) until commit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
    else:
        # On SQLite any write, even one matching no row, takes the database write lock.
        db.session.execute(text("UPDATE users SET role = role WHERE 1 = 0"))


def _audited(user: User) -> dict:
    return {"email": user.email, "name": user.name, "role": user.role, "active": user.active}


def _new_user(name: str | None, email: str | None, role: str, password: str | None) -> User:
    clean_name = clean_text(name)
    if not clean_name:
        raise AccountError(_("Vui lòng nhập họ tên."), "name")
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(_("Vai trò không hợp lệ: hãy chọn admin, editor hoặc viewer."), "role")
    check_password_rules(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(_("Đã có tài khoản dùng email này."), "email")
    user = User(name=clean_name[:200], email=email, role=role, active=True,
                password_hash=generate_password_hash(password))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(_("Đã có tài khoản dùng email này."), "email") from None
    return user


def create_first_admin(name: str, email: str, password: str) -> User:
    """Create the first administrator; SetupClosed when any account exists, even one created a moment ago."""
    _lock_users()
    if not needs_setup():
        db.session.rollback()
        raise SetupClosed
    try:
        user = _new_user(name, email, "admin", password)
    except AccountError:
        db.session.rollback()
        raise
    audit.record("create", user, user=user, changes=audit.diff({}, _audited(user)),
                 summary=_l("Tạo quản trị viên đầu tiên"))
    db.session.commit()
    return user


def create_user(name: str | None, email: str | None, role: str, password: str | None, *, by=None) -> User:
    """Create an active account; AccountError names the field at fault."""
    try:
        user = _new_user(name, email, role, password)
    except AccountError:
        db.session.rollback()
        raise
    audit.record("create", user, user=by, changes=audit.diff({}, _audited(user)), summary=_l("Tạo tài khoản"))
    db.session.commit()
    return user


def _active_admins_besides(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )


def _update_user(user: User, values: dict, by, summary: str, expected_version: int | None = None) -> None:
    """Apply `values` under the users lock, refusing any change that leaves no active administrator, and
    one made on a page older than the account's last change (StaleEdit)."""
    _lock_users()
    db.session.refresh(user)
    try:
        tracking.refuse_stale(user, expected_version)
    except StaleEdit:
        db.session.rollback()
        raise
    before = _audited(user)
    for key, value in values.items():
        setattr(user, key, value)
    after = _audited(user)
    if before["role"] != after["role"] or not after["active"]:
        sessions.rotate(user)
    was_admin = before["role"] == "admin" and before["active"]
    stays_admin = after["role"] == "admin" and after["active"]
    if was_admin and not stays_admin and _active_admins_besides(user) == 0:
        db.session.rollback()
        raise AccountError(_("Không thể hạ quyền hoặc khóa quản trị viên đang hoạt động cuối cùng."))
    changes = audit.diff(before, after)
    if changes:
        user.version += 1  # the version counts these edits only (see User.version)
        audit.record("update", user, user=by, changes=changes, summary=summary)
    db.session.commit()


def change_role(user: User, role: str, *, by=None, expected_version: int | None = None) -> None:
    """Give `user` another role; their sessions end, so the new role applies from their next sign-in."""
    if role not in ROLES:
        raise AccountError(_("Vai trò không hợp lệ: hãy chọn admin, editor hoặc viewer."), "role")
    _update_user(user, {"role": role}, by, _("Đổi vai trò"), expected_version)


def deactivate(user: User, *, by=None, expected_version: int | None = None) -> None:
    """Lock the account: no new sign-in, and its open sessions end."""
    _update_user(user, {"active": False}, by, _("Khóa tài khoản"), expected_version)


def reactivate(user: User, *, by=None, expected_version: int | None = None) -> None:
    """Let a locked account sign in again."""
    _update_user(user, {"active": True}, by, _("Mở lại tài khoản"), expected_version)


def reset_password(user: User, password: str, *, by=None) -> None:
    """Set a new password chosen by an administrator; it ends the account's sessions and lifts its login throttle."""
    check_password_rules(password)
    user.password_hash = generate_password_hash(password)
    user.failed_logins = 0
    sessions.rotate(user)
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    audit.record("password_reset", user, user=by, summary=_l("Đặt lại mật khẩu"))
    db.session.commit()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """Let a signed-in user replace their password after proving they know the current one; their other
    sessions end (the caller renews the current one)."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise AccountError(_("Mật khẩu hiện tại không đúng."), "current_password")
    check_password_rules(new_password)
    user.password_hash = generate_password_hash(new_password)
    sessions.rotate(user)
    audit.record("password_change", user, user=user, summary=_l("Tự đổi mật khẩu"))
    db.session.commit()


def get_user_or_404(user_id: int) -> User:
    """The account with this id, or a 404 page."""
    return db.get_or_404(User, user_id)


def find_user(email: str | None) -> User | None:
    """The account with this email (as typed: any case, spaces around), or None."""
    return db.session.scalar(select(User).where(User.email == _login_key(email)))


def list_users() -> list[User]:
    """Every account, active ones first, by name."""
    return db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.email)).all()


def account_history(user: User) -> list[AuditEvent]:
    """The latest changes to an account, newest first; sign-ins, sign-outs and timeouts are left to the audit log."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "users", AuditEvent.entity_id == user.id,
               AuditEvent.action.not_in(("login", "logout", "session_expired")))
        .order_by(AuditEvent.id.desc())
        .limit(ACCOUNT_HISTORY_LENGTH)
    ).all()
