"""Bulk writes, written once for the import, demo data and the search index: rows inserted in the
driver's fastest way (COPY on PostgreSQL, executemany on SQLite), ids allocated ahead so inserts
need no RETURNING, chunks, and a larger SQLite page cache while tens of thousands of rows go in.
"""
from contextlib import contextmanager
from operator import itemgetter
from typing import Callable, NamedTuple

from sqlalchemy import func, insert, select, text

from diaspora.extensions import db


class Prepared(NamedTuple):
    """Rows of one table ready for the driver: plain names and values, so that they pickle cheaply
    from the process that prepared them."""

    table: str
    columns: tuple[str, ...]
    values: list  # converted by the columns' bind processors; dicts for engines without a fast path
    converted: bool


def prepare_rows(dialect, table, rows: list[dict]) -> Prepared:
    """Rows that all have the same keys, their values through the column types' bind processors as an
    INSERT's would be (on PostgreSQL and SQLite; other engines take the dicts through a Core insert)."""
    names = tuple(rows[0]) if rows else ()
    if dialect.name not in ("postgresql", "sqlite") or not rows:
        return Prepared(table.name, names, rows, False)
    processors = []
    for index, name in enumerate(names):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors.append((index, _repeating(processor)))
    pick = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    if not processors:
        return Prepared(table.name, names, list(map(pick, rows)), True)
    values = []
    for row in rows:
        converted = list(pick(row))
        for index, processor in processors:
            converted[index] = processor(converted[index])
        values.append(converted)
    return Prepared(table.name, names, values, True)


def execute(connection, prepared: Prepared) -> None:
    """Insert prepared rows. PostgreSQL takes them by COPY, several times faster than multi-row INSERTs
    for tens of thousands of rows; SQLite by the driver's executemany, without the per-row parameter
    building of a Core insert (a second for an import of 50,000 people)."""
    if not prepared.values:
        return
    table = db.metadata.tables[prepared.table]
    if not prepared.converted:
        connection.execute(insert(table), prepared.values)
        return
    preparer = connection.dialect.identifier_preparer
    columns = ", ".join(preparer.format_column(table.c[name]) for name in prepared.columns)
    target = f"{preparer.format_table(table)} ({columns})"
    driver_connection = connection.connection.driver_connection
    values = prepared.values
    if connection.dialect.name == "sqlite":
        statement = f"INSERT INTO {target} VALUES ({', '.join('?' * len(prepared.columns))})"

        def write():
            cursor = driver_connection.cursor()
            try:
                cursor.executemany(statement, values)
            finally:
                cursor.close()
    else:
        def write():
            with driver_connection.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
    write()


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Insert rows that all have the same keys (prepare_rows, then execute)."""
    if rows:
        execute(connection, prepare_rows(connection.dialect, table, rows))


def _repeating(processor: Callable) -> Callable:
    """The processor, remembering its last value: a column of an import repeats one value row after
    row (the import's timestamp, its user), and converting it each time costs a third of a second."""
    last_value, last_result = object(), None

    def process(value):
        nonlocal last_value, last_result
        if value is not last_value:
            last_value, last_result = value, processor(value)
        return last_result
    return process


CHUNK = 5000
SQLITE_CACHE_KIB = 32 * 1024


def chunks(values: list, size: int = CHUNK):
    """Consecutive slices of at most `size` values (statements with a bounded number of parameters)."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def begin_writing(connection) -> None:
    """On SQLite, take the one write lock now (BEGIN IMMEDIATE) unless the transaction has already
    written: the sqlite3 driver begins a transaction only at its first INSERT, UPDATE or DELETE, and
    allocate_ids needs the lock before any row goes in. PostgreSQL needs nothing."""
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def allocate_ids(connection, table, count: int) -> list[int]:
    """Ids for new rows, so bulk inserts need no RETURNING (SQLite would send them one by one).

    PostgreSQL draws them from the table's sequence. On SQLite the caller's transaction must already
    have written or called begin_writing (it holds the one write lock): nobody else can insert, so the
    ids after the largest are its own.
    """
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        return connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}).scalars().all()
    first = (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(first, first + count))


@contextmanager
def sqlite_cache(connection, kibibytes: int = SQLITE_CACHE_KIB):
    """A larger page cache for this connection while it writes tens of thousands of rows into indexed
    tables (SQLite's 2 MB default makes index updates go to disk: 2.4× slower); restored after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kibibytes)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")
