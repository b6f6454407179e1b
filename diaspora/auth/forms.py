"""Forms of the auth feature: sign-in and its second factor, first-run setup, accounts and passwords."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, ValidationError

from diaspora.auth import service
from diaspora.forms import AppForm, VersionedForm
from diaspora.permissions import ROLE_LABELS, ROLES


def _valid_email(form, field) -> None:
    try:
        service.normalise_email(field.data)
    except service.AccountError as error:
        raise ValidationError(error.message) from None


def _password_rules(form, field) -> None:
    try:
        service.check_password_rules(field.data)
    except service.AccountError as error:
        raise ValidationError(error.message) from None


def _name_field():
    return StringField(_l("Họ và tên"), validators=[
        DataRequired(_l("Vui lòng nhập họ tên.")), Length(max=200, message=_l("Tối đa %(max)d ký tự."))])


def _email_field():
    return StringField(_l("Email"), validators=[DataRequired(_l("Vui lòng nhập email.")), _valid_email],
                       render_kw={"type": "email", "autocomplete": "username"})


def _new_password_fields(label=_l("Mật khẩu")):
    password = PasswordField(label, validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), _password_rules],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu.")),
        EqualTo("password", message=_l("Hai mật khẩu không giống nhau."))],
        render_kw={"autocomplete": "new-password"})
    return password, confirm


def _role_field():
    return SelectField(_l("Vai trò"), choices=[(role, ROLE_LABELS[role]) for role in ROLES],
                       validate_choice=False,
                       validators=[AnyOf(ROLES, message=_l("Vai trò không hợp lệ."))])


class LoginForm(AppForm):
    email = StringField(_l("Email"), validators=[
        DataRequired(_l("Vui lòng nhập email.")), Length(max=254, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"type": "email", "autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")),
        Length(max=service.MAX_PASSWORD_LENGTH, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "current-password"})


class SetupForm(AppForm):
    name = _name_field()
    email = _email_field()
    password, confirm = _new_password_fields()


class UserForm(AppForm):
    name = _name_field()
    email = _email_field()
    role = _role_field()
    password, confirm = _new_password_fields(_l("Mật khẩu ban đầu"))


class RoleForm(VersionedForm):
    role = _role_field()


class PasswordResetForm(AppForm):
    password, confirm = _new_password_fields(_l("Mật khẩu mới"))


class OwnPasswordForm(AppForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))], render_kw={"autocomplete": "current-password"})
    password, confirm = _new_password_fields(_l("Mật khẩu mới"))


class LoginCodeForm(AppForm):
    code = StringField(_l("Mã xác thực hoặc mã khôi phục"), validators=[
        DataRequired(_l("Vui lòng nhập mã.")), Length(max=64, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off",
                   "spellcheck": "false"})


class EnrolForm(AppForm):
    code = StringField(_l("Mã 6 số trong ứng dụng"), validators=[
        DataRequired(_l("Vui lòng nhập mã.")), Length(max=64, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True})


class ConfirmPasswordForm(AppForm):
    password = PasswordField(_l("Mật khẩu của bạn"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")),
        Length(max=service.MAX_PASSWORD_LENGTH, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "current-password"})
