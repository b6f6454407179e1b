"""Sign-in (password, then the second factor), sign-out, session checks, first-run setup, language choice,
the user's own account (password, two-factor sign-in) and user administration."""
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_user, logout_user

from diaspora.auth import bp, service, sessions, two_factor
from diaspora.auth.forms import (
    ConfirmPasswordForm,
    EnrolForm,
    LoginCodeForm,
    LoginForm,
    OwnPasswordForm,
    PasswordResetForm,
    RoleForm,
    SetupForm,
    UserForm,
)
from diaspora.extensions import login_manager
from diaspora.forms import VersionedForm
from diaspora.permissions import role_required
from diaspora.records import StaleEdit

# What an administrator who must enrol in two-factor sign-in can still reach (and static files).
OPEN_WHILE_ENROLLING = {"auth.two_factor_enrol", "auth.logout", "auth.set_language"}


def _safe_next() -> str | None:
    return service.safe_next_path(request.args.get("next"))


def _next_or_home() -> str:
    return _safe_next() or url_for("reports.index")


def _form_status(form) -> int:
    return 422 if form.is_submitted() else 200


def _show_error(form, error: service.AccountError) -> None:
    """Put a service error next to its field, or at the top of the page when it concerns no field."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "danger")


def _fresh_session() -> None:
    """Drop everything from the session but the chosen language, so no state crosses a sign-in."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def _start_session(user) -> None:
    _fresh_session()
    login_user(user)
    sessions.stamp(session)


def _signed_in(user):
    """Open the session of a user whose every factor was right, and send them on (an administrator
    without a second factor to enrol first)."""
    _start_session(user)
    flash(_("Xin chào, %(name)s!", name=user.name), "success")
    if two_factor.must_enrol(user):
        return redirect(url_for("auth.two_factor_enrol", next=_safe_next()))
    return redirect(_next_or_home())


def _renew_own_session(account) -> None:
    """Keep the current session open after a change that rotated the signed-in user's own token."""
    if account.id == current_user.id and account.active:
        login_user(account)


def _session_ended_message(reason: str) -> str:
    config = current_app.config
    if reason == "idle":
        return _("Phiên làm việc đã kết thúc vì không hoạt động quá %(n)d phút. Vui lòng đăng nhập lại.",
                 n=config["SESSION_IDLE_MINUTES"])
    if reason == "lifetime":
        return _("Phiên làm việc đã kéo dài quá %(n)d giờ. Vui lòng đăng nhập lại.", n=config["SESSION_MAX_HOURS"])
    return _("Phiên đăng nhập đã kết thúc (đăng xuất, đổi mật khẩu hoặc đổi quyền). Vui lòng đăng nhập lại.")


@bp.before_app_request
def check_session():
    """On every request: end a session that has run out or was ended elsewhere (the login page then
    says why), and keep an administrator who must enrol in two-factor sign-in on the enrolment page."""
    # Static files (ours and the blueprints', e.g. Bootstrap's) neither need nor touch a session.
    if (request.endpoint or "").rpartition(".")[2] == "static" or "_user_id" not in session:
        return None
    reason = sessions.expiry(session)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None and reason is None:
        sessions.touch(session)
        if two_factor.must_enrol(user) and request.endpoint not in OPEN_WHILE_ENROLLING:
            flash(_("Quản trị viên phải bật xác thực hai bước trước khi tiếp tục."), "warning")
            return redirect(url_for("auth.two_factor_enrol"))
        return None
    if user is not None and reason in ("idle", "lifetime"):
        service.end_session(user, reason)
    logout_user()
    _fresh_session()
    g.session_ended = True
    flash(_session_ended_message(reason if user is not None else "ended"), "warning")
    return None


@login_manager.unauthorized_handler
def unauthorized():
    """Send a visitor who is not signed in to the login page, to come back to this page (a GET) after it."""
    if not g.get("session_ended"):
        flash(str(login_manager.login_message), login_manager.login_message_category)
    here = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
    return redirect(url_for("auth.login", next=service.safe_next_path(here)))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if service.needs_setup():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(_next_or_home())
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), _form_status(form)
    try:
        user = service.authenticate(form.email.data, form.password.data, request.remote_addr)
    except service.LoginThrottled:
        minutes = current_app.config["LOGIN_THROTTLE_MINUTES"]
        error = _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)d phút.", n=minutes)
        return render_template("auth/login.html", form=form, error=error), 429
    except service.LoginRefused:
        error = _("Email hoặc mật khẩu không đúng.")
        return render_template("auth/login.html", form=form, error=error), 401
    if user.two_factor_enabled:
        _fresh_session()
        sessions.begin_pending(session, user)
        return redirect(url_for("auth.login_code", next=_safe_next()))
    service.complete_login(user)
    return _signed_in(user)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(_next_or_home())
    user = sessions.pending_user(session)
    if user is None:
        flash(_("Vui lòng nhập email và mật khẩu trước."), "warning")
        return redirect(url_for("auth.login", next=_safe_next()))
    form = LoginCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/login_code.html", form=form), _form_status(form)
    try:
        method = two_factor.verify_login_code(user, form.code.data, request.remote_addr)
    except service.LoginThrottled:
        minutes = current_app.config["LOGIN_THROTTLE_MINUTES"]
        error = _("Nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)d phút.", n=minutes)
        return render_template("auth/login_code.html", form=form, error=error), 429
    except two_factor.CodeRefused:
        error = _("Mã không đúng, đã hết hạn hoặc đã được dùng.")
        return render_template("auth/login_code.html", form=form, error=error), 401
    response = _signed_in(user)
    if method == "recovery":
        flash(_("Bạn vừa dùng một mã khôi phục; còn %(n)d mã. Có thể tạo mã mới ở trang tài khoản.",
                n=two_factor.recovery_codes_left(user)), "warning")
    return response


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        service.sign_out(current_user._get_current_object())
    logout_user()
    _fresh_session()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    if not service.needs_setup():
        abort(404)
    form = SetupForm()
    if not form.validate_on_submit():
        return render_template("auth/setup.html", form=form), _form_status(form)
    try:
        user = service.create_first_admin(form.name.data, form.email.data, form.password.data)
    except service.SetupClosed:
        abort(404)
    except service.AccountError as error:
        _show_error(form, error)
        return render_template("auth/setup.html", form=form), 422
    _start_session(user)
    flash(_("Đã tạo tài khoản quản trị. Chào mừng bạn đến với Kiều bào Hải Phòng!"), "success")
    if two_factor.must_enrol(user):
        return redirect(url_for("auth.two_factor_enrol"))
    return redirect(url_for("reports.index"))


@bp.get("/language/<code>")
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    # Flask-Babel caches the locale for the rest of the app context.
    refresh()
    return redirect(_next_or_home())


def _account_page(status: int = 200, codes_form=None, disable_form=None):
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html", account=user,
        codes_left=two_factor.recovery_codes_left(user) if user.two_factor_enabled else 0,
        codes_form=codes_form or ConfirmPasswordForm(prefix="codes", formdata=None),
        disable_form=disable_form or ConfirmPasswordForm(prefix="disable", formdata=None),
    ), status


@bp.get("/account")
@role_required("viewer")
def account():
    return _account_page()


@bp.route("/account/password", methods=["GET", "POST"])
@role_required("viewer")
def change_password():
    form = OwnPasswordForm()
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            service.change_own_password(user, form.current_password.data, form.password.data)
        except service.AccountError as error:
            _show_error(form, error)
        else:
            _renew_own_session(user)
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), _form_status(form)


def _recovery_codes_page(codes: list[str]):
    """The new recovery codes, shown this once and never stored by the browser."""
    response = current_app.make_response(render_template("auth/recovery_codes.html", codes=codes,
                                                          next_url=_next_or_home()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor", methods=["GET", "POST"])
@role_required("viewer")
def two_factor_enrol():
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        return redirect(url_for("auth.account"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, form.code.data)
        except service.AccountError as error:
            _show_error(form, error)
        else:
            _renew_own_session(user)
            flash(_("Đã bật xác thực hai bước."), "success")
            return _recovery_codes_page(codes)
    secret = two_factor.enrolment_secret(user)
    response = current_app.make_response((render_template(
        "auth/two_factor_enrol.html", form=form, qr_code=two_factor.qr_code_svg(user, secret),
        secret=" ".join(secret[start:start + 4] for start in range(0, len(secret), 4)),
        required=two_factor.must_enrol(user)), _form_status(form)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/two-factor/recovery-codes")
@role_required("viewer")
def two_factor_recovery_codes():
    form = ConfirmPasswordForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(current_user._get_current_object(), form.password.data,
                                                         request.remote_addr)
        except service.AccountError as error:
            _show_error(form, error)
        else:
            flash(_("Đã tạo mã khôi phục mới; các mã cũ không còn dùng được."), "success")
            return _recovery_codes_page(codes)
    return _account_page(422, codes_form=form)


@bp.post("/account/two-factor/disable")
@role_required("viewer")
def two_factor_disable():
    form = ConfirmPasswordForm(prefix="disable")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            two_factor.disable(user, form.password.data, request.remote_addr)
        except service.AccountError as error:
            _show_error(form, error)
        else:
            _renew_own_session(user)
            flash(_("Đã tắt xác thực hai bước."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(422, disable_form=form)


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("auth/users.html", users=service.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    form = UserForm()
    if form.validate_on_submit():
        data = form.data
        try:
            account = service.create_user(data["name"], data["email"], data["role"], data["password"],
                                          by=current_user)
        except service.AccountError as error:
            _show_error(form, error)
        else:
            flash(_("Đã tạo tài khoản %(email)s.", email=account.email), "success")
            return redirect(url_for("auth.user", user_id=account.id))
    return render_template("auth/user_new.html", form=form), _form_status(form)


def _user_page(account, status: int = 200, role_form=None, password_form=None, conflict=None, mine=None):
    return render_template(
        "auth/user.html", account=account,
        role_form=role_form or RoleForm(formdata=None, role=account.role, version=account.version),
        password_form=password_form or PasswordResetForm(formdata=None),
        events=service.account_history(account), conflict=conflict, mine=mine or {},
    ), status


@bp.get("/users/<int:user_id>")
@role_required("admin")
def user(user_id):
    return _user_page(service.get_user_or_404(user_id))


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id):
    account = service.get_user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _user_page(account, 422, role_form=form)
    try:
        service.change_role(account, form.role.data, by=current_user, expected_version=form.expected_version)
    except StaleEdit as conflict:
        # The form comes back with the user's choice on the account's current version.
        role_form = RoleForm(formdata=None, role=form.role.data, version=account.version)
        return _user_page(account, 409, role_form=role_form, conflict=conflict, mine={"role": form.role.data})
    except service.AccountError as error:
        _show_error(form, error)
        return _user_page(account, 409, role_form=form)
    _renew_own_session(account)
    flash(_("Đã đổi vai trò."), "success")
    return redirect(url_for("auth.user", user_id=account.id))


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate(user_id):
    return _set_active(service.get_user_or_404(user_id), False)


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate(user_id):
    return _set_active(service.get_user_or_404(user_id), True)


def _set_active(account, active: bool):
    form = VersionedForm()
    if not form.validate_on_submit():  # a tampered version (a control character in it) changes nothing
        abort(400)
    try:
        (service.reactivate if active else service.deactivate)(account, by=current_user,
                                                               expected_version=form.expected_version)
    except StaleEdit as conflict:
        return _user_page(account, 409, conflict=conflict, mine={"active": active})
    except service.AccountError as error:
        flash(error.message, "danger")
        return _user_page(account, 409)
    flash(_("Đã mở lại tài khoản.") if active else _("Đã khóa tài khoản."), "success")
    return redirect(url_for("auth.user", user_id=account.id))


@bp.post("/users/<int:user_id>/password")
@role_required("admin")
def reset_password(user_id):
    account = service.get_user_or_404(user_id)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _user_page(account, 422, password_form=form)
    service.reset_password(account, form.password.data, by=current_user)
    _renew_own_session(account)
    flash(_("Đã đặt lại mật khẩu cho %(email)s.", email=account.email), "success")
    return redirect(url_for("auth.user", user_id=account.id))


@bp.post("/users/<int:user_id>/two-factor/reset")
@role_required("admin")
def reset_two_factor(user_id):
    account = service.get_user_or_404(user_id)
    try:
        two_factor.reset(account, by=current_user._get_current_object())
    except service.AccountError as error:
        flash(error.message, "danger")
        return _user_page(account, 409)
    flash(_("Đã đặt lại xác thực hai bước của %(email)s.", email=account.email), "success")
    return redirect(url_for("auth.user", user_id=account.id))
