"""Batches whose worker died are shown as failed; unfinished drafts and orphan uploads are purged."""
import os
import subprocess
from datetime import timedelta

from diaspora import jobs

from diaspora.extensions import db
from diaspora.imports.running import fail_dead_batches
from diaspora.imports.storage import uploads_dir
from diaspora.imports.wizard import purge_uploads
from diaspora.batches.models import ImportBatch
from diaspora.records import utcnow


def _batch(status: str, *, sha: str = "a" * 64, started_minutes_ago: int | None = None,
           created_days_ago: int = 0, worker: str | None = None) -> ImportBatch:
    now = utcnow()
    started = now - timedelta(minutes=started_minutes_ago) if started_minutes_ago else None
    batch = ImportBatch(file_sha256=sha, file_name="danh-sach.xlsx", status=status,
                        created_at=now - timedelta(days=created_days_ago), started_at=started, heartbeat_at=started,
                        worker=worker, created=5, updated=2)
    db.session.add(batch)
    db.session.commit()
    return batch


def test_a_batch_whose_worker_is_gone_or_silent_is_failed_without_counts(app, client, login):
    here = jobs.worker_name()
    silent = _batch("running", started_minutes_ago=300, worker="other-host:42")  # lease of 30 minutes ran out
    dead = _batch("running", started_minutes_ago=1, worker=f"{here.rpartition(':')[0]}:{_ended_pid()}")
    running = _batch("running", started_minutes_ago=1, worker=here)
    elsewhere = _batch("running", started_minutes_ago=1, worker="other-host:42")
    login("admin")  # batches of nobody in particular (the command line's): only an admin sees them
    page = client.get(f"/imports/{silent.id}").text
    assert "thất bại, không có gì được ghi" in page and 'id="counts"' not in page
    db.session.expire_all()
    states = [db.session.get(ImportBatch, batch.id) for batch in (silent, dead, running, elsewhere)]
    assert [batch.status for batch in states] == ["failed", "failed", "running", "running"]
    assert (states[0].created, states[1].updated) == (0, 0)  # no counts of work that was never written
    assert fail_dead_batches() == 0


def _ended_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_old_drafts_and_files_no_batch_refers_to_are_deleted(app):
    folder = uploads_dir()
    old = utcnow() - timedelta(days=2)
    files = {name: folder / (name * 64) for name in "abcd"}
    for path in files.values():
        path.write_bytes(b"x")
        os.utime(path, (old.timestamp(), old.timestamp()))
    committed = _batch("committed", sha="a" * 64, created_days_ago=30)
    recent_draft = _batch("draft", sha="b" * 64, created_days_ago=1)
    stale_draft = _batch("draft", sha="c" * 64, created_days_ago=30)
    fresh = folder / ("e" * 64)
    fresh.write_bytes(b"being stored")  # no batch yet: just uploaded

    assert purge_uploads() == 2  # the stale draft's file and the orphan
    assert [path.exists() for path in (*files.values(), fresh)] == [True, True, False, False, True]
    assert db.session.get(ImportBatch, stale_draft.id) is None
    assert {db.session.get(ImportBatch, batch.id).status for batch in (committed, recent_draft)} == {
        "committed", "draft"}
