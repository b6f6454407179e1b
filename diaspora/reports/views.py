"""The dashboard."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from diaspora.locale import select_locale
from diaspora.permissions import role_required
from diaspora.reports import bp, service


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return dashboard()


@role_required("viewer")
def dashboard():
    figures = service.dashboard_figures(select_locale())
    return render_template("reports/dashboard.html", figures=figures)
