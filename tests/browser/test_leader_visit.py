"""Preparing a leader's visit to Japan: distributors, health experts, the meeting logged, the experts exported."""
import re
from datetime import timedelta

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.outreach.channels import create_channel
from diaspora.outreach.common import today
from diaspora.reference.models import Product
from diaspora.reference.products import seed_products
from diaspora.people import service as people
from diaspora.reference.models import Field
from diaspora.text import fold
from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"


def _field(key: str) -> int:
    return db.session.scalar(select(Field.id).where(Field.key == key))


def _person(name, country, *, title=None, fields=(), offers=(), email=None, city=None):
    return people.create_person({
        "full_name": name, "country_code": country, "city": city, "academic_title": title,
        "occupation": "Bác sĩ" if "health" in fields else None,
        "fields": [_field(key) for key in fields], "offers": list(offers),
        "contacts": [{"kind": "email", "value": email}] if email else [],
    })


def _japan_visit_records() -> dict:
    """Japanese doctors willing to help, a Tokyo importer of Thanh Hà lychee, and records that must not match."""
    seed_products()
    lychee = db.session.scalar(select(Product).where(Product.name_folded == fold("Vải thiều Thanh Hà")))
    fish_sauce = db.session.scalar(select(Product).where(Product.name_folded == fold("Nước mắm Cát Hải")))
    doctors = [
        _person("Nguyễn Thị Lan", "JP", title="BS.", fields=("health",), offers=("remote_advice", "visits"),
                email="lan.nguyen@example.jp", city="Tokyo"),
        _person("Trần Văn Minh", "JP", title="PGS. TS.", fields=("health", "education"), offers=("teaching",),
                email="minh.tran@example.jp", city="Osaka"),
        _person("Phạm Quang Huy", "JP", title="TS.", fields=("health",), offers=("investment",), city="Nagoya"),
    ]
    _person("Lê Thị Hoa", "KR", title="BS.", fields=("health",), offers=("visits",))
    _person("Đỗ Minh Tuấn", "JP", fields=("it",), offers=("remote_advice",))
    importer_owner = _person("Vũ Đức Thắng", "JP", fields=("business_trade",), city="Tokyo")
    association = Organisation(name="Hội người Việt Nam tại Nhật Bản",
                               name_folded=fold("Hội người Việt Nam tại Nhật Bản"), kind="association",
                               country_code="JP")
    db.session.add(association)
    db.session.commit()
    distributor = create_channel({
        "name": "Công ty TNHH Nhập khẩu Sao Mai Co., Ltd.", "country": "JP", "city": "Tokyo",
        "channel_type": "importer", "status": "partner", "person_id": importer_owner.id,
        "products": [{"product_id": lychee.id, "status": "distributing"},
                     {"product_id": fish_sauce.id, "status": "interested"}],
    })
    create_channel({
        "name": "Asia Markt Hồng Hà", "country": "DE", "city": "Berlin", "channel_type": "supermarket",
        "status": "contacted", "products": [{"product_id": lychee.id, "status": "interested"}],
    })
    records = {"doctors": [(person.id, person.full_name) for person in doctors], "distributor": distributor.name,
               "distributor_id": distributor.id, "association": association.name, "today": today()}
    # The live server writes next: this session must hold no SQLite lock.
    db.session.remove()
    return records


def _sign_in(page) -> None:
    make_user("editor", email="can.bo@haiphong.example")
    db.session.remove()
    page.goto("/login")
    page.fill("input[name=email]", "can.bo@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _pick(page, kind: str, typed: str, name: str) -> None:
    """Add a participant through the picker: choose the kind, type part of the name, click the suggestion."""
    picker = page.locator(".picker[data-mode=participants]")
    picker.locator(".picker-kind").select_option(kind)
    picker.locator(".picker-input").fill(typed)
    picker.locator(".picker-results button", has_text=name).click()
    expect(picker.locator(".participant-rows tr", has_text=name)).to_be_visible()


def test_preparing_a_leaders_visit_to_japan(seeded, page, tmp_path):
    data = _japan_visit_records()
    _sign_in(page)

    # 1. Who distributes the city's products in Japan: the channel list filtered by country...
    page.goto("/outreach/channels/")
    page.select_option("#country", "JP")
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"country=JP"))
    expect(page.get_by_role("link", name=data["distributor"])).to_be_visible()
    expect(page.get_by_text("Asia Markt Hồng Hà")).to_have_count(0)
    screenshot(page, "leader-visit-01-channels-japan")

    # ... and the products × countries matrix, whose cell leads to the same distributor.
    page.goto("/outreach/channels/matrix")
    cell = page.locator('a[title="Vải thiều Thanh Hà — Nhật Bản"]')
    expect(cell.locator(".badge.text-bg-success")).to_have_text("1")
    screenshot(page, "leader-visit-02-matrix")
    cell.click()
    expect(page).to_have_url(re.compile(r"country=JP"))
    expect(page.get_by_role("link", name=data["distributor"])).to_be_visible()
    expect(page.get_by_text("Asia Markt Hồng Hà")).to_have_count(0)
    screenshot(page, "leader-visit-03-matrix-cell-channels")

    # 2. Health experts living in Japan.
    page.goto("/outreach/experts")
    page.select_option("#field", "health")
    page.select_option("#country", "JP")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page).to_have_url(re.compile(r"field=health"))
    expect(page).to_have_url(re.compile(r"country=JP"))
    expect(page.get_by_text(re.compile(r"Tìm thấy 3 người"))).to_be_visible()
    for _id, name in data["doctors"]:
        expect(page.get_by_role("link", name=re.compile(name))).to_be_visible()
    for other in ("Lê Thị Hoa", "Đỗ Minh Tuấn", "Vũ Đức Thắng"):
        expect(page.get_by_text(other)).to_have_count(0)
    screenshot(page, "leader-visit-04-experts-health-japan")

    # 3. Export the experts list: an .xlsx with exactly these people.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất danh sách").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_index = next(index for index, row in enumerate(rows) if "Họ và tên" in row)
    name_column = rows[header_index].index("Họ và tên")
    exported = [row[name_column] for row in rows[header_index + 1:] if any(value is not None for value in row)]
    assert sorted(exported) == sorted(name for _id, name in data["doctors"])

    # 4. Log the meeting with the doctors and the association, through the participant picker.
    visit_day = data["today"] - timedelta(days=2)
    title = "Đoàn lãnh đạo thành phố làm việc với bác sĩ kiều bào tại Tokyo"
    page.goto("/outreach/activities/new")
    page.select_option("select[name=activity_type]", "leader_visit")
    page.fill("input[name=title]", title)
    page.fill("input[name=start_date]", visit_day.strftime("%d/%m/%Y"))
    page.select_option("select[name=country]", "JP")
    page.fill("input[name=city]", "Tokyo")
    page.fill("textarea[name=outcome]", "Thống nhất chương trình khám bệnh miễn phí tại Tiên Lãng.")
    page.fill("input[name=follow_up_date]", (data["today"] + timedelta(days=7)).strftime("%d/%m/%Y"))
    lan_id, lan = data["doctors"][0]
    minh = data["doctors"][1][1]
    _pick(page, "person", "thi lan", lan)
    _pick(page, "person", "tran van minh", minh)
    _pick(page, "organisation", "nguoi viet nhat", data["association"])
    page.locator(".participant-rows tr", has_text=lan).locator("input[name$=role]").fill("Trưởng nhóm bác sĩ")
    screenshot(page, "leader-visit-05-activity-form")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    for name in (lan, minh, data["association"]):
        expect(page.get_by_role("link", name=name).first).to_be_visible()
    expect(page.get_by_text("— Trưởng nhóm bác sĩ")).to_be_visible()
    screenshot(page, "leader-visit-06-activity")

    # 5. The meeting is on the doctor's timeline.
    page.goto(f"/people/{lan_id}")
    timeline = page.locator(".outreach-timeline")
    expect(timeline.get_by_role("link", name=title)).to_be_visible()
    expect(timeline.get_by_text(visit_day.strftime("%d/%m/%Y"))).to_be_visible()
    screenshot(page, "leader-visit-07-person-timeline")

    # 6. The meeting's participants exported from the activity page, in the attendance-list columns.
    page.get_by_role("link", name=title).first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất danh sách").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert _names(saved) == sorted([lan, minh])

    # 7. The attendance list the embassy sent back (one doctor already known, one new guest), imported
    # into the same activity from its page.
    attendance = tmp_path / "danh-sach-du-gap-mat.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH ĐẠI BIỂU DỰ BUỔI LÀM VIỆC"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Nước cư trú", "Email", "Tư cách tham dự"])
    sheet.append([1, lan, "Nhật Bản", "lan.nguyen@example.jp", "Trưởng nhóm bác sĩ"])
    sheet.append([2, "Hoàng Thị Mai", "Nhật Bản", "mai.hoang@example.jp", "Khách mời"])
    workbook.save(attendance)
    page.get_by_role("link", name="Nhập danh sách tham dự").click()
    expect(page.locator("select[name=kind]")).to_have_value("participants")
    page.set_input_files("input[name=file]", str(attendance))
    screenshot(page, "leader-visit-08-attendance-upload")
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_role("button", name="Tiếp: ghép cột").click()
    page.get_by_role("button", name="Tiếp: xem trước").click()
    expect(page.locator('[data-count="created"]')).to_have_text("1")
    screenshot(page, "leader-visit-09-attendance-preview")
    page.get_by_role("button", name=re.compile("Nhập: thêm 1")).click()
    expect(page.get_by_text("1 người được thêm vào danh sách tham dự")).to_be_visible()
    screenshot(page, "leader-visit-10-attendance-result")
    page.locator("#activity").get_by_role("link", name=title).click()
    expect(page.get_by_role("link", name="Hoàng Thị Mai")).to_be_visible()
    expect(page.get_by_text("— Khách mời")).to_be_visible()
    screenshot(page, "leader-visit-11-activity-with-guests")

    # 8. The Japanese channels exported from the channel list, for the delegation's folder.
    page.goto("/outreach/channels/?country=JP")
    screenshot(page, "leader-visit-12-channels-export")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất Excel").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert _names(saved, "Tên kênh") == [data["distributor"]]


def _names(path, column: str = "Họ và tên") -> list[str]:
    """The values of one column of an exported list, sorted."""
    rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(path).worksheets[0].iter_rows()]
    header_index = next(index for index, row in enumerate(rows) if column in row)
    position = rows[header_index].index(column)
    return sorted(row[position] for row in rows[header_index + 1:] if row[position] is not None)
