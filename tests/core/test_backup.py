"""`flask backup` and `flask restore`: a register with people and an import batch goes into one archive and
comes back into a new empty database and uploads folder with the same rows and working files; a restore
refuses a database that holds records, an archive from a newer schema and members that are not ours; an
older schema is upgraded; the database password never reaches a command line; what the app writes is
readable by its user only."""
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from datetime import date
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from diaspora import create_app
from diaspora.auth.models import User
from diaspora.config import TestConfig
from diaspora.exports import files as export_files
from diaspora.extensions import db, migrate
from diaspora.imports.storage import store_upload, uploads_dir
from diaspora.mailings.models import Campaign
from diaspora.mailings.service import suggested
from diaspora.people.search import PeopleQuery
from diaspora.reports.annual import queue_report
from diaspora.reports.figures import Period
from tests.conftest import make_user, sign_in_client
from tests.mailings.helpers import make_people
from tests.people.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = os.environ.get("TEST_DATABASE_URL")
ROWS = ("STT,Họ và tên,Quốc gia cư trú,Email\n"
        "1,Phạm Văn Long,Nhật Bản,long.pham@example.jp\n"
        "2,,Nhật Bản,khong-ten@example.jp\n"
        "3,Vũ Thị Lan,Đức,lan.vu@example\n")


@pytest.fixture
def scratch_url(tmp_path):
    """scratch_url("name"): the URL of a new empty database (a file on SQLite, a scratch database on PostgreSQL),
    dropped after the test."""
    made = []

    def new(name: str) -> str:
        if not BASE_URL:
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        url = make_url(BASE_URL)
        database = f"{url.database}_{name}"
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f'CREATE DATABASE "{database}"')
        made.append(database)
        return url.set(database=database).render_as_string(hide_password=False)

    yield new
    for database in made:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _admin(*statements: str) -> None:
    admin = create_engine(make_url(BASE_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    admin.dispose()


def other_app(url: str, folder: Path):
    """An app on the database at `url`, with its uploads and exports under `folder`."""
    class OtherConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        IMPORT_UPLOADS_DIR = str(folder / "uploads")
        EXPORTS_DIR = str(folder / "exports")

    return create_app(OtherConfig)


def table_counts() -> dict[str, int]:
    """Rows per table of the app in the current app's database."""
    with db.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        return {table.name: connection.scalar(text(f'SELECT count(*) FROM "{table.name}"'))
                for table in db.metadata.sorted_tables if table.name in present}


def register_with_an_import(app, runner, client, tmp_path) -> dict:
    """People, an import batch with its uploaded file and row errors, and a kept export; what the test checks."""
    admin = make_user("admin")
    sign_in_client(client, admin)
    person = make_person(by=admin, full_name="Lê Thị Hoa", contacts=[{"kind": "email", "value": "hoa.le@example.jp"}])
    make_person(by=admin, full_name="Trần Văn Bình", country_code="DE")
    source = tmp_path / "danh sach.csv"
    source.write_text(ROWS, encoding="utf-8")
    outcome = runner.invoke(args=["import-people", str(source), "--user", admin.email, "--json"])
    assert outcome.exit_code == 0, outcome.output
    batch_id = db.session.execute(text("SELECT max(id) FROM import_batches")).scalar()
    assert client.get(f"/imports/{batch_id}/errors.xlsx").status_code == 200
    export = export_files.queue_export("people", PeopleQuery(), "xlsx", admin, "vi")
    assert export.status == "done"
    # A Tết greeting printed as Word letters, and an annual report: files the worker wrote.
    make_people(8, country="KR")
    texts = suggested("greeting")
    assert client.post("/mailings/new?country=KR", data={
        "kind": "greeting", "channel": "letter", "letter_format": "docx", "language": "vi", "activity_id": "",
        "subject": texts["subject"], "body": texts["body"]}).status_code == 302
    campaign_id = db.session.scalar(select(func.max(Campaign.id)))
    assert client.post(f"/mailings/{campaign_id}/send").status_code == 302
    report = queue_report(2026, Period(date(2026, 1, 1), date(2026, 11, 30)), admin)
    assert report.status == "done"
    uploads = {path.name: path.read_bytes() for path in uploads_dir().iterdir()}
    assert len(uploads) == 1
    return {"admin_id": admin.id, "person_id": person.id, "batch_id": batch_id, "export_id": export.id,
            "uploads": uploads, "campaign_id": campaign_id, "report_id": report.id,
            "letters": downloaded(client, f"/mailings/{campaign_id}/letters"),
            "report": downloaded(client, f"/reports/annual/{report.id}.docx")}


def downloaded(client, url: str) -> bytes:
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.data


def test_round_trip_into_a_new_database_and_uploads_folder(app, runner, client, seeded, tmp_path, scratch_url):
    made = register_with_an_import(app, runner, client, tmp_path)
    archive = tmp_path / "backups" / "diaspora.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    counts = table_counts()
    assert counts["people"] >= 3 and counts["import_batches"] == 1 and counts["import_rows"] == 3

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    database_file = "database.sqlite" if db.engine.dialect.name == "sqlite" else "database.pgdump"
    assert set(names) == {"manifest.json", database_file, *(f"uploads/{name}" for name in made["uploads"]),
                          f"exports/{made['export_id']}.xlsx", f"letters/{made['campaign_id']}.docx",
                          f"reports/{made['report_id']}.docx", f"reports/{made['report_id']}.xlsx"}
    assert manifest["tables"] == counts
    assert manifest["database"]["dialect"] == db.engine.dialect.name
    assert manifest["files"] == {"uploads": 1, "exports": 1, "letters": 1, "reports": 2, "secret_key": False}
    assert manifest["created_at"] and "schema_revision" in manifest and "app_version" in manifest

    target = other_app(scratch_url("restore"), tmp_path / "restored")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert f"people: {counts['people']}" in result.output
        assert table_counts() == counts
        restored = {path.name: path.read_bytes() for path in uploads_dir().iterdir()}
        assert restored == made["uploads"]
        assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in uploads_dir().iterdir())

        browser = target.test_client()
        sign_in_client(browser, db.session.get(User, made["admin_id"]))
        response = browser.get(f"/imports/{made['batch_id']}/errors.xlsx")
        assert response.status_code == 200
        cells = [str(cell.value) for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for cell in row]
        assert "khong-ten@example.jp" in cells and "lan.vu@example" in cells
        with browser.get(f"/exports/{made['export_id']}/download") as download:
            assert download.status_code == 200 and download.data.startswith(b"PK")
        # The printed letters and the annual report download as they were written.
        assert made["letters"].startswith(b"PK") and made["report"].startswith(b"PK")
        assert downloaded(browser, f"/mailings/{made['campaign_id']}/letters") == made["letters"]
        assert downloaded(browser, f"/reports/annual/{made['report_id']}.docx") == made["report"]
        # The search index came back with the rows.
        assert "Lê Thị Hoa" in browser.get("/people/?q=hoa").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_database_with_records_unless_forced(app, runner, seeded, tmp_path, scratch_url):
    make_person(full_name="Lê Thị Hoa")
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    counts = table_counts()
    target = other_app(scratch_url("restore"), tmp_path / "restored")
    with target.app_context():
        cli = target.test_cli_runner()
        assert cli.invoke(args=["restore", str(archive)]).exit_code == 0
        make_person(full_name="Người nhập sau khi khôi phục")
        refused = cli.invoke(args=["restore", str(archive)])
        assert refused.exit_code != 0
        assert "đã có dữ liệu" in refused.output and "--force" in refused.output
        assert table_counts()["people"] == counts["people"] + 1
        forced = cli.invoke(args=["restore", "--force", str(archive)])
        assert forced.exit_code == 0, forced.output
        assert table_counts() == counts
        db.session.remove()
        db.engine.dispose()


def _head_and_previous(app) -> tuple[str, str]:
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        head = script.get_revision(script.get_current_head())
        return head.revision, head.down_revision


def test_restore_upgrades_a_backup_of_an_older_schema(tmp_path, scratch_url):
    source = other_app(scratch_url("older"), tmp_path / "older")
    head, previous = _head_and_previous(source)
    archive = tmp_path / "older.tar.gz"
    with source.app_context():
        upgrade(revision=previous)
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO countries (code, name_vi, name_en) "
                                    "VALUES ('JP', 'Nhật Bản', 'Japan')"))
        result = source.test_cli_runner().invoke(args=["backup", str(archive)])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    with tarfile.open(archive) as tar:
        assert json.load(tar.extractfile("manifest.json"))["schema_revision"] == previous

    target = other_app(scratch_url("upgraded"), tmp_path / "upgraded")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "nâng cấp" in result.output
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head
            assert connection.scalar(text("SELECT name_vi FROM countries")) == "Nhật Bản"
        db.engine.dispose()


def _rewritten(archive: Path, out: Path, manifest_change=None, extra: dict | None = None) -> Path:
    """A copy of a backup archive with its manifest changed and members added."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
        for name, data in (extra or {}).items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def test_restore_refuses_a_backup_of_a_newer_schema(app, runner, tmp_path, scratch_url):
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    newer = _rewritten(archive, tmp_path / "newer.tar.gz",
                       lambda manifest: manifest.update(schema_revision="ffff0000ffff"))
    target = other_app(scratch_url("restore"), tmp_path / "restored")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(newer)])
        assert result.exit_code != 0
        assert "ffff0000ffff" in result.output and "cập nhật ứng dụng" in result.output
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        db.engine.dispose()


@pytest.mark.parametrize("name", ["../outside", "uploads/../../outside", "/tmp/outside", "uploads/not-a-sha256",
                                  "instance/secret_key"])
def test_restore_refuses_members_it_did_not_write(app, runner, tmp_path, scratch_url, name):
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    hostile = _rewritten(archive, tmp_path / "hostile.tar.gz", extra={name: b"not ours"})
    target = other_app(scratch_url("restore"), tmp_path / "restored")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(hostile)])
        assert result.exit_code != 0
        assert "không hợp lệ" in result.output
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        assert not (tmp_path / "outside").exists() and not Path("/tmp/outside").exists()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path):
    stranger = tmp_path / "people.tar.gz"
    with tarfile.open(stranger, "w:gz") as tar:
        tar.add(ROOT / "tests" / "fixtures" / "people_utf8.csv", arcname="people_utf8.csv")
    for path in (stranger, ROOT / "tests" / "fixtures" / "people_utf8.csv"):
        result = runner.invoke(args=["restore", str(path)])
        assert result.exit_code != 0
        assert "sao lưu" in result.output


@pytest.mark.skipif(not BASE_URL, reason="pg_dump and pg_restore serve PostgreSQL only")
def test_the_database_password_never_reaches_a_command_line(tmp_path, scratch_url, monkeypatch):
    url = make_url(scratch_url("password")).set(password="mật-khẩu-bí-mật")
    source = other_app(url.render_as_string(hide_password=False), tmp_path / "source")
    calls = []
    real_run = subprocess.run

    def watched(command, *args, **kwargs):
        calls.append((command, kwargs.get("env") or {}))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", watched)
    archive = tmp_path / "backup.tar.gz"
    with source.app_context():
        db.create_all()
        cli = source.test_cli_runner()
        assert cli.invoke(args=["backup", str(archive)]).exit_code == 0
        assert cli.invoke(args=["restore", "--force", str(archive)]).exit_code == 0
        db.engine.dispose()
    programs = [(Path(command[0]).name, command, env) for command, env in calls if "--dbname" in command]
    assert {name for name, _command, _env in programs} == {"pg_dump", "pg_restore"}
    for _name, command, env in programs:
        assert not any("mật-khẩu-bí-mật" in part for part in command)
        assert env["PGPASSWORD"] == "mật-khẩu-bí-mật"


@pytest.mark.skipif(not BASE_URL, reason="pg_dump and pg_restore serve PostgreSQL only")
def test_a_client_older_than_the_server_is_refused(app, runner, tmp_path, monkeypatch):
    programs = tmp_path / "bin"
    programs.mkdir()
    (programs / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    (programs / "pg_dump").chmod(0o700)
    monkeypatch.setenv("PATH", f"{programs}{os.pathsep}{os.environ['PATH']}")
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code != 0
    assert "9.6.24" in result.output and "cũ hơn máy chủ" in result.output
    assert not archive.exists()


def test_backup_carries_the_generated_secret_key_and_restore_puts_it_back(app, runner, tmp_path, scratch_url):
    key = "khoá-sinh-ra-lần-đầu"
    app.instance_path = str(tmp_path / "instance")
    Path(app.instance_path).mkdir()
    (Path(app.instance_path) / "secret_key").write_text(key)
    app.config["SECRET_KEY"] = key
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        assert tar.extractfile("secret_key").read().decode() == key
        assert json.load(tar.extractfile("manifest.json"))["files"]["secret_key"] is True
    target = other_app(scratch_url("restore"), tmp_path / "restored")
    target.instance_path = str(tmp_path / "new-instance")
    with target.app_context():
        assert target.test_cli_runner().invoke(args=["restore", str(archive)]).exit_code == 0
        restored = Path(target.instance_path) / "secret_key"
        assert restored.read_text() == key
        assert stat.S_IMODE(restored.stat().st_mode) == 0o600
        db.engine.dispose()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_what_a_run_writes_is_readable_by_its_user_only(tmp_path):
    """A fresh installation run as the commands run it, from a shell whose umask lets others read."""
    instance = tmp_path / "instance"
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DATABASE_URL", "SECRET_KEY", "JOB_QUEUE_URL", "IMPORT_UPLOADS_DIR", "EXPORTS_DIR")}
    environment["DIASPORA_INSTANCE"] = str(instance)
    source = tmp_path / "list.csv"
    source.write_text(ROWS, encoding="utf-8")
    archive = tmp_path / "backups" / "diaspora.tar.gz"
    runs = [
        [sys.executable, "-c", "from wsgi import app\nfrom diaspora.extensions import db\n"
                               "with app.app_context():\n    db.create_all()"],
        [sys.executable, "-m", "flask", "--app", "wsgi", "import-people", str(source)],
        [sys.executable, "-m", "flask", "--app", "wsgi", "backup", str(archive)],
    ]
    for command in runs:
        outcome = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                                 preexec_fn=lambda: os.umask(0o022))
        assert outcome.returncode == 0, outcome.stdout[-2000:] + outcome.stderr[-2000:]
    folders = [instance, instance / "uploads", instance / "exports", archive.parent]
    files = [instance / "secret_key", instance / "diaspora.db", instance / "jobs.db", archive,
             *(instance / "uploads").iterdir(),
             *(path for path in instance.glob("diaspora.db-*"))]
    assert len(list((instance / "uploads").iterdir())) == 1
    assert {str(path): _mode(path) for path in folders} == {str(path): 0o700 for path in folders}
    assert {str(path): _mode(path) for path in files} == {str(path): 0o600 for path in files}


def test_uploads_and_exports_are_private_whatever_the_umask(app, login):
    user = login("editor")
    previous = os.umask(0o022)
    try:
        sha, _size = store_upload(io.BytesIO(b"STT,Ho va ten\n"))
        export = export_files.queue_export("people", PeopleQuery(), "csv", user, "vi")
    finally:
        os.umask(previous)
    assert export.status == "done"
    assert _mode(uploads_dir()) == 0o700 and _mode(uploads_dir() / sha) == 0o600
    assert _mode(export_files.exports_dir()) == 0o700 and _mode(export_files.file_path(export)) == 0o600
