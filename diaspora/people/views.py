"""Pages of the people register: the list, the person page, create, edit, delete, memberships."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora import signals
from diaspora.audit.access import check_browse_ceiling, person_access, record_access
from diaspora.audit.service import history
from diaspora.contacts import CONTACT_KIND_LABELS
from diaspora.locale import current_language
from diaspora.organisations import service as organisation_service
from diaspora.people import bp, merging, models, service
from diaspora.people.forms import MembershipForm, PersonForm
from diaspora.people.importing import creation_by_import
from diaspora.people.search import SORT_OPTIONS, PeopleQuery, search_people
from diaspora.permissions import role_required
from diaspora.records import StaleEdit


@bp.context_processor
def inject_labels():
    return {
        "field_labels": models.PERSON_FIELD_LABELS,
        "gender_labels": models.GENDER_LABELS,
        "person_type_labels": models.PERSON_TYPE_LABELS,
        "nationality_labels": models.NATIONALITY_LABELS,
        "consent_labels": models.CONSENT_LABELS,
        "consent_source_labels": models.CONSENT_SOURCE_LABELS,
        "legal_basis_labels": models.LEGAL_BASIS_LABELS,
        "status_labels": models.STATUS_LABELS,
        "offer_labels": models.CONTRIBUTION_LABELS,
        "contact_kind_labels": CONTACT_KIND_LABELS,
        "academic_titles": models.ACADEMIC_TITLES,
        "membership_roles": models.MEMBERSHIP_ROLES,
        "sort_options": SORT_OPTIONS,
    }


@bp.errorhandler(StaleEdit)
def saved_meanwhile(conflict):
    """Two saves of the same person at the same moment: the later one is refused, nothing lost."""
    flash(_("Hồ sơ vừa được người khác lưu. Vui lòng xem lại và thực hiện lại thao tác."), "warning")
    return redirect(url_for("people.show", person_id=conflict.record.id))


@bp.get("/")
@role_required("viewer")
def index():
    query = PeopleQuery.from_args(request.args)
    if query.deleted and not current_user.has_role("admin"):
        abort(403)
    check_browse_ceiling()
    page = search_people(query)
    service.load_list_details(page.items)
    record_access("list", people_ids=[person.id for person in page.items], entity_type="people",
                  filters={**query.to_args(), "page": query.page}, summary=_l("Danh sách kiều bào"))
    return render_template(
        "people/index.html", query=query, args=query.to_args(), page=page,
        filters=service.list_filter_options(current_language()), organisations=organisation_service.organisation_choices(),
    )


@bp.get("/<int:person_id>")
@role_required("viewer")
def show(person_id):
    survivor = merging.survivor_of(person_id)
    if survivor is not None:  # merged into another record of the same person: that record is the person's
        flash(_("Hồ sơ này đã được gộp vào hồ sơ %(name)s (#%(id)d).", name=survivor.full_name, id=survivor.id), "info")
        return redirect(url_for("people.show", person_id=survivor.id))
    admin = current_user.has_role("admin")
    person = service.get_person_or_404(person_id, include_deleted=admin, include_erased=admin)
    if person.is_erased:  # a tombstone: nothing of the person is left to show, only the erase
        return render_template("people/erased.html", person=person, events=list(history("people", person.id)))
    check_browse_ceiling()
    events = list(history("people", person.id))
    created = creation_by_import(person, events)
    if created is not None and not any(event.action == "create" for event in events):
        events.append(created)  # the oldest: the import that created the person
    # Admins see who has read the record (before this view of theirs is added to it).
    access_events, access_total = person_access(person.id) if current_user.has_role("admin") else (None, 0)
    record_access("view", people_ids=[person.id], entity_type="people", entity_id=person.id)
    return render_template(
        "people/show.html", person=person, events=events,
        hometown_candidates=service.hometown_candidates(person),
        panels=signals.panels(signals.person_panels, person),
        access_events=access_events, access_total=access_total, merges=merging.merges_of(person),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    if request.method == "GET":
        return render_template("people/new.html", form=PersonForm.blank())
    form = PersonForm()
    if not form.validate():
        return render_template("people/new.html", form=form), 422
    person = service.create_person(form.values(), by=current_user)
    flash(_("Đã thêm %(name)s.", name=person.full_name), "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit(person_id):
    person = service.get_person_or_404(person_id)
    if request.method == "GET":
        check_browse_ceiling()
        form = PersonForm.from_values(service.person_values(person), version=person.version)
        record_access("view_form", people_ids=[person.id], entity_type="people", entity_id=person.id)
        return render_template("people/edit.html", form=form, person=person)
    form = PersonForm()
    if not form.validate():
        return render_template("people/edit.html", form=form, person=person), 422
    try:
        changed = service.update_person(person, form.values(), by=current_user,
                                        expected_version=form.version.data or 0)
    except StaleEdit as conflict:
        values, mine = service.reapply(person, form.values(), conflict.changes)
        form = PersonForm.from_values(values, version=person.version)
        return render_template("people/conflict.html", form=form, person=person, conflict=conflict,
                               mine=mine), 409
    flash(_("Đã lưu thay đổi.") if changed else _("Không có gì thay đổi."), "success" if changed else "info")
    return redirect(url_for("people.show", person_id=person.id))


@bp.post("/<int:person_id>/delete")
@role_required("admin")
def delete(person_id):
    person = service.get_person_or_404(person_id)
    service.delete_person(person, by=current_user)
    flash(_("Đã chuyển %(name)s vào thùng rác.", name=person.full_name), "success")
    return redirect(url_for("people.index"))


@bp.post("/<int:person_id>/restore")
@role_required("admin")
def restore(person_id):
    person = service.get_person_or_404(person_id, include_deleted=True)
    if person.merged_into_id is not None:  # its rows live in the survivor now: only the merge's undo brings it back
        flash(_("Hồ sơ này đã được gộp vào hồ sơ khác; hãy hoàn tác việc gộp (ở trang hồ sơ giữ lại) "
                "thay vì khôi phục."), "warning")
        return redirect(url_for("people.show", person_id=person.id))
    service.restore_person(person, by=current_user)
    flash(_("Đã khôi phục %(name)s.", name=person.full_name), "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/memberships/new", methods=["GET", "POST"])
@role_required("editor")
def add_membership(person_id):
    person = service.get_person_or_404(person_id)
    form = MembershipForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("people/membership.html", form=form, person=person), status
    service.add_membership(person, form.values(), by=current_user)
    flash(_("Đã thêm tổ chức."), "success")
    return redirect(url_for("people.show", person_id=person.id, _anchor="memberships"))


@bp.route("/<int:person_id>/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit_membership(person_id, membership_id):
    person = service.get_person_or_404(person_id)
    membership = service.get_membership_or_404(person, membership_id)
    form = MembershipForm(obj=membership, version=person.version)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("people/membership.html", form=form, person=person, membership=membership), status
    try:
        service.update_membership(membership, form.values(), by=current_user, expected_version=form.expected_version)
    except StaleEdit as conflict:
        form.version.data = person.version  # what the user typed stays, on the person's current version
        return render_template("people/membership.html", form=form, person=person, membership=membership,
                               conflict=conflict, mine={}), 409
    flash(_("Đã lưu thay đổi."), "success")
    return redirect(url_for("people.show", person_id=person.id, _anchor="memberships"))


@bp.post("/<int:person_id>/memberships/<int:membership_id>/delete")
@role_required("editor")
def remove_membership(person_id, membership_id):
    person = service.get_person_or_404(person_id)
    service.remove_membership(service.get_membership_or_404(person, membership_id), by=current_user)
    flash(_("Đã bỏ tổ chức khỏi hồ sơ."), "success")
    return redirect(url_for("people.show", person_id=person.id, _anchor="memberships"))
