"""Dashboard and reports."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from diaspora.audit.service import register_labels

bp = Blueprint("reports", __name__)


def register_audit_labels() -> None:
    """The annual reports' name in the shared history views (their creation and downloads are audited)."""
    register_labels(entities={"annual_reports": _l("Báo cáo năm"), "duplicate_pairs": _l("Hồ sơ có thể trùng")})


from diaspora.reports import annual_views, duplicates, views  # noqa: E402,F401
from diaspora.reports.assets import PACKAGES  # noqa: E402

for package in PACKAGES:
    bp.register_blueprint(package)
