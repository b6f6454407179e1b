"""`flask seed`: load reference data from data/ (idempotent)."""
import click
from flask.cli import with_appcontext
from sqlalchemy import inspect

from diaspora.extensions import db
from diaspora.reference.products import seed_products
from diaspora.reference.seed import seed_reference_data
from diaspora.reference.synonyms import seed_synonyms

TABLE_NAMES = {
    "countries": "Quốc gia",
    "country_aliases": "Tên gọi khác của quốc gia",
    "fields": "Lĩnh vực",
    "community_roles": "Vai trò trong cộng đồng",
    "old_districts": "Quận, huyện cũ",
    "units": "Phường, xã, đặc khu",
    "legacy_communes": "Xã, phường cũ",
    "synonyms": "Từ đồng nghĩa của danh mục",
}


@click.command("seed")
@with_appcontext
def seed_command():
    """Nạp dữ liệu danh mục từ thư mục data/."""
    missing = set(TABLE_NAMES) - set(inspect(db.engine).get_table_names())
    if missing:
        raise click.ClickException(
            "Cơ sở dữ liệu chưa có các bảng danh mục; hãy chạy `flask --app wsgi db upgrade` trước."
        )
    counts = seed_reference_data()
    for table, count in counts.items():
        click.echo(
            f"{TABLE_NAMES[table]}: {count['total']} "
            f"(thêm {count['added']}, cập nhật {count['updated']}, xóa {count['removed']})"
        )
    products = seed_products()
    click.echo(f"Sản phẩm tiêu biểu: thêm {products}")
    synonyms = seed_synonyms()  # again, for the synonyms of the products just added
    db.session.commit()
    click.echo(f"Từ đồng nghĩa của sản phẩm: thêm {synonyms}")
    click.echo("Đã nạp xong dữ liệu danh mục.")
