"""Views of the imports feature (stub until the feature lands)."""
from diaspora.imports import bp


@bp.get("/")
def index():
    return ""
