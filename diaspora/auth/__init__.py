"""Staff accounts, roles, login with a second factor, sessions and first-run setup."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("auth", __name__)

ACTION_LABELS = {
    "login_code_failed": _l("Mã xác thực hai bước sai"),
    "session_expired": _l("Hết phiên làm việc"),
    "two_factor_enabled": _l("Bật xác thực hai bước"),
    "two_factor_disabled": _l("Tắt xác thực hai bước"),
    "two_factor_reset": _l("Đặt lại xác thực hai bước"),
    "recovery_code_used": _l("Dùng mã khôi phục"),
    "recovery_codes_renewed": _l("Tạo lại mã khôi phục"),
}


def register_audit_labels() -> None:
    """The labels of the sign-in events this feature writes, for the audit log and its action filter."""
    from diaspora.audit.service import ACTION_LABELS as labels

    labels.update(ACTION_LABELS)


from diaspora.auth import views  # noqa: E402,F401
