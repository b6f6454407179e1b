"""Pages of the community's side: the public registration and an event's sign-up (no sign-in), the review queue,
an event's registration settings, registrants, QR code, export and check-in (editors)."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.audit.access import record_access
from diaspora.community import bp, cleaning, events, service, spam
from diaspora.community.consent import CONSENT_PARAGRAPHS, CONSENT_TEXT_VERSION, CONSENT_TITLE
from diaspora.community.forms import (
    ActionForm,
    CodeForm,
    MergeForm,
    RegistrationForm,
    ReviewForm,
    ShortRegistrationForm,
    SignupForm,
    WalkInForm,
)
from diaspora.community.models import SUBMISSION_STATUS_LABELS, EventRegistration, Submission
from diaspora.listing import whole_number
from diaspora.locale import current_language
from diaspora.outreach.activities import get_activity_or_404
from diaspora.people.service import get_person_or_404
from diaspora.permissions import role_required
from diaspora.records import StaleEdit

REFUSALS = {
    "honeypot": 400,
    "too_fast": 422,
    "stale": 422,
    "limit": 429,
}


def _consent() -> dict:
    return {"consent_title": CONSENT_TITLE, "consent_paragraphs": CONSENT_PARAGRAPHS,
            "consent_version": CONSENT_TEXT_VERSION}


def _refusal_message(reason: str) -> str:
    return {
        "honeypot": _("Không gửi được phiếu."),
        "too_fast": _("Phiếu được gửi quá nhanh. Vui lòng kiểm tra lại các thông tin rồi bấm gửi lần nữa."),
        "stale": _("Phiếu đã mở quá lâu. Vui lòng kiểm tra lại các thông tin rồi bấm gửi lần nữa."),
        "limit": _("Đã có quá nhiều phiếu gửi từ địa chỉ mạng này trong một giờ. Vui lòng thử lại sau."),
    }[reason]


def _checked_and_cleaned(form, limit_key: str, default_limit: int, model, time_column):
    """Spam checks, then the import's cleaners over the values: (values, None) or (None, response)."""
    hashed = spam.address_hash()
    try:
        spam.check_honeypot(form.website.data)
        spam.check_stamp(form.stamp.data)
        spam.check_limit(model, time_column, hashed, limit_key, default_limit)
    except spam.Refused as refused:
        form.stamp.data = spam.new_stamp()
        return None, refused.reason, hashed
    values = form.values()
    problems = cleaning.form_problems(cleaning.clean_values(values))
    for name, messages in problems.items():
        form[name].errors = [*form[name].errors, *messages]
    return (None if problems else values), ("invalid" if problems else None), hashed


def _all_problems(form):
    """A form refused by its own checks (consent, a required field) also shows what the import's cleaners find in
    the other fields, so that one correction is enough; the form, for the template."""
    problems = cleaning.form_problems(cleaning.clean_values(form.values()))
    for name, messages in problems.items():
        if name in form and not form[name].errors:
            form[name].errors = [*form[name].errors, *messages]
    return form


# --- the public registration ----------------------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def register():
    """The community's registration form: kept for review, nothing reaches the register before staff accept it."""
    form = RegistrationForm()
    if request.method == "GET":
        form.stamp.data = spam.new_stamp()
        return render_template("community/register.html", form=form, **_consent())
    if not form.validate_on_submit():
        return render_template("community/register.html", form=_all_problems(form), **_consent()), 422
    values, refused, hashed = _checked_and_cleaned(form, "REGISTER_MAX_PER_ADDRESS_PER_HOUR", 5, Submission,
                                                   Submission.submitted_at)
    if refused:
        if refused == "invalid":
            return render_template("community/register.html", form=form, **_consent()), 422
        if refused in ("honeypot", "limit"):
            return render_template("community/refused.html", message=_refusal_message(refused)), REFUSALS[refused]
        flash(_refusal_message(refused), "warning")
        return render_template("community/register.html", form=form, **_consent()), REFUSALS[refused]
    submission = service.submit(values, address_hash=hashed, locale=current_language())
    session["registration_code"] = submission.reference_code
    return redirect(url_for("community.thanks"))


@bp.get("/register/thanks")
def thanks():
    code = session.get("registration_code")
    if not code:
        return redirect(url_for("community.register"))
    return render_template("community/thanks.html", code=code)


# --- an event's public sign-up ----------------------------------------------------------------------------------

@bp.route("/e/<token>", methods=["GET", "POST"])
def event_register(token):
    """An event's sign-up: the short form and consent; the confirmation page carries the registrant's QR code."""
    signup = events.signup_by_token_or_404(token)
    activity = signup.activity
    reason = events.closed_reason(signup)
    if reason:
        return render_template("community/event_closed.html", activity=activity, message=reason), \
            200 if request.method == "GET" else 409
    form = ShortRegistrationForm()
    page = {"activity": activity, "signup": signup, "form": form, **_consent()}
    if request.method == "GET":
        form.stamp.data = spam.new_stamp()
        return render_template("community/event_register.html", **page)
    if not form.validate_on_submit():
        _all_problems(form)
        return render_template("community/event_register.html", **page), 422
    values, refused, hashed = _checked_and_cleaned(form, "EVENT_REGISTER_MAX_PER_ADDRESS_PER_HOUR", 30,
                                                   EventRegistration, EventRegistration.registered_at)
    if refused:
        if refused == "invalid":
            return render_template("community/event_register.html", **page), 422
        if refused in ("honeypot", "limit"):
            return render_template("community/refused.html", message=_refusal_message(refused)), REFUSALS[refused]
        flash(_refusal_message(refused), "warning")
        return render_template("community/event_register.html", **page), REFUSALS[refused]
    try:
        registration = events.register(signup, values, address_hash=hashed, locale=current_language())
    except events.RegistrationClosed as closed:
        return render_template("community/event_closed.html", activity=activity, message=closed.message), 409
    return redirect(url_for("community.event_ticket", token=signup.token, reg_token=registration.token))


@bp.get("/e/<token>/me/<reg_token>")
def event_ticket(token, reg_token):
    """The registrant's confirmation: the event, their code and their own QR code to show at the door."""
    signup = events.signup_by_token_or_404(token)
    registration = events.registration_by_token_or_404(signup, reg_token)
    # An editor who scans the code with the phone's own camera opens this page: they may check the person in here.
    staff = current_user.is_authenticated and current_user.has_role("editor")
    return render_template("community/event_ticket.html", activity=signup.activity, registration=registration,
                           signup=signup, staff_form=ActionForm(formdata=None) if staff else None)


@bp.get("/e/<token>/me/<reg_token>/qr.svg")
def event_ticket_qr(token, reg_token):
    signup = events.signup_by_token_or_404(token)
    registration = events.registration_by_token_or_404(signup, reg_token)
    url = url_for("community.event_ticket", token=signup.token, reg_token=registration.token, _external=True)
    return send_file(io.BytesIO(events.qr_image(url, "svg")), mimetype="image/svg+xml")


# --- the review queue ---------------------------------------------------------------------------------------------

@bp.get("/community/submissions/")
@role_required("editor")
def submissions():
    """Đăng ký chờ duyệt: the submissions of a status, the pending ones oldest first."""
    status = request.args.get("status") if request.args.get("status") in SUBMISSION_STATUS_LABELS else "pending"
    page = min(max(whole_number(request.args, "page") or 1, 1), 100_000)
    items, total = service.queue(status, page)
    record_access("list", entity_type="submissions", count=len(items), filters={"status": status},
                  summary=_("Xem %(n)d phiếu đăng ký (%(status)s).", n=len(items),
                            status=SUBMISSION_STATUS_LABELS[status]))
    pages = max(1, -(-total // service.QUEUE_PAGE))
    return render_template("community/submissions.html", items=items, total=total, status=status, page=page,
                           pages=pages, statuses=SUBMISSION_STATUS_LABELS)


@bp.get("/community/submissions/<int:submission_id>")
@role_required("editor")
def submission(submission_id):
    """One submission beside the people of the register it probably is."""
    return _submission_page(service.get_submission_or_404(submission_id), ReviewForm(formdata=None))


def _submission_page(item: Submission, form: ReviewForm, status: int = 200):
    matches = service.matches_for(item) if item.status == "pending" else []
    record_access("view", entity_type="submissions", entity_id=item.id, people_ids=[person.id for person, _ in matches],
                  summary=_("Xem phiếu đăng ký %(code)s.", code=item.reference_code))
    return render_template("community/submission.html", item=item, matches=matches, form=form,
                           shown=service.shown_values(item.values), problems=cleaning.form_problems(cleaning.clean_values(item.values or {}))), status


@bp.post("/community/submissions/<int:submission_id>/accept")
@role_required("editor")
def submission_accept(submission_id):
    item = service.get_submission_or_404(submission_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _submission_page(item, form, 422)
    try:
        person = service.accept_as_new(item, current_user, form.note.data)
    except service.AlreadyReviewed:
        flash(_("Phiếu này đã được xử lý."), "warning")
        return redirect(url_for("community.submission", submission_id=item.id))
    except service.SubmissionInvalid:
        flash(_("Phiếu có thông tin không hợp lệ, không thể nhận thành hồ sơ."), "danger")
        return redirect(url_for("community.submission", submission_id=item.id))
    flash(_("Đã nhận phiếu %(code)s thành hồ sơ mới.", code=item.reference_code), "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.post("/community/submissions/<int:submission_id>/reject")
@role_required("editor")
def submission_reject(submission_id):
    item = service.get_submission_or_404(submission_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _submission_page(item, form, 422)
    try:
        service.reject(item, current_user, form.note.data)
    except service.AlreadyReviewed:
        flash(_("Phiếu này đã được xử lý."), "warning")
        return redirect(url_for("community.submission", submission_id=item.id))
    flash(_("Đã từ chối phiếu %(code)s.", code=item.reference_code), "success")
    return redirect(url_for("community.submissions"))


@bp.route("/community/submissions/<int:submission_id>/merge/<int:person_id>", methods=["GET", "POST"])
@role_required("editor")
def submission_merge(submission_id, person_id):
    """The submission and a person side by side: keep or take each value, add contacts, fields, associations."""
    item = service.get_submission_or_404(submission_id)
    person = get_person_or_404(person_id)
    try:
        comparison = service.compare(item, person)
    except service.SubmissionInvalid:
        flash(_("Phiếu có thông tin không hợp lệ, không thể gộp."), "danger")
        return redirect(url_for("community.submission", submission_id=item.id))
    form = MergeForm().choices_from(comparison)
    if request.method == "POST" and not form.validate_on_submit():
        return render_template("community/merge.html", item=item, person=person, comparison=comparison,
                               form=form), 422
    if item.status != "pending":
        flash(_("Phiếu này đã được xử lý."), "warning")
        return redirect(url_for("community.submission", submission_id=item.id))
    if request.method == "GET":
        form.version.data = person.version
        for line in comparison.lines:
            form[line.name].data = "take" if line.differs and not line.current else "keep"
        form.contacts.data = [value for value, _label in form.contacts.choices]
        form.fields.data = [value for value, _label in form.fields.choices]
        form.offers.data = [value for value, _label in form.offers.choices]
        form.organisations.data = [value for value, _label in form.organisations.choices]
        record_access("view_form", entity_type="people", entity_id=person.id, people_ids=[person.id],
                      summary=_("So sánh phiếu %(code)s với hồ sơ.", code=item.reference_code))
        return render_template("community/merge.html", item=item, person=person, comparison=comparison, form=form)
    try:
        service.merge_into(item, person, taken=form.taken(), contacts=form.added("contacts"),
                           fields=form.added("fields"), offers=form.added("offers"),
                           organisations=form.added("organisations"), by=current_user,
                           expected_version=form.expected_version, note=form.note.data)
    except service.AlreadyReviewed:
        flash(_("Phiếu này đã được xử lý."), "warning")
        return redirect(url_for("community.submission", submission_id=item.id))
    except StaleEdit:
        flash(_("Hồ sơ vừa được người khác sửa. Hãy xem lại trước khi gộp."), "warning")
        return redirect(url_for("community.submission_merge", submission_id=item.id, person_id=person.id))
    flash(_("Đã gộp phiếu %(code)s vào hồ sơ.", code=item.reference_code), "success")
    return redirect(url_for("people.show", person_id=person.id))


# --- events: settings, registrants, QR code, export ---------------------------------------------------------------

@bp.route("/community/events/<int:activity_id>", methods=["GET", "POST"])
@role_required("editor")
def event(activity_id):
    """An activity's registration: open it (a public link and QR code), capacity, closing date; the registrants."""
    activity = get_activity_or_404(activity_id)
    signup = events.signup_of(activity)
    form = SignupForm(obj=signup) if request.method == "GET" and signup is not None else SignupForm()
    if request.method == "GET" and signup is None:
        form.is_open.data = True
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("community/event.html", activity=activity, signup=signup, form=form,
                                   registrations=[], counts={}), 422
        events.save_signup(activity, is_open=form.is_open.data, capacity=form.capacity.data,
                           closes_on=form.closes_on.data, by=current_user)
        flash(_("Đã lưu cài đặt đăng ký."), "success")
        return redirect(url_for("community.event", activity_id=activity.id))
    rows = events.registrant_rows(activity) if signup is not None else []
    if rows:
        record_access("list", entity_type="activities", entity_id=activity.id, count=len(rows),
                      people_ids=[r.person_id for r in rows if r.person_id],
                      summary=_("Xem danh sách đăng ký “%(title)s”.", title=activity.title))
    counts = {"registered": sum(1 for r in rows if not r.walk_in), "walk_in": sum(1 for r in rows if r.walk_in),
              "arrived": sum(1 for r in rows if r.checked_in_at)}
    return render_template("community/event.html", activity=activity, signup=signup, form=form, registrations=rows,
                           counts=counts)


def _signup_or_404(activity):
    signup = events.signup_of(activity)
    if signup is None:
        abort(404)
    return signup


@bp.get("/community/events/<int:activity_id>/qr.<any(png, svg):fmt>")
@role_required("editor")
def event_qr(activity_id, fmt):
    """The QR code of the public sign-up link, to download for the printed invitation."""
    activity = get_activity_or_404(activity_id)
    signup = _signup_or_404(activity)
    url = url_for("community.event_register", token=signup.token, _external=True)
    return send_file(io.BytesIO(events.qr_image(url, fmt)), mimetype="image/png" if fmt == "png" else "image/svg+xml",
                     as_attachment=True, download_name=f"dang-ky-su-kien-{activity.id}.{fmt}")


@bp.get("/community/events/<int:activity_id>/export")
@role_required("editor")
def event_export(activity_id):
    activity = get_activity_or_404(activity_id)
    _signup_or_404(activity)
    out = io.BytesIO()
    events.export_registrants(activity, out, user=current_user, locale=current_language())
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"dang-ky-su-kien-{activity.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- check-in at the door -------------------------------------------------------------------------------------------

@bp.get("/community/events/<int:activity_id>/checkin")
@role_required("editor")
def checkin(activity_id):
    """The check-in page, made for a phone: search by name or phone digits, tick who arrived."""
    activity = get_activity_or_404(activity_id)
    return _checkin_page(activity, _signup_or_404(activity), CodeForm(formdata=None))


def _checkin_page(activity, signup, code_form: CodeForm, status: int = 200):
    q = (request.args.get("q") or "").strip()[:100]
    found = events.search_registrations(activity, q) if q else []
    if found:
        record_access("list", entity_type="activities", entity_id=activity.id, count=len(found),
                      people_ids=[r.person_id for r in found if r.person_id],
                      summary=_("Tìm người đăng ký “%(title)s” để điểm danh.", title=activity.title))
    return render_template("community/checkin.html", activity=activity, signup=signup, q=q, found=found,
                           action_form=ActionForm(formdata=None), code_form=code_form,
                           arrived=sum(1 for r in events.registrations(activity) if r.checked_in_at),
                           total=events.registered_count(activity.id, walk_ins=True)), status


@bp.post("/community/events/<int:activity_id>/checkin/<int:registration_id>")
@role_required("editor")
def checkin_mark(activity_id, registration_id):
    activity = get_activity_or_404(activity_id)
    registration = events.get_registration_or_404(activity, registration_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if events.check_in(registration, current_user):
        flash(_("Đã điểm danh: %(name)s.", name=registration.full_name), "success")
    else:
        flash(_("%(name)s đã được điểm danh trước đó.", name=registration.full_name), "info")
    return redirect(url_for("community.checkin", activity_id=activity.id, q=request.form.get("q") or None))


@bp.post("/community/events/<int:activity_id>/checkin/code")
@role_required("editor")
def checkin_code(activity_id):
    """Check in by the registrant's code, typed or read from their QR code."""
    activity = get_activity_or_404(activity_id)
    signup = _signup_or_404(activity)
    form = CodeForm()
    if not form.validate_on_submit():
        return _checkin_page(activity, signup, form, 422)
    registration = events.find_by_code(activity, form.code.data)
    if registration is None:
        flash(_("Không tìm thấy mã đăng ký này trong sự kiện."), "danger")
        return redirect(url_for("community.checkin", activity_id=activity.id)), 303
    if events.check_in(registration, current_user):
        flash(_("Đã điểm danh: %(name)s.", name=registration.full_name), "success")
    else:
        flash(_("%(name)s đã được điểm danh trước đó.", name=registration.full_name), "info")
    target = "community.checkin_scan" if request.form.get("from") == "scan" else "community.checkin"
    return redirect(url_for(target, activity_id=activity.id))


@bp.get("/community/events/<int:activity_id>/scan")
@role_required("editor")
def checkin_scan(activity_id):
    """Scan a registrant's QR code with the phone's camera (the browser's barcode reader), or type the code."""
    activity = get_activity_or_404(activity_id)
    _signup_or_404(activity)
    response = render_template("community/scan.html", activity=activity, code_form=CodeForm(formdata=None))
    # The one page that may use the camera, for the scan (every other page denies it).
    return response, 200, {"Permissions-Policy": "camera=(self), microphone=(), geolocation=()"}


@bp.route("/community/events/<int:activity_id>/walk-in", methods=["GET", "POST"])
@role_required("editor")
def walk_in(activity_id):
    """Someone who did not register, registered at the door and checked in at once."""
    activity = get_activity_or_404(activity_id)
    signup = _signup_or_404(activity)
    form = WalkInForm()
    page = {"activity": activity, "form": form, **_consent()}
    if request.method == "GET":
        return render_template("community/walk_in.html", **page)
    if not form.validate_on_submit():
        return render_template("community/walk_in.html", **page), 422
    values = form.values()
    problems = cleaning.form_problems(cleaning.clean_values(values))
    if problems:
        for name, messages in problems.items():
            form[name].errors = [*form[name].errors, *messages]
        return render_template("community/walk_in.html", **page), 422
    registration = events.register(signup, values, address_hash=None, locale=current_language(), walk_in=True,
                                   by=current_user)
    flash(_("Đã đăng ký tại chỗ và điểm danh: %(name)s (mã %(code)s).", name=registration.full_name,
            code=registration.code), "success")
    return redirect(url_for("community.checkin", activity_id=activity.id))
