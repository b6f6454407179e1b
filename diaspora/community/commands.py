"""`flask --app wsgi community purge [--days N]`: delete the rejected registrations older than the consent text
promises (90 days by default); a cron job or the operator runs it."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from diaspora.community.consent import SUBMISSION_KEEP_DAYS
from diaspora.community.service import purge_rejected


@click.group("community")
def community_cli():
    """Phiếu đăng ký trực tuyến của cộng đồng."""


@community_cli.command("purge")
@click.option("--days", type=click.IntRange(min=1, max=36500), default=SUBMISSION_KEEP_DAYS, show_default=True)
@with_appcontext
def purge_command(days):
    """Xoá các phiếu đăng ký đã bị từ chối, gửi quá DAYS ngày trước."""
    click.echo(_("Đã xoá %(n)d phiếu đăng ký bị từ chối.", n=purge_rejected(days)))
