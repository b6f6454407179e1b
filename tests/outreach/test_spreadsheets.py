"""Channels and attendance lists through the shared spreadsheet pipeline: templates, export, import
(office files with title rows, Vietnamese headers, legacy fonts), duplicates, round trips, undo."""
import io
import json

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.batches.kinds import UndoRefused
from diaspora.imports.kinds import kind_of
from diaspora.imports.running import import_file
from diaspora.imports.undo import undo_batch
from diaspora.outreach.activities import create_activity, delete_activity
from diaspora.outreach.channels import ChannelQuery, channel_values, update_channel
from diaspora.outreach.exports import export_channels, export_participants
from diaspora.outreach.models import (
    ActivityParticipant,
    ChannelStatusChange,
    DistributionChannel,
)
from diaspora.reference.models import Product
from diaspora.reference.products import seed_products
from diaspora.outreach.columns import CHANNELS
from diaspora.people.models import Person
from diaspora.people.privacy import restrict_processing
from diaspora.text import _tcvn3_table
from tests.conftest import make_user
from tests.exports.test_round_trip import libreoffice_convert, needs_libreoffice
from tests.exports.test_views import _sign_in, download
from tests.outreach.factories import make_channel, make_person

HEADER_ROW = 4  # below two title lines and a blank line
_TO_TCVN3 = {letter: code for code, letter in _tcvn3_table().items()}


def tcvn3(text: str) -> str:
    """Text as a .VnTime document stores it (lower-case toned letters; capitals unmarked in these tests)."""
    return "".join(_TO_TCVN3.get(letter, letter) for letter in text)


@pytest.fixture
def catalogue(seeded):
    seed_products()
    return seeded


def product_id(name: str) -> int:
    return db.session.scalar(select(Product.id).where(Product.name == name))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def office_workbook(path, headers, rows, *, font=None):
    """A list as an office sends it: two title lines, a blank line, STT, the table, a signature below."""
    workbook = xlsxwriter.Workbook(str(path))
    cell = workbook.add_format({"font_name": font} if font else {})
    sheet = workbook.add_worksheet("Danh sách")
    sheet.write_string(0, 0, "UBND THÀNH PHỐ HẢI PHÒNG" if not font else tcvn3("UBND THÀNH PHỐ HẢI PHÒNG"), cell)
    sheet.write_string(1, 0, "DANH SÁCH KÊNH PHÂN PHỐI NÔNG SẢN" if not font else "DANH S¸CH", cell)
    sheet.write_row(3, 0, ["STT", *headers], cell)
    for number, values in enumerate(rows, start=1):
        sheet.write_number(3 + number, 0, number)
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.write(3 + number, column, value, cell)
    sheet.write_string(5 + len(rows), 3, "Người lập biểu", cell)
    workbook.close()
    return path


def import_channels(path, **options):
    return import_file(path, kind=kind_of("channels"), **options)


# --- templates ------------------------------------------------------------------------------------------

def test_channel_and_participant_templates_come_from_their_declarations(catalogue, client, login):
    _sign_in(login, "editor")
    response = download(client, "/exports/templates/channels.xlsx")
    assert response.status_code == 200
    assert "mau-nhap-kenh-phan-phoi.xlsx" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    data = workbook.worksheets[0]
    assert data.title == "Kênh phân phối"
    headers = [cell.value for cell in data[1]]
    assert headers[:4] == ["ID", "Tên kênh *", "Loại kênh", "Quốc gia *"]
    assert "Sản phẩm đang phân phối" in headers and "Người phụ trách" in headers
    lists = workbook["Danh mục"]
    listed = {value for row in lists.iter_rows(values_only=True) for value in row if value}
    assert {"Vải thiều Thanh Hà", "Siêu thị", "Đối tác", "Nhật Bản"} <= listed

    response = download(client, "/exports/templates/participants.xlsx")
    headers = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0][1]]
    assert headers[1] == "Họ và tên *" and headers[-2:] == ["Vai trò trong hoạt động", "Ghi chú tham dự"]


# --- importing channels ------------------------------------------------------------------------------------

CHANNEL_HEADERS = ["Tên cửa hàng", "Loại hình", "Nước sở tại", "Thành phố", "Mặt hàng đang bán",
                   "Sản phẩm quan tâm", "Người phụ trách", "Công ty", "SĐT", "Email", "Website", "Tình trạng"]


def test_an_office_list_of_channels_is_imported_with_its_products_people_and_organisations(catalogue, tmp_path):
    owner = make_person("Nguyễn Văn Hùng", "JP")
    path = office_workbook(tmp_path / "kenh.xlsx", CHANNEL_HEADERS, [
        ["Siêu thị Á Đông", "siêu thị", "Đức", "Berlin", "Vải thiều Thanh Hà; Gốm Chu Đậu", None, None,
         "Công ty Á Đông GmbH", "030 1234567", "info@adong.de", "adong.de", "tiềm năng"],
        ["Cửa hàng Sen Việt", "Tạp hóa", "Nhật Bản", "Tokyo", "Vải thiều", "Bánh đậu xanh Hải Dương",
         "Nguyễn Văn Hùng", None, 312345678, None, None, "Đối tác"],
    ])
    outcome = import_channels(path)
    assert (outcome["created"], outcome["errors"]) == (2, [])
    berlin, tokyo = (db.session.scalar(select(DistributionChannel).where(DistributionChannel.city == city))
                     for city in ("Berlin", "Tokyo"))
    assert (berlin.channel_type, berlin.country_code, berlin.status) == ("supermarket", "DE", "potential")
    assert (berlin.phone, berlin.website, berlin.organisation.name) == ("+49301234567", "https://adong.de",
                                                                        "Công ty Á Đông GmbH")
    assert {(link.product.name, link.status) for link in berlin.products} == {
        ("Vải thiều Thanh Hà", "distributing"), ("Gốm Chu Đậu", "distributing")}
    assert (tokyo.channel_type, tokyo.status, tokyo.person_id, tokyo.phone) == ("shop", "partner", owner.id,
                                                                                 "+81312345678")
    assert {(link.product.name, link.status) for link in tokyo.products} == {
        ("Vải thiều Thanh Hà", "distributing"), ("Bánh đậu xanh Hải Dương", "interested")}
    assert [step.to_status for step in tokyo.status_changes] == ["partner"]


def test_channel_rows_with_problems_name_row_column_and_cause_and_the_others_are_imported(catalogue, tmp_path):
    make_person("Trần Văn Nam", "JP")
    make_person("Trần Văn Nam", "KR")
    path = office_workbook(tmp_path / "kenh.xlsx", CHANNEL_HEADERS, [
        ["Cửa hàng A", "xyz", "Nhật Bản", None, "Sầu riêng Thái", None, None, None, None, None, None, None],
        ["Cửa hàng B", None, "Không rõ", None, None, None, "Người Không Có", None, None, "khong-phai-email", None,
         None],
        ["Cửa hàng C", None, "Nhật Bản", None, None, None, "Trần Văn Nam", None, None, None, None, None],
        ["Cửa hàng D", None, "Hàn Quốc", None, None, None, "Trần Văn Nam", None, None, None, None, None],
        [None, None, "Nhật Bản", None, None, None, None, None, None, None, None, None],
    ])
    outcome = import_channels(path)
    problems = {(error["row"], error["column"]) for error in outcome["errors"]}
    assert problems == {(6, "Nước sở tại"), (6, "Email"), (9, "Tên cửa hàng")}
    # Two people share the name: the one in the channel's own country is meant.
    assert outcome["created"] == 3
    # A type in words no type is known by keeps the channel: the words go to its notes.
    channel_a = db.session.scalar(select(DistributionChannel).where(DistributionChannel.name == "Cửa hàng A"))
    assert (channel_a.channel_type, "Loại hình: xyz" in channel_a.notes) == ("other", True)
    channel_d = db.session.scalar(select(DistributionChannel).where(DistributionChannel.name == "Cửa hàng D"))
    assert channel_d.person.country_code == "KR"


def test_products_outside_the_catalogue_are_kept_in_the_notes_and_commas_separate_names(catalogue, tmp_path):
    path = office_workbook(tmp_path / "kenh.xlsx", ["Tên kênh", "Quốc gia", "Sản phẩm phân phối", "Sản phẩm quan tâm"],
                           [["Tạp hóa Hà Nội", "Séc", "Vải thiều, Sầu riêng Thái; Nước mắm Cát Hải",
                             "Dưa lê, dưa thơm Tân Minh Đức"]])
    outcome = import_channels(path)
    assert (outcome["created"], outcome["errors"]) == (1, [])
    assert "Sầu riêng Thái" in outcome["notes"][0]["message"]
    channel = db.session.scalar(select(DistributionChannel))
    assert {(link.product.name, link.status) for link in channel.products} == {
        ("Vải thiều Thanh Hà", "distributing"), ("Nước mắm Cát Hải", "distributing"),
        ("Dưa lê, dưa thơm Tân Minh Đức", "interested")}
    assert channel.notes == "Sản phẩm đang phân phối: Sầu riêng Thái"


def test_a_person_in_charge_not_found_or_ambiguous_is_kept_in_the_notes_not_lost(catalogue, tmp_path):
    first = make_person("Lê Thị Hoa", "DE")
    make_person("Lê Thị Hoa", "DE")
    path = office_workbook(tmp_path / "kenh.xlsx", ["Tên kênh", "Quốc gia", "Người phụ trách", "Ghi chú"], [
        ["Kênh 1", "Đức", "Lê Thị Hoa", None],  # two records of that name in Germany: which one?
        ["Kênh 2", "Đức", f"Lê Thị Hoa (ID {first.id})", None],
        ["Kênh 3", "Đức", "Bà Tư Bán Bánh", "Khách quen"],  # nobody of that name in the register
    ])
    outcome = import_channels(path)
    assert (outcome["created"], outcome["errors"]) == (3, [])
    notes = {note["row"]: note["message"] for note in outcome["notes"]}
    assert set(notes) == {5, 7} and "ghi kèm ID" in notes[5] and "Bà Tư Bán Bánh" in notes[7]
    channels = {channel.name: channel for channel in db.session.scalars(select(DistributionChannel))}
    assert (channels["Kênh 1"].person_id, channels["Kênh 1"].notes) == (None, "Người phụ trách: Lê Thị Hoa")
    assert channels["Kênh 2"].person_id == first.id
    assert channels["Kênh 3"].notes == "Khách quen\nNgười phụ trách: Bà Tư Bán Bánh"
    again = import_channels(path, on_duplicate="update")  # the same file again: the note is not repeated
    assert again["unchanged"] == 3


def test_a_channel_list_typed_in_the_tcvn3_font_is_read_as_unicode(catalogue, tmp_path):
    path = office_workbook(tmp_path / "kenh-vntime.xlsx", [tcvn3(h) for h in ("Tên kênh", "Quốc gia", "Thành phố",
                                                                             "Sản phẩm", "Ghi chú")], [
        [tcvn3("Cửa hàng thực phẩm Việt"), tcvn3("Séc"), "Praha", tcvn3("Vải thiều Thanh Hà"),
         tcvn3("Bán hàng cho cộng đồng người Việt")],
    ], font=".VnTime")
    outcome = import_channels(path)
    assert outcome["created"] == 1, outcome
    channel = db.session.scalar(select(DistributionChannel))
    assert (channel.name, channel.country_code, channel.notes) == (
        "Cửa hàng thực phẩm Việt", "CZ", "Bán hàng cho cộng đồng người Việt")
    assert [link.product.name for link in channel.products] == ["Vải thiều Thanh Hà"]


def test_channel_duplicates_against_the_register_and_inside_the_file(catalogue, tmp_path):
    make_channel("Siêu thị Việt Mart", "JP", city="Tokyo")
    path = office_workbook(tmp_path / "kenh.xlsx", ["Tên kênh", "Quốc gia", "Email"], [
        ["SIÊU THỊ VIỆT MART", "Nhật Bản", None],  # the same name in the same country
        ["Việt Mart", "Hàn Quốc", "a@vietmart.kr"],
        ["Việt Mart Seoul", "Hàn Quốc", "A@vietmart.kr"],  # the same email as the row above
        ["Siêu thị Việt Mart", "Đức", None],  # the same name elsewhere: another channel
    ])
    outcome = import_channels(path)
    duplicates = {item["row"]: item["matches"] for item in outcome["duplicates"]}
    assert set(duplicates) == {5, 7}
    assert duplicates[5][0]["reason"] == "trùng tên kênh + quốc gia" and "channel_id" in duplicates[5][0]
    assert duplicates[7] == [{"row": 6, "reason": "trùng email"}]
    assert (outcome["created"], outcome["skipped"]) == (2, 2)


# --- export, round trip, undo -----------------------------------------------------------------------------------

def test_channel_export_edited_and_imported_updates_field_by_field_and_undo_restores(catalogue, tmp_path):
    admin = make_user("admin")
    lychee, pottery = product_id("Vải thiều Thanh Hà"), product_id("Gốm Chu Đậu")
    owner = make_person("Phạm Văn Long", "FR")
    kept = make_channel("Épicerie Hải Phòng", "FR", city="Paris", person=owner,
                        products=[(db.session.get(Product, lychee), "interested")])
    other = make_channel("Tạp hóa Minh", "PL", city="Warszawa", status="contacted")
    path = tmp_path / "kenh.xlsx"
    assert export_channels(ChannelQuery(), path, user=admin) == 2
    sheet = openpyxl.load_workbook(path).worksheets[0]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)}
    assert sheet.cell(rows[kept.id], headers.index("Người phụ trách") + 1).value == f"Phạm Văn Long (ID {owner.id})"

    assert import_channels(path)["unchanged"] == 2  # an unedited export changes nothing
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet.cell(rows[kept.id], headers.index("Sản phẩm đang phân phối") + 1).value = "Gốm Chu Đậu"
    sheet.cell(rows[kept.id], headers.index("Trạng thái") + 1).value = "Đối tác"
    sheet.cell(rows[kept.id], headers.index("Thành phố") + 1).value = None  # empty cells never erase
    sheet.cell(sheet.max_row + 1, 2).value = "Nhà hàng Mới"
    sheet.cell(sheet.max_row, 4).value = "Pháp"
    workbook.save(path)
    outcome = import_channels(path, user=admin)
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (1, 1, 1)
    db.session.expire_all()
    channel = db.session.get(DistributionChannel, kept.id)
    assert (channel.status, channel.city, channel.version) == ("partner", "Paris", 2)
    assert {(link.product_id, link.status) for link in channel.products} == {(lychee, "interested"),
                                                                            (pottery, "distributing")}
    assert [step.to_status for step in channel.status_changes] == ["partner", "potential"]
    assert db.session.get(DistributionChannel, other.id).version == 1

    result = undo_batch(outcome["batch_id"], admin)
    assert (result["removed"], result["restored"]) == (1, 1)
    db.session.expire_all()
    channel = db.session.get(DistributionChannel, kept.id)
    assert (channel.status, channel.version) == ("potential", 3)
    assert {link.product_id for link in channel.products} == {lychee}
    assert [step.to_status for step in channel.status_changes] == ["potential"]
    assert count(DistributionChannel) == 2 and count(ChannelStatusChange) == 2


def test_a_channel_export_names_no_restricted_person_in_charge_and_reimports_unchanged(catalogue, tmp_path):
    admin = make_user("admin")
    owner = make_person("Phạm Văn Long", "FR")
    make_channel("Épicerie Hải Phòng", "FR", city="Paris", person=owner)
    assert restrict_processing(owner, "Yêu cầu hạn chế xử lý", by=admin)
    db.session.commit()
    path = tmp_path / "kenh.xlsx"
    assert export_channels(ChannelQuery(), path, user=admin) == 1
    sheet = openpyxl.load_workbook(path).worksheets[0]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert sheet.cell(HEADER_ROW + 1, headers.index("Người phụ trách") + 1).value == f"(ID {owner.id})"
    assert not any("Long" in str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    outcome = import_channels(path, user=admin)
    assert (outcome["unchanged"], outcome["updated"]) == (1, 0)


def test_undo_of_a_channel_import_is_refused_when_a_channel_was_edited_since(catalogue, tmp_path):
    path = office_workbook(tmp_path / "kenh.xlsx", ["Tên kênh", "Quốc gia"], [["Kênh Mới", "Úc"]])
    outcome = import_channels(path)
    channel = db.session.scalar(select(DistributionChannel))
    update_channel(channel, {**channel_values(channel), "name": "Kênh Mới (sửa)", "country": "AU",
                             "channel_type": "shop"})
    with pytest.raises(UndoRefused) as refused:
        undo_batch(outcome["batch_id"])
    assert refused.value.records == [(5, channel.id, "Kênh Mới (sửa)")]
    assert count(DistributionChannel) == 1


@needs_libreoffice
def test_a_channel_export_saved_by_libreoffice_imports_unchanged(catalogue, tmp_path):
    make_channel("Cửa hàng Sen Việt", "JP", city="Tokyo",
                 products=[(db.session.get(Product, product_id("Vải thiều Thanh Hà")), "distributing")])
    path = tmp_path / "kenh.xlsx"
    export_channels(ChannelQuery(), path)
    saved = libreoffice_convert(path, "ods", tmp_path)
    outcome = import_channels(saved)
    assert (outcome["unchanged"], outcome["errors"], outcome["created"]) == (1, [], 0)


# --- attendance lists ----------------------------------------------------------------------------------------

def _activity():
    from datetime import date

    return create_activity({"activity_type": "tet", "title": "Gặp mặt Tết Bính Ngọ 2026 tại Tokyo",
                            "start_date": date(2026, 2, 1), "country": "JP"})


def test_an_attendance_list_adds_found_and_new_people_to_the_activity_and_undo_takes_them_out(catalogue, tmp_path):
    activity = _activity()
    known = make_person("Nguyễn Văn Hùng", "JP", email="hung@example.jp")
    path = office_workbook(tmp_path / "tet.xlsx", ["Họ và tên", "Nước cư trú", "Email", "Tư cách tham dự"], [
        ["Nguyễn Văn Hùng", "Nhật Bản", "hung@example.jp", "Đại biểu"],  # in the register: linked, not changed
        ["Đỗ Thị Lan", "Nhật Bản", "lan@example.jp", "Khách mời"],  # new: created and linked
        ["Đỗ Thị Lan", "Nhật Bản", "lan@example.jp", None],  # listed twice: linked once
        [None, "Nhật Bản", None, None],  # an error: nobody linked
    ])
    outcome = import_file(path, kind=kind_of("participants"), activity_id=activity.id)
    assert (outcome["created"], outcome["skipped"], outcome["participants_added"]) == (1, 2, 2)
    assert [error["row"] for error in outcome["errors"]] == [8]
    links = {link.person.full_name: link.role for link in db.session.scalars(
        select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id))}
    assert links == {"Nguyễn Văn Hùng": "Đại biểu", "Đỗ Thị Lan": "Khách mời"}
    assert db.session.get(Person, known.id).version == 1

    again = import_file(path, kind=kind_of("participants"), activity_id=activity.id)
    assert again["participants_added"] == 0  # everyone is on the list already

    undo_batch(again["batch_id"])
    result = undo_batch(outcome["batch_id"])
    assert (result["removed"], result["participants_removed"]) == (1, 2)
    assert count(ActivityParticipant) == 0 and count(Person) == 1


def test_participants_export_lists_the_people_with_their_part_and_reimports_as_unchanged(catalogue, tmp_path):
    activity = _activity()
    people = [make_person("Nguyễn Văn Hùng", "JP"), make_person("An Thị Bình", "JP")]
    for person, role in zip(people, ("Trưởng đoàn", None)):
        db.session.add(ActivityParticipant(activity_id=activity.id, person_id=person.id, role=role))
    db.session.commit()
    path = tmp_path / "tham-du.xlsx"
    assert export_participants(activity, path) == 2
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert "Gặp mặt Tết Bính Ngọ 2026 tại Tokyo" in sheet["A1"].value
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    rows = [dict(zip(headers, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    assert [(row["Họ và tên"], row["Vai trò trong hoạt động"]) for row in rows] == [
        ("An Thị Bình", None), ("Nguyễn Văn Hùng", "Trưởng đoàn")]
    outcome = import_file(path, kind=kind_of("participants"), activity_id=activity.id)
    assert (outcome["unchanged"], outcome["participants_added"], outcome["errors"]) == (2, 0, [])


# --- command line and pages --------------------------------------------------------------------------------

def test_command_line_imports_and_exports_channels_and_participants(catalogue, runner, tmp_path):
    activity = _activity()
    path = office_workbook(tmp_path / "kenh.xlsx", ["Tên kênh", "Quốc gia"], [["Kênh Một", "Nhật Bản"]])
    result = runner.invoke(args=["import-channels", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 1
    result = runner.invoke(args=["export-channels", str(tmp_path / "ra.csv"), "--country", "Nhật Bản"])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "1"
    assert "Kênh Một" in (tmp_path / "ra.csv").read_text(encoding="utf-8-sig")

    people = office_workbook(tmp_path / "tet.xlsx", ["Họ tên", "Quốc gia"], [["Lý Văn Tâm", "Nhật Bản"]])
    result = runner.invoke(args=["import-participants", str(people), "--activity", str(activity.id)])
    assert result.exit_code == 0, result.output
    assert "Thêm 1 người vào danh sách tham dự" in result.output
    result = runner.invoke(args=["import-participants", str(people), "--activity", "999"])
    assert result.exit_code != 0 and "999" in result.output
    result = runner.invoke(args=["export-participants", str(tmp_path / "tet-ra.xlsx"), "--activity", str(activity.id)])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "1"


def test_channel_and_participant_exports_need_an_editor(catalogue, client, login):
    activity = _activity()
    make_channel("Kênh Một", "JP")
    _sign_in(login, "viewer")
    assert client.get("/exports/channels.xlsx").status_code == 403
    assert client.get(f"/exports/activities/{activity.id}/participants.xlsx").status_code == 403
    _sign_in(login, "editor")
    response = download(client, "/exports/channels.xlsx?country=JP")
    assert response.status_code == 200 and "kenh-phan-phoi-JP" in response.headers["Content-Disposition"]
    assert client.get("/exports/channels.csv?deleted=1").status_code == 403
    response = download(client, f"/exports/activities/{activity.id}/participants.csv")
    assert response.status_code == 200 and f"tham-du-{activity.id}-gap-mat-tet" in response.headers[
        "Content-Disposition"]
    assert client.get("/exports/activities/999/participants.xlsx").status_code == 404


def test_the_wizard_imports_an_attendance_list_into_the_chosen_activity(catalogue, client, login, tmp_path):
    activity = _activity()
    login("editor")
    page = client.get(f"/imports/new?kind=participants&activity={activity.id}")
    assert "Danh sách tham dự hoạt động" in page.text and activity.title in page.text
    path = office_workbook(tmp_path / "tet.xlsx", ["Họ tên", "Quốc gia"], [["Lý Văn Tâm", "Nhật Bản"]])
    response = client.post("/imports/new", data={"kind": "participants", "activity": "",
                                                 "file": (path.open("rb"), "tet.xlsx")})
    assert response.status_code == 422 and "Hãy chọn hoạt động" in response.text
    response = client.post("/imports/new", data={"kind": "participants", "activity": str(activity.id),
                                                 "file": (path.open("rb"), "tet.xlsx")})
    batch_id = int(response.headers["Location"].split("/")[-2])
    client.post(f"/imports/{batch_id}/sheet", data={"sheet": "Danh sách"})
    preview = client.get(f"/imports/{batch_id}/preview")
    assert "Lý Văn Tâm" in preview.text
    client.post(f"/imports/{batch_id}/commit")
    result = client.get(f"/imports/{batch_id}")
    assert "1 người được thêm vào danh sách tham dự" in result.text
    assert [link.person.full_name for link in db.session.get(type(activity), activity.id).participants] == [
        "Lý Văn Tâm"]


def test_the_wizard_imports_channels_and_links_duplicates_to_channel_pages(catalogue, client, login, tmp_path):
    existing = make_channel("Siêu thị Việt Mart", "JP")
    login("editor")
    path = office_workbook(tmp_path / "kenh.xlsx", ["Tên kênh", "Quốc gia"], [["Siêu thị Việt Mart", "Nhật Bản"],
                                                                             ["Kênh Mới", "Nhật Bản"]])
    response = client.post("/imports/new", data={"kind": "channels", "file": (path.open("rb"), "kenh.xlsx")})
    batch_id = int(response.headers["Location"].split("/")[-2])
    client.post(f"/imports/{batch_id}/sheet", data={"sheet": "Danh sách"})
    preview = client.get(f"/imports/{batch_id}/preview")
    assert f"/outreach/channels/{existing.id}" in preview.text and "trùng tên kênh + quốc gia" in preview.text
    client.post(f"/imports/{batch_id}/commit")
    assert count(DistributionChannel) == 2
    assert "Kênh phân phối" in client.get("/imports/").text


@pytest.mark.parametrize("written, code", [
    ("Siêu thị mini châu Á", "supermarket"), ("Cửa hàng tạp hóa Việt", "shop"), ("Nhà hàng Phở", "restaurant"),
    ("Công ty nhập khẩu thực phẩm", "importer"), ("Đại lý phân phối", "wholesaler"), ("Website bán hàng", "ecommerce"),
    ("Hội chợ Tết", "fair"), ("Nhà phân phối bán buôn", "wholesaler"), ("Sàn / cửa hàng trực tuyến", "ecommerce"),
    ("Importer", "importer"), ("KHÁC", "other"),
])
def test_channel_types_are_read_as_staff_write_them(app, written, code):
    assert CHANNELS.column("channel_type").clean(written, None) == code


def test_an_attendance_list_for_an_activity_deleted_meanwhile_is_refused(catalogue, tmp_path):
    from diaspora.spreadsheets.read import SpreadsheetRejected

    activity = _activity()
    delete_activity(activity)
    path = office_workbook(tmp_path / "tet.xlsx", ["Họ tên", "Quốc gia"], [["Lý Văn Tâm", "Nhật Bản"]])
    with pytest.raises(SpreadsheetRejected, match="không còn"):
        import_file(path, kind=kind_of("participants"), activity_id=activity.id)
    assert count(Person) == 0
