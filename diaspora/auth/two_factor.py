"""Two-factor sign-in: TOTP codes from an authenticator app and one-time recovery codes.

A code is accepted once: the time step of the last accepted TOTP code is kept on the account and a
recovery code is marked used, each by one conditional UPDATE, so two requests racing with the same
code cannot both win. Wrong codes count towards the login throttle like wrong passwords.
"""
import hashlib
import hmac
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from diaspora.audit import service as audit
from diaspora.auth import service, sessions
from diaspora.auth.models import RecoveryCode, User
from diaspora.extensions import db
from diaspora.records import utcnow

ISSUER = "Kiều bào Hải Phòng"
RECOVERY_CODE_COUNT = 10
# 16 letters and digits without look-alikes (0/o, 1/l/i): about 79 random bits, so one SHA-256 is enough.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 16
TOTP_DIGITS = 6


class CodeRefused(Exception):
    """The code is wrong, expired or already used."""


def must_enrol(user: User) -> bool:
    """True for an administrator without a second factor while the office requires one."""
    return bool(current_app.config["REQUIRE_ADMIN_2FA"]) and user.role == "admin" and not user.two_factor_enabled


def _clean_code(code: str | None) -> str:
    """The code as typed, without spaces or dashes, in lower case (authenticator apps show "123 456")."""
    return "".join(char for char in (code or "") if char not in " -\t").lower()


def _looks_like_totp(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code is `code`, allowing a phone clock one step (30 s) off either way."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(utcnow())
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used unless it or a later one already was; True when this request won it."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def recovery_codes_left(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes (in the caller's transaction); the codes are returned to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all([RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes])
    return ["-".join(code[start:start + 4] for start in range(0, RECOVERY_CODE_LENGTH, 4)) for code in codes]


def verify_login_code(user: User, code: str | None, address: str | None) -> str:
    """Check the second factor of a sign-in and complete it: "totp" or "recovery" by what was used.

    LoginThrottled after too many failures (passwords and codes together), CodeRefused for a wrong,
    expired or already used code; each refusal is audited and counts towards the throttle.
    """
    address = (address or "unknown")[:64]
    if service.is_throttled(user.email, address):
        raise service.LoginThrottled
    cleaned = _clean_code(code)
    method, accepted = "totp", False
    if user.two_factor_enabled and _looks_like_totp(cleaned):
        step = _matching_step(user.totp_secret, cleaned)
        accepted = step is not None and _claim_step(user, step)
    elif user.two_factor_enabled and len(cleaned) == RECOVERY_CODE_LENGTH and set(cleaned) <= set(RECOVERY_ALPHABET):
        method = "recovery"
        accepted = _use_recovery_code(user, cleaned)
    if not accepted:
        summary = _l("Mã xác thực hai bước sai hoặc đã dùng (%(email)s)", email=user.email)
        service.record_failure(user.email, address, user, "login_code_failed", summary)
        raise CodeRefused
    if method == "recovery":
        left = recovery_codes_left(user)
        audit.record("recovery_code_used", user, user=user,
                     summary=_l("Đăng nhập bằng mã khôi phục; còn %(n)d mã", n=left))
        service.complete_login(user, _("Đăng nhập bằng mã khôi phục"))
    else:
        service.complete_login(user, _("Đăng nhập bằng mã xác thực hai bước"))
    return method


def enrolment_secret(user: User) -> str:
    """The secret the user is enrolling; kept on the account until confirmed, so reloading the page
    shows the same QR code as the one already scanned."""
    if user.two_factor_enabled:
        raise service.AccountError(_("Xác thực hai bước đã được bật."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def qr_code_svg(user: User, secret: str) -> Markup:
    """The otpauth:// address of `secret` as an inline SVG QR code, drawn on the server (no script)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff"))


def confirm_enrolment(user: User, code: str | None) -> list[str]:
    """Turn on two-factor sign-in once a code from the app is right; the user's other sessions end.
    Returns the new recovery codes, to be shown once."""
    if user.two_factor_enabled or not user.totp_secret:
        raise service.AccountError(_("Vui lòng bắt đầu lại việc bật xác thực hai bước."))
    cleaned = _clean_code(code)
    step = _matching_step(user.totp_secret, cleaned) if _looks_like_totp(cleaned) else None
    if step is None:
        raise service.AccountError(
            _("Mã không đúng. Hãy nhập mã 6 số đang hiện trong ứng dụng (kiểm tra giờ của điện thoại)."), "code")
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step  # the code just typed cannot also sign in
    codes = _new_recovery_codes(user)
    sessions.rotate(user)
    audit.record("two_factor_enabled", user, user=user, summary=_l("Bật xác thực hai bước"))
    db.session.commit()
    return codes


def regenerate_recovery_codes(user: User, password: str | None, address: str | None) -> list[str]:
    """New recovery codes (the old ones stop working), after the user's password; shown once."""
    if not user.two_factor_enabled:
        raise service.AccountError(_("Xác thực hai bước chưa được bật."))
    service.confirm_password(user, password, address)
    codes = _new_recovery_codes(user)
    audit.record("recovery_codes_renewed", user, user=user, summary=_l("Tạo lại mã khôi phục"))
    db.session.commit()
    return codes


def _turn_off(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.rotate(user)


def disable(user: User, password: str | None, address: str | None) -> None:
    """Turn off the user's own second factor after their password; their other sessions end."""
    if not user.two_factor_enabled:
        raise service.AccountError(_("Xác thực hai bước chưa được bật."))
    service.confirm_password(user, password, address)
    _turn_off(user)
    audit.record("two_factor_disabled", user, user=user, summary=_l("Tắt xác thực hai bước"))
    db.session.commit()


def reset(user: User, *, by=None) -> None:
    """An administrator's reset of another user's second factor (a lost phone): it is turned off and the
    user's sessions end; an administrator enrols again at the next sign-in."""
    if by is not None and by.id == user.id:
        raise service.AccountError(_("Hãy tắt xác thực hai bước của chính bạn ở trang tài khoản."))
    if not user.two_factor_enabled and not user.totp_secret:
        raise service.AccountError(_("Tài khoản này chưa bật xác thực hai bước."))
    _turn_off(user)
    audit.record("two_factor_reset", user, user=by, summary=_l("Đặt lại xác thực hai bước"))
    db.session.commit()
