"""Distribution channels and attendance lists through the shared import (diaspora.imports.service).

The file is read, mapped, cleaned, validated and planned by the same pipeline as people; what differs
is here: how a channel row finds its duplicates, the person and organisation it names, how the plan
becomes changes, how they are written (channels are hundreds, not tens of thousands: the ORM writes
them) and undone. An attendance list is a people import whose people are then added to an activity.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, select

from diaspora.audit.service import snapshot
from diaspora.batches.kinds import (
    ChangeSet,
    ImportConflict,
    RecordKind,
    add_note,
    changed_rows,
    id_header,
    merge_rows,
    refuse_if_edited,
    result_rows,
    stored_value,
)
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.messages import Messages
from diaspora.organisations.models import Organisation
from diaspora.organisations.service import (
    existing_organisation_ids,
    remove_created_organisations,
)
from diaspora.outreach.columns import CHANNELS, PARTICIPANTS
from diaspora.outreach.models import (
    Activity,
    ActivityParticipant,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
)
from diaspora.people.duplicates import Match
from diaspora.people.importing import (
    PEOPLE_KIND,
    build_people_changes,
    person_names,
    undo_people,
    write_people,
)
from diaspora.people.models import Person
from diaspora.records import utcnow
from diaspora.spreadsheets.pipeline import Problem, bulk_step
from diaspora.spreadsheets.read import SpreadsheetRejected
from diaspora.text import fold

CHANNEL_ATTRIBUTES = tuple(dict.fromkeys(target for column in CHANNELS.columns for target in column.targets))
# What a row sets besides the columns' own attributes; organisation_id holds the folded name until written.
LINKED = ("person_id", "organisation_id")
PRODUCT_COLUMNS = {"products": "distributing", "products_wanted": "interested"}


# --- finding duplicates and the people rows name --------------------------------------------------------

def find_channel_duplicates(rows: list, mapping) -> dict[int, list[Match]]:
    """Flag IDs naming no channel and people not found, then match rows with channels and earlier rows:
    the same email, phone or web site, or the same name in the same country."""
    _check_channel_ids(rows, id_header(mapping))
    _resolve_people(rows, mapping)
    valid = [row for row in rows if row.valid and not row.values.get("id")]
    register = _register_keys({key for row in valid for key in _keys(row.values)})
    seen: dict[tuple, int] = {}
    duplicates = {}
    for row in valid:
        found: dict[tuple, list[str]] = {}
        for key in _keys(row.values):
            for channel_id in register.get(key, ()):
                found.setdefault(("channel", channel_id), []).append(key[0])
            if key in seen:
                found.setdefault(("row", seen[key]), []).append(key[0])
            else:
                seen[key] = row.row
        if found:
            matches = [Match(tuple(reasons), row=target if kind == "row" else None,
                             person_id=target if kind == "channel" else None)
                       for (kind, target), reasons in found.items()]
            matches.sort(key=lambda match: (match.row is not None, match.row or match.person_id))
            duplicates[row.row] = matches
    return duplicates


def _website_key(url: str) -> str:
    """A web address without scheme, "www." and trailing slash: "https://www.x.jp/" and "x.jp" are one site."""
    address = url.lower().split("://", 1)[-1].removeprefix("www.")
    return address.rstrip("/")


def _keys(values: dict) -> list[tuple]:
    keys = [(kind, values[kind]) for kind in ("email", "phone") if values.get(kind)]
    if values.get("website"):
        keys.append(("website", _website_key(values["website"])))
    if values.get("name") and values.get("country"):
        keys.append(("name_country", fold(values["name"])[:200], values["country"]))
    return keys


def _register_keys(wanted: set[tuple]) -> dict[tuple, list[int]]:
    """{key: ids of the live channels that have it} for the keys of the file."""
    channel = DistributionChannel
    names = {key[1] for key in wanted if key[0] == "name_country"}
    conditions = [channel.email.in_({key[1] for key in wanted if key[0] == "email"}),
                  channel.phone.in_({key[1] for key in wanted if key[0] == "phone"}),
                  channel.name_folded.in_(names)]
    if any(key[0] == "website" for key in wanted):
        conditions.append(channel.website.is_not(None))
    found: dict[tuple, list[int]] = {}
    for row in db.session.execute(
            select(channel.id, channel.email, channel.phone, channel.website, channel.name, channel.country_code)
            .where(channel.deleted_at.is_(None), or_(*conditions)).order_by(channel.id)):
        for key in _keys({"email": row.email, "phone": row.phone, "website": row.website, "name": row.name,
                          "country": row.country_code}):
            if key in wanted:
                found.setdefault(key, []).append(row.id)
    return found


def _check_channel_ids(rows: list, header: str) -> None:
    wanted = {row.values["id"] for row in rows if row.valid and row.values.get("id")}
    found = set(db.session.scalars(select(DistributionChannel.id).where(
        DistributionChannel.id.in_(wanted), DistributionChannel.deleted_at.is_(None)))) if wanted else set()
    for row in rows:
        channel_id = row.values.get("id")
        if row.valid and channel_id and channel_id not in found:
            row.problems.append(Problem(row.row, header, _l(
                "Không có kênh nào mang ID %(id)d (có thể đã bị xoá).", id=channel_id)))


def _resolve_people(rows: list, mapping) -> None:
    """Replace each row's person reference by the id of a live person of the register: a name must name
    one person (among those in the channel's country first, when several share it). A reference that
    names nobody, or several, does not stop the channel: the name goes into its notes, with a warning."""
    if not mapping.sources("person"):
        return
    references = [row.values["person"] for row in rows if "person" in row.values]
    ids = {value for kind, value, _text in references if kind == "id"}
    names = {fold(value)[:200] for kind, value, _text in references if kind == "name"}
    live = set(db.session.scalars(select(Person.id).where(Person.id.in_(ids), Person.deleted_at.is_(None))))
    by_name: dict[str, list[tuple[int, str]]] = {}
    for person_id, folded, country in db.session.execute(
            select(Person.id, Person.name_folded, Person.country_code)
            .where(Person.name_folded.in_(names), Person.deleted_at.is_(None)).order_by(Person.id)):
        by_name.setdefault(folded, []).append((person_id, country))
    for row in rows:
        if "person" not in row.values:
            continue
        kind, value, text = row.values.pop("person")
        if kind == "id":
            if value in live:
                row.values["person"] = value
                continue
            warning = _l("Không có kiều bào nào mang ID %(id)d (có thể đã bị xoá).", id=value)
        else:
            candidates = by_name.get(fold(value)[:200], [])
            if len(candidates) > 1:
                in_country = [candidate for candidate in candidates if candidate[1] == row.values.get("country")]
                candidates = in_country or candidates
            if len(candidates) == 1:
                row.values["person"] = candidates[0][0]
                continue
            if candidates:
                warning = _l("Có %(count)d kiều bào tên “%(name)s”; ghi kèm ID hồ sơ, ví dụ “%(name)s (ID %(id)d)”, "
                             "để liên kết.", count=len(candidates), name=value, id=candidates[0][0])
            else:
                warning = _l("Chưa có kiều bào “%(name)s” trong hệ thống.", name=value)
        row.values["person_unlinked"] = (text, _l("Người phụ trách chưa được liên kết: %(reason)s Tên được ghi vào "
                                                  "Ghi chú.", reason=warning))


# --- building the changes -------------------------------------------------------------------------------------

@dataclass
class ChannelChange:
    """A channel to create, or the changes to one channel, gathered from its rows."""

    channel_id: int | None
    version: int = 0
    current: dict = field(default_factory=dict)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)  # product id -> status, known
    new_products: dict = field(default_factory=dict)  # product id -> status, added

    @property
    def changed(self) -> bool:
        return bool(self.after or self.new_products)

    @classmethod
    def new(cls, values: dict) -> "ChannelChange":
        """A channel created from one row (later rows of the file may still merge into it)."""
        change = cls(None)
        change.apply(values)
        return change

    def apply(self, values: dict) -> bool:
        """Merge one row; True when it changes something. Empty cells never erase; products are added;
        a person in charge the register lacks and products the catalogue lacks are kept in the notes."""
        changed = False
        attributes = _row_attributes(values)
        lines = [line for line, _warning in _kept_in_notes(values)]
        if lines:
            notes = attributes.get("notes") or self.current.get("notes") or ""
            missing = [line for line in lines if line not in notes]
            if missing:
                attributes["notes"] = "\n".join([notes, *missing]).strip()
        for attribute, value in attributes.items():
            if self.current.get(attribute) != value:
                self.before.setdefault(attribute, self.current.get(attribute))
                self.current[attribute] = self.after[attribute] = value
                changed = True
        for key, status in PRODUCT_COLUMNS.items():
            for product_id in values.get(key, ()):
                if isinstance(product_id, int) and product_id not in self.products:
                    self.products[product_id] = self.new_products[product_id] = status
                    changed = True
        return changed


def _kept_in_notes(values: dict) -> list[tuple[str, str]]:
    """(line for the notes, warning for the row) for what a row names that has no record to link to."""
    kept = []
    if "person_unlinked" in values:
        text, warning = values["person_unlinked"]
        kept.append((_("Người phụ trách: %(name)s", name=text), warning))
    for key, label in ((key, CHANNELS.column(key).header_vi) for key in PRODUCT_COLUMNS):
        unknown = [item for item in values.get(key, ()) if isinstance(item, str)]
        if unknown:
            kept.append((f"{label}: {'; '.join(unknown)}", _l(
                "Chưa có trong danh mục sản phẩm tiêu biểu: %(names)s; đã ghi vào Ghi chú.", names="; ".join(unknown))))
    return kept


def _row_attributes(values: dict) -> dict:
    attributes = {target: values[key] for key, target in _SINGLE if key in values}
    if "person" in values:
        attributes["person_id"] = values["person"]
    if values.get("organisation"):
        attributes["organisation_id"] = fold(values["organisation"])[:300]
    return attributes


_SINGLE = [(column.key, column.targets[0]) for column in CHANNELS.columns if len(column.targets) == 1]


def build_channel_changes(preparation) -> ChangeSet:
    """Merge the planned rows into channels, comparing updates with the stored channels (reads only)."""
    targets = sorted({plan.person_id for plan in preparation.plans if plan.action == "update" and plan.person_id})
    updates = _load_channels(targets)
    creates, results = merge_rows(preparation.plans, updates, ChannelChange.new)
    for plan in preparation.plans:
        warnings = [warning for _line, warning in _kept_in_notes(plan.values)]
        if warnings and results[plan.row]["action"] in ("created", "updated", "unchanged"):
            add_note(results[plan.row], Messages(*warnings))
    changes = [*creates.values(), *updates.values()]
    wanted = {change.current["organisation_id"]: change for change in changes
              if isinstance(change.current.get("organisation_id"), str)}
    existing = existing_organisation_ids(sorted(wanted))
    names: dict[str, str] = {}  # folded -> the name as first written
    for plan in preparation.plans:
        if plan.values.get("organisation"):
            names.setdefault(fold(plan.values["organisation"])[:300], plan.values["organisation"])
    new_organisations = {folded: (names.get(folded, folded), change.current.get("country_code"))
                         for folded, change in wanted.items() if folded not in existing}
    return ChangeSet(preparation, creates, {cid: c for cid, c in updates.items() if c.changed}, results,
                             existing, new_organisations)


def _load_channels(channel_ids: list[int]) -> dict[int, ChannelChange]:
    records = {}
    if not channel_ids:
        return records
    table = DistributionChannel.__table__
    columns = [table.c[name] for name in ("id", "version", *CHANNEL_ATTRIBUTES, *LINKED)]
    folded_names = dict(db.session.execute(select(Organisation.id, Organisation.name_folded)
                                           .join(DistributionChannel,
                                                 DistributionChannel.organisation_id == Organisation.id)
                                           .where(DistributionChannel.id.in_(channel_ids))).all())
    for row in db.session.execute(select(*columns).where(table.c.id.in_(channel_ids))):
        values = row._asdict()
        current = {name: values[name] for name in (*CHANNEL_ATTRIBUTES, "person_id")}
        # Organisations are compared by folded name, as the file names them.
        current["organisation_id"] = folded_names.get(values["organisation_id"])
        records[row.id] = ChannelChange(row.id, version=row.version, current=current)
    for channel_id, product_id, status in db.session.execute(
            select(ChannelProduct.channel_id, ChannelProduct.product_id, ChannelProduct.status)
            .where(ChannelProduct.channel_id.in_(channel_ids))):
        records[channel_id].products[product_id] = status
    return records


# --- writing -------------------------------------------------------------------------------------------------

def write_channels(changes: ChangeSet, batch_id: int, user_id: int | None, progress=None) -> dict:
    """Create and update the channels with their products and pipeline steps; the ImportRows; undo data."""
    batch = db.session.get(ImportBatch, batch_id)
    note = _("Nhập từ tệp %(file)s", file=batch.file_name)[:500]
    organisation_ids = dict(changes.organisation_ids)
    created_organisations = []
    for folded, (name, country) in changes.new_organisations.items():
        organisation = Organisation(name=name[:300], name_folded=folded, kind="business", country_code=country,
                                    created_by_id=user_id, updated_by_id=user_id)
        db.session.add(organisation)
        db.session.flush()
        organisation_ids[folded] = organisation.id
        created_organisations.append(organisation.id)

    def resolved(values: dict) -> dict:
        values = dict(values)
        if isinstance(values.get("organisation_id"), str):
            values["organisation_id"] = organisation_ids[values["organisation_id"]]
        return values

    created_ids = {}
    for row, change in changes.creates.items():
        values = resolved(change.current)
        values.setdefault("channel_type", "other")
        values.setdefault("status", "potential")
        channel = DistributionChannel(**values, name_folded=fold(values["name"])[:200],
                                      city_folded=fold(values.get("city"))[:120],
                                      created_by_id=user_id, updated_by_id=user_id)
        channel.products = [ChannelProduct(product_id=product_id, status=status)
                            for product_id, status in change.new_products.items()]
        channel.status_changes.append(ChannelStatusChange(from_status=None, to_status=channel.status, by_id=user_id,
                                                          note=note))
        db.session.add(channel)
        db.session.flush()
        created_ids[row] = channel.id

    undo = {}
    for channel_id, change in changes.updates.items():
        channel = db.session.get(DistributionChannel, channel_id)
        if channel.version != change.version or channel.deleted_at is not None:
            raise ImportConflict(_("Có kênh vừa được sửa trong lúc nhập; không có gì thay đổi, hãy nhập lại."))
        after = resolved(change.after)
        before = {name: getattr(channel, name) for name in after}
        status_changes = []
        # One flush for the whole channel: loading a collection would flush the attributes first, and the
        # collection's change would then bump the version a second time (undo expects version + 1).
        with db.session.no_autoflush:
            for name, value in after.items():
                setattr(channel, name, value)
            if "name" in after:
                channel.name_folded = fold(channel.name)[:200]
            if "city" in after:
                channel.city_folded = fold(channel.city)[:120]
            if "status" in after:
                step = ChannelStatusChange(from_status=before["status"], to_status=after["status"], by_id=user_id,
                                           note=note)
                channel.status_changes.append(step)
                status_changes.append(step)
            for product_id, status in change.new_products.items():
                channel.products.append(ChannelProduct(product_id=product_id, status=status))
            # Stamped even when only products were added: the UPDATE moves the version on, which undo checks.
            channel.updated_by_id, channel.updated_at = user_id, utcnow()
        db.session.flush()
        undo[channel_id] = {"attributes": snapshot(before), "products": list(change.new_products),
                            "status_changes": [step.id for step in status_changes]}
    results = result_rows(changes, batch_id, created_ids, undo)
    if results:
        db.session.execute(insert(ImportRow.__table__), results)
    return {"created_organisation_ids": created_organisations or None}


# --- undo ----------------------------------------------------------------------------------------------------

def undo_channels(batch, user_id: int | None, now) -> tuple[dict, str]:
    """Remove the channels a batch created, restore those it updated; raises UndoRefused."""
    rows = changed_rows(batch)
    refuse_if_edited(rows, DistributionChannel, DistributionChannel.name)
    created = sorted({row.person_id for row in rows if row.action == "created"})
    restored = 0
    for row in rows:
        if not row.undo:
            continue
        channel = db.session.get(DistributionChannel, row.person_id)
        for name, value in row.undo["attributes"].items():
            setattr(channel, name, stored_value(name, value, DistributionChannel.__table__))
        channel.name_folded = fold(channel.name)[:200]
        channel.city_folded = fold(channel.city)[:120]
        channel.updated_by_id, channel.updated_at = user_id, now
        db.session.execute(delete(ChannelProduct).where(ChannelProduct.channel_id == channel.id,
                                                         ChannelProduct.product_id.in_(row.undo["products"])))
        db.session.execute(delete(ChannelStatusChange).where(ChannelStatusChange.id.in_(row.undo["status_changes"])))
        restored += 1
    db.session.flush()
    if created:
        for model in (ChannelProduct, ChannelStatusChange):
            db.session.execute(delete(model).where(model.channel_id.in_(created)))
        db.session.execute(delete(DistributionChannel).where(DistributionChannel.id.in_(created)))
    db.session.expire_all()
    removed_organisations = remove_created_organisations(db.session.connection(),
                                                                 batch.created_organisation_ids or [])
    outcome = {"removed": len(created), "restored": restored, "organisations_removed": removed_organisations}
    return outcome, _l("Hoàn tác lần nhập %(file)s: xoá %(removed)d kênh thêm mới, khôi phục %(restored)d kênh.",
                      file=batch.file_name, removed=len(created), restored=restored)


def channel_names(channel_ids) -> dict[int, str]:
    ids = sorted(set(channel_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(DistributionChannel.id, DistributionChannel.name)
                                   .where(DistributionChannel.id.in_(ids))).all())


# --- attendance lists ------------------------------------------------------------------------------------------

@dataclass
class ParticipantChangeSet(ChangeSet):
    # (row, ("row", create row) | ("person", id), role, note) per person the list adds to the activity
    links: list = field(default_factory=list)
    already: set = field(default_factory=set)  # people already taking part

    @property
    def extra_report(self) -> dict:
        return {"activity_id": self.preparation.activity_id, "participants_added": len(self.links)}


@bulk_step
def build_participant_changes(preparation) -> ParticipantChangeSet:
    """The people changes of the list, then who joins the activity: every row's person, created,
    updated or found (a duplicate skipped is still the person who attended)."""
    activity = db.session.get(Activity, preparation.activity_id) if preparation.activity_id else None
    if activity is None or activity.is_deleted:
        raise SpreadsheetRejected("activity_missing", _("Hoạt động của danh sách tham dự không còn (đã bị xoá); "
                                                        "hãy chọn lại hoạt động."))
    people = build_people_changes(preparation)
    changes = ParticipantChangeSet(**{name: getattr(people, name) for name in (
        "preparation", "creates", "updates", "results", "organisation_ids", "new_organisations")})
    changes.already = set(db.session.scalars(select(ActivityParticipant.person_id).where(
        ActivityParticipant.activity_id == preparation.activity_id, ActivityParticipant.person_id.is_not(None))))
    person_of: dict[int, tuple] = {}
    for plan in preparation.plans:
        result = changes.results[plan.row]
        if "create_row" in result:
            person_of[plan.row] = ("row", result["create_row"])
        elif result.get("person_id"):
            person_of[plan.row] = ("person", result["person_id"])
        elif plan.action == "skip" and plan.matches:
            match = plan.matches[0]
            person_of[plan.row] = ("person", match.person_id) if match.person_id else person_of.get(match.row)
        target = person_of.get(plan.row)
        if target is None:
            continue
        if target[0] == "person" and target[1] in changes.already:
            add_note(result, _l("Đã có trong danh sách tham dự."))
        elif target not in {link[1] for link in changes.links}:
            changes.links.append((plan.row, target, plan.values.get("participant_role"),
                                  plan.values.get("participant_note")))
            if result["action"] == "skipped":
                add_note(result, _l("Đã có hồ sơ: thêm vào danh sách tham dự, không sửa hồ sơ."))
    return changes


def write_participants(changes: ParticipantChangeSet, batch_id: int, user_id: int | None, progress=None) -> dict:
    """The people of the list as a people import writes them, then their links to the activity."""
    batch_values = write_people(changes, batch_id, user_id, progress)
    created = dict(db.session.execute(select(ImportRow.row_number, ImportRow.person_id).where(
        ImportRow.batch_id == batch_id, ImportRow.action == "created")).all())
    rows = [{"activity_id": changes.preparation.activity_id,
             "person_id": created[target[1]] if target[0] == "row" else target[1],
             "organisation_id": None, "role": role, "note": note}
            for _, target, role, note in changes.links]
    link_ids = db.session.execute(insert(ActivityParticipant.__table__).returning(
        ActivityParticipant.id, sort_by_parameter_order=True), rows).scalars().all() if rows else []
    return {**batch_values, "created_link_ids": link_ids or None}


def undo_participants(batch, user_id: int | None, now) -> tuple[dict, str]:
    """Take the list's people out of the activity, then undo their records as a people import."""
    refuse_if_edited(changed_rows(batch), Person, Person.full_name)
    links = batch.created_link_ids or []
    if links:
        db.session.execute(delete(ActivityParticipant).where(ActivityParticipant.id.in_(links)))
    outcome, summary = undo_people(batch, user_id, now)
    outcome["participants_removed"] = len(links)
    return outcome, summary


CHANNEL_KIND = RecordKind(
    sheet=CHANNELS, label=_l("Kênh phân phối"), find_duplicates=find_channel_duplicates, build=build_channel_changes,
    write=write_channels, undo=undo_channels, names=channel_names, endpoint="outreach.channel_show",
    id_argument="channel_id", people_rows=False)
PARTICIPANT_KIND = RecordKind(
    sheet=PARTICIPANTS, label=_l("Danh sách tham dự hoạt động"), find_duplicates=PEOPLE_KIND.find_duplicates,
    build=build_participant_changes, write=write_participants, undo=undo_participants, names=person_names,
    endpoint="people.show", id_argument="person_id", needs_activity=True)
