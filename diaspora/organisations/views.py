"""Pages of the organisation register: list, organisation page, create, edit, delete, restore."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora import signals
from diaspora.audit.service import history
from diaspora.contacts import CONTACT_KIND_LABELS
from diaspora.locale import current_language
from diaspora.organisations import bp, service
from diaspora.organisations.forms import OrganisationForm
from diaspora.organisations.models import (
    ORGANISATION_FIELD_LABELS,
    ORGANISATION_KIND_LABELS,
)
from diaspora.permissions import role_required
from diaspora.records import StaleEdit


@bp.context_processor
def inject_labels():
    return {
        "field_labels": ORGANISATION_FIELD_LABELS,
        "kind_labels": ORGANISATION_KIND_LABELS,
        "contact_kind_labels": CONTACT_KIND_LABELS,
    }


@bp.get("/")
@role_required("viewer")
def index():
    query = service.OrganisationQuery.from_args(request.args)
    if query.deleted and not current_user.has_role("admin"):
        abort(403)
    return render_template("organisations/index.html", query=query, args=query.to_args(),
                           page=service.search_organisations(query),
                           countries=service.country_filter_options(current_language()))


@bp.get("/<int:organisation_id>")
@role_required("viewer")
def show(organisation_id):
    organisation = service.get_organisation_or_404(organisation_id, include_deleted=current_user.has_role("admin"))
    return render_template(
        "organisations/show.html", organisation=organisation, members=service.members(organisation),
        events=history("organisations", organisation.id),
        panels=signals.panels(signals.organisation_panels, organisation),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    if request.method == "GET":
        return render_template("organisations/form.html", form=OrganisationForm.blank())
    form = OrganisationForm()
    if not form.validate():
        return render_template("organisations/form.html", form=form), 422
    organisation = service.create_organisation(form.values(), by=current_user)
    flash(_("Đã thêm %(name)s.", name=organisation.name), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit(organisation_id):
    organisation = service.get_organisation_or_404(organisation_id)
    if request.method == "GET":
        form = OrganisationForm.from_values(service.organisation_values(organisation), version=organisation.version)
        return render_template("organisations/form.html", form=form, organisation=organisation)
    form = OrganisationForm()
    if not form.validate():
        return render_template("organisations/form.html", form=form, organisation=organisation), 422
    try:
        changed = service.update_organisation(organisation, form.values(), by=current_user,
                                              expected_version=form.version.data or 0)
    except StaleEdit as conflict:
        values, mine = service.reapply(organisation, form.values(), conflict.changes)
        form = OrganisationForm.from_values(values, version=organisation.version)
        return render_template("organisations/form.html", form=form, organisation=organisation,
                               conflict=conflict, mine=mine), 409
    flash(_("Đã lưu thay đổi.") if changed else _("Không có gì thay đổi."), "success" if changed else "info")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.post("/<int:organisation_id>/delete")
@role_required("admin")
def delete(organisation_id):
    organisation = service.get_organisation_or_404(organisation_id)
    service.delete_organisation(organisation, by=current_user)
    flash(_("Đã chuyển %(name)s vào thùng rác.", name=organisation.name), "success")
    return redirect(url_for("organisations.index"))


@bp.post("/<int:organisation_id>/restore")
@role_required("admin")
def restore(organisation_id):
    organisation = service.get_organisation_or_404(organisation_id, include_deleted=True)
    service.restore_organisation(organisation, by=current_user)
    flash(_("Đã khôi phục %(name)s.", name=organisation.name), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))
