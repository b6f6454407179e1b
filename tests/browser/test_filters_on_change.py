"""Filters on lists apply as soon as they are chosen: choosing a country on the people list, or a status on
the channels list, reloads the list filtered (the URL holds the filter), without pressing the button."""
import re

import pytest
from playwright.sync_api import expect

from diaspora.people import service as people
from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def _only_filters_in_use(url: str) -> None:
    """The URL keeps only the filters in use: no empty parameter."""
    query = url.split("?", 1)[1]
    assert all(part.split("=", 1)[1] for part in query.split("&")), url


def test_choosing_a_filter_applies_it(app, seeded, page):
    with app.app_context():
        make_user("viewer", "viewer@haiphong.example")
        people.create_person({"full_name": "Phạm Thị Thu", "country_code": "JP"})
        people.create_person({"full_name": "Đỗ Văn Long", "country_code": "DE"})

    page.goto("/login")
    page.fill("input[name=email]", "viewer@haiphong.example")
    page.fill("input[name=password]", "mật-khẩu-đủ-dài-1")
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto("/people/")
    table = page.locator("#people-table")
    expect(table).to_contain_text("Phạm Thị Thu")
    expect(table).to_contain_text("Đỗ Văn Long")
    page.locator("#people-filters select[name=country]").select_option("DE")
    page.wait_for_url(re.compile(r"/people/\?.*country=DE"))
    _only_filters_in_use(page.url)
    expect(page.locator("#people-table")).to_contain_text("Đỗ Văn Long")
    expect(page.locator("#people-table")).not_to_contain_text("Phạm Thị Thu")
    expect(page.locator("#people-filters select[name=country]")).to_have_value("DE")
    screenshot(page, "people-filtered-on-change")

    # Typed words wait for Enter or the button: typing alone reloads nothing.
    page.fill("#people-filters input[name=q]", "Long")
    page.wait_for_timeout(300)
    assert "q=" not in page.url
    page.locator("#people-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/\?q=Long&.*country=DE"))
    _only_filters_in_use(page.url)
    expect(page.locator("#people-table")).to_contain_text("Đỗ Văn Long")

    page.goto("/outreach/channels")
    page.locator("select#status").select_option("partner")
    page.wait_for_url(re.compile(r"status=partner"))
    expect(page.locator("select#status")).to_have_value("partner")
