"""The dashboard."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from diaspora.audit.access import ALERT_DAYS, recent_browse_limits
from diaspora.locale import select_locale
from diaspora.outreach.common import today
from diaspora.permissions import role_required
from diaspora.reports import annual, bp, charts, service


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return dashboard()


@role_required("viewer")
def dashboard():
    figures = service.dashboard_figures(today())
    # Admins are told who reached the ceiling on bulk browsing lately.
    browse_limits = recent_browse_limits() if current_user.has_role("admin") else []
    return render_template("reports/dashboard.html", figures=figures, browse_limits=browse_limits,
                           alert_days=ALERT_DAYS, charts=charts.dashboard_charts(select_locale(), today()),
                           report_reminder=annual.reminder(today()))
