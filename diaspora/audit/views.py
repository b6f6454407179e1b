"""The audit log page and the template helpers that show events."""
from flask import render_template, request

from diaspora.audit import bp, service
from diaspora.audit.forms import AuditFilterForm
from diaspora.listing import whole_number
from diaspora.permissions import role_required

bp.add_app_template_filter(service.field_label, "audit_field")
bp.add_app_template_filter(service.action_label, "audit_action")
bp.add_app_template_filter(service.entity_label, "audit_entity")
bp.add_app_template_filter(service.display_value, "audit_value")
bp.add_app_template_global(service.record_url, "audit_record_url")


@bp.get("/")
@role_required("admin")
def index():
    form = AuditFilterForm(request.args)
    form.fill_choices(service.users_for_filter())
    events = service.search_events(**form.filters(), page=whole_number(request.args, "page", 1))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/index.html", form=form, events=events, args=args)
