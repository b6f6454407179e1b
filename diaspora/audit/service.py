"""Recording audit events and computing field-level differences."""
from datetime import date, datetime

from flask import has_request_context, request
from flask_login import current_user

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def snapshot(values: dict) -> dict:
    """A JSON-safe copy of a record's audited values."""
    return {key: _plain(value) for key, value in values.items()}


def diff(before: dict, after: dict) -> dict:
    """{field: {"before": old, "after": new}} for every field whose value changed."""
    before, after = snapshot(before), snapshot(after)
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(action: str, entity=None, *, changes: dict | None = None, summary: str | None = None,
           user=None, entity_type: str | None = None, entity_id: int | None = None) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits."""
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action,
        entity_type=entity_type or (type(entity).__tablename__ if entity is not None else None),
        entity_id=entity_id if entity_id is not None else getattr(entity, "id", None),
        summary=summary,
        changes=changes or None,
        user_id=getattr(user, "id", None),
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """The audit events of one record, newest first."""
    return db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id.desc())
    ).all()
