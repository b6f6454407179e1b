"""The access log: every read of personal data (a person's page or edit form, a list, an export, a download)
is an audit event naming the people it covered, and a ceiling on the people one user is shown in an hour.

A read is written with Core statements on the session's connection and committed at once, leaving the
objects the page has loaded as they are (the page reads none again). On PostgreSQL the event and its people
are one statement (a data-modifying CTE taking the ids as one array) whose commit does not wait for the
disk: a server crash may lose the reads of its last fraction of a second, never corrupt anything, and the
round trips and the flush were most of the log's cost on the list page. On SQLite, in-process, the event is
one INSERT and its people one executemany of the driver (diaspora.bulk).
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Integer, bindparam, func, insert, literal, select
from sqlalchemy.dialects import postgresql

from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.bulk import insert_rows
from diaspora.extensions import db
from diaspora.messages import stored
from diaspora.records import utcnow

# The actions of the access log. They are reads, not changes: a record's history leaves them out.
ACCESS_ACTIONS = ("view", "view_form", "list", "export", "download", "browse_limit", "api_list", "api_view")
# Reads that show people on a page, counted against BROWSE_MAX_PEOPLE_PER_HOUR.
BROWSE_ACTIONS = ("list", "view", "view_form")
BROWSE_WINDOW = timedelta(hours=1)
ALERT_DAYS = 7
PANEL_LENGTH = 20

_recorded: ContextVar[list | None] = ContextVar("access_events_recorded", default=None)


def _signed_in_user():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def record_access(action: str, *, people_ids=None, entity_type: str | None = None, entity_id: int | None = None,
                  filters: dict | None = None, details: dict | None = None, count: int | None = None,
                  summary=None, user=None, people_of_event: int | None = None) -> int:
    """Write one read of personal data and commit it; the event's id.

    `people_ids` are the people shown or exported, linked to the event (`count` defaults to their number,
    0 for an empty list); `filters` the list's filters and `details` other facts (rows, format), both kept
    in the event's `changes`; `people_of_event` links the people of an earlier event again, with its count
    (a download of a file an export wrote). `user` defaults to the signed-in user (None on the command line).
    A summary written as a lazy message is kept as its msgid and parameters (audit.service.record).
    """
    user = user if user is not None else _signed_in_user()
    summary, summary_message = stored(summary)
    ids = list(dict.fromkeys(people_ids or ()))
    changes = ({"filter": filters} if filters is not None else {}) | (details or {})
    if count is None and people_ids is not None:
        count = len(ids)
    elif count is None and people_of_event is not None:
        count = select(AuditEvent.people_count).where(AuditEvent.id == people_of_event).scalar_subquery()
    event = insert(AuditEvent.__table__).values(
        at=utcnow(), user_id=getattr(user, "id", None), action=action, entity_type=entity_type,
        entity_id=entity_id, summary=summary, summary_message=summary_message, changes=changes or None,
        address=request.remote_addr if has_request_context() else None, people_count=count,
    )
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        event_id = _insert_in_one_statement(connection, event, ids)
    else:
        event_id = connection.execute(event).inserted_primary_key[0]
        insert_rows(connection, audit_event_people, [{"event_id": event_id, "person_id": person} for person in ids])
    if people_of_event is not None:
        connection.execute(insert(audit_event_people).from_select(
            ["event_id", "person_id"],
            select(literal(event_id), audit_event_people.c.person_id)
            .where(audit_event_people.c.event_id == people_of_event)))
    _commit_keeping_loaded()
    collected = _recorded.get()
    if collected is not None:
        collected.append(event_id)
    return event_id


def _insert_in_one_statement(connection, event, ids: list[int]) -> int:
    """PostgreSQL: the event and its people in one statement; the event's id. The statement also turns off
    synchronous_commit for this transaction only (set_config's third argument), saving a round trip."""
    event = event.returning(AuditEvent.__table__.c.id).cte("event")
    people = bindparam("people", ids, type_=postgresql.ARRAY(Integer))
    links = insert(audit_event_people).from_select(
        ["event_id", "person_id"], select(event.c.id, func.unnest(people))).cte("links")
    statement = select(event.c.id, func.set_config("synchronous_commit", "off", True)).add_cte(links)
    return connection.execute(statement).first()[0]


def _commit_keeping_loaded() -> None:
    """Commit without expiring the session's objects: a read changed none of them, and expiring them
    would make the page load each person of a list again, one query each."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


@contextmanager
def events_recorded():
    """The ids of the access events written inside the block, in order (an export job keeps its event's)."""
    ids: list[int] = []
    token = _recorded.set(ids)
    try:
        yield ids
    finally:
        _recorded.reset(token)


def noting_ids(records, ids: list):
    """The records, each one's id added to `ids` as it passes (the people an export wrote, for its event)."""
    for record_ in records:
        ids.append(record_.id)
        yield record_


# --- the ceiling on bulk browsing -------------------------------------------------------------------------

class BrowseLimitReached(Exception):
    """The user was shown more people in the last hour than BROWSE_MAX_PEOPLE_PER_HOUR allows."""

    def __init__(self, shown: int, limit: int, until: datetime):
        super().__init__(shown, limit, until)
        self.shown, self.limit, self.until = shown, limit, until


def _browsing(user_id: int, since: datetime):
    return (AuditEvent.user_id == user_id, AuditEvent.action.in_(BROWSE_ACTIONS), AuditEvent.at >= since)


def people_shown(user_id: int, since: datetime) -> int:
    """How many people the user was shown on list, expert finder and person pages since `since`."""
    return db.session.scalar(select(func.coalesce(func.sum(AuditEvent.people_count), 0))
                             .where(*_browsing(user_id, since)))


def check_browse_ceiling(user=None) -> None:
    """Raise BrowseLimitReached when the user was shown BROWSE_MAX_PEOPLE_PER_HOUR people or more in the
    last hour; the first time in an hour a `browse_limit` event is written, which the admins' dashboard
    shows. Applies to every role, admins included; nothing on the command line or with a ceiling of 0."""
    user = user if user is not None else _signed_in_user()
    limit = current_app.config.get("BROWSE_MAX_PEOPLE_PER_HOUR", 0)
    if user is None or not limit:
        return
    now = utcnow()
    since = now - BROWSE_WINDOW
    shown = people_shown(user.id, since)
    if shown < limit:
        return
    already = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.user_id == user.id, AuditEvent.action == "browse_limit", AuditEvent.at >= since).limit(1))
    if already is None:
        record_access("browse_limit", count=shown, user=user,
                      summary=_l("Đã xem %(shown)d người trong một giờ, vượt ngưỡng %(limit)d.", shown=shown,
                                limit=limit))
    raise BrowseLimitReached(shown, limit, _free_again(user.id, since, shown, limit))


def _free_again(user_id: int, since: datetime, shown: int, limit: int) -> datetime:
    """When enough of the last hour's reads have left the window for the user to be under the ceiling."""
    for at, count in db.session.execute(select(AuditEvent.at, AuditEvent.people_count)
                                        .where(*_browsing(user_id, since)).order_by(AuditEvent.at)):
        shown -= count or 0
        if shown < limit:
            # SQLite gives the stored UTC time back without its zone.
            return (at if at.tzinfo else at.replace(tzinfo=UTC)) + BROWSE_WINDOW
    return utcnow() + BROWSE_WINDOW


def recent_browse_limits(days: int = ALERT_DAYS, limit: int = PANEL_LENGTH) -> list[AuditEvent]:
    """The times users reached the browsing ceiling in the last `days` days, newest first."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "browse_limit", AuditEvent.at >= utcnow() - timedelta(days=days))
        .order_by(AuditEvent.at.desc()).limit(limit)))


# --- who has seen a person ----------------------------------------------------------------------------------

def person_access(person_id: int, limit: int = PANEL_LENGTH) -> tuple[list[AuditEvent], int]:
    """The latest reads that covered a person (page views, lists, exports, downloads), newest first, and
    how many there are in all."""
    events = db.session.scalars(
        select(AuditEvent).join(audit_event_people, audit_event_people.c.event_id == AuditEvent.id)
        .where(audit_event_people.c.person_id == person_id)
        .order_by(audit_event_people.c.event_id.desc()).limit(limit)).all()
    total = db.session.scalar(select(func.count()).select_from(audit_event_people)
                              .where(audit_event_people.c.person_id == person_id))
    return list(events), total


def events_of_person(person_id: int):
    """The ids of the events that name a person: those on the record and the reads that covered it.
    Contacts and memberships are audited on the person's own record."""
    on_record = select(AuditEvent.id).where(AuditEvent.entity_type == "people", AuditEvent.entity_id == person_id)
    read = select(audit_event_people.c.event_id).where(audit_event_people.c.person_id == person_id)
    return on_record.union(read)
