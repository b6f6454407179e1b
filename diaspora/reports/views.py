"""The dashboard."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from diaspora.reports import bp


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("reports/dashboard.html")
