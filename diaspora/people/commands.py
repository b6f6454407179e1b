"""`flask demo-data` and `flask bench-search`."""
import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from diaspora.extensions import db
from diaspora.reference.models import Country


def _ensure_reference_data() -> None:
    """Demo people need countries, fields, roles and units; load them when the database has none."""
    if "people" not in inspect(db.engine).get_table_names():
        raise click.ClickException("Cơ sở dữ liệu chưa có bảng; hãy chạy `flask --app wsgi db upgrade` trước.")
    if not db.session.scalar(select(func.count()).select_from(Country)):
        from diaspora.reference.service import seed_reference_data

        seed_reference_data()
        click.echo("Đã nạp dữ liệu danh mục (quốc gia, lĩnh vực, vai trò, đơn vị hành chính).")


@click.command("demo-data")
@click.option("--people", "people", type=click.IntRange(min=1), required=True, help="Số người mẫu cần tạo.")
@click.option("--seed", type=int, default=1, show_default=True, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")
@with_appcontext
def demo_data_command(people: int, seed: int):
    """Tạo dữ liệu mẫu (đánh dấu là dữ liệu mẫu) để thử và trình diễn."""
    from diaspora.outreach.demo import create_demo_outreach
    from diaspora.people.demo import analyze, create_demo_data

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


def _ensure_database() -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet (SQLite creates its file)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}):
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()


@click.command("bench-search")
@click.option("--people", "people", type=click.IntRange(min=100), default=100_000, show_default=True,
              help="Số người trong cơ sở dữ liệu đo (tạo thêm dữ liệu mẫu nếu thiếu).")
@click.option("--repeat", type=click.IntRange(min=3), default=30, show_default=True, help="Số lần đo mỗi truy vấn.")
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
def bench_search_command(people: int, repeat: int, seed: int):
    """Đo thời gian trang danh sách người (tìm kiếm, lọc) trên cơ sở dữ liệu đang cấu hình."""
    from diaspora.people.benchmark import run_benchmark

    _ensure_database()
    if "people" not in inspect(db.engine).get_table_names():
        db.create_all()
    _ensure_reference_data()
    try:
        run_benchmark(people=people, repeat=repeat, seed=seed, echo=click.echo)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


def register_people_commands(app) -> None:
    """Attach the people commands to the app's CLI."""
    app.cli.add_command(demo_data_command)
    app.cli.add_command(bench_search_command)
