"""Saving a tracked record, written once for every feature: version check, field-by-field audit, commit.

A form is built on one version of a record. Saving compares that version with the stored one
(StaleEdit, carrying what changed meanwhile, when they differ), applies the change, records the
difference of the record's audited values, stamps who and when, and commits; a concurrent save
that slips past the check is caught by SQLAlchemy's version counter and becomes a StaleEdit too.
"""
from typing import Callable

from sqlalchemy.orm.exc import StaleDataError

from diaspora.audit.service import changes_since, diff, record, snapshot
from diaspora.extensions import db
from diaspora.records import StaleEdit, utcnow


def user_id(by) -> int | None:
    return getattr(by, "id", None)


def touch(record_, by) -> None:
    """Stamp who changed a record and when, on the records that carry these stamps."""
    # Setting updated_at always issues an UPDATE, so each save bumps the version exactly once (a record
    # without it is saved only when an audited column changed, which issues the UPDATE).
    if hasattr(type(record_), "updated_at"):
        record_.updated_at = utcnow()
    if hasattr(type(record_), "updated_by_id"):
        record_.updated_by_id = user_id(by)


def refuse_stale(record_, expected_version: int | None, submitted: dict | None = None) -> None:
    """Raise StaleEdit when the form was built on an older version than the stored one. With the
    audited values the user submitted, each change also carries what the user sent."""
    if expected_version is None or int(expected_version) == record_.version:
        return
    changes = changes_since(record_.__tablename__, record_.id, int(expected_version), record_.version)
    if submitted is not None:
        sent = snapshot(submitted)
        for key, change in changes.items():
            change["submitted"] = sent.get(key)
    raise StaleEdit(record_, changes)


def commit_or_conflict(record_, expected_version: int, before_commit: Callable | None = None) -> None:
    """Commit (running `before_commit` after the flush); a concurrent save of the same record
    becomes a StaleEdit, nothing overwritten."""
    try:
        db.session.flush()
        if before_commit is not None:
            before_commit()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        changes = changes_since(record_.__tablename__, record_.id, expected_version, record_.version)
        raise StaleEdit(record_, changes) from None


def save(record_, by, change: Callable[[], None], audit_values: Callable, expected_version: int | None = None,
         *, summary: str | None = None, before_commit: Callable | None = None) -> bool:
    """Apply `change` to a stored record and save it with its audit event; False (nothing written)
    when its audited values did not change. Raises StaleEdit (see refuse_stale)."""
    expected_version = record_.version if expected_version is None else int(expected_version)
    refuse_stale(record_, expected_version)
    with db.session.no_autoflush:
        before = audit_values(record_)
        change()
        changes = diff(before, audit_values(record_))
        if not changes:
            db.session.rollback()
            return False
        touch(record_, by)
        record("update", record_, changes=changes, summary=summary, user=by)
    commit_or_conflict(record_, expected_version, before_commit)
    return True


def create(record_, by, audit_values: Callable, *, summary: str | None = None) -> None:
    """Add a new record and its "create" audit event (the values it was given), and commit."""
    record_.created_by_id = record_.updated_by_id = user_id(by)
    db.session.add(record_)
    db.session.flush()
    after = {key: value for key, value in audit_values(record_).items() if value not in (None, "", [])}
    record("create", record_, changes=diff({}, after), summary=summary, user=by)
    db.session.commit()


def set_deleted(record_, by, *, deleted: bool, summary: str | None = None) -> None:
    """Soft-delete or restore any tracked record, audited; nothing happens when it is already so."""
    if record_.is_deleted == deleted:
        return
    version = record_.version
    deleted_at = utcnow() if deleted else None
    with db.session.no_autoflush:
        before = record_.deleted_at
        record_.deleted_at = deleted_at
        touch(record_, by)
        record("delete" if deleted else "restore", record_, summary=summary, user=by,
               changes=diff({"deleted_at": before}, {"deleted_at": deleted_at}))
    commit_or_conflict(record_, version)


def merge_edits(stored: dict, submitted: dict, stored_audit: dict, submitted_audit: dict,
                changes: dict, audit_to_values: dict | None = None) -> tuple[dict, dict]:
    """After a conflict: the stored values with the submitted ones on top, for the audit keys the
    user changed; (values to fill the form with, {audit key: the user's value}).

    What the user changed is judged against the version the form was built on: the stored value
    with the changes made meanwhile undone. A key the user left as it was keeps the value saved
    meanwhile by the other user, and a value the user sent that is the stored one (a key the form
    does not carry, or the same change made by both) is not listed as the user's.
    """
    merged, mine = dict(stored), {}
    for key, value in submitted_audit.items():
        baseline = changes[key]["before"] if key in changes else stored_audit.get(key)
        if value != baseline and value != stored_audit.get(key):
            mine[key] = value
            for value_key in (audit_to_values or {}).get(key, (key,)):
                if value_key in submitted:
                    merged[value_key] = submitted[value_key]
    return merged, mine
