"""Batches cut off by a server stop are shown as failed; unfinished drafts and orphan uploads are purged."""
import os
from datetime import timedelta

from diaspora.extensions import db
from diaspora.imports import service
from diaspora.imports.models import ImportBatch
from diaspora.records import utcnow


def _batch(status: str, *, sha: str = "a" * 64, started_minutes_ago: int | None = None,
           created_days_ago: int = 0) -> ImportBatch:
    now = utcnow()
    batch = ImportBatch(file_sha256=sha, file_name="danh-sach.xlsx", status=status,
                        created_at=now - timedelta(days=created_days_ago),
                        started_at=now - timedelta(minutes=started_minutes_ago) if started_minutes_ago else None)
    db.session.add(batch)
    db.session.commit()
    return batch


def test_a_batch_running_long_after_it_started_is_shown_as_failed(app, client, login):
    cut_off = _batch("running", started_minutes_ago=300)
    running = _batch("running", started_minutes_ago=1)
    login("editor")
    assert "Lần nhập bị gián đoạn" in client.get(f"/imports/{cut_off.id}").text
    db.session.expire_all()
    assert (db.session.get(ImportBatch, cut_off.id).status, db.session.get(ImportBatch, running.id).status) == (
        "failed", "running")
    assert service.fail_abandoned_batches() == 0


def test_old_drafts_and_files_no_batch_refers_to_are_deleted(app):
    folder = service.uploads_dir()
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

    assert service.purge_uploads() == 2  # the stale draft's file and the orphan
    assert [path.exists() for path in (*files.values(), fresh)] == [True, True, False, False, True]
    assert db.session.get(ImportBatch, stale_draft.id) is None
    assert {db.session.get(ImportBatch, batch.id).status for batch in (committed, recent_draft)} == {
        "committed", "draft"}
