"""The typical-products catalogue as outreach maintains it: the list, edits (audited), the channels
carrying each product, and the products × countries table.

The catalogue's model and its seeding are reference data (diaspora.reference).
"""
from dataclasses import dataclass, field

from flask import abort
from flask_babel import force_locale
from sqlalchemy import func, select

from diaspora.audit import tracking
from diaspora.audit.service import diff, record
from diaspora.extensions import db
from diaspora.outreach.channels import channel_countries
from diaspora.outreach.common import label
from diaspora.outreach.models import ChannelProduct, DistributionChannel
from diaspora.reference.models import PRODUCT_CATEGORIES, Product, Unit
from diaspora.reference.products import apply_product
from diaspora.text import fold


def product_values(product: Product) -> dict:
    """The audited values of a product, readable."""
    with force_locale("vi"), db.session.no_autoflush:
        unit = db.session.get(Unit, product.origin_unit_code) if product.origin_unit_code else None
        return {
            "name": product.name,
            "category": label(PRODUCT_CATEGORIES, product.category),
            "subcategory": product.subcategory,
            "producer": product.producer,
            "origin_unit": unit.full_name if unit is not None else product.origin_unit_code,
            "origin_text": product.origin_text,
            "ocop_stars": product.ocop_stars,
            "description": product.description,
            "active": product.active,
        }


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
    apply_product(product, data)
    db.session.add(product)
    db.session.flush()
    record("create", product, changes=diff({}, product_values(product)), summary=product.name, user=by)
    db.session.commit()
    return product


def update_product(product: Product, data: dict, by=None, expected_version: int | None = None) -> bool:
    """Save an edited product; False when nothing changed. Raises StaleEdit when the form was built on
    an older version than the stored one."""
    return tracking.save(product, by, lambda: apply_product(product, data), product_values, expected_version,
                         summary=product.name)


def product_form_values(product: Product) -> dict:
    """The product form's values for a stored product."""
    return {"name": product.name, "category": product.category, "subcategory": product.subcategory,
            "producer": product.producer, "origin_unit_code": product.origin_unit_code,
            "origin_text": product.origin_text, "ocop_stars": product.ocop_stars,
            "description": product.description, "active": product.active}


def reapply_product(product: Product, data: dict, changes: dict) -> tuple[dict, dict]:
    """After a conflict: the stored values with the user's own edits on top (see audit.tracking.merge_edits)."""
    preview = Product()
    apply_product(preview, data)
    return tracking.merge_edits(product_form_values(product), data, product_values(product),
                                product_values(preview), changes, {"origin_unit": ("origin_unit_code",)})


def set_product_active(product: Product, active: bool, by=None) -> None:
    """Take a product out of (or back into) the catalogue; channels keep their links to it."""
    tracking.save(product, by, lambda: setattr(product, "active", active), product_values, summary=product.name)


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
