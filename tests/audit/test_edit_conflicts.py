"""Optimistic locking on the records edited through forms that people, organisations, channels and activities
did not already cover: products, fields and community roles, user accounts, memberships. Two browsers open the
same record; the first save wins, the second (built on the older version) gets 409 with what changed and what
its user typed, nothing overwritten, and can save again from that page."""
import itertools
import re

import pytest
from flask import g
from sqlalchemy import select, text

from diaspora.audit.tracking import user_id
from diaspora.auth.models import User
from diaspora.extensions import db
from diaspora.organisations.models import Membership
from diaspora.outreach import products as product_service
from diaspora.people import service as people_service
from diaspora.records import StaleEdit
from diaspora.reference.models import CommunityRole, Field, Product
from tests.conftest import make_user, sign_in_client
from tests.outreach.factories import make_product
from tests.people.factories import make_organisation, make_person

_numbers = itertools.count(1)


class Browser:
    """A test client signed in as a user of its own: two of them are two people's browsers."""

    def __init__(self, app, role: str):
        self.user = make_user(role, f"{role}-{next(_numbers)}@example.org")
        self.client = app.test_client()
        sign_in_client(self.client, self.user)

    def get(self, url: str):
        g.pop("_login_user", None)  # the test's app context outlives requests: no user carried across browsers
        return self.client.get(url)

    def post(self, url: str, data: dict):
        g.pop("_login_user", None)
        return self.client.post(url, data=data)


def version_in(page) -> str:
    """The version a page's form was built on (its hidden field)."""
    match = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page.get_data(as_text=True))
    assert match, "the form carries no version"
    return match.group(1)


def fresh(model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


# --- products -------------------------------------------------------------------------------------

PRODUCT_FORM = {"name": "Vải thiều Thanh Hà", "category": "agricultural", "ocop_stars": "4", "active": "y"}


def test_two_admins_editing_a_product_overwrite_nothing(app, seeded):
    product = make_product()
    first, second = Browser(app, "admin"), Browser(app, "admin")
    url = f"/outreach/products/{product.id}/edit"
    first_version, second_version = version_in(first.get(url)), version_in(second.get(url))
    assert first_version == second_version

    saved = first.post(url, {**PRODUCT_FORM, "name": "Vải thiều Thanh Hà loại 1", "version": first_version})
    assert saved.status_code == 302
    refused = second.post(url, {**PRODUCT_FORM, "producer": "HTX Thanh Hà", "version": second_version})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Chưa lưu: bản ghi đã được người khác sửa" in page
    assert "Vải thiều Thanh Hà loại 1" in page and "HTX Thanh Hà" in page
    assert first.user.name in page
    stored = fresh(Product, product.id)
    assert (stored.name, stored.producer) == ("Vải thiều Thanh Hà loại 1", None)

    # The page's form holds the other admin's name and this admin's producer, on the current version.
    assert version_in(refused) == str(stored.version)
    assert 'value="Vải thiều Thanh Hà loại 1"' in page and 'value="HTX Thanh Hà"' in page
    again = second.post(url, {**PRODUCT_FORM, "name": "Vải thiều Thanh Hà loại 1", "producer": "HTX Thanh Hà",
                              "version": version_in(refused)})
    assert again.status_code == 302
    stored = fresh(Product, product.id)
    assert (stored.name, stored.producer) == ("Vải thiều Thanh Hà loại 1", "HTX Thanh Hà")


def test_a_product_saved_meanwhile_by_a_concurrent_request_is_not_overwritten(app, seeded):
    """The race the version check cannot see (both read the same version): the database's version refuses it."""
    product = make_product()
    expected = product.version
    db.session.execute(text("UPDATE products SET version = version + 1, producer = 'Người khác' WHERE id = :id"),
                       {"id": product.id})
    with pytest.raises(StaleEdit):
        product_service.update_product(product, {**PRODUCT_FORM, "producer": "Tôi"}, expected_version=expected)
    assert fresh(Product, product.id).producer is None  # the rolled-back transaction held the other write


# --- fields and community roles -----------------------------------------------------------------

@pytest.mark.parametrize("kind, model, key", [("fields", Field, "health"), ("roles", CommunityRole, "student")])
def test_two_admins_editing_a_taxonomy_item_overwrite_nothing(app, seeded, kind, model, key):
    item = db.session.scalar(select(model).where(model.key == key))
    original = item.name_vi
    first, second = Browser(app, "admin"), Browser(app, "admin")
    url = f"/reference/{kind}/{item.id}/edit"
    first_version, second_version = version_in(first.get(url)), version_in(second.get(url))

    saved = first.post(url, {"name_vi": f"{original} (mới)", "name_en": item.name_en,
                             "sort_order": str(item.sort_order), "version": first_version})
    assert saved.status_code == 302
    refused = second.post(url, {"name_vi": original, "name_en": item.name_en, "sort_order": "5",
                                "version": second_version})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Tên tiếng Việt" in page and f"{original} (mới)" in page
    stored = fresh(model, item.id)
    assert (stored.name_vi, stored.sort_order) == (f"{original} (mới)", item.sort_order)
    assert version_in(refused) == str(stored.version)
    again = second.post(url, {"name_vi": f"{original} (mới)", "name_en": item.name_en, "sort_order": "5",
                              "version": version_in(refused)})
    assert again.status_code == 302
    stored = fresh(model, item.id)
    assert (stored.name_vi, stored.sort_order) == (f"{original} (mới)", 5)


# --- user accounts -------------------------------------------------------------------------------

def test_two_admins_changing_an_account_overwrite_nothing(app):
    first, second = Browser(app, "admin"), Browser(app, "admin")
    account = make_user("editor", "nhan-vien@example.org")
    page = f"/users/{account.id}"
    first_version, second_version = version_in(first.get(page)), version_in(second.get(page))

    assert first.post(f"{page}/role", {"role": "viewer", "version": first_version}).status_code == 302
    refused = second.post(f"{page}/role", {"role": "admin", "version": second_version})
    assert refused.status_code == 409
    assert "Chưa lưu: bản ghi đã được người khác sửa" in refused.get_data(as_text=True)
    assert fresh(User, account.id).role == "viewer"
    stale_lock = second.post(f"{page}/deactivate", {"version": second_version})
    assert stale_lock.status_code == 409
    assert fresh(User, account.id).active is True

    again = second.post(f"{page}/role", {"role": "admin", "version": version_in(refused)})
    assert again.status_code == 302
    assert fresh(User, account.id).role == "admin"


def test_a_sign_in_does_not_make_an_admins_page_stale(app):
    admin = Browser(app, "admin")
    account = make_user("editor", "nhan-vien@example.org", password="mật-khẩu-đủ-dài-1")
    version = version_in(admin.get(f"/users/{account.id}"))
    g.pop("_login_user", None)
    signed_in = app.test_client().post("/login", data={"email": "nhan-vien@example.org",
                                                       "password": "mật-khẩu-đủ-dài-1"})
    assert signed_in.status_code == 302
    assert fresh(User, account.id).last_login_at is not None

    assert admin.post(f"/users/{account.id}/role", {"role": "viewer", "version": version}).status_code == 302
    assert fresh(User, account.id).role == "viewer"


# --- memberships ---------------------------------------------------------------------------------

def test_two_editors_editing_a_membership_overwrite_nothing(app, seeded):
    first, second = Browser(app, "editor"), Browser(app, "editor")
    organisation = make_organisation()
    person = make_person()
    people_service.add_membership(person, {"organisation_id": organisation.id, "role": "Hội viên"})
    membership = db.session.scalar(select(Membership))
    url = f"/people/{person.id}/memberships/{membership.id}/edit"
    first_version, second_version = version_in(first.get(url)), version_in(second.get(url))

    saved = first.post(url, {"organisation_id": str(organisation.id), "role": "Chủ tịch", "version": first_version})
    assert saved.status_code == 302
    refused = second.post(url, {"organisation_id": str(organisation.id), "role": "Thư ký",
                                "version": second_version})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Chủ tịch" in page and 'value="Thư ký"' in page
    assert fresh(Membership, membership.id).role == "Chủ tịch"

    again = second.post(url, {"organisation_id": str(organisation.id), "role": "Thư ký",
                              "version": version_in(refused)})
    assert again.status_code == 302
    assert fresh(Membership, membership.id).role == "Thư ký"
    assert user_id(second.user) == fresh(type(person), person.id).updated_by_id
