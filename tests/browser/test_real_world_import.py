"""Real-world lists through the import wizard in headless Chromium, as a member of staff would."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.people.models import Person
from tests.browser.conftest import screenshot
from tests.browser.test_import_wizard import sign_in
from tests.conftest import make_user
from tests.imports.test_real_world_files import FIXTURES

pytestmark = pytest.mark.browser


def test_nam_nu_form_and_split_names_through_the_wizard(seeded, app, browser, live_server):
    with app.app_context():
        make_user("editor", "editor@haiphong.example")
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "editor@haiphong.example")
    for name, created in (("nam_nu_two_columns.xlsx", "4"), ("split_names.xls", "3")):
        page.goto("/imports/new")
        page.set_input_files("input[name=file]", str(FIXTURES / name))
        page.get_by_role("button", name="Tải lên").click()
        if "/sheet" in page.url:
            page.get_by_role("button", name="Tiếp: ghép cột").click()
        expect(page.get_by_role("button", name="Tiếp: xem trước")).to_be_visible()
        screenshot(page, f"real-world-{name.split('.')[0]}-mapping")
        page.get_by_role("button", name="Tiếp: xem trước").click()
        expect(page.locator('[data-count="created"]')).to_have_text(created)
        expect(page.locator('[data-count="errors"]')).to_have_text("0")
        screenshot(page, f"real-world-{name.split('.')[0]}-preview")
        page.get_by_role("button", name=f"Nhập: thêm {created}").click()
        expect(page.get_by_text("Đã nhập", exact=True)).to_be_visible()
    with app.app_context():
        found = {p.full_name: p.gender for p in db.session.scalars(select(Person))}
    assert found == {"Nguyễn Văn Hùng": "male", "Trần Thị Mai": "female", "Lê Văn Nam": "male",
                     "Phạm Thị Hoa": "female", "Hoàng Văn Long": "male", "Nguyễn Thị Thanh Mai": "female",
                     "Đoàn Nam": "male"}

    # A husband and wife on one row: the preview says where the second name goes before anything is written.
    page.goto("/imports/new")
    page.set_input_files("input[name=file]", str(FIXTURES / "couples.xlsx"))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Tiếp: ghép cột").click()
    page.get_by_role("button", name="Tiếp: xem trước").click()
    expect(page.get_by_text("Dòng có hai họ tên: đã nhập “Thân Văn Tài”; “Thái Thị Uyên”")).to_be_visible()
    screenshot(page, "real-world-couples-preview")
    page.get_by_role("button", name="Nhập: thêm 1").click()
    expect(page.get_by_text("Dòng có hai họ tên", exact=False)).to_be_visible()
    screenshot(page, "real-world-couples-result")
