"""The people register: people, contacts, memberships, search."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels
from diaspora.people.models import PERSON_FIELD_LABELS

bp = Blueprint("people", __name__)


def register_audit_labels() -> None:
    """The labels of a person's fields and the person's page, for the shared history views."""
    register_labels(fields={"people": PERSON_FIELD_LABELS}, entities={"people": _l("Kiều bào"), "contacts": _l("Liên hệ")},
                    links={"people": ("people.show", "person_id")})


from diaspora.people import privacy_views, views  # noqa: E402,F401
