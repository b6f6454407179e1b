"""Fixtures: an app with a fresh database per test, on SQLite or on PostgreSQL.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/diaspora_test) to run
the same tests on PostgreSQL; the database is created when missing.
"""
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from diaspora import create_app
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


@pytest.fixture
def login(client):
    """login("editor") signs the test client in as a new user of that role and returns the user."""

    def sign_in(role: str = "editor", email: str | None = None) -> User:
        from flask import g

        # The test's app context outlives requests; drop Flask-Login's cached anonymous user.
        g.pop("_login_user", None)
        user = make_user(role, email)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture
def seeded(app):
    """The reference data from data/ (countries, fields, roles, units) loaded into the test database."""
    from diaspora.reference.service import seed_reference_data

    seed_reference_data()
    return app
