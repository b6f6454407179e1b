"""Views of the reference feature (stub until the feature lands)."""
from diaspora.reference import bp


@bp.get("/")
def index():
    return ""
