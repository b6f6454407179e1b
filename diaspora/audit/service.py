"""Recording audit events and computing field-level differences."""
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context, has_request_context, request, url_for
from flask_babel import format_date, format_datetime, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from diaspora.audit.access import ACCESS_ACTIONS, events_of_person
from diaspora.audit.models import AuditEvent
from diaspora.bulk import Prepared, execute, prepare_rows
from diaspora.extensions import db
from diaspora.listing import page_of
from diaspora.messages import stored
from diaspora.permissions import ROLE_LABELS


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


def record(action: str, entity=None, *, changes: dict | None = None, summary=None,
           user=None, entity_type: str | None = None, entity_id: int | None = None) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits. A summary written as a lazy
    message (`_l("Xuất %(n)d hồ sơ", n=26)`) is kept as its msgid and parameters and read in the reader's
    language; plain text is kept as it is."""
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    summary, summary_message = stored(summary)
    event = AuditEvent(
        action=action,
        entity_type=entity_type or (type(entity).__tablename__ if entity is not None else None),
        entity_id=entity_id if entity_id is not None else getattr(entity, "id", None),
        summary=summary,
        summary_message=summary_message,
        changes=changes or None,
        user_id=getattr(user, "id", None),
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


# Bulk events: compact JSON with the letters as they are (no \\u escapes: Vietnamese text stays half
# the size and encodes faster); any JSON reader reads it back the same.
_encode_changes = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def insert_events(connection, rows: list[dict]) -> None:
    """Insert audit events in bulk in the caller's transaction (an import's tens of thousands): plain
    dicts with every column but id (at, user_id, action, entity_type, entity_id, summary, changes,
    address); their `changes` are encoded here, once. A summary may be a lazy message (see `record`),
    encoded once per distinct message."""
    if not rows:
        return
    encoded: dict[int, tuple] = {}
    for row in rows:
        summary = row.get("summary")
        if summary is not None and not isinstance(summary, str):
            if id(summary) not in encoded:
                encoded[id(summary)] = (summary, stored(summary))
            row["summary"], row["summary_message"] = encoded[id(summary)][1]
        else:
            row.setdefault("summary_message", None)
    table = AuditEvent.__table__
    changes = [row.pop("changes") for row in rows]
    prepared = prepare_rows(connection.dialect, table, rows)
    if not prepared.converted:
        for row, change in zip(rows, changes):
            row["changes"] = change
        execute(connection, prepared)
        return
    values = [(*row_values, None if change is None else _encode_changes(change))
              for row_values, change in zip(prepared.values, changes)]
    execute(connection, Prepared(prepared.table, (*prepared.columns, "changes"), values, True))


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """The changes of one record, newest first (its reads are the access log's, see access.person_access)."""
    return db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id,
               AuditEvent.action.not_in(ACCESS_ACTIONS))
        .order_by(AuditEvent.id.desc())
    ).all()


# Labels for the history views. Each feature registers its own (register_labels, called by the app
# factory): the labels of a record's fields live once, beside its model.
FIELD_LABELS = {
    "name": _l("Tên"),
    "kind": _l("Loại"),
    "value": _l("Giá trị"),
    "is_primary": _l("Chính"),
    "role": _l("Vai trò"),
    "start_date": _l("Từ ngày"),
    "end_date": _l("Đến ngày"),
    "deleted_at": _l("Ngày xóa"),
    "email": _l("Email"),
    "active": _l("Đang hoạt động"),
    "notes": _l("Ghi chú"),
    "is_demo": _l("Dữ liệu mẫu"),
}

ACTION_LABELS = {
    "create": _l("Tạo mới"),
    "update": _l("Sửa"),
    "delete": _l("Xóa"),
    "restore": _l("Khôi phục"),
    "merge": _l("Gộp bản ghi"),
    "merge_undone": _l("Hoàn tác gộp bản ghi"),
    "not_duplicate": _l("Đánh dấu không trùng"),
    "import": _l("Nhập Excel"),
    "import_undo": _l("Hoàn tác nhập Excel"),
    "demo_data": _l("Tạo dữ liệu mẫu"),
    "demo_data_removed": _l("Xoá dữ liệu mẫu"),
    "export": _l("Xuất dữ liệu"),
    "download": _l("Tải tệp"),
    "view": _l("Xem hồ sơ"),
    "view_form": _l("Mở biểu mẫu sửa"),
    "list": _l("Xem danh sách"),
    "browse_limit": _l("Vượt ngưỡng xem hồ sơ"),
    "restrict": _l("Hạn chế xử lý dữ liệu"),
    "unrestrict": _l("Bỏ hạn chế xử lý dữ liệu"),
    "erase": _l("Xoá vĩnh viễn theo yêu cầu"),
    "login": _l("Đăng nhập"),
    "login_failed": _l("Đăng nhập thất bại"),
    "logout": _l("Đăng xuất"),
    "password_reset": _l("Đặt lại mật khẩu"),
    "password_change": _l("Đổi mật khẩu"),
}

ENTITY_LABELS = {
    "users": _l("Tài khoản"),
    "import_batches": _l("Lượt nhập Excel"),
    "export_files": _l("Tệp xuất dữ liệu"),
}

# Labels of coded values, per field: VALUE_LABELS["consent_status"] = {"given": _l("Đã đồng ý"), ...}.
VALUE_LABELS = {
    "role": ROLE_LABELS,
}

# Record types whose page can be linked from an event: entity_type -> (endpoint, URL argument).
RECORD_LINKS = {
    "users": ("auth.user", "user_id"),
}


# The labels of each record type's fields: {entity_type: {field: label}}, registered by its feature.
FIELD_LABELS_OF: dict[str, dict] = {}

# Audited values are written readable, in the source language (labels, names of countries and fields): how
# each field's are shown in the reader's language, {field: function(text) -> text}, registered by features.
VALUE_TRANSLATORS: dict[str, Callable[[str], str]] = {}


def translated_label(text: str) -> str:
    """A label written in the source language (a msgid of the catalogue), in the reader's language; any
    other text as it is."""
    return get_translations().ugettext(text) if has_app_context() else text


_ENTRY = re.compile(r"^(?P<head>[^:]+): (?P<tail>.+?)(?: \((?P<note>[^()]*)\))?$")


def translated_entry(text: str) -> str:
    """An entry of a list the audit keeps readable, "label: value (note)" ("Điện thoại: +81… (chính)") or
    "name: label" ("Vải thiều: Đang phân phối"), with each part that is a label in the reader's language."""
    found = _ENTRY.match(text)
    if found is None:
        return translated_label(text)
    note = f" ({translated_label(found['note'])})" if found["note"] is not None else ""
    return f"{translated_label(found['head'])}: {translated_label(found['tail'])}{note}"


def register_labels(*, fields: dict | None = None, entities: dict | None = None, links: dict | None = None,
                    values: dict | None = None, translators: dict | None = None) -> None:
    """A feature's labels for the history views: its fields per record type ({entity_type: {field:
    label}}), its record types ({entity_type: label}), the page of one record ({entity_type: (endpoint,
    URL argument)}), its coded values ({field: labels}) and how its fields' audited texts read in the
    reader's language ({field: function}, e.g. translated_label). Registering again changes nothing."""
    for key, translate in (translators or {}).items():
        VALUE_TRANSLATORS.setdefault(key, translate)
    for entity_type, labels in (fields or {}).items():
        FIELD_LABELS_OF.setdefault(entity_type, {}).update(labels)
    ENTITY_LABELS.update(entities or {})
    RECORD_LINKS.update(links or {})
    for key, labels in (values or {}).items():
        VALUE_LABELS.setdefault(key, labels)

EVENTS_PER_PAGE = 50
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def field_label(key: str, entity_type: str | None = None) -> str:
    """The label of an audited field of a record type (or a shared one), or its key when none is registered."""
    return str(FIELD_LABELS_OF.get(entity_type, {}).get(key) or FIELD_LABELS.get(key, key))


def action_label(action: str) -> str:
    """The Vietnamese label of an audit action."""
    return str(ACTION_LABELS.get(action, action))


def entity_label(entity_type: str | None) -> str:
    """The Vietnamese name of a record type."""
    return str(ENTITY_LABELS.get(entity_type, entity_type or ""))


def summary_text(event) -> str:
    """An event's summary in the reader's language (see AuditEvent.summary_text); also for the events a
    page builds without storing them (a person's creation by an import)."""
    return getattr(event, "summary_text", None) or getattr(event, "summary", None) or ""


def record_url(entity_type: str | None, entity_id: int | None) -> str | None:
    """The page of the record an event is about, when that kind of record has one."""
    link = RECORD_LINKS.get(entity_type)
    if link is None or entity_id is None or link[0] not in current_app.view_functions:
        return None
    try:
        return url_for(link[0], **{link[1]: entity_id})
    except BuildError:
        return None


def display_value(value, field: str | None = None) -> str:
    """A stored before/after value as staff read it: coded values labelled, dates dd/mm/yyyy, yes/no."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list):
        return ", ".join(display_value(item, field) for item in value)
    labels = VALUE_LABELS.get(field, {})
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    if isinstance(value, str) and field in VALUE_TRANSLATORS:
        return VALUE_TRANSLATORS[field](value) or value
    if isinstance(value, dict):
        return "; ".join(f"{field_label(key)}: {display_value(item, key)}" for key, item in value.items())
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return format_date(date.fromisoformat(value), "dd/MM/yyyy")
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value), "dd/MM/yyyy HH:mm")
        except ValueError:
            return value
    return str(value)


def _local_midnight_utc(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def search_events(*, user_id: int | None = None, person_id: int | None = None, action: str | None = None,
                  entity_type: str | None = None, date_from: date | None = None, date_to: date | None = None,
                  page: int = 1):
    """One page of events, newest first; dates are whole days in the office's time zone. A person's are
    the changes of the record and every read that covered it (access.events_of_person)."""
    query = db.select(AuditEvent)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    if person_id is not None:
        query = query.where(AuditEvent.id.in_(events_of_person(person_id)))
    if action:
        query = query.where(AuditEvent.action == action)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if date_from:
        query = query.where(AuditEvent.at >= _local_midnight_utc(date_from))
    if date_to:
        query = query.where(AuditEvent.at < _local_midnight_utc(date_to + timedelta(days=1)))
    return page_of(query.order_by(AuditEvent.id.desc()), page, EVENTS_PER_PAGE)


def users_for_filter() -> list:
    """Every account, by name, for the "who" filter (the accounts model is the one events point to)."""
    user = AuditEvent.user.property.mapper.class_
    return db.session.scalars(db.select(user).order_by(user.name, user.email)).all()


def changes_since(entity_type: str, entity_id: int, version: int, current_version: int) -> dict:
    """What changed on a record between `version` and `current_version`, from its audit events.

    {key: {"before", "after", "by" (user name), "at"}}, merged over the events in between.
    """
    count = max(0, current_version - version)
    events = [event for event in history(entity_type, entity_id) if event.changes][:count]
    merged: dict[str, dict] = {}
    for event in reversed(events):
        for key, change in event.changes.items():
            entry = merged.setdefault(key, {"before": change.get("before")})
            entry.update(after=change.get("after"), by=event.user.name if event.user else None, at=event.at)
    return {key: change for key, change in merged.items() if change["before"] != change["after"]}
