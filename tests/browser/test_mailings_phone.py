"""A Tết greeting composed and previewed on a phone-width browser: the list's exclusions, the merged letter,
paging through the recipients, the e-mails kept in the outbox; screenshots under artifacts/screenshots/."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.mailings.helpers import expected_recipients, make_people

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"


def test_compose_and_preview_a_tet_greeting_on_a_phone(browser, live_server, seeded):
    make_user("editor", email="can.bo@haiphong.example")
    make_people(50)
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.fill("input[name=email]", "can.bo@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto("/mailings/new?country=JP")
    expect(page.locator("#recipients-email")).to_have_text(str(expected_recipients(50)))
    expect(page.locator("#excluded-restricted")).to_contain_text("1")
    expect(page.locator("#body")).to_have_value(re.compile(r"Kính gửi \{xung_ho\} \{ho_ten\}"))
    page.select_option("#channel", "email")
    screenshot(page, "mailings-phone-01-compose")

    page.fill("#body", "Kính gửi {ten},")
    page.get_by_role("button", name="Lưu và xem trước").click()
    expect(page.locator("#body + .invalid-feedback, .invalid-feedback").first).to_contain_text("{ten}")
    page.fill("#body", "Kính gửi {xung_ho} {ho_ten},\n\nChúc mừng năm mới từ Hải Phòng tới {thanh_pho}, {quoc_gia}.")
    page.get_by_role("button", name="Lưu và xem trước").click()
    expect(page.locator("#preview-body")).to_contain_text("Chúc mừng năm mới từ Hải Phòng tới Tokyo, Nhật Bản.")
    expect(page.locator("#preview-body")).not_to_contain_text("{")
    page.locator("#next-letter").click()
    expect(page.locator("#preview")).to_contain_text(f"Thư 2/{expected_recipients(50)}")
    screenshot(page, "mailings-phone-02-preview")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#send").click()
    expect(page.locator("#count-outbox")).to_contain_text(str(expected_recipients(50)))
    screenshot(page, "mailings-phone-03-outbox")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not errors
    context.close()
