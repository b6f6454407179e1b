"""An import committed by a real worker process, from a real queue: killed mid-commit, it leaves the
register as it was, and the next worker to start says the batch failed with nothing written."""
import signal
import sqlite3
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.imports.running import queue_batch
from diaspora.imports.storage import store_file
from diaspora.imports.wizard import create_batch
from diaspora.people.models import Person
from tests.spreadsheets.sheets import write_workbook

ROWS = 20_000
HEADERS = ["Họ và tên", "Năm sinh", "Quốc gia", "Điện thoại", "Email", "Lĩnh vực"]
FAMILY, MIDDLE, GIVEN = ("Nguyễn", "Trần", "Lê", "Phạm", "Vũ"), ("Văn", "Thị", "Đức", "Minh"), (
    "An", "Bình", "Cường", "Dung", "Hà", "Khoa", "Lan", "Nam")


def _rows(count: int) -> list[list]:
    return [[f"{FAMILY[n % 5]} {MIDDLE[n // 5 % 4]} {GIVEN[n // 20 % 8]} {n}", 1950 + n % 50, "Nhật Bản",
             f"+81 90 {1000 + n // 10000:04d} {n % 10000:04d}", f"nguoi{n}@example.jp", "Y tế"]
            for n in range(count)]


def _batch(batch_id: int) -> ImportBatch:
    db.session.expire_all()
    return db.session.get(ImportBatch, batch_id)


def _writing(app, batch_id: int) -> bool:
    """True once the worker's transaction is writing the people: on SQLite it then holds the one write
    lock; PostgreSQL reports progress past the preparation (45%) from another connection."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return (_batch(batch_id).progress or 0) > 45
    if _batch(batch_id).status != "running" or (_batch(batch_id).progress or 0) < 40:
        return False
    probe = sqlite3.connect(url.database, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True  # the import holds the write lock
    else:
        probe.rollback()
        return False
    finally:
        probe.close()


def _wait(condition, seconds: float, worker) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker stopped: {worker.messages()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out: {worker.messages()}")
        time.sleep(0.05)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_worker_killed_mid_commit_leaves_nothing_and_the_next_worker_fails_the_batch(seeded, app, tmp_path,
                                                                                     worker):
    path = write_workbook(tmp_path / "danh-sach-20000.xlsx", HEADERS, _rows(ROWS))
    sha, size = store_file(path)
    batch = create_batch(sha=sha, size=size, file_name=path.name, sheet_name="Danh sách")
    queue_batch(batch)
    assert _batch(batch.id).status == "queued"
    db.session.remove()
    worker.start()
    _wait(lambda: _writing(app, batch.id), 300, worker)
    worker.stop(signal.SIGKILL)
    db.session.remove()
    assert _batch(batch.id).status == "running"  # nobody has looked yet
    assert (_count(Person), _count(ImportRow)) == (0, 0)
    worker.start()  # a worker starting again ends what the dead one left running
    _wait(lambda: _batch(batch.id).status == "failed", 120, worker)
    worker.stop()
    failed = _batch(batch.id)
    assert "không có gì được ghi" in failed.message
    assert (failed.created, failed.updated, failed.progress) == (0, 0, 0)
    assert (_count(Person), _count(ImportRow)) == (0, 0)


def test_a_queued_import_waits_for_a_worker_and_commits_when_one_runs(seeded, app, tmp_path, worker):
    path = write_workbook(tmp_path / "danh-sach.xlsx", HEADERS, _rows(30))
    sha, size = store_file(path)
    batch = create_batch(sha=sha, size=size, file_name=path.name, sheet_name="Danh sách")
    queue_batch(batch)
    db.session.remove()
    assert _batch(batch.id).status == "queued" and _count(Person) == 0  # no worker: nothing happens
    worker.start()
    _wait(lambda: _batch(batch.id).status == "committed", 120, worker)
    worker.stop()
    done = _batch(batch.id)
    assert (done.created, done.progress, _count(Person)) == (30, 100, 30)
    assert done.worker and done.worker.rsplit(":", 1)[1] == str(worker.process.pid)
