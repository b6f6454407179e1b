"""`flask export-people`, `export-channels` and `export-participants`."""
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.outreach.channels import ChannelQuery
from diaspora.outreach.exports import export_channels, export_participants
from diaspora.outreach.models import Activity
from diaspora.people.exports import export_people, left_out_note
from diaspora.people.search import PeopleQuery
from diaspora.reference.countries import find_country
from diaspora.reference.models import CommunityRole, Field
from diaspora.spreadsheets.writers import FORMATS


def register_export_commands(app) -> None:
    """Attach the export commands to the app's CLI."""
    for command in (export_people_command, export_channels_command, export_participants_command):
        app.cli.add_command(command)


def _country_code(text: str | None) -> str | None:
    """The ISO code of a country given by code or by name ("JP", "Nhật Bản", "Japan")."""
    if not text:
        return None
    country = find_country(text)
    if country is None:
        raise click.BadParameter(_("Không nhận ra quốc gia “%(value)s”.", value=text), param_hint="--country")
    return country.code


def _taxonomy_key(model, key: str | None, option: str) -> str | None:
    if not key:
        return None
    keys = list(db.session.scalars(select(model.key).order_by(model.sort_order)))
    if key not in keys:
        raise click.BadParameter(_("Không có mã “%(value)s”; các mã: %(keys)s.", value=key, keys=", ".join(keys)),
                                 param_hint=option)
    return key


@click.command("export-people")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--country", help="Quốc gia cư trú: mã ISO (JP) hoặc tên nước.")
@click.option("--field", help="Mã lĩnh vực (ví dụ: health, it).")
@click.option("--role", help="Mã vai trò trong cộng đồng.")
@click.option("--q", "text", help="Tìm theo tên, điện thoại, email, tổ chức.")
@click.option("--locale", type=click.Choice(("vi", "en")), default="vi", show_default=True,
              help="Ngôn ngữ của tiêu đề cột.")
@click.option("--include-refused", is_flag=True,
              help="Gồm cả người đã từ chối hoặc rút lại đồng ý (được ghi vào nhật ký). Người bị hạn chế xử lý "
                   "không bao giờ được xuất.")
@with_appcontext
def export_people_command(out, country, field, role, text, locale, include_refused):
    """Xuất danh sách kiều bào ra tệp .xlsx hoặc .csv (theo đuôi tệp); in số dòng đã ghi."""
    fmt = _format_of(out)
    query = PeopleQuery(q=(text or "").strip(), country=_country_code(country),
                        field=_taxonomy_key(Field, field, "--field"), role=_taxonomy_key(CommunityRole, role, "--role"))
    note = left_out_note(query, include_refused)
    count = export_people(query, out, fmt=fmt, user=None, locale=locale, include_refused=include_refused)
    click.echo(count)
    click.echo(_("Đã xuất %(count)d hồ sơ vào %(path)s.", count=count, path=out), err=True)
    if note:
        click.echo(note, err=True)


def _format_of(out: str) -> str:
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.BadParameter(_("Tệp phải có đuôi .xlsx hoặc .csv."), param_hint="OUT")
    return fmt


@click.command("export-channels")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--country", help="Quốc gia: mã ISO (JP) hoặc tên nước.")
@click.option("--status", type=click.Choice(("potential", "contacted", "partner", "inactive")),
              help="Trạng thái của kênh.")
@click.option("--q", "text", help="Tìm theo tên kênh, thành phố.")
@click.option("--locale", type=click.Choice(("vi", "en")), default="vi", show_default=True,
              help="Ngôn ngữ của tiêu đề cột.")
@with_appcontext
def export_channels_command(out, country, status, text, locale):
    """Xuất danh sách kênh phân phối ra tệp .xlsx hoặc .csv; in số dòng đã ghi."""
    fmt = _format_of(out)
    query = ChannelQuery(q=(text or "").strip(), country=_country_code(country), status=status)
    count = export_channels(query, out, fmt=fmt, user=None, locale=locale)
    click.echo(count)
    click.echo(_("Đã xuất %(count)d kênh vào %(path)s.", count=count, path=out), err=True)


@click.command("export-participants")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--activity", "activity_id", type=int, required=True, help="ID của hoạt động.")
@click.option("--locale", type=click.Choice(("vi", "en")), default="vi", show_default=True,
              help="Ngôn ngữ của tiêu đề cột.")
@with_appcontext
def export_participants_command(out, activity_id, locale):
    """Xuất danh sách người tham dự một hoạt động ra tệp .xlsx hoặc .csv; in số dòng đã ghi."""
    fmt = _format_of(out)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.is_deleted:
        raise click.BadParameter(_("Không có hoạt động mang ID %(id)d.", id=activity_id), param_hint="--activity")
    count = export_participants(activity, out, fmt=fmt, user=None, locale=locale)
    click.echo(count)
    click.echo(_("Đã xuất %(count)d người tham dự vào %(path)s.", count=count, path=out), err=True)
