"""Views of the people feature (stub until the feature lands)."""
from diaspora.people import bp


@bp.get("/")
def index():
    return ""
