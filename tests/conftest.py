"""Fixtures: an app with a fresh database per test, on SQLite or on PostgreSQL.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/diaspora_test) to run
the same tests on PostgreSQL; the database is created when missing.
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from diaspora import create_app, jobs
from diaspora.auth.models import User
from diaspora.config import TestConfig
from diaspora.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _ensure_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_schema():
    """On PostgreSQL, build the schema once per session; tests then only empty the tables."""
    if not TEST_DATABASE_URL:
        yield None
        return
    _ensure_postgres_database(TEST_DATABASE_URL)

    class SchemaConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = TEST_DATABASE_URL

    app = create_app(SchemaConfig)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.create_all()
        db.engine.dispose()
    yield TEST_DATABASE_URL


@pytest.fixture
def app(tmp_path, postgres_schema):
    class PerTestConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = postgres_schema or f"sqlite:///{tmp_path / 'test.db'}"
        IMPORT_UPLOADS_DIR = str(tmp_path / "uploads")  # never the instance's own uploads
        EXPORTS_DIR = str(tmp_path / "exports")
        REPORTS_DIR = str(tmp_path / "reports")

    app = create_app(PerTestConfig)
    with app.app_context():
        if postgres_schema:
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(role: str = "editor", email: str | None = None, password: str = "mật-khẩu-đủ-dài-1") -> User:
    """A saved, active user with the given role."""
    from werkzeug.security import generate_password_hash

    user = User(
        email=email or f"{role}@example.org",
        name=f"Cán bộ {role}",
        password_hash=generate_password_hash(password),
        role=role,
        active=True,
    )
    db.session.add(user)
    db.session.commit()
    return user


def sign_in_client(client, user: User) -> None:
    """Open a session for `user` in the test client as a sign-in does: its session id and sign-in time."""
    from flask import g

    from diaspora.auth import sessions

    # The test's app context outlives requests; drop Flask-Login's cached user.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        sessions.stamp(session)


@pytest.fixture
def login(client):
    """login("editor") signs the test client in as a new user of that role and returns the user."""

    def sign_in(role: str = "editor", email: str | None = None) -> User:
        user = make_user(role, email)
        sign_in_client(client, user)
        return user

    return sign_in


@pytest.fixture
def seeded(app):
    """The reference data from data/ (countries, fields, roles, units) loaded into the test database."""
    from diaspora.reference.seed import seed_reference_data

    seed_reference_data()
    return app


class WorkerProcess:
    """`flask --app wsgi worker` in a process of its own, on the test app's database and a queue in a
    SQLite file; its messages go to `log`."""

    def __init__(self, app, folder: Path):
        self.app, self.queue_file, self.log = app, folder / "jobs.db", folder / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        environment = {**os.environ, "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
                       "JOB_QUEUE_URL": f"sqlite:///{self.queue_file}",
                       "IMPORT_UPLOADS_DIR": self.app.config["IMPORT_UPLOADS_DIR"],
                       "EXPORTS_DIR": self.app.config["EXPORTS_DIR"], "REPORTS_DIR": self.app.config["REPORTS_DIR"],
                       "SECRET_KEY": "worker-test"}
        with self.log.open("ab") as output:
            self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                                            cwd=Path(__file__).resolve().parents[1], env=environment,
                                            stdout=output, stderr=subprocess.STDOUT)
        return self.process

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def messages(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@pytest.fixture
def worker(app, tmp_path):
    """Jobs go to a real queue (a SQLite file) that a worker process runs; call worker.start()."""
    app.config["JOB_QUEUE_URL"] = f"sqlite:///{tmp_path / 'jobs.db'}"
    jobs.init_app(app)
    process = WorkerProcess(app, tmp_path)
    yield process
    process.stop(signal.SIGKILL)
    app.config["JOB_QUEUE_URL"] = "immediate"
    jobs.init_app(app)
