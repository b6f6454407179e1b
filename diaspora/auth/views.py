"""Sign-in and sign-out, first-run setup, language choice, passwords and user administration."""
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_user, logout_user

from diaspora.auth import bp, service
from diaspora.auth.forms import (
    LoginForm,
    OwnPasswordForm,
    PasswordResetForm,
    RoleForm,
    SetupForm,
    UserForm,
)
from diaspora.permissions import role_required


def _next_or_home() -> str:
    return service.safe_next_path(request.args.get("next")) or url_for("reports.index")


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
    _start_session(user)
    flash(_("Xin chào, %(name)s!", name=user.name), "success")
    return redirect(_next_or_home())


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        service.record_logout(current_user._get_current_object())
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
    return redirect(url_for("reports.index"))


@bp.get("/language/<code>")
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    # Flask-Babel caches the locale for the rest of the app context.
    refresh()
    return redirect(_next_or_home())


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
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("reports.index"))
    return render_template("auth/password.html", form=form), _form_status(form)


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


def _user_page(account, status: int = 200, role_form=None, password_form=None):
    return render_template(
        "auth/user.html", account=account,
        role_form=role_form or RoleForm(formdata=None, role=account.role),
        password_form=password_form or PasswordResetForm(formdata=None),
        events=service.account_history(account),
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
        service.change_role(account, form.role.data, by=current_user)
    except service.AccountError as error:
        _show_error(form, error)
        return _user_page(account, 409, role_form=form)
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
    try:
        (service.reactivate if active else service.deactivate)(account, by=current_user)
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
    flash(_("Đã đặt lại mật khẩu cho %(email)s.", email=account.email), "success")
    return redirect(url_for("auth.user", user_id=account.id))
