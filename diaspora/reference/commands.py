"""`flask seed`: load reference data from data/ (idempotent)."""
import click


@click.command("seed")
def seed_command():
    """Nạp dữ liệu danh mục từ thư mục data/."""
