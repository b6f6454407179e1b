"""Views of the auth feature (stubs until the feature lands)."""
from diaspora.auth import bp


@bp.route("/login", methods=["GET", "POST"])
def login():
    return ""


@bp.post("/logout")
def logout():
    return ""


@bp.get("/language/<code>")
def set_language(code):
    return ""


@bp.get("/users")
def users():
    return ""
