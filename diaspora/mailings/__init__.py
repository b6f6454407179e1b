"""Greetings and invitations: a letter (Tết greeting, invitation, thanks) with merge fields, written to a
filtered list of people, previewed, then produced as Word letters or sent as e-mails by a job; each person's
letters on their page (signals.person_panels), in their subject access (person_data), gone when they are
erased (person_erased)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import ACTION_LABELS, register_labels
from diaspora.mailings.models import CAMPAIGN_FIELD_LABELS

bp = Blueprint("mailings", __name__)


def register_audit_labels() -> None:
    """The campaigns' labels and page for the shared history views, and what an erase removed here."""
    register_labels(fields={"campaigns": {**CAMPAIGN_FIELD_LABELS, "recipients": _l("Số người nhận"),
                                          "excluded": _l("Số người loại trừ")},
                            "people": {"erased_mailing_messages": _l("Thư, thiệp đã gửi đã xoá")}},
                    entities={"campaigns": _l("Thư, thiệp")},
                    links={"campaigns": ("mailings.show", "campaign_id")})
    ACTION_LABELS.setdefault("send", _l("Gửi thư, thiệp"))


from diaspora.mailings import service, views  # noqa: E402,F401
