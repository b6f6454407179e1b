"""`flask users ...` commands: create and list staff accounts, and let a locked-out one in again."""
import sys

import click
from flask.cli import AppGroup
from flask_babel import format_datetime
from flask_babel import gettext as _

from diaspora.auth import service, two_factor
from diaspora.permissions import ROLES

users_cli = AppGroup("users", help="Quản lý tài khoản cán bộ.")


def _fail(message: str):
    click.echo(message, err=True)
    raise click.exceptions.Exit(1)


def _read_password() -> str:
    """The first line of stdin when it is piped, else asked twice without echo."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = click.prompt(_("Mật khẩu"), hide_input=True, default="", show_default=False)
    if click.prompt(_("Nhập lại mật khẩu"), hide_input=True, default="", show_default=False) != password:
        _fail(_("Hai mật khẩu không giống nhau."))
    return password


@users_cli.command("create")
@click.argument("email")
@click.option("--role", help="admin, editor hoặc viewer.")
@click.option("--name", help="Họ tên; mặc định là phần trước @ của email.")
def create_command(email: str, role: str | None, name: str | None) -> None:
    """Tạo tài khoản. Mật khẩu: dòng đầu của stdin, hoặc nhập từ bàn phím."""
    if role not in ROLES:
        _fail(_("Vai trò không hợp lệ: hãy dùng --role admin, editor hoặc viewer."))
    password = _read_password()
    try:
        user = service.create_user(name or email.partition("@")[0], email, role, password)
    except service.AccountError as error:
        _fail(error.message)
    click.echo(_("Đã tạo tài khoản %(email)s (%(role)s).", email=user.email, role=user.role))


def _user_by_email(email: str):
    user = service.find_user(email)
    if user is None:
        _fail(_("Không có tài khoản %(email)s.", email=email))
    return user


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Tắt xác thực hai bước của tài khoản (mất điện thoại) và kết thúc các phiên đăng nhập của nó."""
    user = _user_by_email(email)
    try:
        two_factor.reset(user)
    except service.AccountError as error:
        _fail(error.message)
    click.echo(_("Đã đặt lại xác thực hai bước của %(email)s.", email=user.email))


@users_cli.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Đặt mật khẩu mới (dòng đầu của stdin, hoặc nhập từ bàn phím), gỡ khóa đăng nhập sai và kết thúc các phiên."""
    user = _user_by_email(email)
    password = _read_password()
    try:
        service.reset_password(user, password)
    except service.AccountError as error:
        _fail(error.message)
    click.echo(_("Đã đặt lại mật khẩu của %(email)s.", email=user.email))


@users_cli.command("list")
def list_command() -> None:
    """Liệt kê các tài khoản."""
    for user in service.list_users():
        state = _("hoạt động") if user.active else _("đã khóa")
        last_login = format_datetime(user.last_login_at, "dd/MM/yyyy HH:mm") if user.last_login_at else "—"
        click.echo("\t".join((user.email, user.role, state, last_login, user.name)))
