"""Pages of a merge of two records of one person: choosing the other record, the side-by-side page, the undo."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from diaspora import signals
from diaspora.audit.access import check_browse_ceiling, record_access
from diaspora.extensions import db
from diaspora.listing import record_id
from diaspora.organisations.models import Membership
from diaspora.people import bp, merging, service
from diaspora.people.forms import MergeForm
from diaspora.people.models import Person
from diaspora.permissions import role_required
from diaspora.records import StaleEdit


def _person_or_404(person_id: int) -> Person:
    # Any record, so that a refusal can say why (in the bin, erased, merged) instead of "not found".
    return service.get_person_or_404(person_id, include_deleted=True, include_erased=True)


def _counts(person: Person) -> dict:
    """How many rows of each kind the person holds that a merge moves: {key: count}."""
    counts = {"memberships": db.session.scalar(select(func.count()).where(Membership.person_id == person.id))}
    counts.update({section.key: len(section.rows) for section in signals.data_sections(person)
                   if section.key in ("activities", "channels")})
    return counts


@bp.get("/<int:person_id>/merge")
@role_required("editor")
def merge_start(person_id):
    """The person page's "merge with another record" box: on to the side-by-side page of the chosen record."""
    person = service.get_person_or_404(person_id)
    chosen = record_id((request.args.get("other_id") or request.args.get("other_number") or "").strip().lstrip("#"))
    if chosen is None:
        flash(_("Hãy chọn hoặc nhập số ID của hồ sơ cần gộp."), "warning")
        return redirect(url_for("people.show", person_id=person.id, _anchor="merge"))
    return redirect(url_for("people.merge", person_id=person.id, other_id=chosen))


@bp.route("/<int:person_id>/merge/<int:other_id>", methods=["GET", "POST"])
@role_required("editor")
def merge(person_id, other_id):
    """Side by side, field by field: what survives of the two records; then the merge into `person_id`."""
    survivor, other = _person_or_404(person_id), _person_or_404(other_id)
    refused = merging.refusal(survivor, other)
    if refused:
        flash(refused, "danger")
        return redirect(url_for("people.show", person_id=survivor.id))
    differences = merging.differences(survivor, other)
    form = MergeForm.for_differences(differences, survivor, other)
    if request.method == "GET" or not form.validate():
        return _page(form, survivor, other, differences, status=200 if request.method == "GET" else 422)
    try:
        merging.merge_people(survivor, other, form.choices(differences), by=current_user,
                             expected_versions=form.expected_versions)
    except StaleEdit as conflict:
        form = MergeForm.for_differences(merging.differences(survivor, other), survivor, other, fresh=True)
        return _page(form, survivor, other, merging.differences(survivor, other), conflict=conflict, status=409)
    flash(_("Đã gộp hồ sơ #%(other)d vào hồ sơ này.", other=other.id), "success")
    return redirect(url_for("people.show", person_id=survivor.id))


def _page(form, survivor, other, differences, *, conflict=None, status=200):
    check_browse_ceiling()
    record_access("view", people_ids=[survivor.id, other.id], entity_type="people", entity_id=survivor.id,
                  summary=_("Xem để gộp hai hồ sơ"))
    return render_template(
        "people/merge.html", form=form, survivor=survivor, other=other, differences=differences,
        same=[key for key, _columns in merging.CHOICES if key not in {d.key for d in differences}],
        united=merging.united(survivor, other), counts={"survivor": _counts(survivor), "other": _counts(other)},
        conflict=conflict, mine={}, conflict_type="people"), status


@bp.post("/merges/<int:merge_id>/undo")
@role_required("admin")
def merge_undo(merge_id):
    """An admin undoes a merge: both records back as they were, or a message saying why not."""
    merge_ = merging.get_merge_or_404(merge_id)
    try:
        merging.undo_merge(merge_, by=current_user)
    except merging.MergeRefused as refused:
        flash(str(refused), "danger")
    else:
        flash(_("Đã hoàn tác việc gộp: hai hồ sơ đã trở lại như trước."), "success")
    return redirect(url_for("people.show", person_id=merge_.survivor_id, _anchor="merges"))
