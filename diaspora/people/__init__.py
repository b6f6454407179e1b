"""The people register: people, contacts, memberships, search."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels, translated_entry, translated_label
from diaspora.people.models import PERSON_FIELD_LABELS

bp = Blueprint("people", __name__)


def register_audit_labels() -> None:
    """The labels of a person's fields and the person's page, for the shared history views."""
    register_labels(fields={"people": PERSON_FIELD_LABELS}, entities={"people": _l("Kiều bào"), "contacts": _l("Liên hệ")},
                    links={"people": ("people.show", "person_id")},
                    # The audit keeps labels in Vietnamese: read in the reader's language.
                    translators={**dict.fromkeys(("gender", "person_type", "nationality_status", "offers",
                                                  "consent_status", "consent_source", "consent_legal_basis",
                                                  "status", "kind"), translated_label),
                                 "contacts": translated_entry})


from diaspora.people import merge_views, merging, privacy_views, views  # noqa: E402,F401
