"""The community's own side: the public registration form and its review queue, and events open to registration
with their check-in. Public pages (/register, /e/<token>) need no sign-in; the rest is for editors."""
from flask import Blueprint, request, session
from flask_babel import lazy_gettext as _l
from flask_babel import refresh

from diaspora.audit.service import ACTION_LABELS, register_labels
from diaspora.community.models import SUBMISSION_FIELD_LABELS
from diaspora.locale import LANGUAGES

bp = Blueprint("community", __name__)

PUBLIC_ENDPOINTS = {"community.register", "community.thanks", "community.event_register", "community.event_ticket"}


@bp.before_request
def _language_from_link():
    """A public link may carry its language (/register?lang=en, /e/<token>?lang=en), as an English invitation
    prints it: the page, and the rest of the visit, speak that language."""
    chosen = request.args.get("lang")
    if request.endpoint in PUBLIC_ENDPOINTS and chosen in LANGUAGES and session.get("locale") != chosen:
        session["locale"] = chosen
        refresh()  # Flask-Babel may have cached the locale of the request already


def register_audit_labels() -> None:
    """The labels of submissions and their decisions, and of an activity's registration settings."""
    ACTION_LABELS.setdefault("accept", _l("Nhận vào hồ sơ"))
    ACTION_LABELS.setdefault("reject", _l("Từ chối"))
    ACTION_LABELS.setdefault("check_in", _l("Điểm danh"))
    register_labels(fields={"submissions": SUBMISSION_FIELD_LABELS,
                            "activities": {"registration_open": _l("Nhận đăng ký"),
                                           "registration_capacity": _l("Số chỗ"),
                                           "registration_closes_on": _l("Hạn đăng ký")},
                            "people": {"erased_registrations": _l("Phiếu đăng ký đã xoá")}},
                    entities={"submissions": _l("Đăng ký trực tuyến")},
                    links={"submissions": ("community.submission", "submission_id")})


from diaspora.community import receivers, views  # noqa: E402,F401
