"""`flask export-people` and `flask bench-export`."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _


def register_export_commands(app) -> None:
    """Attach the export commands to the app's CLI."""
    for command in (export_people_command, bench_export_command):
        app.cli.add_command(command)


def _country_code(text: str | None) -> str | None:
    """The ISO code of a country given by code or by name ("JP", "Nhật Bản", "Japan")."""
    if not text:
        return None
    from diaspora.reference.service import find_country

    country = find_country(text)
    if country is None:
        raise click.BadParameter(_("Không nhận ra quốc gia “%(value)s”.", value=text), param_hint="--country")
    return country.code


def _taxonomy_key(model, key: str | None, option: str) -> str | None:
    if not key:
        return None
    from sqlalchemy import select

    from diaspora.extensions import db

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
@with_appcontext
def export_people_command(out, country, field, role, text, locale):
    """Xuất danh sách kiều bào ra tệp .xlsx hoặc .csv (theo đuôi tệp); in số dòng đã ghi."""
    from diaspora.people.search import PeopleQuery
    from diaspora.reference.models import CommunityRole, Field
    from diaspora.spreadsheets.export import FORMATS, export_people

    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.BadParameter(_("Tệp phải có đuôi .xlsx hoặc .csv."), param_hint="OUT")
    query = PeopleQuery(q=(text or "").strip(), country=_country_code(country),
                        field=_taxonomy_key(Field, field, "--field"), role=_taxonomy_key(CommunityRole, role, "--role"))
    count = export_people(query, out, fmt=fmt, user=None, locale=locale)
    click.echo(count)
    click.echo(_("Đã xuất %(count)d hồ sơ vào %(path)s.", count=count, path=out), err=True)


@click.command("bench-export")
@click.option("--people", default=100_000, show_default=True, help="Số hồ sơ mẫu trong cơ sở dữ liệu đo.")
@click.option("--database-url", envvar="BENCH_DATABASE_URL",
              help="Cơ sở dữ liệu đo (mặc định: SQLite instance/bench-export.db).")
@click.option("--fresh", is_flag=True, help="Tạo lại dữ liệu mẫu dù cơ sở dữ liệu đo đã có đủ.")
@with_appcontext
def bench_export_command(people, database_url, fresh):
    """Đo tốc độ và bộ nhớ khi xuất Excel so với mức sàn (cùng dữ liệu, XlsxWriter không định dạng)."""
    from diaspora.spreadsheets.export_bench import run_benchmark

    run_benchmark(people=people, database_url=database_url, fresh=fresh, echo=click.echo,
                  instance_path=current_app.instance_path)
