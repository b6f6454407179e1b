"""The Excel import wizard in headless Chromium: upload, mapping, preview, commit by the worker, undo."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.imports.test_fixture_files import FIXTURES

pytestmark = pytest.mark.browser


def sign_in(page, email):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "mật-khẩu-đủ-dài-1")
    page.get_by_role("button", name="Đăng nhập").click()


def test_import_a_libreoffice_list_and_undo_it(seeded, app, browser, live_server, worker):
    worker.start()  # the commit is a job: a worker process runs it, the result page follows its state
    with app.app_context():
        make_user("admin", "admin@haiphong.example")
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "admin@haiphong.example")

    page.get_by_role("link", name="Nhập Excel").click()
    page.get_by_role("link", name="Nhập tệp mới").click()
    page.set_input_files("input[name=file]", str(FIXTURES / "people_sheets.ods"))
    screenshot(page, "import-01-upload")
    page.get_by_role("button", name="Tải lên").click()

    expect(page.get_by_label("Danh sách")).to_be_checked()
    screenshot(page, "import-02-sheet")
    page.get_by_role("button", name="Tiếp: ghép cột").click()

    expect(page.get_by_role("cell", name="Họ và tên").first).to_be_visible()
    page.fill("input[name=save_as]", "Danh sách Nhật Bản (Sở Ngoại vụ)")
    screenshot(page, "import-03-mapping")
    page.get_by_role("button", name="Tiếp: xem trước").click()

    expect(page.locator('[data-count="created"]')).to_have_text("5")
    screenshot(page, "import-04-preview")
    page.get_by_role("button", name=re.compile("Nhập: thêm 5")).click()

    expect(page.locator('[data-count="created"]')).to_have_text("5")
    expect(page.get_by_text("Đã nhập", exact=True)).to_be_visible()
    screenshot(page, "import-05-result")

    # The same people again, from another file: every row is a duplicate, each says of whom and why.
    result_url = page.url
    page.goto("/imports/new")
    page.set_input_files("input[name=file]", str(FIXTURES / "people_cp1258.csv"))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Tiếp: ghép cột").click()
    page.get_by_role("button", name="Tiếp: xem trước").click()
    expect(page.locator('[data-count="duplicates"]')).to_have_text("5")
    expect(page.get_by_text("(trùng email, trùng số điện thoại, trùng họ tên + năm sinh + quốc gia)").first).to_be_visible()
    page.select_option("select[name=row_2]", "update")
    page.get_by_role("button", name="Lưu lựa chọn xử lý dòng trùng").click()
    expect(page.locator('[data-count="updated"]')).to_have_text("1")
    screenshot(page, "import-05b-duplicates")
    page.goto(result_url)

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hoàn tác lần nhập").click()
    expect(page.get_by_text(re.compile("xoá 5 hồ sơ thêm mới"))).to_be_visible()
    screenshot(page, "import-06-undone")
    page.goto("/imports/")
    expect(page.get_by_text("Đã hoàn tác")).to_be_visible()
    screenshot(page, "import-07-history")
