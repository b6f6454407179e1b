"""Views of the organisations feature (stub until the feature lands)."""
from diaspora.organisations import bp


@bp.get("/")
def index():
    return ""
