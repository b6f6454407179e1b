"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from diaspora import create_app
from diaspora.config import TestConfig
from diaspora.extensions import db
from diaspora.people.search_index import is_search_index_object


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = make_url(base)
    scratch = f"{url.database}_migrations"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{scratch}"')
    yield url.set(database=scratch).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    admin.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades(empty_database_url):
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": is_search_index_object}
            )
            assert compare_metadata(context, db.metadata) == []
            # The full-text index exists after the upgrade.
            if connection.dialect.name == "sqlite":
                assert connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'people_fts'")) == 1
                # and its triggers, which a migration that copies the people table (a batch) would lose
                assert set(connection.scalars(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'people'"))) == {
                    "people_fts_insert", "people_fts_delete", "people_fts_update"}
            else:
                assert "ix_people_search_text" in {ix["name"] for ix in inspect(connection).get_indexes("people")}
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
