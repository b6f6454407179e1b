"""Subject access: one person's data, all of it, as a workbook (one sheet per part, Vietnamese headers) and as
JSON. The people register gives the record, its contacts, memberships, the history of its changes and the reads
of it; the features above add theirs through signals.person_data (activities, channels). Each download is an
export of that person, on record.
"""
import json
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from diaspora import signals
from diaspora.audit.access import ACCESS_ACTIONS, record_access
from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.audit.service import action_label, display_value, field_label, summary_text
from diaspora.contacts import CONTACT_KIND_LABELS, Contact
from diaspora.extensions import db
from diaspora.organisations.models import Membership
from diaspora.people.importing import creation_by_import
from diaspora.people.models import PERSON_FIELD_LABELS, Person
from diaspora.people.service import audit_values
from diaspora.records import utcnow
from diaspora.spreadsheets.writers import exported_by, write_tables

FORMATS = ("xlsx", "json")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "json": "application/json"}
# The record's own columns beside its audited values (those are read as the history shows them).
RECORD_COLUMNS = ("id", "restricted_at", "restriction_reason", "is_demo", "created_at", "updated_at", "deleted_at",
                  "version")
RECORD_LABELS = {"id": _l("Mã hồ sơ (ID)"), "is_demo": _l("Dữ liệu mẫu"), "created_at": _l("Tạo lúc"),
                 "updated_at": _l("Cập nhật lúc"), "version": _l("Phiên bản")}
# Parts the people register answers itself, listed before the features' (signals.person_data, order 40 on).
_PERSON, _CONTACTS, _MEMBERSHIPS, _HISTORY, _READS = 10, 20, 30, 80, 90


def _label(key: str) -> str:
    return str(RECORD_LABELS.get(key) or PERSON_FIELD_LABELS.get(key) or key)


def person_section(person: Person) -> signals.DataSection:
    """Every field of the record, as staff read it (labels, names of fields and countries)."""
    values = {key: value for key, value in audit_values(person, memberships=False).items() if key != "contacts"}
    values.update({key: getattr(person, key) for key in RECORD_COLUMNS})
    rows = [{"key": key, "field": _label(key), "value": value} for key, value in values.items()]
    return signals.DataSection(_PERSON, "person", _("Thông tin cá nhân"),
                               [("field", _("Thông tin")), ("value", _("Giá trị"))], rows)


def contacts_section(person: Person) -> signals.DataSection:
    """Every contact of the person, as written and normalised."""
    contacts = db.session.scalars(select(Contact).where(Contact.person_id == person.id).order_by(Contact.id))
    rows = [{"kind": str(CONTACT_KIND_LABELS.get(contact.kind, contact.kind)), "value": contact.value,
             "normalized": contact.normalized, "primary": contact.is_primary, "verified": contact.verified}
            for contact in contacts]
    return signals.DataSection(_CONTACTS, "contacts", _("Liên hệ"), [
        ("kind", _("Loại")), ("value", _("Giá trị")), ("normalized", _("Dạng chuẩn hoá")), ("primary", _("Chính")),
        ("verified", _("Đã xác minh"))], rows)


def memberships_section(person: Person) -> signals.DataSection:
    """The organisations the person belongs to, with role and dates."""
    memberships = db.session.scalars(select(Membership).where(Membership.person_id == person.id)
                                     .order_by(Membership.id))
    rows = [{"organisation": membership.organisation.name if membership.organisation else None,
             "role": membership.role, "start_date": membership.start_date, "end_date": membership.end_date}
            for membership in memberships]
    return signals.DataSection(_MEMBERSHIPS, "memberships", _("Tổ chức, hội đoàn"), [
        ("organisation", _("Tổ chức")), ("role", _("Vai trò")), ("start_date", _("Từ ngày")),
        ("end_date", _("Đến ngày"))], rows)


def _changes_text(event) -> str:
    """"Họ và tên: A → B; Thành phố: — → Tokyo", an event's changes as one readable text."""
    parts = []
    for key, change in sorted((event.changes or {}).items()):
        label = field_label(key, event.entity_type)
        if isinstance(change, dict) and "before" in change and "after" in change:
            parts.append(f"{label}: {display_value(change['before'], key)} → {display_value(change['after'], key)}")
        else:
            parts.append(f"{label}: {display_value(change, key)}")
    return "; ".join(parts)


def _event_row(event) -> dict:
    return {"at": event.at, "user": event.user.name if event.user else _("Hệ thống"),
            "action": action_label(event.action), "summary": summary_text(event), "changes": _changes_text(event)}


_EVENT_COLUMNS = (("at", _l("Thời điểm")), ("user", _l("Người thực hiện")), ("action", _l("Thao tác")),
                  ("summary", _l("Nội dung")), ("changes", _l("Thay đổi")))


def history_section(person: Person) -> signals.DataSection:
    """Who changed the record and how: the events of the record, its contacts and memberships, and the import
    that created it, oldest first."""
    contact_ids = select(Contact.id).where(Contact.person_id == person.id)
    membership_ids = select(Membership.id).where(Membership.person_id == person.id)
    events = list(db.session.scalars(
        select(AuditEvent).where(or_(
            (AuditEvent.entity_type == "people") & (AuditEvent.entity_id == person.id),
            (AuditEvent.entity_type == "contacts") & AuditEvent.entity_id.in_(contact_ids),
            (AuditEvent.entity_type == "memberships") & AuditEvent.entity_id.in_(membership_ids)),
            AuditEvent.action.not_in(ACCESS_ACTIONS))
        .order_by(AuditEvent.id)))
    created = creation_by_import(person, events[::-1])
    if created is not None and not any(event.action == "create" for event in events):
        events.insert(0, created)
    return signals.DataSection(_HISTORY, "history", _("Lịch sử thay đổi"),
                               [(key, str(label)) for key, label in _EVENT_COLUMNS],
                               [_event_row(event) for event in events])


def reads_section(person: Person) -> signals.DataSection:
    """Who has seen or exported the record: the reads that covered the person (pages, lists, exports)."""
    events = db.session.scalars(
        select(AuditEvent).join(audit_event_people, audit_event_people.c.event_id == AuditEvent.id)
        .where(audit_event_people.c.person_id == person.id).order_by(AuditEvent.id))
    return signals.DataSection(_READS, "reads", _("Lượt xem, xuất dữ liệu"),
                               [(key, str(label)) for key, label in _EVENT_COLUMNS[:4]],
                               [_event_row(event) for event in events])


def sections(person: Person) -> list[signals.DataSection]:
    """Every part of the person's data: the register's and the features' (signals.person_data), in order."""
    own = [person_section(person), contacts_section(person), memberships_section(person), history_section(person),
           reads_section(person)]
    return sorted(own + signals.data_sections(person), key=lambda section: section.order)


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def write_person_data(person: Person, out, fmt: str, *, user=None, now=None) -> dict:
    """Write the person's data to `out` (a path or a binary file) as .xlsx or .json, in Vietnamese; the number
    of rows of each part."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    now = now or utcnow()
    with force_locale("vi"):
        parts = sections(person)
        title = _("Dữ liệu cá nhân của hồ sơ #%(id)d — trả lời yêu cầu của chủ thể dữ liệu", id=person.id)
        lines = [title, exported_by(user, now, "vi")]
        if fmt == "xlsx":
            tables = [(section.title, [str(header) for _key, header in section.columns],
                       [[row.get(key) for key, _header in section.columns] for row in section.rows])
                      for section in parts]
            write_tables(out, tables, lines=lines, properties={"title": title, "comments": lines[1]})
        else:
            document = {"title": title, "generated": lines[1], "generated_at": now.isoformat(), "person_id": person.id,
                        **{section.key: [{key: _json_value(row.get(key)) for key in (*row,)} for row in section.rows]
                           for section in parts}}
            text = json.dumps(document, ensure_ascii=False, indent=2).encode()
            if hasattr(out, "write"):
                out.write(text)
            else:
                with open(out, "wb") as target:
                    target.write(text)
    return {section.key: len(section.rows) for section in parts}


def export_person_data(person: Person, out, fmt: str, *, user=None) -> dict:
    """Subject access: write the person's data (write_person_data) and record the export of that person."""
    counts = write_person_data(person, out, fmt, user=user)
    record_access("export", people_ids=[person.id], entity_type="people", entity_id=person.id, user=user,
                  details={"format": fmt, "subject_access": True, "parts": counts},
                  summary=_l("Xuất dữ liệu cá nhân của hồ sơ #%(id)d theo yêu cầu của chủ thể dữ liệu (tệp %(format)s).",
                            id=person.id, format=fmt.upper()))
    return counts
