"""`flask backup OUT`: a consistent copy of the database (SQLite backup API, or pg_dump)."""
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app

from diaspora.extensions import db


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path):
    """Sao lưu cơ sở dữ liệu ra tệp OUT."""
    url = db.engine.url
    out.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        # The online backup API copies a consistent snapshot even while the app is writing.
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(out)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        pg_dump = shutil.which("pg_dump")
        if not pg_dump:
            raise click.ClickException("Không tìm thấy pg_dump (cài gói postgresql-client).")
        plain_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_dump, "--format=custom", "--file", str(out), plain_url], check=True)
    current_app.logger.info("backup written to %s", out)
    click.echo(f"Đã sao lưu cơ sở dữ liệu vào {out}")
