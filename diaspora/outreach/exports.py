"""Exports of channel lists and of an activity's participants, written by the shared spreadsheet writer
from the CHANNELS and PARTICIPANTS declarations, so the import reads them back (ID column for round trips)."""
import re

from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from diaspora.audit.access import noting_ids, record_access
from diaspora.extensions import db
from diaspora.messages import Messages, Ref
from diaspora.outreach.channels import ChannelQuery, channels_select
from diaspora.outreach.columns import CHANNELS, PARTICIPANTS
from diaspora.outreach.models import (
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    PRODUCT_CATEGORIES,
    Activity,
    ActivityParticipant,
    Product,
)
from diaspora.people.exports import iter_people_of, people_select_all
from diaspora.people.models import Person
from diaspora.people.privacy import processing_allowed
from diaspora.records import utcnow
from diaspora.spreadsheets.writers import exported_by, rendered_records, write_list
from diaspora.text import fold

CHUNK = 500


def describe_channels(query: ChannelQuery) -> str:
    """The list's filters in words: "Quốc gia: Nhật Bản; Trạng thái: Đối tác"."""
    return str(channels_message(query))


def channels_message(query: ChannelQuery) -> Messages:
    """describe_channels as a message, read in the reader's language (the audit keeps it so)."""
    parts = Messages(separator="; ")
    if query.deleted:
        parts.add(_l("Thùng rác"))
    if query.country:
        parts.add(_l("Quốc gia: %(name)s", name=Ref("country", query.country)))
    if query.channel_type:
        parts.add(_l("Loại kênh: %(name)s", name=CHANNEL_TYPES[query.channel_type]))
    if query.status:
        parts.add(_l("Trạng thái: %(name)s", name=CHANNEL_STATUSES[query.status]))
    if query.category:
        parts.add(_l("Nhóm sản phẩm: %(name)s", name=PRODUCT_CATEGORIES[query.category]))
    if query.product_id:
        product = db.session.get(Product, query.product_id)
        parts.add(_l("Sản phẩm: %(name)s", name=product.name if product else query.product_id))
    if query.q:
        parts.add(_l("Tìm: “%(text)s”", text=query.q))
    return parts if parts else Messages(_l("Tất cả kênh"))


def _channels(query: ChannelQuery):
    """Every channel the query finds, a chunk at a time (the list's own order)."""
    offset = 0
    while True:
        chunk = db.session.scalars(channels_select(query).limit(CHUNK).offset(offset)).unique().all()
        yield from chunk
        if len(chunk) < CHUNK:
            return
        offset += CHUNK


def export_channels(query: ChannelQuery, out, *, fmt: str = "xlsx", user=None, locale: str = "vi") -> int:
    """Write the channels the query finds to `out`; record the export; the row count."""
    now = utcnow()
    with force_locale(locale):
        lines = [_("Danh sách kênh phân phối — %(filter)s", filter=describe_channels(query)),
                 exported_by(user, now, locale)]
        sheet_name = _("Kênh phân phối")
    count = write_list(out, fmt, CHANNELS, rendered_records(CHANNELS, _channels(query)), locale=locale,
                              lines=lines, user=user, now=now, sheet_name=sheet_name)
    record_access("export", entity_type="distribution_channels", user=user, filters=query.to_args(),
                  details={"rows": count, "format": fmt},
                  summary=_l("Xuất %(rows)d kênh phân phối ra tệp %(format)s (%(filter)s).", rows=count,
                            format=fmt.upper(), filter=channels_message(query)))
    return count


def participants_select(activity: Activity):
    """The people taking part in the activity, by name, with their part in it."""
    return (people_select_all()
            .add_columns(ActivityParticipant.role.label("participant_role"),
                         ActivityParticipant.note.label("participant_note"))
            .join(ActivityParticipant, ActivityParticipant.person_id == Person.id)
            .where(ActivityParticipant.activity_id == activity.id, Person.deleted_at.is_(None), processing_allowed())
            .order_by(Person.sort_key, Person.id))


def export_participants(activity: Activity, out, *, fmt: str = "xlsx", user=None, locale: str = "vi") -> int:
    """Write the people of an activity (the attendance list) to `out`; record the export; the row count.
    Organisations taking part are not people: the list names them in its title."""
    now = utcnow()
    organisations = [link.organisation.name for link in activity.participants if link.organisation is not None]
    with force_locale(locale):
        title = _("Danh sách tham dự — %(title)s, %(date)s", title=activity.title,
                  date=activity.start_date.strftime("%d/%m/%Y"))
        if organisations:
            title += " — " + _("Tổ chức tham gia: %(names)s", names="; ".join(organisations))
        lines = [title, exported_by(user, now, locale)]
        sheet_name = _("Người tham dự")
    exported: list[int] = []
    people = noting_ids((person for records in iter_people_of(participants_select(activity)) for person in records),
                        exported)
    count = write_list(out, fmt, PARTICIPANTS, rendered_records(PARTICIPANTS, people), locale=locale,
                              lines=lines, user=user, now=now, sheet_name=sheet_name)
    record_access("export", people_ids=exported, entity_type="activities", entity_id=activity.id, user=user,
                  details={"activity": activity.id, "rows": count, "format": fmt},
                  summary=_l("Xuất danh sách %(rows)d người tham dự “%(title)s” ra tệp %(format)s.", rows=count,
                            title=activity.title, format=fmt.upper()))
    return count


def _stamp(now=None) -> str:
    return to_user_timezone(now or utcnow()).strftime("%Y%m%d-%H%M")


def channels_filename(query: ChannelQuery, fmt: str, now=None) -> str:
    """kenh-phan-phoi-JP-partner-20261123-1430.xlsx"""
    parts = ["kenh-phan-phoi", query.country, query.status, _stamp(now)]
    return "-".join(re.sub(r"[^A-Za-z0-9_-]+", "", part) for part in parts if part) + f".{fmt}"


def participants_filename(activity: Activity, fmt: str, now=None) -> str:
    """tham-du-12-gap-mat-tet-2026-20261123-1430.xlsx"""
    words = re.sub(r"[^a-z0-9]+", "-", fold(activity.title)).strip("-")[:40].strip("-")
    return f"tham-du-{activity.id}-{words}-{_stamp(now)}.{fmt}"
