"""The organisation register."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels
from diaspora.organisations.models import ORGANISATION_FIELD_LABELS

bp = Blueprint("organisations", __name__)


def register_audit_labels() -> None:
    """The labels of an organisation's fields and its page, for the shared history views."""
    register_labels(fields={"organisations": ORGANISATION_FIELD_LABELS},
                    entities={"organisations": _l("Tổ chức"), "memberships": _l("Thành viên tổ chức")},
                    links={"organisations": ("organisations.show", "organisation_id")})


from diaspora.organisations import merging, views  # noqa: E402,F401
