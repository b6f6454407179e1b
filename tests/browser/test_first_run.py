"""From a new installation to finding a person by an unaccented search, in headless Chromium."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_new_installation_to_unaccented_search(seeded, page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup"))
    page.fill("input[name=name]", "Trần Thị Quản Trị")
    page.fill("input[name=email]", "admin@haiphong.example")
    page.fill("input[name=password]", "mat-khau-rat-dai-2026")
    page.fill("input[name=confirm]", "mat-khau-rat-dai-2026")
    screenshot(page, "01-setup")
    page.get_by_role("button", name="Tạo tài khoản quản trị").click()

    # Sign out and in again with the new account, as staff will every morning.
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=email]", "admin@haiphong.example")
    page.fill("input[name=password]", "mật khẩu sai")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    page.fill("input[name=email]", "admin@haiphong.example")
    page.fill("input[name=password]", "mat-khau-rat-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    screenshot(page, "02-dashboard")

    page.goto("/people/new")
    page.fill("input[name=full_name]", "Nguyễn Văn Hùng")
    page.fill("input[name=other_names]", "Hung Van Nguyen")
    page.fill("input[name=birth]", "12/03/1975")
    page.select_option("select[name=country_code]", "JP")
    page.fill("input[name=city]", "Tokyo")
    page.select_option("select[name='contacts-0-kind']", "phone")
    page.fill("input[name='contacts-0-value']", "090-1234-5678")
    page.select_option("select[name='contacts-1-kind']", "email")
    page.fill("input[name='contacts-1-value']", "Hung.Nguyen@Example.JP")
    screenshot(page, "03-new-person")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_role("heading", name="Nguyễn Văn Hùng")).to_be_visible()
    expect(page.locator('a[href="tel:+819012345678"]')).to_be_visible()
    expect(page.locator('a[href="mailto:hung.nguyen@example.jp"]')).to_be_visible()
    screenshot(page, "04-person")

    page.goto("/people/")
    page.fill("input[name=q]", "nguyen van hung")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=nguyen\+van\+hung"))
    expect(page.get_by_role("link", name="Nguyễn Văn Hùng")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\b1 kết quả"))).to_be_visible()
    screenshot(page, "05-search-unaccented")

    # The phone as written abroad finds the same person.
    page.goto("/people/?q=%2B81+90-1234-5678")
    expect(page.get_by_role("link", name="Nguyễn Văn Hùng")).to_be_visible()
