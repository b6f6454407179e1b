"""Typical products, distribution channels and engagement activities.

Modules by job: products (the catalogue as outreach maintains it, the products × countries table),
channels, activities (with participants and the pickers), experts (the expert finder), common (what
they share). Channels and activities answer signals.person_panels / organisation_panels and
signals.organisations_in_use; they are imported with the views, when the blueprint is.
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels, translated_entry, translated_label
from diaspora.outreach.models import ACTIVITY_FIELD_LABELS, CHANNEL_FIELD_LABELS
from diaspora.reference.models import PRODUCT_FIELD_LABELS

bp = Blueprint("outreach", __name__)


def register_audit_labels() -> None:
    """The labels of products, channels and activities and the pages of channels and activities, for the
    shared history views."""
    register_labels(fields={"products": PRODUCT_FIELD_LABELS, "distribution_channels": CHANNEL_FIELD_LABELS,
                            "activities": ACTIVITY_FIELD_LABELS,
                            # What an erase of a person removed here (its audit event counts it).
                            "people": {"erased_participant_notes": _l("Ghi chú tham dự hoạt động đã xoá")}},
                    entities={"products": _l("Sản phẩm tiêu biểu"), "distribution_channels": _l("Kênh phân phối"),
                              "activities": _l("Hoạt động")},
                    links={"distribution_channels": ("outreach.channel_show", "channel_id"),
                           "activities": ("outreach.activity_show", "activity_id")},
                    # The audit keeps labels in Vietnamese: read in the reader's language.
                    translators={**dict.fromkeys(("channel_type", "scale", "status", "activity_type", "category"),
                                                 translated_label),
                                 "products": translated_entry})


from diaspora.outreach import merging, views  # noqa: E402,F401
