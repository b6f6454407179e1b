"""The typical products catalogue: the shipped data, seeding, and the admin's maintenance pages."""
import csv

import pytest

from diaspora.audit.models import AuditEvent
from diaspora.config import PROJECT_ROOT
from diaspora.extensions import db
from diaspora.outreach import products as product_service
from diaspora.reference.hometowns import match_hometown
from diaspora.reference.models import OCOP_STARS, PRODUCT_CATEGORIES, Product
from diaspora.reference.products import PRODUCTS_CSV, seed_products
from tests.outreach.factories import fresh, make_channel, make_product


def _rows():
    with PRODUCTS_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_shipped_products_are_well_formed():
    rows = _rows()
    with (PROJECT_ROOT / "data" / "units_2025.csv").open(encoding="utf-8") as handle:
        units = {row["code"] for row in csv.DictReader(handle)}
    assert len(rows) == len({row["name"] for row in rows}) >= 30
    for row in rows:
        assert row["category"] in PRODUCT_CATEGORIES
        assert row["ocop_stars"] in {"", *map(str, OCOP_STARS)}
        assert row["origin_unit_code"] in units | {""}
        assert row["origin_text"]


def test_origin_units_agree_with_hometown_matching(seeded):
    """The shipped unit codes were derived from the written origin; the matcher must not disagree."""
    for row in _rows():
        match = match_hometown(row["origin_text"])
        if match.unit is not None:
            assert row["origin_unit_code"] == match.unit.code, row["name"]
        elif row["origin_unit_code"]:
            assert [unit.code for unit in match.candidates] == [row["origin_unit_code"]], row["name"]


def test_seed_products_is_idempotent_and_keeps_admin_edits(seeded):
    added = seed_products()
    assert added == len(_rows())
    lychee = db.session.scalar(db.select(Product).where(Product.name == "Vải thiều Thanh Hà"))
    assert (lychee.category, lychee.ocop_stars, lychee.active) == ("agricultural", 4, True)
    assert lychee.producer.startswith("CTCP Ameii")
    pottery = db.session.scalar(db.select(Product).where(Product.name_folded == "gom chu dau"))
    assert pottery.origin_unit.full_name == "Xã Thái Tân"
    assert pottery.origin_text.startswith("Thôn Chu Đậu")

    product_service.update_product(lychee, {"name": "Vải thiều Thanh Hà", "category": "food", "active": True})
    assert seed_products() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Product)) == added
    assert fresh(Product, lychee.id).category == "food"


def test_seed_without_units_keeps_the_origin_text_only(app):
    seed_products()
    pottery = db.session.scalar(db.select(Product).where(Product.name_folded == "gom chu dau"))
    assert pottery.origin_unit_code is None
    assert "Thái Tân" in pottery.origin_text


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_everyone_sees_the_catalogue_grouped_by_category(client, login, seeded, role):
    seed_products()
    login(role)
    response = client.get("/outreach/products/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vải thiều Thanh Hà" in page and "Thủ công mỹ nghệ" in page
    assert ("Thêm sản phẩm" in page) == (role == "admin")


def test_catalogue_filters_by_category_and_folded_name(client, login, seeded):
    seed_products()
    login("viewer")
    page = client.get("/outreach/products/?q=vai+thieu").get_data(as_text=True)
    assert "Vải thiều Thanh Hà" in page and "Gốm Chu Đậu" not in page
    page = client.get("/outreach/products/?category=handicraft").get_data(as_text=True)
    assert "Gốm Chu Đậu" in page and "Vải thiều Thanh Hà" not in page


def test_catalogue_shows_channel_counts(client, login, seeded):
    lychee = make_product()
    make_channel("Sen Việt", products=[(lychee, "distributing")])
    make_channel("Asia Mart", products=[(lychee, "interested")])
    login("viewer")
    page = client.get("/outreach/products/").get_data(as_text=True)
    assert "1 đang phân phối" in page and "1 quan tâm" in page


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_maintain_products(client, login, seeded, role):
    product = make_product()
    login(role)
    assert client.get("/outreach/products/new").status_code == 403
    assert client.post("/outreach/products/new", data={"name": "Bánh đa", "category": "food"}).status_code == 403
    edit = client.post(f"/outreach/products/{product.id}/edit", data={"name": "X", "category": "food"})
    assert edit.status_code == 403
    assert client.post(f"/outreach/products/{product.id}/active", data={"active": "0"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Product)) == 1


def test_admin_creates_edits_and_deactivates_a_product_with_audit(client, login, seeded):
    admin = login("admin")
    response = client.post("/outreach/products/new", data={
        "name": "  Bánh  đa cua ", "category": "food", "subcategory": "Món ăn", "ocop_stars": "3",
        "origin_unit_code": "11383", "origin_text": "Quận Lê Chân", "active": "y"})
    assert response.status_code == 302
    product = db.session.scalar(db.select(Product).where(Product.name_folded == "banh da cua"))
    assert (product.name, product.ocop_stars, product.origin_unit_code) == ("Bánh đa cua", 3, "11383")

    assert client.get(f"/outreach/products/{product.id}/edit").status_code == 200
    client.post(f"/outreach/products/{product.id}/edit", data={
        "name": "Bánh đa cua", "category": "food", "ocop_stars": "4", "origin_unit_code": "", "active": "y"})
    assert fresh(Product, product.id).ocop_stars == 4

    page = client.post(f"/outreach/products/{product.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Đã ngừng dùng “Bánh đa cua” trong danh mục." in page.get_data(as_text=True)
    assert fresh(Product, product.id).active is False
    assert "Bánh đa cua" not in client.get("/outreach/products/").get_data(as_text=True)
    assert "Bánh đa cua" in client.get("/outreach/products/?inactive=1").get_data(as_text=True)

    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.entity_type == "products")
                                .order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == ["create", "update", "update"]
    assert all(event.user_id == admin.id for event in events)
    assert events[0].changes["origin_unit"]["after"] == "Phường Lê Chân"
    assert events[1].changes["ocop_stars"] == {"before": 3, "after": 4}
    assert events[2].changes["active"] == {"before": True, "after": False}


def test_product_form_refuses_a_duplicate_name(client, login, seeded):
    make_product("Vải thiều Thanh Hà")
    login("admin")
    response = client.post("/outreach/products/new", data={"name": "VẢI THIỀU thanh hà", "category": "food"})
    assert response.status_code == 422
    assert "Đã có sản phẩm “Vải thiều Thanh Hà”" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Product)) == 1
