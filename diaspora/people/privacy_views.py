"""Pages of the data subject's rights, for admins: restrict processing, download one person's data (subject
access), erase a person (a confirmation page, then the erase)."""
import tempfile

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.people import bp, privacy, service, subject_access
from diaspora.people.forms import EraseForm, ReasonForm
from diaspora.permissions import role_required


def _person(person_id: int):
    """A person an admin acts on: the bin's too, never a tombstone (404)."""
    return service.get_person_or_404(person_id, include_deleted=True)


def _problem(form: ReasonForm) -> str:
    return " ".join(map(str, form.reason.errors)) or _("hãy thử lại.")


def _back(person):
    return redirect(url_for("people.show", person_id=person.id, _anchor="privacy"))


@bp.post("/<int:person_id>/restrict")
@role_required("admin")
def restrict(person_id):
    """Restrict processing: the record stays, no export or outreach list shows it."""
    person = service.get_person_or_404(person_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Chưa hạn chế xử lý: %(problem)s", problem=_problem(form)), "danger")
    elif privacy.restrict_processing(person, form.reason.data, by=current_user):
        flash(_("Đã hạn chế xử lý dữ liệu của hồ sơ này: không xuất, không liên hệ."), "success")
    return _back(person)


@bp.post("/<int:person_id>/unrestrict")
@role_required("admin")
def unrestrict(person_id):
    """Lift a restriction of processing (with a reason)."""
    person = service.get_person_or_404(person_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Chưa bỏ hạn chế: %(problem)s", problem=_problem(form)), "danger")
    elif privacy.lift_restriction(person, form.reason.data, by=current_user):
        flash(_("Đã bỏ hạn chế xử lý dữ liệu của hồ sơ này."), "success")
    return _back(person)


@bp.get("/<int:person_id>/data.<any(xlsx, json):fmt>")
@role_required("admin")
def subject_data(person_id, fmt):
    """Subject access: everything the register holds about the person, as a workbook or JSON (recorded)."""
    person = _person(person_id)
    file = tempfile.TemporaryFile()
    subject_access.export_person_data(person, file, fmt, user=current_user._get_current_object())
    file.seek(0)
    return send_file(file, mimetype=subject_access.MIMETYPES[fmt], as_attachment=True,
                     download_name=f"du-lieu-ca-nhan-{person.id}.{fmt}", max_age=0)


@bp.route("/<int:person_id>/erase", methods=["GET", "POST"])
@role_required("admin")
def erase(person_id):
    """Erase for good, in two steps: this page (the reason, a confirmation), then the erase."""
    person = _person(person_id)
    form = EraseForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("people/erase.html", person=person, form=form), status
    counts = privacy.erase_person(person, form.reason.data, by=current_user)
    flash(_("Đã xoá vĩnh viễn dữ liệu của hồ sơ #%(id)d: %(contacts)d liên hệ, %(values)d giá trị trong nhật ký, "
            "%(rows)d dòng nhập Excel, %(files)d tệp.", id=person.id, contacts=counts["erased_contacts"],
            values=counts["erased_audit_values"], rows=counts.get("erased_import_rows", 0),
            files=counts.get("erased_files", 0)), "success")
    return redirect(url_for("people.show", person_id=person.id))
