"""A step over many rows spread over the machine's cores, in forked processes.

Cleaning is pure Python (phone numbers, dates, names, hometowns) and Python runs one thread at a
time, so a large file is cut in as many parts as there are cores (IMPORT_PROCESSES at most): this
process cleans the first part while forked children clean the others, and their rows come back
pickled. A fork shares everything already loaded (the file, the lookups, the reference index) and
costs milliseconds. A child never touches the database connections it inherited: it opens its own.
Whatever goes wrong in a child (it fails, dies or hangs), its part is done here instead, so the
result never depends on the children.
"""
import multiprocessing
import os
import pickle
import time
from itertools import islice
from typing import Callable, Iterable, Iterator

from flask import current_app, has_app_context

from diaspora.extensions import db

# A child's part may take this many times as long as this process's part, plus the margin, before it is
# given up and done here.
_PATIENCE = 5
_PATIENCE_SECONDS = 60
# The inherited sessions, kept referenced in a child: collecting one would roll back its connection,
# which is the parent's.
_INHERITED: list = []


def processes_for(rows: int) -> int:
    """How many processes share a step over this many rows: one below IMPORT_PARALLEL_ROWS, without
    fork, or on one core."""
    config = current_app.config
    minimum, wanted = config.get("IMPORT_PARALLEL_ROWS", 0), config.get("IMPORT_PROCESSES", 1)
    if not minimum or rows < minimum or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(wanted, _cores(), rows))


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_parts(function: Callable[[list], list], items: list, processes: int) -> list:
    """function(items), computed over `processes` consecutive parts at once and joined in order.
    `function` must return a list and change nothing outside it."""
    if processes <= 1:
        return function(items)
    size = -(-len(items) // processes)
    parts = [items[start:start + size] for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    children = []
    for part in parts[1:]:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(function, part, sender), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver, part))
    started = time.monotonic()
    results = function(parts[0])
    patience = _PATIENCE * (time.monotonic() - started) + _PATIENCE_SECONDS
    for child, receiver, part in children:
        result = _receive(child, receiver, patience)
        results += function(part) if result is None else result
    return results


def _child(function, part, sender) -> None:
    _detach_database()
    try:
        payload = pickle.dumps(function(part), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        sender.close()  # the parent reads the end of the pipe and does the part itself
        raise
    finally:
        _close_database()
    sender.send_bytes(payload)
    sender.close()


def _detach_database() -> None:
    """Leave the parent's connections alone (keeping its session referenced), and give this process a
    session of its own, whose connections the emptied pool opens afresh."""
    if not has_app_context():
        return
    _INHERITED.append(db.session())
    db.engine.dispose(close=False)
    db.session.registry.set(db.session.session_factory())


def _close_database() -> None:
    """Close the connections this process opened (the parent's stay as they are)."""
    if has_app_context():
        db.session.close()
        db.engine.dispose()


def _receive(child, receiver, patience: float) -> list | None:
    """The child's rows, or None if it failed, died or took longer than `patience` seconds."""
    try:
        if not receiver.poll(patience):
            return None
        return pickle.loads(receiver.recv_bytes())
    except (EOFError, OSError, pickle.UnpicklingError):
        return None
    finally:
        _stop(child, receiver, 1)


def _stop(child, receiver, grace: float) -> None:
    """Close the pipe from a child, give it `grace` seconds to end, then end it."""
    receiver.close()
    if child.is_alive():
        child.join(grace)
    if child.is_alive():
        child.kill()
    child.join()


class Stream:
    """The items produce() yields, made by a forked child while this process uses the ones before:
    two steps of a pipeline on two cores (an import's rows prepared there, written here). The child
    runs at most one item ahead (a pipe holds little). If it fails, dies or stalls, this process
    makes the items it has not received itself. Use as a context manager: leaving stops the child."""

    def __init__(self, produce: Callable[[], Iterable], processes: int):
        self._produce = produce
        self._child = self._receiver = None
        if processes > 1:
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._child = context.Process(target=_stream_child, args=(produce, sender), daemon=True)
            self._child.start()
            sender.close()

    def __iter__(self) -> Iterator:
        received = 0
        if self._child is not None:
            while True:
                item = self._next()
                if item is _DONE:
                    self.close()
                    return
                if item is _FAILED:
                    break
                received += 1
                yield item
            self.close()
        yield from islice(self._produce(), received, None)

    def _next(self):
        try:
            if not self._receiver.poll(_PATIENCE_SECONDS):
                return _FAILED
            message = pickle.loads(self._receiver.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            return _FAILED
        return _DONE if message == (_DONE,) else message[1]

    def close(self) -> None:
        if self._child is None:
            return
        child, self._child = self._child, None
        _stop(child, self._receiver, 0.1)

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_DONE, _FAILED = "done", object()  # the end of the items; the child is of no more use


def _stream_child(produce, sender) -> None:
    _detach_database()
    try:
        for item in produce():
            sender.send_bytes(pickle.dumps(("item", item), protocol=pickle.HIGHEST_PROTOCOL))
        sender.send_bytes(pickle.dumps((_DONE,)))
    finally:
        sender.close()  # after a failure the parent reads the end of the pipe and makes the rest itself
        _close_database()
