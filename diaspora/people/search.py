"""Full-text index over people: what goes into it, and the engine-specific index behind it.

`people.search_text` holds the folded words of a person's names, contacts and organisations.
SQLite indexes it with an FTS5 table kept in sync by triggers; PostgreSQL with a GIN index on
its `simple` tsvector. Both answer word-prefix queries ("nguyen van hung", "dang") from the index.
"""
from sqlalchemy import event

from diaspora.people.contacts import PHONE_KINDS, phone_search_tokens
from diaspora.people.models import Person
from diaspora.text import fold_words

SQLITE_SEARCH_INDEX = (
    "CREATE VIRTUAL TABLE people_fts USING fts5("
    "search_text, content='people', content_rowid='id', tokenize='unicode61', prefix='2 3')",
    "CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN "
    "INSERT INTO people_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER people_fts_update AFTER UPDATE OF search_text ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO people_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_DROP_SEARCH_INDEX = (
    "DROP TRIGGER IF EXISTS people_fts_insert",
    "DROP TRIGGER IF EXISTS people_fts_delete",
    "DROP TRIGGER IF EXISTS people_fts_update",
    "DROP TABLE IF EXISTS people_fts",
)
POSTGRES_SEARCH_INDEX = (
    "CREATE INDEX ix_people_search_text ON people USING gin (to_tsvector('simple', search_text))",
)
POSTGRES_DROP_SEARCH_INDEX = ("DROP INDEX IF EXISTS ix_people_search_text",)


def create_search_index(connection) -> None:
    """Create the full-text index for the connection's engine (used by migrations and create_all)."""
    statements = SQLITE_SEARCH_INDEX if connection.dialect.name == "sqlite" else POSTGRES_SEARCH_INDEX
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_search_index(connection) -> None:
    statements = SQLITE_DROP_SEARCH_INDEX if connection.dialect.name == "sqlite" else POSTGRES_DROP_SEARCH_INDEX
    for statement in statements:
        connection.exec_driver_sql(statement)


event.listen(Person.__table__, "after_create", lambda target, connection, **kw: create_search_index(connection))
event.listen(Person.__table__, "before_drop", lambda target, connection, **kw: drop_search_index(connection))


def search_words(*, full_name, other_names=None, contacts=(), organisation_names=()) -> str:
    """The folded, de-duplicated words under which a person is found.

    `contacts` are (kind, normalized) pairs; phones add their international and national digits.
    """
    words: list[str] = []
    for text in (full_name, other_names, *organisation_names):
        words += fold_words(text)
    for kind, normalized in contacts:
        if kind in PHONE_KINDS and normalized.startswith("+"):
            words += phone_search_tokens(normalized)
        else:
            words += fold_words(normalized)
            if kind == "email":
                words.append("".join(fold_words(normalized)))
    return " ".join(dict.fromkeys(words))


def person_search_text(person: Person) -> str:
    """search_words for a loaded Person."""
    return search_words(
        full_name=person.full_name,
        other_names=person.other_names,
        contacts=[(contact.kind, contact.normalized) for contact in person.contacts],
        organisation_names=[m.organisation.name for m in person.memberships if m.organisation is not None],
    )
