"""The pages' scripts under the Content-Security-Policy, in headless Chromium: contact rows, the person and
organisation pickers, the import form's activity field and the confirmations all work from static/app.js,
and no page logs an error or a policy violation."""
import re

import pytest
from playwright.sync_api import expect

from diaspora.organisations import service as organisations
from diaspora.people import service as people
from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser

# Collects what the policy blocks, in every document the page opens (before the page's own scripts run).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with its console errors and warnings and the policy's violations gathered for the test."""
    problems = []

    def console(message):
        # Chromium asks for a favicon the app has none of: that 404 says nothing about the pages.
        if message.type in ("error", "warning") and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console {message.type}: {message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    page.problems = problems
    return page


def _violations(page) -> list:
    return page.evaluate("window.__violations")


def test_scripts_work_and_nothing_is_blocked(app, seeded, watched):
    page = watched
    with app.app_context():
        make_user("editor", "editor@haiphong.example")
        person = people.create_person({"full_name": "Phạm Thị Thu", "country_code": "JP"})
        organisation = organisations.create_organisation({"name": "Hội người Việt tại Osaka", "kind": "association",
                                                          "country_code": "JP"})
        people.add_membership(person, {"organisation_id": organisation.id, "role": "hội viên"})
        person_id = person.id

    page.goto("/login")
    assert "script-src 'self'" in page.context.request.get("/login").headers["content-security-policy"]
    page.fill("input[name=email]", "editor@haiphong.example")
    page.fill("input[name=password]", "mật-khẩu-đủ-dài-1")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name="Kiều bào", exact=True)).to_be_visible()

    # A new person: a fourth contact row added by the script, filled and saved.
    page.goto("/people/new")
    rows = page.locator("#contact-rows .contact-row")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name=re.compile("Thêm dòng liên hệ")).click()
    expect(rows).to_have_count(4)
    page.fill("input[name=full_name]", "Đỗ Minh Quân")
    page.select_option("select[name=country_code]", "KR")
    page.select_option("select[name='contacts-3-kind']", "email")
    page.fill("input[name='contacts-3-value']", "quan@example.kr")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_role("link", name="quan@example.kr")).to_be_visible()
    assert _violations(page) == []

    # A confirmation asked by data-confirm: dismissed, nothing happens; accepted, the membership goes.
    page.goto(f"/people/{person_id}")
    membership = page.get_by_role("link", name="Hội người Việt tại Osaka")
    expect(membership).to_be_visible()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Bỏ", exact=True).click()
    expect(membership).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bỏ", exact=True).click()
    expect(membership).to_have_count(0)
    assert _violations(page) == []

    # An activity's participants, picked by typing a name: a person, then an organisation.
    page.goto("/outreach/activities/new")
    page.fill("input[name=title]", "Gặp mặt kiều bào tại Osaka")
    page.fill("input[name=start_date]", "15/02/2026")
    picker = page.locator(".picker[data-mode=participants]")
    picker.locator(".picker-input").fill("Phạm Thị")
    picker.get_by_role("button", name=re.compile("Phạm Thị Thu")).click()
    picker.locator(".picker-kind").select_option("organisation")
    picker.locator(".picker-input").fill("Osaka")
    picker.get_by_role("button", name=re.compile("Hội người Việt tại Osaka")).click()
    expect(picker.locator(".participant-rows tr")).to_have_count(2)
    expect(picker.locator(".participant-kind-label").last).to_have_text("Tổ chức")
    screenshot(page, "csp-01-activity-participants")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("link", name="Phạm Thị Thu")).to_be_visible()
    assert _violations(page) == []

    # A channel's owner, picked in a single picker.
    page.goto("/outreach/channels/new")
    owner = page.locator(".picker[data-mode=single]").first
    owner.locator(".picker-input").fill("Phạm")
    owner.get_by_role("button", name=re.compile("Phạm Thị Thu")).click()
    expect(owner.locator(".picker-chosen-text")).to_contain_text("Phạm Thị Thu")

    # The import form shows the activity field only for attendance lists.
    page.goto("/imports/new")
    activity_field = page.locator("#activity-field")
    expect(activity_field).to_be_hidden()
    page.select_option("select[name=kind]", "participants")
    expect(activity_field).to_be_visible()
    screenshot(page, "csp-02-import-form")
    assert _violations(page) == []

    # The dashboard draws its charts from its own script files.
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert _violations(page) == []
    assert page.problems == []
