"""Pages of the outreach feature: products, channels and their matrix, activities, follow-ups, experts."""
from datetime import timedelta

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora import signals
from diaspora.audit.access import check_browse_ceiling, record_access
from diaspora.audit.service import display_value, field_label, history
from diaspora.outreach import activities as activity_service
from diaspora.outreach import bp
from diaspora.outreach import channels as channel_service
from diaspora.outreach import experts as expert_service
from diaspora.outreach import products as product_service
from diaspora.outreach.common import today
from diaspora.outreach.forms import (
    ActivityForm,
    ChannelForm,
    ChannelStatusForm,
    DeleteForm,
    ProductForm,
    activity_form_data,
    channel_form_data,
    participant_row,
)
from diaspora.outreach.models import (
    ACTIVITY_FIELD_LABELS,
    ACTIVITY_TYPES,
    CHANNEL_FIELD_LABELS,
    CHANNEL_PRODUCT_STATUSES,
    CHANNEL_SCALES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
)
from diaspora.permissions import role_required
from diaspora.records import StaleEdit
from diaspora.reference.countries import country_choices
from diaspora.reference.models import PRODUCT_CATEGORIES


@bp.context_processor
def inject_labels():
    """Labels and helpers every outreach template uses."""
    return {"product_categories": PRODUCT_CATEGORIES, "channel_types": CHANNEL_TYPES,
            "channel_statuses": CHANNEL_STATUSES, "channel_scales": CHANNEL_SCALES,
            "channel_product_statuses": CHANNEL_PRODUCT_STATUSES, "activity_types": ACTIVITY_TYPES,
            "primary_contact": expert_service.primary_contact, "today": today()}


def _conflict_rows(conflict: StaleEdit, labels: dict) -> list[dict]:
    """The conflict page's rows: field, value before and after the other edit, who made it, what the user sent."""
    return [{"label": str(labels.get(key, field_label(key))), "before": display_value(change.get("before")),
             "after": display_value(change.get("after")), "by": change.get("by"), "at": change.get("at"),
             "submitted": display_value(change.get("submitted"))}
            for key, change in conflict.changes.items()]


def _history(record) -> list:
    """The audit events of a channel or an activity, newest first."""
    return history(record.__tablename__, record.id)


def _form_status(form) -> int:
    """422 for a submitted form that failed validation, 200 for a fresh one."""
    return 422 if form.is_submitted() else 200


def _bin_allowed(query) -> None:
    if query.deleted and not current_user.has_role("admin"):
        abort(403)


@bp.get("/")
@role_required("viewer")
def index():
    """The section opens on the channel list."""
    return redirect(url_for("outreach.channels"))


# --- products --------------------------------------------------------------------------------------

@bp.get("/products/")
@role_required("viewer")
def products():
    """The typical products catalogue, by category."""
    category = request.args.get("category") or None
    q = (request.args.get("q") or "").strip()
    inactive = request.args.get("inactive") == "1" and current_user.has_role("admin")
    items = product_service.list_products(category, q, include_inactive=inactive)
    return render_template("outreach/products.html", groups=product_service.products_by_category(items),
                           total=len(items), counts=product_service.product_counts(), category=category, q=q,
                           inactive=inactive, action_form=DeleteForm())


@bp.route("/products/new", methods=["GET", "POST"])
@role_required("admin")
def product_new():
    """Add a product (admin)."""
    form = ProductForm(unit_choices=product_service.unit_choices())
    if not form.validate_on_submit():
        return render_template("outreach/product_form.html", form=form, product=None), _form_status(form)
    product = product_service.create_product(form.data, by=current_user)
    flash(_("Đã thêm sản phẩm “%(name)s”.", name=product.name), "success")
    return redirect(url_for("outreach.products"))


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def product_edit(product_id):
    """Edit a product (admin); a form built on an older version comes back with what changed meanwhile."""
    product = product_service.get_product_or_404(product_id)
    units = product_service.unit_choices()
    form = ProductForm(obj=product, product=product, unit_choices=units)
    if not form.validate_on_submit():
        return render_template("outreach/product_form.html", form=form, product=product), _form_status(form)
    try:
        product_service.update_product(product, form.data, by=current_user, expected_version=form.expected_version)
    except StaleEdit as conflict:
        values, mine = product_service.reapply_product(product, form.data, conflict.changes)
        form = ProductForm(formdata=None, data={**values, "version": product.version}, product=product,
                           unit_choices=units)
        return render_template("outreach/product_form.html", form=form, product=product, conflict=conflict,
                               mine=mine), 409
    flash(_("Đã lưu sản phẩm “%(name)s”.", name=product.name), "success")
    return redirect(url_for("outreach.products", inactive="1" if not product.active else None))


@bp.post("/products/<int:product_id>/active")
@role_required("admin")
def product_active(product_id):
    """Take a product out of the catalogue or back in (admin)."""
    product = product_service.get_product_or_404(product_id)
    if DeleteForm().validate_on_submit() and request.form.get("active") in ("0", "1"):
        active = request.form["active"] == "1"
        product_service.set_product_active(product, active, by=current_user)
        flash(_("Đã đưa “%(name)s” trở lại danh mục.", name=product.name) if active
              else _("Đã ngừng dùng “%(name)s” trong danh mục.", name=product.name), "success")
    return redirect(url_for("outreach.products", inactive="1"))


# --- distribution channels -------------------------------------------------------------------------

def _channel_form(channel=None, **prefill) -> ChannelForm:
    catalogue = product_service.list_products(include_inactive=True)
    data = {**channel_form_data(channel, catalogue), **prefill}
    form = ChannelForm(data=data, country_choices=country_choices())
    form.catalogue = {str(product.id): product for product in catalogue}
    return form


def _channel_prefill(args) -> dict:
    """The owner fields of a new channel opened from a person's or an organisation's page."""
    prefill = {}
    person = activity_service.lookup_person(args.get("person"))
    if person is not None:
        prefill.update(person_id=person.id, person_label=person.full_name)
    organisation = activity_service.lookup_organisation(args.get("organisation"))
    if organisation is not None:
        prefill.update(organisation_id=organisation.id, organisation_label=organisation.name)
    return prefill


@bp.get("/channels/")
@role_required("viewer")
def channels():
    """The filtered, paginated list of distribution channels."""
    query = channel_service.ChannelQuery.from_args(request.args)
    _bin_allowed(query)
    return render_template("outreach/channels.html", page=channel_service.search_channels(query), query=query,
                           args=query.to_args(), countries=country_choices(),
                           products=product_service.list_products(include_inactive=True))


@bp.get("/channels/matrix")
@role_required("viewer")
def matrix():
    """Products × countries: where each product is distributed or wanted."""
    return render_template("outreach/matrix.html", matrix=product_service.product_country_matrix())


@bp.route("/channels/new", methods=["GET", "POST"])
@role_required("editor")
def channel_new():
    """Add a distribution channel."""
    form = _channel_form(**_channel_prefill(request.args))
    if not form.validate_on_submit():
        return render_template("outreach/channel_form.html", form=form, channel=None), _form_status(form)
    channel = channel_service.create_channel(form.data, by=current_user)
    flash(_("Đã thêm kênh phân phối “%(name)s”.", name=channel.name), "success")
    return redirect(url_for("outreach.channel_show", channel_id=channel.id))


@bp.get("/channels/<int:channel_id>")
@role_required("viewer")
def channel_show(channel_id):
    """One channel: details, products, status history, changes."""
    channel = channel_service.get_channel_or_404(channel_id, include_deleted=current_user.has_role("admin"))
    status_form = ChannelStatusForm(data={"version": channel.version, "status": channel.status})
    return render_template("outreach/channel_show.html", channel=channel, status_form=status_form,
                           action_form=DeleteForm(), history=_history(channel))


@bp.route("/channels/<int:channel_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def channel_edit(channel_id):
    """Edit a channel; a form built on an older version gets the conflict page."""
    channel = channel_service.get_channel_or_404(channel_id)
    form = _channel_form(channel)
    if not form.validate_on_submit():
        return render_template("outreach/channel_form.html", form=form, channel=channel), _form_status(form)
    try:
        channel_service.update_channel(channel, form.data, by=current_user, expected_version=form.expected_version)
    except StaleEdit as conflict:
        return render_template("outreach/conflict.html", rows=_conflict_rows(conflict, CHANNEL_FIELD_LABELS),
                               record=channel, title=channel.name,
                               show_url=url_for("outreach.channel_show", channel_id=channel.id),
                               edit_url=url_for("outreach.channel_edit", channel_id=channel.id)), 409
    flash(_("Đã lưu thay đổi."), "success")
    return redirect(url_for("outreach.channel_show", channel_id=channel.id))


@bp.post("/channels/<int:channel_id>/status")
@role_required("editor")
def channel_status(channel_id):
    """Move a channel along the pipeline from its page."""
    channel = channel_service.get_channel_or_404(channel_id)
    form = ChannelStatusForm()
    if not form.validate_on_submit():
        flash(form.note.errors[0] if form.note.errors else _("Trạng thái không hợp lệ."), "danger")
        return redirect(url_for("outreach.channel_show", channel_id=channel.id))
    try:
        channel_service.change_channel_status(channel, form.status.data, form.note.data, by=current_user,
                                              expected_version=form.expected_version)
    except StaleEdit as conflict:
        return render_template("outreach/conflict.html", rows=_conflict_rows(conflict, CHANNEL_FIELD_LABELS),
                               record=channel, title=channel.name,
                               show_url=url_for("outreach.channel_show", channel_id=channel.id),
                               edit_url=url_for("outreach.channel_show", channel_id=channel.id)), 409
    flash(_("Đã cập nhật trạng thái: %(status)s.", status=channel.status_label), "success")
    return redirect(url_for("outreach.channel_show", channel_id=channel.id))


@bp.post("/channels/<int:channel_id>/delete")
@role_required("admin")
def channel_delete(channel_id):
    """Move a channel to the bin (admin)."""
    channel = channel_service.get_channel_or_404(channel_id)
    if DeleteForm().validate_on_submit():
        channel_service.delete_channel(channel, by=current_user)
        flash(_("Đã chuyển kênh “%(name)s” vào thùng rác.", name=channel.name), "success")
    return redirect(url_for("outreach.channels"))


@bp.post("/channels/<int:channel_id>/restore")
@role_required("admin")
def channel_restore(channel_id):
    """Take a channel out of the bin (admin)."""
    channel = channel_service.get_channel_or_404(channel_id, include_deleted=True)
    if DeleteForm().validate_on_submit():
        channel_service.restore_channel(channel, by=current_user)
        flash(_("Đã khôi phục kênh “%(name)s”.", name=channel.name), "success")
    return redirect(url_for("outreach.channel_show", channel_id=channel.id))


# --- activities ------------------------------------------------------------------------------------

def _activity_form(activity=None, prefill_participants=()) -> ActivityForm:
    data = activity_form_data(activity) if activity is not None else {
        "participants": [participant_row(record) for record in prefill_participants]}
    return ActivityForm(data=data, country_choices=country_choices())


@bp.get("/activities/")
@role_required("viewer")
def activities():
    """The filtered, paginated list of activities, newest first."""
    query = activity_service.ActivityQuery.from_args(request.args)
    _bin_allowed(query)
    return render_template("outreach/activities.html", page=activity_service.search_activities(query), query=query,
                           args=query.to_args(), countries=country_choices(), years=activity_service.activity_years())


@bp.route("/activities/new", methods=["GET", "POST"])
@role_required("editor")
def activity_new():
    """Log an activity, optionally with a person or an organisation already added."""
    prefill = [record for record in (activity_service.lookup_person(request.args.get("person")),
                                     activity_service.lookup_organisation(request.args.get("organisation"))) if record]
    form = _activity_form(prefill_participants=prefill)
    if not form.validate_on_submit():
        return render_template("outreach/activity_form.html", form=form, activity=None), _form_status(form)
    activity = activity_service.create_activity(form.data, by=current_user)
    flash(_("Đã ghi hoạt động “%(title)s”.", title=activity.title), "success")
    return redirect(url_for("outreach.activity_show", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>")
@role_required("viewer")
def activity_show(activity_id):
    """One activity: details, participants, follow-up, changes."""
    activity = activity_service.get_activity_or_404(activity_id, include_deleted=current_user.has_role("admin"))
    return render_template("outreach/activity_show.html", activity=activity, action_form=DeleteForm(),
                           history=_history(activity), panels=signals.panels(signals.activity_panels, activity))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def activity_edit(activity_id):
    """Edit an activity; a form built on an older version gets the conflict page."""
    activity = activity_service.get_activity_or_404(activity_id)
    form = _activity_form(activity)
    if not form.validate_on_submit():
        return render_template("outreach/activity_form.html", form=form, activity=activity), _form_status(form)
    try:
        activity_service.update_activity(activity, form.data, by=current_user, expected_version=form.expected_version)
    except StaleEdit as conflict:
        return render_template("outreach/conflict.html", rows=_conflict_rows(conflict, ACTIVITY_FIELD_LABELS),
                               record=activity, title=activity.title,
                               show_url=url_for("outreach.activity_show", activity_id=activity.id),
                               edit_url=url_for("outreach.activity_edit", activity_id=activity.id)), 409
    flash(_("Đã lưu thay đổi."), "success")
    return redirect(url_for("outreach.activity_show", activity_id=activity.id))


@bp.post("/activities/<int:activity_id>/follow-up-done")
@role_required("editor")
def follow_up_done(activity_id):
    """Close an activity's follow-up."""
    activity = activity_service.get_activity_or_404(activity_id)
    if DeleteForm().validate_on_submit():
        activity_service.mark_follow_up_done(activity, by=current_user)
        flash(_("Đã đánh dấu hoàn thành việc theo dõi “%(title)s”.", title=activity.title), "success")
    if request.form.get("back") == "activity":
        return redirect(url_for("outreach.activity_show", activity_id=activity.id))
    return redirect(url_for("outreach.follow_ups"))


@bp.post("/activities/<int:activity_id>/delete")
@role_required("admin")
def activity_delete(activity_id):
    """Move an activity to the bin (admin)."""
    activity = activity_service.get_activity_or_404(activity_id)
    if DeleteForm().validate_on_submit():
        activity_service.delete_activity(activity, by=current_user)
        flash(_("Đã chuyển hoạt động “%(title)s” vào thùng rác.", title=activity.title), "success")
    return redirect(url_for("outreach.activities"))


@bp.post("/activities/<int:activity_id>/restore")
@role_required("admin")
def activity_restore(activity_id):
    """Take an activity out of the bin (admin)."""
    activity = activity_service.get_activity_or_404(activity_id, include_deleted=True)
    if DeleteForm().validate_on_submit():
        activity_service.restore_activity(activity, by=current_user)
        flash(_("Đã khôi phục hoạt động “%(title)s”.", title=activity.title), "success")
    return redirect(url_for("outreach.activity_show", activity_id=activity.id))


@bp.get("/follow-ups")
@role_required("viewer")
def follow_ups():
    """Activities whose follow-up is due within 14 days or overdue."""
    on = today()
    days = activity_service.FOLLOW_UP_DAYS
    return render_template("outreach/follow_ups.html", activities=activity_service.follow_ups_due(on), today=on,
                           horizon=on + timedelta(days=days), days=days,
                           action_form=DeleteForm())


# --- pickers and the expert finder -----------------------------------------------------------------

@bp.get("/people/lookup")
@role_required("viewer")
def people_lookup():
    """People matching `q`, as JSON, for the pickers."""
    return jsonify(activity_service.lookup_people(request.args.get("q", "")[:200]))


@bp.get("/organisations/lookup")
@role_required("viewer")
def organisations_lookup():
    """Organisations matching `q`, as JSON, for the pickers."""
    return jsonify(activity_service.lookup_organisations(request.args.get("q", "")[:200]))


@bp.get("/experts")
@role_required("viewer")
def experts():
    """The expert finder: people by field, country, title and willingness to contribute."""
    query = expert_service.expert_query(request.args)
    check_browse_ceiling()
    page = expert_service.find_experts(query)
    record_access("list", people_ids=[person.id for person in page.items], entity_type="people",
                  filters={**query.to_args(), "page": query.page}, summary=_l("Tìm chuyên gia"))
    return render_template("outreach/experts.html", page=page, query=query, args=query.to_args(),
                           options=expert_service.expert_filter_options(),
                           left_out=expert_service.left_out_of(query, page.total))
