"""What a person is found under and the full-text index over it.

`people.search_text` holds the folded words of a person's names, contacts and organisations (search_words,
computed where a person is saved). SQLite indexes it with an FTS5 table kept in sync by triggers; PostgreSQL
with a GIN index on its `simple` tsvector. Both hold the people in the register only, not those in the bin.
The list query that reads the index is diaspora.people.search.
"""
from contextlib import contextmanager

from sqlalchemy import event, text

from diaspora.bulk import begin_writing, chunks
from diaspora.contacts import PHONE_KINDS, phone_search_tokens
from diaspora.people.models import Person
from diaspora.text import fold_words

# detail=none: only which people contain a word is kept (no positions), which is all a word-prefix
# search needs; the prefix indexes answer "ng", "nguy", "nguyen" without merging every longer word.
# The triggers index people in the register only. To rebuild, use 'delete-all' and then index
# the register; FTS5's own 'rebuild' would index the bin too.
SQLITE_INSERT_TRIGGER = (
    "CREATE TRIGGER people_fts_insert AFTER INSERT ON people WHEN new.deleted_at IS NULL BEGIN "
    "INSERT INTO people_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
)
SQLITE_SEARCH_INDEX = (
    "CREATE VIRTUAL TABLE people_fts USING fts5("
    "search_text, content='people', content_rowid='id', tokenize='unicode61', detail=none, "
    "prefix='1 2 3 4 5 6')",
    SQLITE_INSERT_TRIGGER,
    "CREATE TRIGGER people_fts_delete AFTER DELETE ON people WHEN old.deleted_at IS NULL BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    # A soft delete takes the person out of the index, a restore puts them back.
    "CREATE TRIGGER people_fts_update AFTER UPDATE OF search_text, deleted_at ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, search_text) "
    "SELECT 'delete', old.id, old.search_text WHERE old.deleted_at IS NULL; "
    "INSERT INTO people_fts(rowid, search_text) SELECT new.id, new.search_text WHERE new.deleted_at IS NULL; END",
)
SQLITE_DROP_SEARCH_INDEX = (
    "DROP TRIGGER IF EXISTS people_fts_insert",
    "DROP TRIGGER IF EXISTS people_fts_delete",
    "DROP TRIGGER IF EXISTS people_fts_update",
    "DROP TABLE IF EXISTS people_fts",
)
POSTGRES_SEARCH_INDEX = (
    "CREATE INDEX ix_people_search_text ON people USING gin (to_tsvector('simple', search_text)) "
    "WHERE deleted_at IS NULL",
)
POSTGRES_DROP_SEARCH_INDEX = ("DROP INDEX IF EXISTS ix_people_search_text",)


def is_search_index_object(name, type_, parent_names) -> bool:
    """Alembic include_name hook: False for the full-text index objects, which autogenerate must not touch."""
    if type_ == "table" and name and name.startswith("people_fts"):
        return False
    return not (type_ == "index" and name == "ix_people_search_text")


def create_search_index(connection) -> None:
    """Create the full-text index for the connection's engine (used by migrations and create_all)."""
    statements = SQLITE_SEARCH_INDEX if connection.dialect.name == "sqlite" else POSTGRES_SEARCH_INDEX
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_search_index(connection) -> None:
    """Drop the full-text index (before the people table is dropped)."""
    statements = SQLITE_DROP_SEARCH_INDEX if connection.dialect.name == "sqlite" else POSTGRES_DROP_SEARCH_INDEX
    for statement in statements:
        connection.exec_driver_sql(statement)


event.listen(Person.__table__, "after_create", lambda target, connection, **kw: create_search_index(connection))
event.listen(Person.__table__, "before_drop", lambda target, connection, **kw: drop_search_index(connection))


def search_words(*, full_name, other_names=None, contacts=(), organisation_names=()) -> str:
    """The folded, de-duplicated words under which a person is found.

    `contacts` are (kind, normalized) pairs; phones add their international and national digits, an
    unverified phone kept without a country ("09001276842") its digits with and without the leading 0.
    """
    words: list[str] = []
    for text in (full_name, other_names, *organisation_names):
        words += fold_words(text)
    for kind, normalized in contacts:
        if kind in PHONE_KINDS and (normalized.startswith("+") or normalized.isdigit()):
            words += phone_search_tokens(normalized)
        else:
            folded = fold_words(normalized)
            words += folded
            if kind == "email":
                words.append("".join(folded))
    return " ".join(dict.fromkeys(words))


def person_search_text(person: Person) -> str:
    """search_words for a loaded Person."""
    return search_words(
        full_name=person.full_name,
        other_names=person.other_names,
        contacts=[(contact.kind, contact.normalized) for contact in person.contacts],
        organisation_names=[m.organisation.name for m in person.memberships if m.organisation is not None],
    )


BULK_INDEX_ROWS = 1000  # from this many new people on, SQLite's search index is filled in one statement


@contextmanager
def search_index_in_bulk(connection, person_ids: list[int]):
    """On SQLite, index new people in one statement after inserting them, not by the per-row trigger:
    FTS5 takes a second for 50,000 rows in bulk and over ten by trigger. The trigger is dropped and
    created again inside the caller's transaction (begun here if it has not written yet: sqlite3 would
    run the DROP TRIGGER outside it, beyond a rollback's reach), so a failure restores it."""
    if (connection.dialect.name != "sqlite" or len(person_ids) < BULK_INDEX_ROWS or not connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'people_fts_insert'").scalar()):
        yield
        return
    begin_writing(connection)
    connection.exec_driver_sql("DROP TRIGGER people_fts_insert")
    yield
    for chunk in chunks(person_ids):
        connection.execute(text("INSERT INTO people_fts(rowid, search_text) SELECT id, search_text FROM people "
                                "WHERE id BETWEEN :first AND :last AND deleted_at IS NULL"),
                           {"first": chunk[0], "last": chunk[-1]})
    connection.exec_driver_sql(SQLITE_INSERT_TRIGGER)
