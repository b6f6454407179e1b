"""The API's documentation page in headless Chromium: Swagger UI served by the app itself draws every
operation of the OpenAPI document under the Content-Security-Policy; a token is made on its page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_scripts_under_csp import RECORD_VIOLATIONS
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_the_documentation_page_draws_the_api_and_a_token_is_shown_once(app, page):
    with app.app_context():
        make_user("editor", "editor@haiphong.example")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/login")
    page.fill("input[name=email]", "editor@haiphong.example")
    page.fill("input[name=password]", "mật-khẩu-đủ-dài-1")
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/people/{person_id}").first).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() >= 20
    screenshot(page, "api-docs")
    assert all(url.startswith(page.context.pages[0].url.split("/api/")[0]) or url.startswith("data:")
               for url in requests), "the page loaded something from elsewhere"
    script_violations = [v for v in page.evaluate("window.__violations") if v.startswith("script")]
    assert script_violations == []

    page.goto("/api/tokens")
    page.fill("input[name=name]", "Bản tin hằng tháng")
    page.get_by_role("button", name="Tạo mã").click()
    secret = page.get_by_test_id("new-token").inner_text()
    assert re.fullmatch(r"kbhp_[\w-]{40,}", secret)
    screenshot(page, "api-tokens")
    page.goto("/api/tokens")
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_text("Bản tin hằng tháng")).to_be_visible()
