"""The catalogue of typical products: filling a product from form- or file-shaped data, seeding from data/."""
import csv
from pathlib import Path

from sqlalchemy import select

from diaspora.config import PROJECT_ROOT
from diaspora.extensions import db
from diaspora.reference.models import PRODUCT_CATEGORIES, Product, Unit
from diaspora.text import clean_text, fold

PRODUCTS_CSV = PROJECT_ROOT / "data" / "typical_products.csv"


def _stars(value) -> int | None:
    try:
        stars = int(value)
    except (TypeError, ValueError):
        return None
    return stars if stars in (3, 4, 5) else None


def apply_product(product: Product, data: dict) -> None:
    """Set a product's attributes from form-shaped data (a form's data or a row of the CSV)."""
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
        apply_product(product, {**row, "active": True})
        if product.origin_unit_code not in units:
            product.origin_unit_code = None
        db.session.add(product)
        known.add(product.name_folded)
        added += 1
    db.session.commit()
    return added
