"""The first administrator enrols in two-factor sign-in right after setup, then signs in with a code, in
headless Chromium; the pages need no script of their own."""
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-rat-dai-2026"


def assert_no_inline_script(page) -> None:
    """Nothing a strict Content-Security-Policy would block: no inline script, no on… attribute."""
    assert page.locator("script:not([src])").count() == 0
    assert page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
        element => [...element.attributes].map(attribute => attribute.name)).filter(name => name.startsWith('on'))""") == []


def test_first_admin_enrols_then_signs_in_with_a_code(app, page):
    app.config["REQUIRE_ADMIN_2FA"] = True

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup"))
    page.fill("input[name=name]", "Trần Thị Quản Trị")
    page.fill("input[name=email]", "admin@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản quản trị").click()

    # Straight to enrolment; any other page leads back to it.
    expect(page).to_have_url(re.compile(r"/account/two-factor"))
    expect(page.locator("svg.segno")).to_be_visible()
    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/account/two-factor"))
    expect(page.get_by_text("Quản trị viên phải bật xác thực hai bước")).to_be_visible()
    screenshot(page, "2fa-01-enrol")
    assert_no_inline_script(page)

    # The authenticator app: the key typed by hand instead of scanned.
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.fill("input[name=code]", totp.now())
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_role("heading", name="Mã khôi phục")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot(page, "2fa-02-recovery-codes")
    assert_no_inline_script(page)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("input[name=email]", "admin@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/login/code"))
    screenshot(page, "2fa-03-code")
    assert_no_inline_script(page)
    page.fill("input[name=code]", totp.at(time.time() + 30))  # the enrolment's code is spent
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/people/$"))

