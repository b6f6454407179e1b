"""Outreach services: the product catalogue, distribution channels, activities, the expert finder.

The only module of the feature that writes to the database; every change is audited in the same
transaction, with values in the readable form the history shows (labels, names, dates).
"""
import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import abort, current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from diaspora.audit import service as audit
from diaspora.audit.service import changes_since, diff, display_value, history, record
from diaspora.config import PROJECT_ROOT
from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.outreach.models import (
    ACTIVITY_FIELD_LABELS,
    ACTIVITY_TYPES,
    CHANNEL_FIELD_LABELS,
    CHANNEL_PRODUCT_STATUSES,
    CHANNEL_SCALES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    PRODUCT_CATEGORIES,
    PRODUCT_FIELD_LABELS,
    Activity,
    ActivityParticipant,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
    Product,
)
from diaspora.contacts import normalize_email, normalize_phone
from diaspora.people.models import CONTRIBUTION_LABELS, Person
from diaspora.people.search import PeopleQuery, search_people
from diaspora.audit.tracking import set_deleted, touch
from diaspora.records import StaleEdit
from diaspora.reference.models import Country, Field, Unit
from diaspora.reference.service import country_choices
from diaspora.text import clean_text, fold

PRODUCTS_CSV = PROJECT_ROOT / "data" / "typical_products.csv"
FOLLOW_UP_DAYS = 14
# Academic titles for the expert finder: the folded prefix the people search matches, and the label.
ACADEMIC_TITLE_FILTERS = (("gs", "GS."), ("pgs", "PGS."), ("ts", "TS."), ("ths", "ThS."), ("bs", "BS."),
                          ("ks", "KS."))

# The shared history views read these registries; a key another feature registered keeps its label.
for _labels in (PRODUCT_FIELD_LABELS, CHANNEL_FIELD_LABELS, ACTIVITY_FIELD_LABELS):
    for _key, _label in _labels.items():
        audit.FIELD_LABELS.setdefault(_key, _label)
audit.ENTITY_LABELS.update({
    "products": _l("Sản phẩm tiêu biểu"),
    "distribution_channels": _l("Kênh phân phối"),
    "activities": _l("Hoạt động"),
})
audit.RECORD_LINKS.update({
    "distribution_channels": ("outreach.channel_show", "channel_id"),
    "activities": ("outreach.activity_show", "activity_id"),
})


@dataclass
class ResultPage:
    """One page of a filtered list and the total number of matches."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def today() -> date:
    """Today in the office's time zone (the server may run on UTC)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _positive_int(args, name: str, default=None):
    try:
        return max(1, int(args.get(name)))
    except (TypeError, ValueError):
        return default


def _optional_id(value) -> int | None:
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def _label(labels: dict, code: str | None) -> str | None:
    return str(labels.get(code, code)) if code else None


def _country_name(code: str | None) -> str | None:
    country = db.session.get(Country, code) if code else None
    return country.name_vi if country is not None else code


def _refuse_stale(record_, expected_version: int | None, submitted: dict | None = None) -> None:
    """Raise StaleEdit when the form was built on an older version; each change carries what the user sent."""
    if expected_version is None or expected_version == record_.version:
        return
    changes = changes_since(record_.__tablename__, record_.id, expected_version, record_.version)
    for key, change in changes.items():
        change["submitted"] = audit.snapshot(submitted or {}).get(key)
    raise StaleEdit(record_, changes)


def _save(record_, before: dict, values, by, expected_version: int | None) -> bool:
    """Audit the difference and commit; nothing is written when nothing changed.

    A concurrent save that slipped past the version check becomes a StaleEdit.
    """
    changes = diff(before, values(record_))
    if not changes:
        db.session.rollback()
        return False
    touch(record_, by)
    record("update", record_, changes=changes, user=by)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(record_, changes_since(record_.__tablename__, record_.id, expected_version or record_.version, record_.version)) from None
    return True


def conflict_rows(conflict: StaleEdit, labels: dict) -> list[dict]:
    """The conflict page's rows: field, value before and after the other edit, who made it, what the user sent."""
    return [{"label": str(labels.get(key, audit.field_label(key))), "before": display_value(change.get("before")),
             "after": display_value(change.get("after")), "by": change.get("by"), "at": change.get("at"),
             "submitted": display_value(change.get("submitted"))}
            for key, change in conflict.changes.items()]


def record_history(record_) -> list:
    """The audit events of a channel, activity or product, newest first."""
    return history(record_.__tablename__, record_.id)


# --- products --------------------------------------------------------------------------------------

def product_values(product: Product) -> dict:
    """The audited values of a product, readable."""
    with force_locale("vi"), db.session.no_autoflush:
        unit = db.session.get(Unit, product.origin_unit_code) if product.origin_unit_code else None
        return {
            "name": product.name,
            "category": _label(PRODUCT_CATEGORIES, product.category),
            "subcategory": product.subcategory,
            "producer": product.producer,
            "origin_unit": unit.full_name if unit is not None else product.origin_unit_code,
            "origin_text": product.origin_text,
            "ocop_stars": product.ocop_stars,
            "description": product.description,
            "active": product.active,
        }


def _stars(value) -> int | None:
    try:
        stars = int(value)
    except (TypeError, ValueError):
        return None
    return stars if stars in (3, 4, 5) else None


def _apply_product(product: Product, data: dict) -> None:
    product.name = clean_text(data["name"])
    product.name_folded = fold(product.name)
    product.category = data.get("category") if data.get("category") in PRODUCT_CATEGORIES else "other"
    product.subcategory = clean_text(data.get("subcategory"))
    product.producer = clean_text(data.get("producer"))
    product.origin_unit_code = data.get("origin_unit_code") or None
    product.origin_text = clean_text(data.get("origin_text"))
    product.ocop_stars = _stars(data.get("ocop_stars"))
    product.description = clean_text(data.get("description"))
    product.active = bool(data.get("active", True))


def seed_products(path: Path = PRODUCTS_CSV) -> int:
    """Add the typical products of data/ not yet in the catalogue (matched by folded name); idempotent.

    Admins maintain the catalogue afterwards, so existing products are never overwritten. An origin
    unit is kept only when the units have been seeded. Returns the number of products added.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    known = set(db.session.scalars(select(Product.name_folded)))
    units = set(db.session.scalars(select(Unit.code)))
    added = 0
    for row in rows:
        if fold(clean_text(row["name"])) in known:
            continue
        product = Product()
        _apply_product(product, {**row, "active": True})
        if product.origin_unit_code not in units:
            product.origin_unit_code = None
        db.session.add(product)
        known.add(product.name_folded)
        added += 1
    db.session.commit()
    return added


def list_products(category: str | None = None, q: str = "", include_inactive: bool = False) -> list[Product]:
    """The catalogue in the order of its categories, then by name."""
    conditions = []
    if not include_inactive:
        conditions.append(Product.active.is_(True))
    if category:
        conditions.append(Product.category == category)
    for word in fold(q).split():
        conditions.append(Product.name_folded.contains(word, autoescape=True))
    products = db.session.scalars(select(Product).where(*conditions).order_by(Product.name_folded)).all()
    order = list(PRODUCT_CATEGORIES)
    return sorted(products, key=lambda p: (order.index(p.category) if p.category in order else len(order),
                                           p.name_folded))


def products_by_category(products: list[Product]) -> list[tuple[str, list[Product]]]:
    """(category label, products) groups, keeping the order of `products`."""
    groups: dict[str, list[Product]] = {}
    for product in products:
        groups.setdefault(product.category_label, []).append(product)
    return list(groups.items())


def product_counts() -> dict[int, dict[str, int]]:
    """{product_id: {status: number of live channels}}."""
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(ChannelProduct.product_id, ChannelProduct.status, func.count())
        .join(DistributionChannel, DistributionChannel.id == ChannelProduct.channel_id)
        .where(DistributionChannel.deleted_at.is_(None))
        .group_by(ChannelProduct.product_id, ChannelProduct.status)
    )
    for product_id, status, count in rows:
        counts.setdefault(product_id, {})[status] = count
    return counts


def unit_choices() -> list[tuple[str, str]]:
    """(code, full name) of today's units, for the product form."""
    return [(code, name) for code, name in
            db.session.execute(select(Unit.code, Unit.full_name).order_by(Unit.name_folded))]


def get_product_or_404(product_id: int) -> Product:
    """The product, or a 404 page."""
    return db.session.get(Product, product_id) or abort(404)


def create_product(data: dict, by=None) -> Product:
    """Add a product to the catalogue."""
    product = Product()
    _apply_product(product, data)
    db.session.add(product)
    db.session.flush()
    record("create", product, changes=diff({}, product_values(product)), summary=product.name, user=by)
    db.session.commit()
    return product


def update_product(product: Product, data: dict, by=None) -> bool:
    """Save an edited product; False when nothing changed."""
    before = product_values(product)
    _apply_product(product, data)
    changes = diff(before, product_values(product))
    if not changes:
        db.session.rollback()
        return False
    record("update", product, changes=changes, summary=product.name, user=by)
    db.session.commit()
    return True


def set_product_active(product: Product, active: bool, by=None) -> None:
    """Take a product out of (or back into) the catalogue; channels keep their links to it."""
    if product.active == active:
        return
    record("update", product, changes=diff({"active": product.active}, {"active": active}),
           summary=product.name, user=by)
    product.active = active
    db.session.commit()


# --- distribution channels -------------------------------------------------------------------------

CHANNEL_SORTS = {
    "name": (DistributionChannel.name_folded, DistributionChannel.id),
    "country": (DistributionChannel.country_code, DistributionChannel.name_folded, DistributionChannel.id),
    "status": (DistributionChannel.status, DistributionChannel.name_folded, DistributionChannel.id),
    "updated": (DistributionChannel.updated_at, DistributionChannel.id),
}


@dataclass
class ChannelQuery:
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
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args) -> "ChannelQuery":
        """Parse request arguments leniently: unknown values fall back to no filter."""
        sort = args.get("sort", "name")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            country=(args.get("country") or "").upper()[:2] or None,
            channel_type=args.get("type") if args.get("type") in CHANNEL_TYPES else None,
            status=args.get("status") if args.get("status") in CHANNEL_STATUSES else None,
            product_id=_positive_int(args, "product"),
            product_status=(args.get("product_status")
                            if args.get("product_status") in CHANNEL_PRODUCT_STATUSES else None),
            category=args.get("category") if args.get("category") in PRODUCT_CATEGORIES else None,
            person_id=_positive_int(args, "person"),
            deleted=args.get("deleted") == "1",
            sort=sort if sort.lstrip("-") in CHANNEL_SORTS else "name",
            page=_positive_int(args, "page", 1),
            per_page=min(_positive_int(args, "per_page", 50), 500),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        args = {
            "q": self.q, "country": self.country, "type": self.channel_type, "status": self.status,
            "product": self.product_id, "product_status": self.product_status, "category": self.category,
            "person": self.person_id, "deleted": "1" if self.deleted else None,
            "sort": self.sort if self.sort != "name" else None,
        }
        return {key: value for key, value in args.items() if value}


def search_channels(query: ChannelQuery) -> ResultPage:
    """One page of channels matching the query, with the total count."""
    conditions = _channel_conditions(query)
    total = db.session.scalar(select(func.count()).select_from(DistributionChannel).where(*conditions))
    items = db.session.scalars(
        channels_select(query).limit(query.per_page).offset((query.page - 1) * query.per_page)).unique().all()
    return ResultPage(items=list(items), total=total, page=query.page, per_page=query.per_page)


def channels_select(query: ChannelQuery):
    """Every channel the query finds, in the list's order, with what a list or an export shows."""
    channel = DistributionChannel
    order = CHANNEL_SORTS[query.sort.lstrip("-")]
    if query.sort.startswith("-"):
        order = tuple(column.desc() for column in order)
    return (select(channel).where(*_channel_conditions(query)).order_by(*order)
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
            "channel_type": _label(CHANNEL_TYPES, channel.channel_type),
            "country": _country_name(channel.country_code),
            "city": channel.city,
            "address": channel.address,
            "person": channel.person.full_name if channel.person is not None else None,
            "organisation": channel.organisation.name if channel.organisation is not None else None,
            "scale": _label(CHANNEL_SCALES, channel.scale),
            "scale_note": channel.scale_note,
            "status": _label(CHANNEL_STATUSES, channel.status),
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
    person_id, organisation_id = _optional_id(data.get("person_id")), _optional_id(data.get("organisation_id"))
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
        product_id = _optional_id(row.get("product_id"))
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
    record("create", channel, changes=diff({}, channel_values(channel)), summary=channel.name, user=by)
    db.session.commit()
    return channel


def update_channel(channel: DistributionChannel, data: dict, by=None, expected_version: int | None = None) -> bool:
    """Save an edited channel; False when nothing changed. Raises StaleEdit when the channel
    changed since the form was opened."""
    if expected_version is not None and expected_version != channel.version:
        _refuse_stale(channel, expected_version, _preview_channel(channel, data))
    before = channel_values(channel)
    with db.session.no_autoflush:
        _apply_channel(channel, data)
        _change_status(channel, data.get("status"), data.get("status_note"), by)
    return _save(channel, before, channel_values, by, expected_version)


def change_channel_status(channel: DistributionChannel, status: str, note: str | None = None, by=None,
                          expected_version: int | None = None) -> bool:
    """Move a channel along the pipeline, keeping the step in its history."""
    _refuse_stale(channel, expected_version, {"status": _label(CHANNEL_STATUSES, status)})
    before = channel_values(channel)
    _change_status(channel, status, note, by)
    return _save(channel, before, channel_values, by, expected_version)


def delete_channel(channel: DistributionChannel, by=None) -> None:
    """Move a channel to the bin; an admin can restore it."""
    set_deleted(channel, by, deleted=True, summary=channel.name)


def restore_channel(channel: DistributionChannel, by=None) -> None:
    """Take a channel out of the bin."""
    set_deleted(channel, by, deleted=False, summary=channel.name)


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
    """(code, Vietnamese name) of the countries having at least one live channel, by name."""
    rows = db.session.execute(
        select(Country.code, Country.name_vi)
        .where(Country.code.in_(select(DistributionChannel.country_code)
                                .where(DistributionChannel.deleted_at.is_(None))))
    ).all()
    return sorted(((code, name) for code, name in rows), key=lambda row: fold(row[1]))


@dataclass
class ProductCountryMatrix:
    """Products (grouped by category) × countries with channels: how many channels carry or want each."""

    countries: list[tuple[str, str]]
    groups: list[tuple[str, list[Product]]]
    counts: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)

    def cell(self, product_id: int, country: str) -> dict[str, int]:
        """{status: count} for one product in one country; empty when no channel has it."""
        return self.counts.get((product_id, country), {})

    def product_total(self, product_id: int) -> dict[str, int]:
        """{status: count} for one product over all countries."""
        total: dict[str, int] = {}
        for (pid, _country), cell in self.counts.items():
            if pid == product_id:
                for status, count in cell.items():
                    total[status] = total.get(status, 0) + count
        return total


def product_country_matrix() -> ProductCountryMatrix:
    """Counts of live channels distributing / interested per product and country."""
    rows = db.session.execute(
        select(ChannelProduct.product_id, DistributionChannel.country_code, ChannelProduct.status, func.count())
        .join(DistributionChannel, DistributionChannel.id == ChannelProduct.channel_id)
        .where(DistributionChannel.deleted_at.is_(None))
        .group_by(ChannelProduct.product_id, DistributionChannel.country_code, ChannelProduct.status)
    )
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for product_id, country, status, count in rows:
        counts.setdefault((product_id, country), {})[status] = count
    carried = {product_id for product_id, _country in counts}
    products = [p for p in list_products(include_inactive=True) if p.active or p.id in carried]
    return ProductCountryMatrix(countries=channel_countries(), groups=products_by_category(products), counts=counts)


# --- activities ------------------------------------------------------------------------------------

@dataclass
class ActivityQuery:
    """What the activity list is asked for; lives in the URL."""

    q: str = ""
    activity_type: str | None = None
    year: int | None = None
    country: str | None = None
    participant: str = ""
    person_id: int | None = None
    organisation_id: int | None = None
    deleted: bool = False
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args) -> "ActivityQuery":
        """Parse request arguments leniently: unknown values fall back to no filter."""
        year = _positive_int(args, "year")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            activity_type=args.get("type") if args.get("type") in ACTIVITY_TYPES else None,
            year=year if year and 1900 <= year <= 2100 else None,
            country=(args.get("country") or "").upper()[:2] or None,
            participant=(args.get("participant") or "").strip()[:200],
            person_id=_positive_int(args, "person"),
            organisation_id=_positive_int(args, "organisation"),
            deleted=args.get("deleted") == "1",
            page=_positive_int(args, "page", 1),
            per_page=min(_positive_int(args, "per_page", 50), 500),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        args = {
            "q": self.q, "type": self.activity_type, "year": self.year, "country": self.country,
            "participant": self.participant, "person": self.person_id, "organisation": self.organisation_id,
            "deleted": "1" if self.deleted else None,
        }
        return {key: value for key, value in args.items() if value}


def search_activities(query: ActivityQuery) -> ResultPage:
    """One page of activities matching the query, newest first, with the total count."""
    conditions = [Activity.deleted_at.is_not(None) if query.deleted else Activity.deleted_at.is_(None)]
    for word in fold(query.q).split():
        conditions.append(Activity.title_folded.contains(word, autoescape=True))
    if query.activity_type:
        conditions.append(Activity.activity_type == query.activity_type)
    if query.year:
        conditions += [Activity.start_date >= date(query.year, 1, 1), Activity.start_date < date(query.year + 1, 1, 1)]
    if query.country:
        conditions.append(Activity.country_code == query.country)
    if query.person_id:
        conditions.append(Activity.id.in_(
            select(ActivityParticipant.activity_id).where(ActivityParticipant.person_id == query.person_id)))
    if query.organisation_id:
        conditions.append(Activity.id.in_(select(ActivityParticipant.activity_id)
                                          .where(ActivityParticipant.organisation_id == query.organisation_id)))
    for word in fold(query.participant).split():
        conditions.append(Activity.id.in_(
            select(ActivityParticipant.activity_id)
            .outerjoin(Person, Person.id == ActivityParticipant.person_id)
            .outerjoin(Organisation, Organisation.id == ActivityParticipant.organisation_id)
            .where(or_(Person.name_folded.contains(word, autoescape=True),
                       Organisation.name_folded.contains(word, autoescape=True)))))
    total = db.session.scalar(select(func.count()).select_from(Activity).where(*conditions))
    items = db.session.scalars(
        select(Activity).where(*conditions).order_by(Activity.start_date.desc(), Activity.id.desc())
        .options(selectinload(Activity.participants))
        .limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).unique().all()
    return ResultPage(items=list(items), total=total, page=query.page, per_page=query.per_page)


def activity_years() -> list[int]:
    """The years that have activities, newest first, for the year filter."""
    first, last = db.session.execute(
        select(func.min(Activity.start_date), func.max(Activity.start_date)).where(Activity.deleted_at.is_(None))
    ).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def get_activity_or_404(activity_id: int, include_deleted: bool = False) -> Activity:
    """The activity, or a 404 page; activities in the bin only when asked."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or (activity.is_deleted and not include_deleted):
        abort(404)
    return activity


def activity_values(activity: Activity) -> dict:
    """The audited values of an activity, readable; participants as "name (role)" entries."""
    with force_locale("vi"), db.session.no_autoflush:
        return {
            "activity_type": _label(ACTIVITY_TYPES, activity.activity_type),
            "title": activity.title,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "country": _country_name(activity.country_code),
            "city": activity.city,
            "place": activity.place,
            "description": activity.description,
            "outcome": activity.outcome,
            "follow_up_date": activity.follow_up_date,
            "follow_up_done": activity.follow_up_done,
            "amount": f"{activity.amount:,}".replace(",", ".") if activity.amount is not None else None,
            "currency": activity.currency,
            "participants": sorted(part.name + (f" ({part.role})" if part.role else "")
                                   for part in activity.participants),
        }


def _apply_activity(activity: Activity, data: dict) -> None:
    """Set an activity's attributes and participants from form-shaped data."""
    activity.activity_type = data.get("activity_type") if data.get("activity_type") in ACTIVITY_TYPES else "meeting"
    activity.title = clean_text(data["title"])
    activity.title_folded = fold(activity.title)
    activity.start_date = data["start_date"]
    activity.end_date = data.get("end_date")
    activity.country_code = (data.get("country") or "").upper() or None
    activity.city = clean_text(data.get("city"))
    activity.place = clean_text(data.get("place"))
    activity.description = clean_text(data.get("description"))
    activity.outcome = clean_text(data.get("outcome"))
    activity.follow_up_date = data.get("follow_up_date")
    activity.follow_up_done = bool(data.get("follow_up_done"))
    activity.amount = data.get("amount")
    activity.currency = (data.get("currency") or None) if activity.amount is not None else None
    wanted = {}
    for row in data.get("participants") or ():
        ref_id = _optional_id(row.get("ref_id"))
        if ref_id and row.get("kind") in ("person", "organisation"):
            wanted[(row["kind"], ref_id)] = (clean_text(row.get("role")), clean_text(row.get("note")))
    for part in list(activity.participants):
        key = ("person", part.person_id) if part.person_id else ("organisation", part.organisation_id)
        if key not in wanted:
            activity.participants.remove(part)
        else:
            part.role, part.note = wanted.pop(key)
    for (kind, ref_id), (role, note) in wanted.items():
        part = ActivityParticipant(role=role, note=note)
        if kind == "person":
            part.person = db.session.get(Person, ref_id)
        else:
            part.organisation = db.session.get(Organisation, ref_id)
        activity.participants.append(part)


def create_activity(data: dict, by=None) -> Activity:
    """Log a new activity with its participants."""
    user_id = getattr(by, "id", None)
    activity = Activity(created_by_id=user_id, updated_by_id=user_id)
    with db.session.no_autoflush:
        _apply_activity(activity, data)
    db.session.add(activity)
    db.session.flush()
    record("create", activity, changes=diff({}, activity_values(activity)), summary=activity.title, user=by)
    db.session.commit()
    return activity


def update_activity(activity: Activity, data: dict, by=None, expected_version: int | None = None) -> bool:
    """Save an edited activity; False when nothing changed. Raises StaleEdit when the activity
    changed since the form was opened."""
    if expected_version is not None and expected_version != activity.version:
        preview = Activity()
        with db.session.no_autoflush:
            _apply_activity(preview, data)
            _refuse_stale(activity, expected_version, activity_values(preview))
    before = activity_values(activity)
    with db.session.no_autoflush:
        _apply_activity(activity, data)
    return _save(activity, before, activity_values, by, expected_version)


def mark_follow_up_done(activity: Activity, by=None) -> bool:
    """Close an activity's follow-up."""
    before = activity_values(activity)
    activity.follow_up_done = True
    return _save(activity, before, activity_values, by, None)


def delete_activity(activity: Activity, by=None) -> None:
    """Move an activity to the bin; an admin can restore it."""
    set_deleted(activity, by, deleted=True, summary=activity.title)


def restore_activity(activity: Activity, by=None) -> None:
    """Take an activity out of the bin."""
    set_deleted(activity, by, deleted=False, summary=activity.title)


def follow_ups_due(on: date | None = None, days: int = FOLLOW_UP_DAYS) -> list[Activity]:
    """Live activities whose follow-up falls within `days` of `on` (default today) or is overdue, oldest first."""
    horizon = (on or today()) + timedelta(days=days)
    return list(db.session.scalars(
        select(Activity)
        .where(Activity.deleted_at.is_(None), Activity.follow_up_done.is_(False),
               Activity.follow_up_date.is_not(None), Activity.follow_up_date <= horizon)
        .order_by(Activity.follow_up_date, Activity.id)
        .options(selectinload(Activity.participants))
    ))


def _activities_with(condition) -> list[Activity]:
    return list(db.session.scalars(
        select(Activity)
        .where(Activity.deleted_at.is_(None),
               Activity.id.in_(select(ActivityParticipant.activity_id).where(condition)))
        .order_by(Activity.start_date.desc(), Activity.id.desc())
    ))


def activities_for_person(person_id: int) -> list[Activity]:
    """The live activities a person took part in, newest first (for the person page's timeline)."""
    return _activities_with(ActivityParticipant.person_id == person_id)


def activities_for_organisation(organisation_id: int) -> list[Activity]:
    """The live activities an organisation took part in, newest first (for the organisation page)."""
    return _activities_with(ActivityParticipant.organisation_id == organisation_id)


# --- pickers and the expert finder -----------------------------------------------------------------

def lookup_person(person_id) -> Person | None:
    """A live person by an id taken from the URL, or None."""
    person_id = _optional_id(person_id)
    person = db.session.get(Person, person_id) if person_id else None
    return person if person is not None and person.deleted_at is None else None


def lookup_organisation(organisation_id) -> Organisation | None:
    """A live organisation by an id taken from the URL, or None."""
    organisation_id = _optional_id(organisation_id)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return organisation if organisation is not None and organisation.deleted_at is None else None


def lookup_people(q: str, limit: int = 10) -> list[dict]:
    """People matching a typed name, for the participant and owner pickers."""
    if not fold(q):
        return []
    page = search_people(PeopleQuery(q=q, per_page=limit))
    return [{"id": person.id, "name": person.full_name,
             "country": person.country.name_vi if person.country is not None else ""}
            for person in page.items]


def lookup_organisations(q: str, limit: int = 10) -> list[dict]:
    """Organisations whose folded name contains every typed word."""
    words = fold(q).split()
    if not words:
        return []
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.deleted_at.is_(None),
               *(Organisation.name_folded.contains(word, autoescape=True) for word in words))
        .order_by(Organisation.name_folded).limit(limit)
    )
    return [{"id": org.id, "name": org.name, "country": org.country.name_vi if org.country is not None else ""}
            for org in organisations]


def expert_query(args) -> PeopleQuery:
    """The expert finder's filters, read from the URL, as a people query."""
    query = PeopleQuery.from_args(args)
    return PeopleQuery(q=query.q, country=query.country, field=query.field, title=query.title,
                       offer=query.offer, page=query.page, per_page=50)


def get_locale_code() -> str:
    """The interface language ("vi" or "en") of the current request."""
    locale = get_locale()
    return locale.language if locale else "vi"


def expert_filter_options() -> dict:
    """The choices of the expert finder's filters."""
    return {
        "fields": [(field.key, field.name(get_locale_code())) for field in db.session.scalars(
            select(Field).where(Field.active.is_(True)).order_by(Field.sort_order))],
        "countries": country_choices(),
        "titles": ACADEMIC_TITLE_FILTERS,
        "offers": [(key, str(label)) for key, label in CONTRIBUTION_LABELS.items()],
    }


def find_experts(query: PeopleQuery):
    """A page of people matching the expert filters, with fields, offers and contacts loaded."""
    page = search_people(query)
    if page.items:
        db.session.scalars(
            select(Person).where(Person.id.in_([person.id for person in page.items]))
            .options(selectinload(Person.fields), selectinload(Person.offers), selectinload(Person.contacts))
        ).all()
    return page


def primary_contact(person: Person):
    """The contact marked primary, else the first one, else None."""
    contacts = list(person.contacts)
    return next((contact for contact in contacts if contact.is_primary), contacts[0] if contacts else None)
