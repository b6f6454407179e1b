"""Merging two records of one person in a browser: chosen with the person picker, compared side by side at desktop
and phone width, merged; the merged record's page leads to the survivor."""
import re

import pytest
from playwright.sync_api import expect

from diaspora.extensions import db
from diaspora.people import service as people
from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"


def test_merging_two_records_side_by_side(seeded, page):
    survivor = people.create_person({
        "full_name": "Nguyễn Văn Hùng", "country_code": "JP", "city": "Tokyo", "birth_year": 1970,
        "contacts": [{"kind": "email", "value": "hung@example.jp"}]})
    other = people.create_person({
        "full_name": "Nguyễn Hùng", "country_code": "JP", "address": "1-2-3 Shinjuku, Tokyo", "birth_year": 1970,
        "occupation": "Kỹ sư phần mềm", "contacts": [{"kind": "email", "value": "hung.nguyen@example.org"},
                                                    {"kind": "phone", "value": "+81 90 1234 5678"}]})
    survivor_id, other_id = survivor.id, other.id
    make_user("editor", email="can.bo@haiphong.example")
    db.session.remove()
    page.goto("/login")
    page.fill("input[name=email]", "can.bo@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto(f"/people/{survivor_id}")
    panel = page.locator("#merges")
    panel.locator(".picker-input").fill("Nguyễn Hùng")
    panel.locator(".picker-results button", has_text="Nguyễn Hùng").first.click()
    panel.get_by_role("button", name="So sánh để gộp").click()
    expect(page).to_have_url(re.compile(rf"/people/{survivor_id}/merge/{other_id}$"))
    table = page.locator("#merge-differences")
    expect(table).to_contain_text("1-2-3 Shinjuku, Tokyo")
    expect(page.locator("#merge-united")).to_contain_text("hung.nguyen@example.org")
    # The non-empty value is pre-selected; the name is the user's choice.
    expect(page.locator("input[name=choice_address][value=other]")).to_be_checked()
    screenshot(page, "merge-side-by-side-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not overflow, "the page scrolls sideways on a phone"
    screenshot(page, "merge-side-by-side-phone")

    page.locator("input[name=choice_full_name][value=other]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("Gộp hồ sơ")).click()
    expect(page).to_have_url(re.compile(rf"/people/{survivor_id}$"))
    expect(page.locator("h1")).to_contain_text("Nguyễn Hùng")
    expect(page.locator("#contacts")).to_contain_text("hung.nguyen@example.org")

    page.goto(f"/people/{other_id}")
    expect(page).to_have_url(re.compile(rf"/people/{survivor_id}$"))
    expect(page.locator("body")).to_contain_text("Hồ sơ này đã được gộp vào hồ sơ Nguyễn Hùng")
