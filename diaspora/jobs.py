"""Long work on a task queue, never in the web server: Huey, with its queue in a SQLite file on a desk
machine (no server to run) and in Redis in production.

JOB_QUEUE_URL chooses where the queue lives: `sqlite:///path` (default: instance/jobs.db),
`redis://host:port/db`, or `immediate` (tests: a job runs at once, in the caller). The worker,
`flask --app wsgi worker`, takes jobs off the queue and runs each in the app's context. Job state
and progress are rows of the application's database (an import batch's status and progress), so
any web process shows them; the queue itself holds only the messages waiting for a worker.
"""
import os
import socket
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import DateTime, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from diaspora.config import private_file, private_folder
from diaspora.extensions import db
from diaspora.records import utcnow

queue = Huey("diaspora", results=False, utc=True, storage_class=MemoryStorage)  # until init_app
_apps: list[Flask] = []  # the app jobs run in (the worker's, or the one that queued them in tests)


def init_app(app: Flask) -> None:
    """Point the queue at JOB_QUEUE_URL and remember the app its jobs run in."""
    url = app.config.get("JOB_QUEUE_URL") or f"sqlite:///{Path(app.instance_path) / 'jobs.db'}"
    if url == "immediate":
        queue.immediate = True
    else:
        queue.immediate = False
        if url.startswith(("redis://", "rediss://", "unix://")):
            queue.storage = RedisStorage(queue.name, url=url)
        else:
            path = Path(url.removeprefix("sqlite:///"))
            private_folder(path.parent)
            if not path.exists():
                private_file(path).close()  # an empty file is an empty SQLite database, readable by us only
            queue.storage = SqliteStorage(queue.name, filename=str(path))
    _apps[:] = [app]
    app.extensions["jobs"] = queue


def job(function):
    """A function that runs as a job: calling it queues it; a worker runs it inside the app's context."""
    @queue.task(name=function.__name__)
    @wraps(function)
    def run(*args, **kwargs):
        if has_app_context():
            return function(*args, **kwargs)
        with _apps[0].app_context():
            return function(*args, **kwargs)

    return run


def periodic(schedule):
    """A function the worker runs on a schedule (a huey crontab), inside the app's context."""
    def decorate(function):
        @queue.periodic_task(schedule, name=function.__name__)
        @wraps(function)
        def run():
            if has_app_context():
                return function()
            with _apps[0].app_context():
                return function()

        return run

    return decorate


def worker_name() -> str:
    """host:pid of this process: a running job records it, so a restarted worker knows its dead jobs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_alive(name: str | None) -> bool:
    """False when the named worker ran on this host and its process is gone (or the name is empty);
    True for a live process here, and for any worker on another host (its lease tells)."""
    if not name:
        return False
    host, _, pid = name.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return int(pid) != 0


def dead_jobs(model, cutoff) -> list:
    """The rows of `model` (with status, worker, heartbeat_at, started_at, created_at) still "running"
    whose worker is gone: it ran on this host and its process has ended, or it gave no sign of life
    since `cutoff` (its lease ran out)."""
    last_sign = func.coalesce(model.heartbeat_at, model.started_at, model.created_at)
    running = select(model, last_sign < cutoff).where(model.status == "running")
    return [row for row, silent in db.session.execute(running) if silent or not worker_alive(row.worker)]


class JobState:
    """The columns of a row a job works on (an import, an export, a report, a scan, a campaign): when a worker
    took it and when it ended, the worker (host:pid) and its last sign of life, so a row whose worker is gone is
    failed (fail_dead), and the message saying why it failed."""

    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message: Mapped[str | None] = mapped_column(Text)


def claim(model, row_id: int, progress: int | None = None):
    """The queued row a job is given, marked running by this worker (committed), or None when it is gone or
    no longer queued (run twice, failed or undone meanwhile): the job then has nothing to do."""
    row = db.session.get(model, row_id)
    if row is None or row.status != "queued":
        return None
    row.status, row.started_at, row.worker = "running", utcnow(), worker_name()
    row.heartbeat_at = row.started_at
    if progress is not None:
        row.progress = progress
    db.session.commit()
    return row


def fail_dead(model, message, cleanup=None, now=None) -> int:
    """Fail the rows of `model` whose worker is gone (dead_jobs, with a lease of IMPORT_LEASE_SECONDS): "failed",
    finished now, with `message` (a text, or a function of the row) saying why; `cleanup(row)` removes what the
    job left half-written (a .part file). Committed; how many."""
    now = now or utcnow()
    dead = dead_jobs(model, now - timedelta(seconds=current_app.config.get("IMPORT_LEASE_SECONDS", 1800)))
    for row in dead:
        row.status, row.finished_at = "failed", now
        row.message = message(row) if callable(message) else message
        if cleanup is not None:
            cleanup(row)
    if dead:
        db.session.commit()
    return len(dead)


def run_worker(workers: int = 1) -> None:
    """Run the queue's consumer in this process until it is stopped (SIGINT, SIGTERM)."""
    if queue.immediate:
        raise RuntimeError("JOB_QUEUE_URL=immediate runs jobs at once; there is nothing for a worker to do")
    _apps[:] = [current_app._get_current_object()]
    queue.create_consumer(workers=workers, worker_type="thread", check_worker_health=True).run()
