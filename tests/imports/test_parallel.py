"""Large files are cleaned by several processes at once, and PostgreSQL writes from a second thread:
the outcome is the same as in one process and one thread, and a failure anywhere is not lost."""
import os
import threading

import pytest
from sqlalchemy import func, select, text

from diaspora.extensions import db
from diaspora.imports import service
from diaspora.imports.bulk import Writer, background_writes
from diaspora.people.models import Person
from diaspora.spreadsheets import parallel, pipeline
from diaspora.spreadsheets.columns import PEOPLE
from tests.spreadsheets.sheets import layout

HEADERS = ["Họ và tên", "Ngày sinh", "Quốc gia", "Điện thoại", "Email", "Quê quán", "Lĩnh vực"]
VARIANTS = [
    ["Nguyễn Văn An", 1975, "Nhật Bản", 9012345678, "an{n}@example.org", "Thanh Hà, Hải Dương", "Y tế"],
    ["Trần Thị Bình", "31/02/1980", "Atlantis", "123", "binh@", "Kiến Thụy", "Thiên văn"],
    [None, None, "Mỹ", None, None, None, None],
    ["Lê Văn Cường", "1960", "CHLB Đức", "+49 151 2345{n:04d}", None, "xã Tân Trào, huyện Thanh Miện", "Giáo dục – đào tạo"],
    ["Phạm Thị Dung", "05/09/1988", "Korea", "010-{n:04d}-5678", "dung{n}@example.kr", None, "Văn hóa – nghệ thuật; Y tế"],
    ["Nguyễn Văn An", 1975, "Japan", "090-1234-{n:04d}", "an{n}@example.org", None, None],
]


def varied_rows(count: int) -> list[list]:
    return [[value.format(n=number) if isinstance(value, str) else value for value in VARIANTS[number % 6]]
            for number in range(count)]


def prepare(rows):
    return service.prepare_layout(layout(HEADERS, rows))


def test_a_large_file_is_cleaned_by_two_processes_with_the_same_outcome(app, seeded):
    rows = varied_rows(240)
    app.config.update(IMPORT_PARALLEL_ROWS=0)
    alone = prepare(rows)
    app.config.update(IMPORT_PARALLEL_ROWS=100, IMPORT_PROCESSES=2)
    assert parallel.processes_for(240) == min(2, parallel._cores())
    shared = prepare(rows)
    assert shared.rows == alone.rows
    assert [row.row for row in shared.rows] == list(range(2, 242))
    assert sum(not row.valid for row in shared.rows) == 80  # the bad and the empty variants
    assert shared.duplicates == alone.duplicates
    assert service.build_changes(shared).summary == service.build_changes(alone).summary


def test_processes_follow_the_settings(app):
    app.config.update(IMPORT_PARALLEL_ROWS=1000, IMPORT_PROCESSES=4)
    assert parallel.processes_for(999) == 1
    assert parallel.processes_for(1000) == min(4, parallel._cores())
    app.config.update(IMPORT_PARALLEL_ROWS=0)
    assert parallel.processes_for(10**6) == 1


def test_parts_come_back_in_order_from_each_process():
    parent = os.getpid()
    results = parallel.map_parts(lambda items: [(os.getpid(), item) for item in items], list(range(10)), 3)
    assert [item for _, item in results] == list(range(10))
    assert results[0][0] == parent
    assert len({pid for pid, _ in results}) == 3


def test_a_failing_child_leaves_its_part_to_this_process():
    parent = os.getpid()

    def only_here(items):
        if os.getpid() != parent:
            raise RuntimeError("a child fails")
        return [item * 2 for item in items]

    assert parallel.map_parts(only_here, list(range(7)), 2) == [0, 2, 4, 6, 8, 10, 12]


def test_a_child_that_hangs_is_given_up(monkeypatch):
    parent = os.getpid()
    monkeypatch.setattr(parallel, "_PATIENCE_SECONDS", 0.5)

    def hangs_elsewhere(items):
        if os.getpid() != parent:
            threading.Event().wait()
        return list(items)

    assert parallel.map_parts(hangs_elsewhere, list(range(4)), 2) == [0, 1, 2, 3]


def _connection_id():
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(text("SELECT pg_backend_pid()"))
    return id(db.session.connection().connection.driver_connection)


def test_a_child_uses_a_connection_of_its_own_and_leaves_the_parents_transaction_alone(app, seeded):
    db.session.add(Person(full_name="Chưa lưu", name_folded="chua luu", search_text="chua luu"))
    db.session.flush()  # written in this process's open transaction, not committed
    mine = _connection_id()

    def look(items):
        return [(_connection_id(), db.session.scalar(select(func.count()).select_from(Person)))]

    (here, counted_here), (there, counted_there) = parallel.map_parts(look, [1, 2], 2)
    assert here == mine and there != mine
    assert (counted_here, counted_there) == (1, 0)  # the child does not see the uncommitted row
    db.session.commit()  # the parent's transaction survived the child
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_the_writer_keeps_the_order_and_raises_the_first_failure():
    done = []
    writer = Writer()
    for number in range(5):
        writer.submit(lambda number=number: done.append(number))
    writer.finish()
    assert done == [0, 1, 2, 3, 4]

    writer, done = Writer(), []

    def fail():
        raise ValueError("cột quá dài")

    writer.submit(lambda: done.append("first"))
    writer.submit(fail)
    writer.submit(lambda: done.append("after the failure"))
    with pytest.raises(ValueError, match="cột quá dài"):
        writer.finish()
    assert done == ["first"]


def test_postgresql_writes_from_a_second_thread_and_sqlite_from_its_own(app):
    connection = db.session.connection()
    with background_writes(connection) as writer:
        assert (writer is not None) == (connection.dialect.name == "postgresql")


@pytest.mark.parametrize("parallel_rows", [0, 10], ids=["prepared here", "prepared by a child"])
def test_a_failed_write_rolls_back_the_whole_import(app, seeded, parallel_rows):
    app.config.update(IMPORT_PARALLEL_ROWS=parallel_rows, IMPORT_PROCESSES=2)
    rows = [[f"Người Số{n}", None, "Nhật Bản", None, f"nguoi{n}@example.jp", None, None] for n in range(30)]
    changes = service.build_changes(prepare(rows))
    # A contact without its normalised form breaks a NOT NULL constraint when the last chunk is written.
    list(changes.creates.values())[-1].new_contacts[("email", None)] = "x"
    batch = service.create_batch(sha="0" * 64, size=1, file_name="hong.xlsx", status="running")
    with pytest.raises(Exception):
        service.commit_changes(changes, batch.id)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.get(type(batch), batch.id).status == "failed"


def _numbers(count, fail_after=None, exit_after=None):
    """produce() for a stream: (pid, n) for n < count; a child fails or dies after some items."""
    parent = os.getpid()

    def produce():
        for number in range(count):
            if os.getpid() != parent and number == fail_after:
                raise RuntimeError("a child fails")
            if os.getpid() != parent and number == exit_after:
                os._exit(3)
            yield os.getpid(), number
    return produce


def test_a_stream_is_made_by_a_child_and_used_here_in_order():
    with parallel.Stream(_numbers(6), 2) as stream:
        items = list(stream)
    assert [number for _, number in items] == list(range(6))
    assert os.getpid() not in {pid for pid, _ in items}
    with parallel.Stream(_numbers(3), 1) as stream:
        assert list(stream) == [(os.getpid(), 0), (os.getpid(), 1), (os.getpid(), 2)]


@pytest.mark.parametrize("how", ["fail_after", "exit_after"])
def test_what_a_failing_or_dying_child_did_not_make_is_made_here(how):
    with parallel.Stream(_numbers(6, **{how: 4}), 2) as stream:
        items = list(stream)
    assert [number for _, number in items] == list(range(6))
    assert [pid == os.getpid() for pid, _ in items] == [False] * 4 + [True] * 2


def test_a_stalled_stream_is_given_up(monkeypatch):
    monkeypatch.setattr(parallel, "_PATIENCE_SECONDS", 0.5)
    parent = os.getpid()

    def produce():
        yield 1
        if os.getpid() != parent:
            threading.Event().wait()
        yield 2

    with parallel.Stream(produce, 2) as stream:
        assert list(stream) == [1, 2]


def test_leaving_a_stream_early_stops_its_child():
    stream = parallel.Stream(_numbers(10**6), 2)
    child = stream._child
    with stream:
        for _ in stream:
            break
    assert not child.is_alive()


def _written():
    """What an import wrote, without the ids (they differ from one import to the next)."""
    people = db.session.execute(text(
        "SELECT full_name, birth_year, country_code, search_text, hometown_unit_code FROM people "
        "WHERE deleted_at IS NULL ORDER BY full_name, search_text")).all()
    contacts = db.session.execute(text("SELECT kind, normalized, is_primary FROM contacts ORDER BY normalized")).all()
    fields = db.session.scalar(text("SELECT count(*) FROM person_fields"))
    rows = db.session.execute(text(
        "SELECT r.row_number, r.action, r.problems, r.matches, r.note, p.full_name FROM import_rows r "
        "LEFT JOIN people p ON p.id = r.person_id WHERE r.batch_id = (SELECT max(id) FROM import_batches) "
        "ORDER BY r.row_number")).all()
    return people, contacts, fields, rows


def _commit(rows):
    changes = service.build_changes(prepare(rows))
    batch = service.create_batch(sha="0" * 64, size=1, file_name="danh-sach.xlsx", status="running")
    return service.commit_changes(changes, batch.id)


def test_rows_prepared_by_a_child_are_written_as_those_prepared_here(app, seeded, monkeypatch):
    children = []

    class Watched(parallel.Stream):
        def __init__(self, produce, processes):
            super().__init__(produce, processes)
            children.append(self._child is not None)

    monkeypatch.setattr(parallel, "Stream", Watched)
    rows = [[f"Người Thứ{n}", 1950 + n, "Nhật Bản", f"090-1234-{n:04d}", f"nguoi{n}@example.jp", "Kiến Thụy",
             "Y tế; Giáo dục"] for n in range(48)] + varied_rows(12)
    app.config.update(IMPORT_PARALLEL_ROWS=0)
    batch = _commit(rows)
    alone = _written()
    service.undo_batch(batch.id)
    app.config.update(IMPORT_PARALLEL_ROWS=10, IMPORT_PROCESSES=2)
    _commit(rows)
    shared = _written()
    assert shared == alone
    assert (len(shared[0]), shared[2], len(shared[3])) == (51, 100, 60)
    assert children == [False, db.engine.dialect.name == "sqlite"]
