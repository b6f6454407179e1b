"""The duplicate review queue in a browser: a scan of the register, a pair side by side with its reason at desktop
and phone width, the way to the merge, and "Không trùng"."""
import re

import pytest
from playwright.sync_api import expect

from diaspora.extensions import db
from diaspora.people import service as people
from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"


def test_reviewing_a_pair(seeded, page):
    first = people.create_person({"full_name": "Lê Thị Lan", "country_code": "JP", "city": "Osaka",
                                  "birth_year": 1980, "contacts": [{"kind": "email", "value": "lan@example.org"}]})
    second = people.create_person({"full_name": "Lan Le", "country_code": "US", "city": "Houston",
                                   "contacts": [{"kind": "email", "value": "LAN@example.org"},
                                                {"kind": "phone", "value": "+1 202 555 0143"}]})
    first_id, second_id = first.id, second.id
    make_user("editor", email="can.bo@haiphong.example")
    db.session.remove()
    page.goto("/login")
    page.fill("input[name=email]", "can.bo@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.get_by_role("link", name="Hồ sơ có thể trùng").first.click()
    expect(page).to_have_url(re.compile(r"/reports/duplicates$"))
    page.get_by_role("button", name="Rà soát lại").click()
    # The pair was found as the second record was saved: the scan adds nothing new.
    expect(page.locator("#last-scan")).to_contain_text("0 cặp mới")
    expect(page.locator("#pair-count")).to_have_text("1 cặp")
    card = page.locator(".card", has_text="Lê Thị Lan")
    expect(card).to_contain_text("trùng email")
    expect(card).to_contain_text("Lan Le")
    expect(card).to_contain_text("Houston")
    screenshot(page, "duplicates-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not overflow, "the page scrolls sideways on a phone"
    screenshot(page, "duplicates-phone")

    merge = card.get_by_role("link", name="Gộp…")
    expect(merge).to_have_attribute("href", f"/people/{first_id}/merge/{second_id}")
    card.get_by_role("button", name="Không trùng").click()
    expect(page.locator("#no-pairs")).to_be_visible()
    page.select_option("#status", "not_duplicate")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(".card", has_text="Lê Thị Lan")).to_contain_text("Không trùng")
