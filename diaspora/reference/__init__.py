"""Reference data: countries, fields, community roles, administrative units."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels

bp = Blueprint("reference", __name__)


def register_audit_labels() -> None:
    """The reference lists' record types, for the shared history views."""
    register_labels(entities={"fields": _l("Lĩnh vực"), "units": _l("Đơn vị hành chính"), "countries": _l("Quốc gia"),
                              "community_roles": _l("Vai trò cộng đồng")})


from diaspora.reference import views  # noqa: E402,F401
