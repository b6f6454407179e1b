"""`flask users token EMAIL`: a personal API token, printed once (the command joins the `users` group)."""
import click
from flask_babel import gettext as _

from diaspora.api.tokens import DEFAULT_DAYS, MAX_DAYS, issue_token
from diaspora.auth import service
from diaspora.auth.commands import users_cli


@users_cli.command("token")
@click.argument("email")
@click.option("--read-only", is_flag=True, help="Mã chỉ đọc.")
@click.option("--days", type=click.IntRange(0, MAX_DAYS), default=DEFAULT_DAYS, show_default=True,
              help="Số ngày hiệu lực (0: không hết hạn).")
@click.option("--name", default="CLI", show_default=True, help="Tên gợi nhớ của mã.")
def token_command(email: str, read_only: bool, days: int, name: str) -> None:
    """Tạo mã truy cập API cho tài khoản EMAIL và in ra (chỉ một lần)."""
    user = service.find_user(email)
    if user is None or not user.active:
        click.echo(_("Không có tài khoản %(email)s đang hoạt động.", email=email), err=True)
        raise click.exceptions.Exit(1)
    _token, secret = issue_token(user, name, read_only=read_only, days=days or None, by=user)
    click.echo(secret)
