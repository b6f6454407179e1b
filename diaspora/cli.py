"""Commands about the whole application: `flask demo-data` fills the register and its outreach."""
import click
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from diaspora.extensions import db
from diaspora.outreach.demo import create_demo_outreach
from diaspora.people.demo import analyze, create_demo_data
from diaspora.reference.models import Country
from diaspora.reference.seed import seed_reference_data


def _ensure_reference_data() -> None:
    """Demo people need countries, fields, roles and units; load them when the database has none."""
    if "people" not in inspect(db.engine).get_table_names():
        raise click.ClickException("Cơ sở dữ liệu chưa có bảng; hãy chạy `flask --app wsgi db upgrade` trước.")
    if not db.session.scalar(select(func.count()).select_from(Country)):
        seed_reference_data()
        click.echo("Đã nạp dữ liệu danh mục (quốc gia, lĩnh vực, vai trò, đơn vị hành chính).")


@click.command("demo-data")
@click.option("--people", "people", type=click.IntRange(min=1), required=True, help="Số người mẫu cần tạo.")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")
@with_appcontext
def demo_data_command(people: int, seed: int):
    """Tạo dữ liệu mẫu (đánh dấu là dữ liệu mẫu) để thử và trình diễn."""
    _ensure_reference_data()
    summary = create_demo_data(people, seed=seed)
    outreach = create_demo_outreach(people, seed=seed)
    analyze()
    click.echo(
        f"Đã tạo {summary.people} người, {summary.organisations} tổ chức, {summary.contacts} liên hệ, "
        f"{summary.memberships} lượt tham gia tổ chức — dữ liệu mẫu (is_demo) — trong {summary.seconds:.1f} giây."
    )
    click.echo(f"Đã tạo {outreach.channels} kênh phân phối, {outreach.activities} hoạt động "
               f"({outreach.participants} lượt tham gia) — ghi chú “[Dữ liệu mẫu]” — trong {outreach.seconds:.1f} giây.")


def register_app_commands(app) -> None:
    """Attach the application-wide commands to the app's CLI."""
    app.cli.add_command(demo_data_command)
