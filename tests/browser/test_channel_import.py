"""Importing an office's list of distribution channels through the wizard, in headless Chromium."""
import re

import pytest
from playwright.sync_api import expect

from diaspora.extensions import db
from diaspora.reference.products import seed_products
from tests.browser.conftest import screenshot
from tests.browser.test_import_wizard import sign_in
from tests.conftest import make_user
from tests.outreach.factories import make_channel
from tests.outreach.test_spreadsheets import CHANNEL_HEADERS, office_workbook

pytestmark = pytest.mark.browser


def test_import_a_channel_list_with_a_duplicate_and_an_error(seeded, app, browser, live_server, tmp_path):
    with app.app_context():
        seed_products()
        make_user("editor", "can.bo@haiphong.example")
        existing = make_channel("Siêu thị Á Đông", "DE", city="Berlin")
        existing_id = existing.id
        db.session.remove()
    path = office_workbook(tmp_path / "kenh-phan-phoi-duc.xlsx", CHANNEL_HEADERS, [
        ["Siêu thị Á Đông", "Siêu thị", "Đức", "Berlin", "Vải thiều Thanh Hà", None, None, None, None, None, None,
         "Đối tác"],
        ["Asia Markt Hồng Hà", "siêu thị", "Đức", "Leipzig", "Gốm Chu Đậu; Nước mắm Cát Hải", None, None,
         "Hong Ha GmbH", "0341 1234567", "info@hongha.de", "hongha.de", "Đã liên hệ"],
        ["Cửa hàng Sen", "xyz", "Đức", "Dresden", None, None, None, None, None, "sen@", None, None],
    ])
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "can.bo@haiphong.example")

    page.goto("/outreach/channels/")
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.locator("select[name=kind]")).to_have_value("channels")
    expect(page.locator("#activity-field")).to_be_hidden()
    page.set_input_files("input[name=file]", str(path))
    screenshot(page, "channel-import-01-upload")
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Tiếp: ghép cột").click()
    expect(page.get_by_role("cell", name="Tên cửa hàng").first).to_be_visible()
    screenshot(page, "channel-import-02-mapping")
    page.get_by_role("button", name="Tiếp: xem trước").click()

    expect(page.locator('[data-count="created"]')).to_have_text("1")
    expect(page.get_by_text(re.compile("“sen@” không hợp lệ"))).to_be_visible()
    duplicate = page.get_by_role("link", name="Siêu thị Á Đông").first
    expect(duplicate).to_have_attribute("href", re.compile(f"/outreach/channels/{existing_id}$"))
    screenshot(page, "channel-import-03-preview")
    page.get_by_role("button", name=re.compile("Nhập: thêm 1")).click()
    expect(page.get_by_text("Đã nhập", exact=True)).to_be_visible()
    screenshot(page, "channel-import-04-result")

    page.goto("/outreach/channels/?country=DE")
    expect(page.get_by_role("link", name="Asia Markt Hồng Hà")).to_be_visible()
    page.get_by_role("link", name="Asia Markt Hồng Hà").click()
    expect(page.get_by_text("Gốm Chu Đậu")).to_be_visible()
    expect(page.get_by_text("Hong Ha GmbH")).to_be_visible()
    screenshot(page, "channel-import-05-channel")
