"""Distribution channels: the list and its filters, create, edit, the pipeline status, the bin, and the
channels panel of a person's or an organisation's page.

Every change is audited in the same transaction, with values in the readable form the history shows.
"""
from dataclasses import dataclass

from flask import abort, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from diaspora import signals
from diaspora.audit import tracking
from diaspora.audit.service import diff, record
from diaspora.contacts import normalize_email, normalize_phone
from diaspora.extensions import db
from diaspora.listing import ListQuery, Pagination, paginate, whole_number
from diaspora.organisations.models import Organisation
from diaspora.outreach.common import country_name, label, optional_id
from diaspora.outreach.models import (
    CHANNEL_PRODUCT_STATUSES,
    CHANNEL_SCALES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
)
from diaspora.people.models import Person
from diaspora.reference.countries import country_name as reader_country_name
from diaspora.reference.models import PRODUCT_CATEGORIES, Country, Product
from diaspora.text import clean_text, fold

CHANNEL_SORTS = {
    "name": (DistributionChannel.name_folded, DistributionChannel.id),
    "country": (DistributionChannel.country_code, DistributionChannel.name_folded, DistributionChannel.id),
    "status": (DistributionChannel.status, DistributionChannel.name_folded, DistributionChannel.id),
    "updated": (DistributionChannel.updated_at, DistributionChannel.id),
}


@dataclass
class ChannelQuery(ListQuery):
    """What the channel list is asked for; lives in the URL."""

    q: str = ""
    country: str | None = None
    channel_type: str | None = None
    status: str | None = None
    product_id: int | None = None
    product_status: str | None = None
    category: str | None = None
    person_id: int | None = None
    deleted: bool = False
    sort: str = "name"

    SORTS = CHANNEL_SORTS

    @classmethod
    def from_args(cls, args) -> "ChannelQuery":
        """Parse request arguments leniently: unknown values fall back to no filter."""
        return cls(
            q=(args.get("q") or "").strip()[:200],
            country=(args.get("country") or "").upper()[:2] or None,
            channel_type=args.get("type") if args.get("type") in CHANNEL_TYPES else None,
            status=args.get("status") if args.get("status") in CHANNEL_STATUSES else None,
            product_id=whole_number(args, "product"),
            product_status=(args.get("product_status")
                            if args.get("product_status") in CHANNEL_PRODUCT_STATUSES else None),
            category=args.get("category") if args.get("category") in PRODUCT_CATEGORIES else None,
            person_id=whole_number(args, "person"),
            deleted=args.get("deleted") == "1",
            **cls.paging(args),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        return self.link_args(q=self.q, country=self.country, type=self.channel_type, status=self.status,
                              product=self.product_id, product_status=self.product_status,
                              category=self.category, person=self.person_id, deleted=self.deleted)


def search_channels(query: ChannelQuery) -> Pagination:
    """One page of channels matching the query, with the total count."""
    return paginate(channels_select(query), query)


def channels_select(query: ChannelQuery):
    """Every channel the query finds, in the list's order, with what a list or an export shows."""
    channel = DistributionChannel
    return (select(channel).where(*_channel_conditions(query)).order_by(*query.ordered())
            .options(selectinload(channel.products), selectinload(channel.person),
                     selectinload(channel.organisation)))


def _channel_conditions(query: ChannelQuery) -> list:
    channel = DistributionChannel
    conditions = [channel.deleted_at.is_not(None) if query.deleted else channel.deleted_at.is_(None)]
    for word in fold(query.q).split():
        conditions.append(or_(channel.name_folded.contains(word, autoescape=True),
                              channel.city_folded.contains(word, autoescape=True)))
    if query.country:
        conditions.append(channel.country_code == query.country)
    if query.channel_type:
        conditions.append(channel.channel_type == query.channel_type)
    if query.status:
        conditions.append(channel.status == query.status)
    if query.person_id:
        conditions.append(channel.person_id == query.person_id)
    if query.product_id or query.category or query.product_status:
        carried = select(ChannelProduct.channel_id).join(Product, Product.id == ChannelProduct.product_id)
        if query.product_id:
            carried = carried.where(ChannelProduct.product_id == query.product_id)
        if query.category:
            carried = carried.where(Product.category == query.category)
        if query.product_status:
            carried = carried.where(ChannelProduct.status == query.product_status)
        conditions.append(channel.id.in_(carried))
    return conditions


def get_channel_or_404(channel_id: int, include_deleted: bool = False) -> DistributionChannel:
    """The channel, or a 404 page; channels in the bin only when asked."""
    channel = db.session.get(DistributionChannel, channel_id)
    if channel is None or (channel.is_deleted and not include_deleted):
        abort(404)
    return channel


def channel_values(channel: DistributionChannel) -> dict:
    """The audited values of a channel, readable; products as "name: status (note)" entries."""
    with force_locale("vi"), db.session.no_autoflush:
        return {
            "name": channel.name,
            "channel_type": label(CHANNEL_TYPES, channel.channel_type),
            "country": country_name(channel.country_code),
            "city": channel.city,
            "address": channel.address,
            "person": channel.person.full_name if channel.person is not None else None,
            "organisation": channel.organisation.name if channel.organisation is not None else None,
            "scale": label(CHANNEL_SCALES, channel.scale),
            "scale_note": channel.scale_note,
            "status": label(CHANNEL_STATUSES, channel.status),
            "phone": channel.phone,
            "email": channel.email,
            "website": channel.website,
            "notes": channel.notes,
            "products": sorted(
                f"{link.product.name}: {link.status_label}" + (f" ({link.note})" if link.note else "")
                for link in channel.products
            ),
        }


def _apply_channel(channel: DistributionChannel, data: dict) -> None:
    """Set a channel's attributes and product links from form-shaped data (status aside)."""
    channel.name = clean_text(data["name"])
    channel.name_folded = fold(channel.name)
    channel.channel_type = data.get("channel_type") if data.get("channel_type") in CHANNEL_TYPES else "other"
    channel.country_code = (data.get("country") or "").upper()
    channel.city = clean_text(data.get("city"))
    channel.city_folded = fold(channel.city)
    channel.address = clean_text(data.get("address"))
    person_id, organisation_id = optional_id(data.get("person_id")), optional_id(data.get("organisation_id"))
    channel.person = db.session.get(Person, person_id) if person_id else None
    channel.organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    channel.scale = data.get("scale") if data.get("scale") in CHANNEL_SCALES else None
    channel.scale_note = clean_text(data.get("scale_note"))
    phone, email, website = (clean_text(data.get(key)) for key in ("phone", "email", "website"))
    channel.phone = normalize_phone(phone, channel.country_code) if phone else None
    channel.email = normalize_email(email) if email else None
    if website and not website.lower().startswith(("http://", "https://")):
        website = "https://" + website
    channel.website = website
    channel.notes = clean_text(data.get("notes"))
    wanted = {}
    for row in data.get("products") or ():
        product_id = optional_id(row.get("product_id"))
        if product_id and row.get("status") in CHANNEL_PRODUCT_STATUSES:
            wanted[product_id] = (row["status"], clean_text(row.get("note")))
    for link in list(channel.products):
        if link.product_id not in wanted:
            channel.products.remove(link)
        else:
            link.status, link.note = wanted.pop(link.product_id)
    for product_id, (status, note) in wanted.items():
        channel.products.append(ChannelProduct(product=db.session.get(Product, product_id), status=status, note=note))


def _change_status(channel: DistributionChannel, status: str | None, note: str | None, by) -> None:
    if status not in CHANNEL_STATUSES or status == channel.status:
        return
    channel.status_changes.append(ChannelStatusChange(
        from_status=channel.status, to_status=status, by_id=getattr(by, "id", None), note=clean_text(note)))
    channel.status = status


def _preview_channel(channel: DistributionChannel, data: dict) -> dict:
    """channel_values as `data` would make them, computed on a transient copy."""
    preview = DistributionChannel(status=data.get("status") or channel.status)
    with db.session.no_autoflush:
        _apply_channel(preview, data)
        return channel_values(preview)


def create_channel(data: dict, by=None) -> DistributionChannel:
    """A new channel; its first pipeline status opens its history."""
    user_id = getattr(by, "id", None)
    status = data.get("status") if data.get("status") in CHANNEL_STATUSES else "potential"
    channel = DistributionChannel(created_by_id=user_id, updated_by_id=user_id, status=status)
    _apply_channel(channel, data)
    channel.status_changes.append(ChannelStatusChange(
        from_status=None, to_status=status, by_id=user_id, note=clean_text(data.get("status_note"))))
    db.session.add(channel)
    db.session.flush()
    # Every value, empty ones too (an empty product list included): the first event shows the whole channel.
    record("create", channel, changes=diff({}, channel_values(channel)), summary=channel.name, user=by)
    db.session.commit()
    return channel


def update_channel(channel: DistributionChannel, data: dict, by=None, expected_version: int | None = None) -> bool:
    """Save an edited channel; False when nothing changed. Raises StaleEdit when the channel
    changed since the form was opened."""
    if expected_version is not None and expected_version != channel.version:
        tracking.refuse_stale(channel, expected_version, _preview_channel(channel, data))

    def change() -> None:
        _apply_channel(channel, data)
        _change_status(channel, data.get("status"), data.get("status_note"), by)

    return tracking.save(channel, by, change, channel_values, expected_version)


def change_channel_status(channel: DistributionChannel, status: str, note: str | None = None, by=None,
                          expected_version: int | None = None) -> bool:
    """Move a channel along the pipeline, keeping the step in its history."""
    tracking.refuse_stale(channel, expected_version, {"status": label(CHANNEL_STATUSES, status)})
    return tracking.save(channel, by, lambda: _change_status(channel, status, note, by), channel_values,
                         expected_version)


def delete_channel(channel: DistributionChannel, by=None) -> None:
    """Move a channel to the bin; an admin can restore it."""
    tracking.set_deleted(channel, by, deleted=True, summary=channel.name)


def restore_channel(channel: DistributionChannel, by=None) -> None:
    """Take a channel out of the bin."""
    tracking.set_deleted(channel, by, deleted=False, summary=channel.name)


def channels_for_person(person_id: int) -> list[DistributionChannel]:
    """The live channels a person runs, by name (for the person page)."""
    return list(db.session.scalars(
        select(DistributionChannel)
        .where(DistributionChannel.person_id == person_id, DistributionChannel.deleted_at.is_(None))
        .order_by(DistributionChannel.name_folded)
    ))


def channels_for_organisation(organisation_id: int) -> list[DistributionChannel]:
    """The live channels an organisation runs, by name (for the organisation page)."""
    return list(db.session.scalars(
        select(DistributionChannel)
        .where(DistributionChannel.organisation_id == organisation_id, DistributionChannel.deleted_at.is_(None))
        .order_by(DistributionChannel.name_folded)
    ))


def channel_countries() -> list[tuple[str, str]]:
    """(code, name in the reader's language) of the countries having at least one live channel, by name."""
    codes = db.session.scalars(
        select(Country.code)
        .where(Country.code.in_(select(DistributionChannel.country_code)
                                .where(DistributionChannel.deleted_at.is_(None))))
    ).all()
    return sorted(((code, reader_country_name(code)) for code in codes), key=lambda row: fold(row[1]))


# --- the panels of the person's and the organisation's pages ----------------------------------------

CHANNELS_PANEL = "outreach/_channels_panel.html"


@signals.person_panels.connect
def person_channels_panel(person):
    """The channels a person runs, with a button to add one (editors, person not in the bin)."""
    add_url = url_for("outreach.channel_new", person=person.id) if not person.is_deleted else None
    return (20, _l("Kênh phân phối"), CHANNELS_PANEL,
            {"channels": channels_for_person(person.id), "add_url": add_url})


@signals.person_data.connect
def person_channels_data(person):
    """Subject access: every channel the person runs (the bin's too)."""
    channels = db.session.scalars(select(DistributionChannel).where(DistributionChannel.person_id == person.id)
                                  .order_by(DistributionChannel.name_folded, DistributionChannel.id)).all()
    with force_locale("vi"):
        return (50, "channels", _l("Kênh phân phối phụ trách"),
                [("name", _l("Tên kênh")), ("type", _l("Loại kênh")), ("country", _l("Quốc gia")),
                 ("city", _l("Thành phố")), ("status", _l("Trạng thái"))],
                [{"name": channel.name, "type": channel.type_label, "country": country_name(channel.country_code),
                  "city": channel.city, "status": channel.status_label} for channel in channels])


@signals.organisation_panels.connect
def organisation_channels_panel(organisation):
    """The channels an organisation runs; no panel when it runs none."""
    channels = channels_for_organisation(organisation.id)
    if not channels:
        return None
    return (20, _l("Kênh phân phối"), CHANNELS_PANEL, {"channels": channels, "add_url": None})


@signals.organisations_in_use.connect
def organisations_running_channels(_sender, ids) -> set[int]:
    """The organisations among `ids` that a channel (in the bin too) names, so an import's undo keeps them."""
    column = DistributionChannel.organisation_id
    return set(db.session.scalars(select(column).where(column.in_(ids))))
