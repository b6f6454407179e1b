"""Bulk statements of an import: rows inserted in the driver's fastest way, on PostgreSQL from a second thread.

Rows are prepared (prepare_rows: plain values through the columns' bind processors) apart from
being written (execute), so that another process can prepare them while this one writes.

PostgreSQL does the work of a COPY (index upkeep, full-text, foreign-key checks) in its own
process, and psycopg lets other Python threads run while it waits: an import builds the next
chunk of rows while the server writes the previous one (commit of 50,000 people 12.1 → 11.2 s).
SQLite writes inside this process, where a second thread only competes with the first for the
interpreter (8.2 → 9.5 s), so it writes in the import's own thread.
"""
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from operator import itemgetter
from typing import Callable, NamedTuple

from sqlalchemy import insert

from diaspora.extensions import db

# Statements queued ahead of the writer: enough to keep it busy, few enough that the rows waiting to be
# written do not pile up in memory.
MAX_QUEUED = 2


class Writer:
    """Runs statements in the order given, one at a time, on one thread. The first failure stops the
    ones after it and is raised by the next submit() or by finish()."""

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        self._queued: deque[Future] = deque()
        self._failed = False

    def submit(self, statement: Callable[[], object]) -> None:
        while len(self._queued) >= MAX_QUEUED:
            self._queued.popleft().result()
        self._queued.append(self._executor.submit(self._run, statement))

    def _run(self, statement) -> None:
        if self._failed:
            return
        try:
            statement()
        except BaseException:
            self._failed = True
            raise

    def finish(self) -> None:
        """Wait for every statement; raise the first failure."""
        try:
            while self._queued:
                self._queued.popleft().result()
        finally:
            self._executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def background_writes(connection):
    """A Writer for the statements of a PostgreSQL connection, else None (write in this thread). The
    block must not use the connection itself until it ends: everything is written when it ends."""
    if connection.dialect.name != "postgresql":
        yield None
        return
    writer = Writer()
    try:
        yield writer
    except BaseException:
        try:
            writer.finish()
        except Exception:
            pass  # the block's own failure is the one to report
        raise
    writer.finish()


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


def execute(connection, prepared: Prepared, writer: Writer | None = None) -> None:
    """Insert prepared rows. PostgreSQL takes them by COPY, several times faster than multi-row INSERTs
    for tens of thousands of rows; SQLite by the driver's executemany, without the per-row parameter
    building of a Core insert (a second for an import of 50,000 people). With a writer, the
    statement runs on its thread."""
    if not prepared.values:
        return
    table = db.metadata.tables[prepared.table]
    if not prepared.converted:
        _run(writer, lambda: connection.execute(insert(table), prepared.values))
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
    _run(writer, write)


def insert_rows(connection, table, rows: list[dict], writer: Writer | None = None) -> None:
    """Insert rows that all have the same keys (prepare_rows, then execute)."""
    if rows:
        execute(connection, prepare_rows(connection.dialect, table, rows), writer)


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


def _run(writer: Writer | None, statement: Callable[[], object]) -> None:
    if writer is None:
        statement()
    else:
        writer.submit(statement)
