"""Commands about the whole application: `flask demo-data` fills the register and its outreach, and
`flask demo-data --remove` takes every demo record out again."""
import click
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from diaspora.audit.service import record
from diaspora.demo_data import demo_counts, remove_demo_data
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
@click.option("--people", "people", type=click.IntRange(min=1), help="Số người mẫu cần tạo.")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")
@click.option("--remove", is_flag=True, help="Xoá mọi dữ liệu mẫu và những gì gắn với chúng; dữ liệu thật giữ nguyên.")
@click.option("--yes", is_flag=True, help="Không hỏi xác nhận (khi dùng --remove).")
@with_appcontext
def demo_data_command(people: int | None, seed: int, remove: bool, yes: bool):
    """Tạo dữ liệu mẫu (đánh dấu là dữ liệu mẫu) để thử và trình diễn, hoặc xoá chúng (--remove)."""
    if remove:
        _remove_demo_data(yes)
        return
    if people is None:
        raise click.UsageError("Cần --people N (số người mẫu cần tạo) hoặc --remove.")
    _ensure_reference_data()
    summary = create_demo_data(people, seed=seed)
    outreach = create_demo_outreach(people, seed=seed)
    record("demo_data", changes={"people": summary.people, "organisations": summary.organisations,
                                 "distribution_channels": outreach.channels, "activities": outreach.activities,
                                 "seed": seed})
    db.session.commit()
    analyze()
    click.echo(
        f"Đã tạo {summary.people} người, {summary.organisations} tổ chức, {summary.contacts} liên hệ, "
        f"{summary.memberships} lượt tham gia tổ chức — dữ liệu mẫu (is_demo) — trong {summary.seconds:.1f} giây."
    )
    click.echo(f"Đã tạo {outreach.channels} kênh phân phối, {outreach.activities} hoạt động "
               f"({outreach.participants} lượt tham gia) — ghi chú “[Dữ liệu mẫu]” — trong {outreach.seconds:.1f} giây.")


def _remove_demo_data(yes: bool) -> None:
    """Say what would go, ask (unless --yes), remove, and print the rows removed per table."""
    if "people" not in inspect(db.engine).get_table_names():
        raise click.ClickException("Cơ sở dữ liệu chưa có bảng; hãy chạy `flask --app wsgi db upgrade` trước.")
    counts = demo_counts()
    if not any(counts.values()):
        click.echo("Không có dữ liệu mẫu nào.")
        return
    click.echo(f"Dữ liệu mẫu: {counts['people']} người, {counts['organisations']} tổ chức, "
               f"{counts['distribution_channels']} kênh phân phối, {counts['activities']} hoạt động, cùng liên hệ, "
               "thành viên, người tham dự và nhật ký của chúng. Dữ liệu thật giữ nguyên.")
    if not yes:
        click.confirm("Xoá vĩnh viễn toàn bộ dữ liệu mẫu?", abort=True)
    removed = remove_demo_data()
    click.echo("Đã xoá dữ liệu mẫu (số dòng theo bảng):")
    for table, rows in sorted(removed.items()):
        click.echo(f"  {table}: {rows}")


def register_app_commands(app) -> None:
    """Attach the application-wide commands to the app's CLI."""
    app.cli.add_command(demo_data_command)
