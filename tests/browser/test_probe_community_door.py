"""At the door, on a phone: the registrant's QR code read by the phone's own camera opens their ticket, where a
signed-in editor checks them in; the public form's consent sentence ticks its box when tapped, and a refused form
says at its top what to correct."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from diaspora.community.models import EventRegistration
from diaspora.extensions import db
from tests.browser.conftest import screenshot
from tests.browser.test_community_registration import _sign_in, register_at_the_event
from tests.conftest import make_user
from tests.outreach.factories import make_activity

pytestmark = pytest.mark.browser


def test_consent_sentence_ticks_the_box_and_problems_show_at_the_top(app, seeded, phone):
    app.config["REGISTER_MIN_FILL_SECONDS"] = 0
    phone.goto("/register")
    phone.fill("input[name=full_name]", "Nguyễn Thị Thu Hà")
    phone.select_option("select[name=country_code]", "DE")
    phone.fill("input[name=email]", "thuha@example.de")
    phone.get_by_role("button", name="Gửi đăng ký").click()
    problems = phone.locator("#form-problems")
    expect(problems).to_be_in_viewport()
    expect(problems).to_contain_text("đồng ý cho xử lý dữ liệu")
    screenshot(phone, "probe-community-register-problems-phone")
    problems.get_by_role("link").first.click()
    phone.locator("label[for=consent]").click()
    expect(phone.locator("input[name=consent]")).to_be_checked()


def test_an_editor_checks_in_from_the_ticket_the_camera_opened(app, seeded, phone, live_server):
    make_user("editor", email="can.bo@haiphong.example")
    activity = make_activity("Xuân Quê hương 2027", on=date.today(), activity_type="tet")
    activity_id = activity.id
    db.session.remove()
    _sign_in(phone)
    expect(phone).not_to_have_url(re.compile(r"/login"))
    phone.goto(f"/community/events/{activity_id}")
    register_at_the_event(app, phone, "Trần Văn Bình", "JP", phone="+81 90 5555 1234")
    ticket = phone.url  # what the registrant's QR code holds
    phone.goto(ticket)
    phone.get_by_role("button", name="Điểm danh Trần Văn Bình").click()
    expect(phone.locator(".alert-success")).to_contain_text("Đã điểm danh: Trần Văn Bình")
    screenshot(phone, "probe-community-checkin-from-ticket-phone")
    assert db.session.scalar(select(EventRegistration.checked_in_at)) is not None
    phone.goto(ticket)
    expect(phone.get_by_role("link", name="Về trang điểm danh")).to_be_visible()
