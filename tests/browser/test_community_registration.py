"""A member of the community registers on a phone and gets a code; staff accept the submission into the register;
on the day of an event a registrant shows their QR code and is checked in on a phone (the manual entry of the scan
page, as headless Chromium has no camera)."""
import re
import time
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from diaspora.community.models import EventRegistration, Submission
from diaspora.extensions import db
from diaspora.outreach.models import ActivityParticipant
from diaspora.people.models import Person
from tests.browser.conftest import PHONE, screenshot
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_person

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"


def register_at_the_event(app, page, name: str, country: str, **contacts) -> None:
    """From an event's registration settings: open registration, then register on its public link as a guest
    (the form's time check off), and wait for the code."""
    page.get_by_role("button", name="Lưu").click()
    link = page.locator("#public-link").inner_text()
    app.config["REGISTER_MIN_FILL_SECONDS"] = 0
    page.goto(link)
    page.fill("input[name=full_name]", name)
    page.select_option("select[name=country_code]", country)
    for field, value in contacts.items():
        page.fill(f"input[name={field}]", value)
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Đăng ký tham dự").click()
    expect(page.locator("#registration-code")).to_be_visible()


def _sign_in(page) -> None:
    page.goto("/login")
    page.fill("input[name=email]", "can.bo@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_register_on_a_phone_then_staff_accept(app, seeded, phone):
    app.config["REGISTER_MIN_FILL_SECONDS"] = 1
    make_user("editor", email="can.bo@haiphong.example")
    db.session.remove()
    phone.goto("/register")
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_role("link", name="Tiếng Việt").first.click()
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    phone.fill("input[name=full_name]", "Nguyễn Thị Thu Hà")
    phone.get_by_label("Nữ").check()
    phone.fill("input[name=birth_year]", "1985")
    phone.select_option("select[name=country_code]", "DE")
    phone.fill("input[name=city]", "Berlin")
    phone.fill("input[name=phone]", "+49 151 23456789")
    phone.fill("input[name=email]", "thuha@example.de")
    phone.fill("input[name=occupation]", "Kỹ sư")
    phone.get_by_label("Tư vấn từ xa").check()
    screenshot(phone, "community-register-form-phone")
    expect(phone.locator("input[name=website]")).not_to_be_in_viewport()
    phone.get_by_role("button", name="Gửi đăng ký").click()
    expect(phone.locator("#consent-text .invalid-feedback")).to_be_visible()  # no consent, nothing sent
    phone.locator("input[name=consent]").check()
    time.sleep(1.1)
    phone.get_by_role("button", name="Gửi đăng ký").click()
    expect(phone.locator("#reference-code")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    code = phone.locator("#reference-code").inner_text()
    screenshot(phone, "community-register-phone")
    assert db.session.scalar(select(Submission.reference_code)) == code
    assert db.session.scalar(select(Person.id)) is None  # nothing in the register yet
    db.session.remove()

    _sign_in(phone)
    phone.goto("/community/submissions/")
    phone.get_by_role("link", name=code).click()
    phone.get_by_role("button", name="Nhận thành hồ sơ mới").click()
    expect(phone.locator("h1")).to_contain_text("Nguyễn Thị Thu Hà")
    person = db.session.scalar(select(Person))
    assert (person.consent_status, person.city, person.source) == ("given", "Berlin", "Đăng ký trực tuyến")


def test_check_in_at_the_door_on_a_phone(app, seeded, phone):
    make_user("editor", email="can.bo@haiphong.example")
    guest = make_person("Trần Văn Bình", "JP", email="binh.tran@example.jp")
    activity = make_activity("Xuân Quê hương 2027", on=date.today(), activity_type="tet")
    activity_id, guest_id = activity.id, guest.id
    db.session.remove()
    _sign_in(phone)
    phone.goto(f"/outreach/activities/{activity_id}")
    phone.get_by_role("link", name="Mở đăng ký").click()
    register_at_the_event(app, phone, "Trần Văn Bình", "JP", email="binh.tran@example.jp")
    expect(phone.locator("img.community-qr")).to_be_visible()
    code = phone.locator("#registration-code").inner_text()
    screenshot(phone, "community-event-ticket-phone")

    phone.goto(f"/community/events/{activity_id}/scan")
    expect(phone.locator("[data-scanner-unsupported]")).to_be_visible()  # no camera here: the code is typed
    phone.fill("input[name=code]", code)
    phone.get_by_role("button", name="Điểm danh").click()
    expect(phone.locator(".alert-success")).to_contain_text("Trần Văn Bình")
    phone.goto(f"/community/events/{activity_id}/checkin?q=tran van binh")
    expect(phone.locator("#checkin-results")).to_contain_text("đã đến")
    screenshot(phone, "community-checkin-phone")
    assert db.session.scalar(select(EventRegistration.checked_in_at)) is not None
    assert db.session.scalar(select(ActivityParticipant.person_id)) == guest_id
