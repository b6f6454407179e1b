"""The audit log page, the page that stops bulk browsing, and the template helpers that show events."""
import math

from flask import render_template, request
from flask_babel import format_datetime

from diaspora.audit import access, bp, service
from diaspora.audit.forms import AuditFilterForm
from diaspora.listing import whole_number
from diaspora.permissions import role_required
from diaspora.records import utcnow

bp.add_app_template_filter(service.field_label, "audit_field")
bp.add_app_template_filter(service.action_label, "audit_action")
bp.add_app_template_filter(service.entity_label, "audit_entity")
bp.add_app_template_filter(service.display_value, "audit_value")
bp.add_app_template_filter(service.summary_text, "audit_summary")
bp.add_app_template_global(service.record_url, "audit_record_url")
bp.add_app_template_test(lambda action: action in access.ACCESS_ACTIONS, "access_action")


@bp.get("/")
@role_required("admin")
def index():
    form = AuditFilterForm(request.args)
    form.fill_choices(service.users_for_filter())
    filters = form.filters()
    events = service.search_events(**filters, page=whole_number(request.args, "page", 1))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/index.html", form=form, events=events, args=args, person_id=filters["person_id"])


@bp.app_errorhandler(access.BrowseLimitReached)
def browse_limit_reached(reached: access.BrowseLimitReached):
    """429 on any page showing people once the user has been shown the hour's ceiling: why, and when to go on."""
    wait = max(1, math.ceil((reached.until - utcnow()).total_seconds()))
    page = render_template("audit/browse_limit.html", shown=reached.shown, limit=reached.limit,
                           until=format_datetime(reached.until, "HH:mm dd/MM/yyyy"))
    return page, 429, {"Retry-After": str(wait)}
