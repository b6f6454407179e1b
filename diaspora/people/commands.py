"""`flask --app wsgi person export ID OUT.xlsx|OUT.json` (subject access) and `flask --app wsgi person erase ID
--reason TEXT --yes` (irreversible erase): the data subject's rights from the command line; `flask --app wsgi person
reindex` recomputes where every name sorts (people.sort_key)."""
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from diaspora.audit.service import field_label
from diaspora.extensions import db
from diaspora.people.models import Person
from diaspora.people.privacy import erase_person
from diaspora.people.service import refresh_sort_keys
from diaspora.people.subject_access import FORMATS, export_person_data

PERSON_ID = click.IntRange(min=1, max=2**31 - 1)


@click.group("person")
def person_cli():
    """Quyền của chủ thể dữ liệu: xuất hoặc xoá vĩnh viễn dữ liệu của một người."""


def _person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.BadParameter(_("Không có hồ sơ mang ID %(id)d.", id=person_id), param_hint="ID")
    if person.is_erased:
        raise click.BadParameter(_("Hồ sơ %(id)d đã được xoá vĩnh viễn.", id=person_id), param_hint="ID")
    return person


@person_cli.command("export")
@click.argument("person_id", metavar="ID", type=PERSON_ID)
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(person_id, out):
    """Xuất toàn bộ dữ liệu của một người ra tệp .xlsx hoặc .json (theo đuôi tệp); được ghi vào nhật ký."""
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.BadParameter(_("Tệp phải có đuôi .xlsx hoặc .json."), param_hint="OUT")
    counts = export_person_data(_person(person_id), out, fmt, user=None)
    click.echo(_("Đã xuất dữ liệu của hồ sơ %(id)d vào %(path)s.", id=person_id, path=out))
    for key, count in counts.items():
        click.echo(f"  {key}: {count}")


@person_cli.command("erase")
@click.argument("person_id", metavar="ID", type=PERSON_ID)
@click.option("--reason", required=True, help="Lý do xoá (ví dụ: yêu cầu của chủ thể dữ liệu, ngày nhận).")
@click.option("--yes", is_flag=True, help="Xác nhận xoá vĩnh viễn: không thể khôi phục.")
@with_appcontext
def erase_command(person_id, reason, yes):
    """Xoá vĩnh viễn dữ liệu của một người: hồ sơ, liên hệ, giá trị trong nhật ký, dòng nhập Excel, tệp đã tải lên."""
    if not reason.strip():
        raise click.BadParameter(_("Hãy ghi lý do."), param_hint="--reason")
    if not yes:
        raise click.UsageError(_("Xoá vĩnh viễn không thể khôi phục: thêm --yes để xác nhận."))
    counts = erase_person(_person(person_id), reason, by=None)
    click.echo(_("Đã xoá vĩnh viễn dữ liệu của hồ sơ %(id)d.", id=person_id))
    for key, count in counts.items():
        click.echo(f"  {field_label(key, 'people')}: {count}")


@person_cli.command("reindex")
@with_appcontext
def reindex_command():
    """Tính lại vị trí của mọi hồ sơ theo thứ tự chữ cái tiếng Việt (sau khi nâng cấp hoặc đổi quy tắc sắp xếp)."""
    written = refresh_sort_keys()
    db.session.commit()
    click.echo(_("Đã cập nhật thứ tự sắp xếp của %(count)d hồ sơ.", count=written))
