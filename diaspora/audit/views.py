"""Views of the audit feature (stub until the feature lands)."""
from diaspora.audit import bp


@bp.get("/")
def index():
    return ""
