"""`flask backup OUT` and `flask restore IN`: one archive with the database, the uploaded import files, the
kept export files and what is needed to read them, and its restore into an empty database.

The archive is a gzip-compressed tar file, readable by the app's user only, written under a temporary name
and renamed when whole:

    manifest.json       format, date, app version (git commit), database kind, schema revision (alembic),
                        rows per table, number of files
    database.sqlite     SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump     PostgreSQL: pg_dump --format=custom, of the snapshot the rows were counted in
    uploads/<sha256>    the import files (IMPORT_UPLOADS_DIR), which batches' error workbooks read
    exports/<id>.<fmt>  the long exports still kept (EXPORTS_DIR)
    letters/<id>.<fmt>  the Word letters of greetings and invitations (MAILINGS_DIR), which their campaign's
                        page downloads
    reports/<id>.<fmt>  the annual reports written (REPORTS_DIR): the document and its annex
    secret_key          the secret key the app generated into instance/ (none when SECRET_KEY is set)

The database password reaches pg_dump and pg_restore in the PGPASSWORD environment variable, never on
their command line.
"""
import getpass
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy import URL, inspect
from sqlalchemy.exc import OperationalError

from diaspora.config import PROJECT_ROOT, SECRET_KEY_FILE, private_file, private_folder
from diaspora.exports.files import exports_dir
from diaspora.extensions import db, migrate
from diaspora.imports.storage import uploads_dir
from diaspora.mailings.service import mailings_dir
from diaspora.reports.annual import reports_dir

FORMAT, FORMAT_VERSION = "diaspora-backup", 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
FOLDERS = {"uploads": re.compile(r"[0-9a-f]{64}"), "exports": re.compile(r"\d+\.[a-z]{3,4}"),
           "letters": re.compile(r"\d+\.(docx|zip)"), "reports": re.compile(r"\d+\.(docx|xlsx)")}


def _folders() -> dict[str, Path]:
    """The folders of files the app writes and a backup carries, by their name in the archive."""
    return {"uploads": uploads_dir(), "exports": exports_dir(), "letters": mailings_dir(), "reports": reports_dir()}


class BackupError(click.ClickException):
    """A backup or a restore that cannot be done; the message says why, in Vietnamese."""


# --- backup ----------------------------------------------------------------------------------------

@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path):
    """Sao lưu cơ sở dữ liệu, tệp nhập, tệp xuất, thư đã in, báo cáo năm và khoá bí mật vào một tệp OUT (.tar.gz)."""
    manifest = write_backup(out)
    files = manifest["files"]
    click.echo(_("Đã sao lưu vào %(out)s: %(rows)d dòng trong %(tables)d bảng, %(uploads)d tệp nhập, "
                 "%(exports)d tệp xuất, %(letters)d tệp thư, %(reports)d tệp báo cáo%(key)s.", out=out, rows=sum(manifest["tables"].values()),
                 tables=len(manifest["tables"]), uploads=files["uploads"], exports=files["exports"],
                 letters=files["letters"], reports=files["reports"],
                 key=_(", khoá bí mật") if files["secret_key"] else ""))
    click.echo(_("Tệp sao lưu chứa dữ liệu cá nhân: hãy cất giữ ở nơi an toàn."))


def write_backup(out: Path) -> dict:
    """Write the archive to `out` (a file already there is replaced once the new one is whole); its manifest."""
    out = Path(out)
    dialect = db.engine.dialect.name
    if dialect not in DATABASE_FILES:
        raise BackupError(_("Không sao lưu được cơ sở dữ liệu loại %(kind)s.", kind=dialect))
    with tempfile.TemporaryDirectory(prefix=".diaspora-backup-", dir=private_folder(out.parent)) as work:
        work = Path(work)
        database = work / DATABASE_FILES[dialect]
        counts, revision, server = (_copy_sqlite if dialect == "sqlite" else _dump_postgres)(database)
        members = [(database, DATABASE_FILES[dialect])]
        found = {folder: _kept_files(folder_path, FOLDERS[folder]) for folder, folder_path in _folders().items()}
        for folder, paths in found.items():
            members += [(path, f"{folder}/{path.name}") for path in paths]
        key = _generated_secret_key()
        if key is not None:
            with private_file(work / SECRET_KEY_FILE, "w") as handle:
                handle.write(key)
            members.append((work / SECRET_KEY_FILE, SECRET_KEY_FILE))
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "app_version": app_version(),
            "database": {"dialect": dialect, "server_version": server},
            "schema_revision": revision, "tables": counts,
            "files": {**{folder: len(paths) for folder, paths in found.items()}, "secret_key": key is not None},
        }
        with private_file(work / MANIFEST, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False, indent=2)
        partial = out.with_name(f".{out.name}.partial")
        try:
            with private_file(partial) as stream, tarfile.open(fileobj=stream, mode="w:gz", compresslevel=6) as archive:
                for path, name in [(work / MANIFEST, MANIFEST), *members]:  # the manifest first: restore reads it first
                    archive.add(path, arcname=name, recursive=False, filter=_owned_by_nobody)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)  # left only by a failed write
    current_app.logger.info("backup written to %s by %s", out, getpass.getuser())
    return manifest


def _owned_by_nobody(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """Archive members carry no owner of this machine and are readable by their owner only."""
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    member.mode = 0o600
    return member


def _copy_sqlite(target: Path) -> tuple[dict, str | None, str]:
    """Copy the database with SQLite's online backup API, a consistent snapshot even while the app writes;
    the copy's rows per table, schema revision and SQLite version."""
    path = db.engine.url.database
    if not path or path == ":memory:" or not Path(path).is_file():
        raise BackupError(_("Không tìm thấy tệp cơ sở dữ liệu SQLite %(path)s.", path=path or ":memory:"))
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return (*_facts(lambda sql: copy.execute(sql).fetchall(), tables), sqlite3.sqlite_version)
    finally:
        source.close()
        copy.close()


def _dump_postgres(target: Path) -> tuple[dict, str | None, str]:
    """pg_dump --format=custom of a snapshot, the rows counted in that same snapshot; with the schema
    revision and the server's version."""
    url, environment = _libpq(db.engine.url)
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            server = connection.exec_driver_sql("SHOW server_version").scalar()
            pg_dump = _client("pg_dump", server)
            tables = set(inspect(connection).get_table_names())
            counts, revision = _facts(lambda sql: connection.exec_driver_sql(sql).all(), tables)
            # pg_dump reads the snapshot this transaction exported, so it holds exactly the rows counted.
            _run([pg_dump, "--no-password", "--format=custom", f"--snapshot={snapshot}", "--file", str(target),
                  "--dbname", url], environment)
    return counts, revision, server


def _kept_files(folder: Path, names: re.Pattern) -> list[Path]:
    """The finished files of a folder the app writes (partial writes and previews left out)."""
    return sorted(path for path in folder.iterdir() if names.fullmatch(path.name) and path.is_file())


def _generated_secret_key() -> str | None:
    """The secret key when the app generated it into the instance folder (one set in the environment is
    the operator's to keep)."""
    key_file = Path(current_app.instance_path) / SECRET_KEY_FILE
    if not key_file.is_file():
        return None
    key = key_file.read_text().strip()
    return key if key == current_app.config["SECRET_KEY"] else None


def app_version() -> str | None:
    """The code's git commit when it runs from a checkout, else None (restore checks the schema revision)."""
    git = shutil.which("git")
    if git is None:
        return None
    outcome = subprocess.run([git, "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True)
    return (outcome.stdout.strip() or None) if outcome.returncode == 0 else None


# --- restore ---------------------------------------------------------------------------------------

@dataclass
class Restored:
    """What a restore did: the backup's manifest, the rows now in each table, whether the schema was
    upgraded, and notes for the operator."""

    manifest: dict
    counts: dict[str, int]
    upgraded: bool
    notes: list[str] = field(default_factory=list)

    @property
    def differences(self) -> dict[str, tuple[int, int | None]]:
        """{table: (rows in the backup, rows now)} where they differ."""
        return {table: (rows, self.counts.get(table)) for table, rows in self.manifest["tables"].items()
                if self.counts.get(table) != rows}


@click.command("restore")
@click.argument("archive", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Khôi phục cả khi cơ sở dữ liệu đích đã có dữ liệu (dữ liệu đó bị thay thế).")
def restore_command(archive: Path, force: bool):
    """Khôi phục tệp sao lưu IN vào cơ sở dữ liệu trống, đưa tệp nhập và tệp xuất về chỗ, in số dòng mỗi bảng."""
    restored = restore_backup(archive, force=force)
    manifest = restored.manifest
    click.echo(_("Đã khôi phục bản sao lưu ngày %(date)s (phiên bản %(version)s, lược đồ %(revision)s).",
                 date=manifest["created_at"], version=manifest.get("app_version") or "?",
                 revision=manifest.get("schema_revision") or "?"))
    if restored.upgraded:
        click.echo(_("Lược đồ cũ đã được nâng cấp (flask db upgrade)."))
    for table in sorted(set(manifest["tables"]) | set(restored.counts)):
        saved, now = manifest["tables"].get(table), restored.counts.get(table)
        mark = "" if saved == now else "  " + _("≠ bản sao lưu: %(saved)s", saved="—" if saved is None else saved)
        click.echo(f"  {table}: {'—' if now is None else now}{mark}")
    files = manifest["files"]  # a backup from before letters and reports were kept has none of them
    click.echo(_("Tệp nhập: %(uploads)d, tệp xuất: %(exports)d, tệp thư: %(letters)d, tệp báo cáo: %(reports)d.",
                 uploads=files["uploads"], exports=files["exports"], letters=files.get("letters", 0),
                 reports=files.get("reports", 0)))
    for note in restored.notes:
        click.echo(note)
    if restored.differences and not restored.upgraded:
        raise BackupError(_("Số dòng sau khi khôi phục khác bản sao lưu ở %(tables)s.",
                            tables=", ".join(restored.differences)))
    click.echo(_("Hãy khởi động lại ứng dụng và worker."))


def restore_backup(archive: Path, *, force: bool = False) -> Restored:
    """Restore an archive written by write_backup into the app's database (which must hold no records
    unless `force`), its upload and export folders and its instance folder."""
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory(prefix=".diaspora-restore-") as work:
        work = Path(work)
        manifest, staged = _unpack(archive, work, dialect)
        upgrade_needed = _needs_upgrade(manifest.get("schema_revision"))
        try:
            held, has_tables = _records_held()
        except OperationalError as problem:
            raise BackupError(_("Không kết nối được cơ sở dữ liệu đích: %(problem)s", problem=problem.orig)) from None
        if held and not force:
            raise BackupError(_("Cơ sở dữ liệu đích đã có dữ liệu (%(tables)s): không khôi phục để khỏi ghi đè. "
                                "Dùng --force nếu thật sự muốn thay thế.",
                                tables=", ".join(f"{table}: {rows}" for table, rows in held.items())))
        db.session.remove()
        db.engine.dispose()  # no pooled connection may outlive the database it was opened on
        if dialect == "sqlite":
            _restore_sqlite(staged[DATABASE_FILES["sqlite"]])
        else:
            _restore_postgres(staged[DATABASE_FILES["postgresql"]], manifest["database"].get("server_version") or "",
                              clean=has_tables)
        if upgrade_needed:
            upgrade()
        for folder, target in _folders().items():
            for name, path in staged.items():
                if name.startswith(f"{folder}/"):
                    _copy_private(path, target / name.split("/", 1)[1])
        notes = _put_back_secret_key(staged[SECRET_KEY_FILE].read_text()) if SECRET_KEY_FILE in staged else []
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        counts, _revision = _facts(lambda sql: connection.exec_driver_sql(sql).all(), tables)
    current_app.logger.info("backup %s restored by %s", archive, getpass.getuser())
    return Restored(manifest=manifest, counts=counts, upgraded=upgrade_needed, notes=notes)


def _unpack(archive: Path, work: Path, dialect: str) -> tuple[dict, dict[str, Path]]:
    """Check the archive (its manifest first, then every member's name and kind) and copy its files into
    `work`; (manifest, {name in the archive: staged file}). Nothing outside `work` is written."""
    staged: dict[str, Path] = {}
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            manifest = None
            for member in tar:
                if manifest is None:
                    manifest = _read_manifest(tar, member, dialect)
                    continue
                if not member.isfile() or not _allowed(member.name, dialect) or member.name in staged:
                    raise BackupError(_("Tệp sao lưu có mục không hợp lệ: %(name)s.", name=member.name))
                staged[member.name] = work / f"{len(staged)}"
                _copy_private(tar.extractfile(member), staged[member.name])
    except (tarfile.TarError, EOFError, OSError) as problem:
        raise BackupError(_("Không đọc được tệp sao lưu %(archive)s: %(problem)s", archive=archive,
                            problem=problem)) from None
    if manifest is None or DATABASE_FILES[dialect] not in staged:
        raise BackupError(_("Tệp sao lưu %(archive)s không có cơ sở dữ liệu.", archive=archive))
    return manifest, staged


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo, dialect: str) -> dict:
    """The manifest, the archive's first member; refused when it is not one of ours or the database is of
    another kind than the target."""
    try:
        manifest = json.load(tar.extractfile(member)) if member.name == MANIFEST and member.isfile() else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("Đây không phải tệp sao lưu của ứng dụng (thiếu %(name)s).", name=MANIFEST))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("Tệp sao lưu theo định dạng %(version)s, phiên bản này của ứng dụng không đọc được.",
                            version=manifest.get("format_version")))
    source = manifest.get("database", {}).get("dialect")
    if source != dialect:
        raise BackupError(_("Bản sao lưu là cơ sở dữ liệu %(source)s, không khôi phục được vào %(target)s.",
                            source=source, target=dialect))
    return manifest


def _allowed(name: str, dialect: str) -> bool:
    """Whether a member's name is one the backup writes (never a path leading elsewhere)."""
    if name in (DATABASE_FILES[dialect], SECRET_KEY_FILE):
        return True
    folder, _slash, file_name = name.partition("/")
    return folder in FOLDERS and bool(FOLDERS[folder].fullmatch(file_name))


def _needs_upgrade(revision: str | None) -> bool:
    """Whether the restored database needs `flask db upgrade`; a revision this code does not know (a backup
    of a newer version of the app) is refused before anything is written."""
    if revision is None:
        return False
    script = ScriptDirectory.from_config(migrate.get_config())
    if revision not in {known.revision for known in script.walk_revisions()}:
        raise BackupError(_("Bản sao lưu có lược đồ %(revision)s mà phiên bản này của ứng dụng không biết: hãy cập "
                            "nhật ứng dụng trước khi khôi phục.", revision=revision))
    return revision not in script.get_heads()


def _records_held() -> tuple[dict[str, int], bool]:
    """The app's tables in the target database that hold rows ({table: rows}), and whether it has any table."""
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        counts, _revision = _facts(lambda sql: connection.exec_driver_sql(sql).all(), tables)
    return {table: rows for table, rows in counts.items() if rows}, bool(tables)


def _restore_sqlite(copy: Path) -> None:
    """Replace the database's content with the copy's, through SQLite's backup API."""
    if db.engine.url.database in (None, "", ":memory:"):
        raise BackupError(_("Không khôi phục được vào cơ sở dữ liệu SQLite trong bộ nhớ."))
    path = Path(db.engine.url.database)
    if not path.exists():
        private_file(path).close()
    source, target = sqlite3.connect(copy), sqlite3.connect(path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgres(dump: Path, dumped_from: str, *, clean: bool) -> None:
    """pg_restore the dump (of a server of version `dumped_from`) in one transaction, nothing restored when
    it fails; `clean` drops the dump's objects first, for a target whose schema exists."""
    url, environment = _libpq(db.engine.url)
    command = [_client("pg_restore", dumped_from), "--no-password", "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", "--dbname", url]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], environment)


def _put_back_secret_key(key: str) -> list[str]:
    """Write the backup's generated key into instance/secret_key (0600); notes for the operator."""
    key = key.strip()
    key_file = private_folder(current_app.instance_path) / SECRET_KEY_FILE
    temporary = key_file.with_name(f".{SECRET_KEY_FILE}-restore")
    with private_file(temporary, "w") as handle:
        handle.write(key)
    temporary.replace(key_file)
    notes = [_("Đã khôi phục khoá bí mật vào %(path)s.", path=key_file)]
    if os.environ.get("SECRET_KEY") and os.environ["SECRET_KEY"] != key:
        notes.append(_("Chú ý: biến môi trường SECRET_KEY khác khoá của bản sao lưu; bỏ biến đó để ứng dụng dùng "
                       "khoá đã khôi phục."))
    return notes


# --- shared ----------------------------------------------------------------------------------------

def _facts(execute, tables: set[str]) -> tuple[dict[str, int], str | None]:
    """Rows per table of the app and the schema revision (alembic), read with `execute(sql) -> rows` from a
    database holding `tables`."""
    counts = {table.name: execute(f'SELECT count(*) FROM "{table.name}"')[0][0]
              for table in db.metadata.sorted_tables if table.name in tables}
    revisions = execute("SELECT version_num FROM alembic_version") if "alembic_version" in tables else []
    return counts, (revisions[0][0] if revisions else None)


def _copy_private(source, target: Path) -> None:
    """Copy a file (a path or an open binary file) to `target`, readable by the app's user only."""
    with (open(source, "rb") if isinstance(source, Path) else source) as reader, private_file(target) as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)


def _client(name: str, server_version: str) -> str:
    """The path of a PostgreSQL client program at least as recent as the server (of `server_version`): an
    older one cannot read what a newer server writes."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("Không tìm thấy %(name)s: hãy cài gói postgresql-client cùng phiên bản với máy chủ.",
                            name=name))
    client = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
    if _major(client) < _major(server_version):
        raise BackupError(_("%(client)s cũ hơn máy chủ PostgreSQL %(server)s: hãy cài postgresql-client %(major)d.",
                            client=client, server=server_version, major=_major(server_version)))
    return path


def _major(version: str) -> int:
    """The major number of a PostgreSQL version ("15.20 (Debian …)", "pg_dump (PostgreSQL) 15.20" → 15)."""
    match = re.search(r"\d+", version)
    return int(match.group()) if match else 0


def _libpq(url) -> tuple[str, dict]:
    """The database's URL for libpq without its password, and the environment carrying the password
    (PGPASSWORD), so it never appears on a command line."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict) -> None:
    """Run a PostgreSQL client program; its own message when it fails."""
    outcome = subprocess.run(command, env=environment, capture_output=True, text=True)
    if outcome.returncode != 0:
        raise BackupError(_("%(program)s thất bại: %(message)s", program=Path(command[0]).name,
                            message=outcome.stderr.strip()[-2000:]))
