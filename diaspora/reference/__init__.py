"""Reference data: countries, fields, community roles, administrative units."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels
from diaspora.reference.models import TAXONOMY_FIELD_LABELS

bp = Blueprint("reference", __name__)


def register_audit_labels() -> None:
    """The reference lists' record types and the taxonomies' fields, for the shared history views."""
    register_labels(fields={"fields": TAXONOMY_FIELD_LABELS, "community_roles": TAXONOMY_FIELD_LABELS},
                    entities={"fields": _l("Lĩnh vực"), "units": _l("Đơn vị hành chính"), "countries": _l("Quốc gia"),
                              "community_roles": _l("Vai trò cộng đồng")})


from diaspora.reference import views  # noqa: E402,F401
