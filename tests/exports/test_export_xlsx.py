"""The exported workbook: title, header from the column declaration, ID, types, layout, filters, streaming."""
import re
from datetime import date, datetime

from sqlalchemy import event, update

from diaspora.extensions import db
from diaspora.people.models import Person
from diaspora.people.search import PeopleQuery
from diaspora.spreadsheets import pipeline
from diaspora.people.columns import PEOPLE
from diaspora.people.exports import rendered_rows
from tests.conftest import make_user
from tests.exports.helpers import HEADER_ROW, data_rows, export_to, full_person, header, open_sheet
from tests.people.factories import make_person


def test_workbook_has_title_header_id_and_typed_cells(seeded, tmp_path):
    user = make_user("editor")
    person = full_person()
    path = tmp_path / "kieu-bao.xlsx"
    assert export_to(path, user=user) == 1

    sheet = open_sheet(path)
    assert sheet["A1"].value == "Danh sách kiều bào — Tất cả hồ sơ"
    assert re.fullmatch(r"Xuất lúc \d\d/\d\d/\d{4} \d\d:\d\d, người xuất: Cán bộ editor", sheet["A2"].value)
    assert header(sheet) == [column.header_vi for column in PEOPLE.columns]
    assert header(sheet)[0] == "ID"
    assert all(cell.font.b for cell in sheet[HEADER_ROW])
    assert sheet.freeze_panes == "C5"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:AI{HEADER_ROW + 1}"  # 35 columns

    row = sheet[HEADER_ROW + 1]
    assert (row[0].value, row[0].data_type) == (person.id, "n")
    birth = row[4]
    assert birth.value == datetime(1975, 8, 15) and birth.is_date and birth.number_format == "dd/mm/yyyy"
    values = data_rows(sheet)[0]
    assert values["Họ và tên"] == "Nguyễn Văn An"
    assert values["Giới tính"] == "Nam" and values["Quốc gia cư trú"] == "Nhật Bản"
    assert values["Lĩnh vực"] == "Công nghệ thông tin; Y tế"
    assert values["Điện thoại"] == "+819012345678" and values["Email"] == "an.nguyen@example.jp"
    assert values["Liên hệ khác"] == "LINE: an.nguyen; Web: https://an.example.jp"
    assert values["Hội đoàn"] == "Hội người Việt Nam tại Nhật Bản"
    assert values["Đồng ý liên hệ"] == "Đồng ý"
    assert values["Tình trạng liên lạc"] == "Đang liên hệ" and values["Quốc tịch"] is None
    assert all(cell.data_type in ("s", "n", "d") for cell in row if cell.value is not None)
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_a_year_alone_is_a_number_and_long_text_wraps(seeded, tmp_path):
    make_person(full_name="Trần Thị Mai", birth_year=1980, notes="Rất nhiều thông tin. " * 10)
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    sheet = open_sheet(path)
    row = {name: cell for name, cell in zip(header(sheet), sheet[HEADER_ROW + 1])}
    assert (row["Ngày sinh"].value, row["Ngày sinh"].data_type) == (1980, "n")
    assert row["Ghi chú"].alignment.wrap_text
    assert not row["Họ và tên"].alignment.wrap_text


def test_title_says_what_was_filtered(seeded, tmp_path):
    make_person(full_name="Nguyễn Thị Hoa", fields=_field_ids("health"))
    path = tmp_path / "y-te.xlsx"
    export_to(path, PeopleQuery(q="nguyen", country="JP", field="health"))
    assert open_sheet(path)["A1"].value == "Danh sách kiều bào — Quốc gia: Nhật Bản; Lĩnh vực: Y tế; Tìm: “nguyen”"


def _field_ids(*keys):
    from diaspora.reference.models import Field
    from tests.exports.helpers import ids

    return ids(Field, *keys)


def test_export_holds_exactly_the_people_the_list_finds_in_its_order(seeded, tmp_path):
    make_person(full_name="Lê Văn Bình", fields=_field_ids("health"))
    make_person(full_name="Nguyễn Văn Cường", fields=_field_ids("health"))
    make_person(full_name="Phạm Thị Dung", fields=_field_ids("it"))
    make_person(full_name="Hoàng Văn Em", country_code="US", fields=_field_ids("health"))
    deleted = make_person(full_name="Đỗ Văn Giang", fields=_field_ids("health"))
    from diaspora.people import service

    service.delete_person(deleted)
    path = tmp_path / "y-te-nhat.xlsx"
    assert export_to(path, PeopleQuery(country="JP", field="health", sort="-name")) == 2
    assert [row["Họ và tên"] for row in data_rows(open_sheet(path))] == ["Nguyễn Văn Cường", "Lê Văn Bình"]
    assert export_to(path, PeopleQuery(q="van")) == 3


def test_header_row_is_found_under_the_title_lines(seeded, tmp_path):
    full_person()
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    layout = pipeline.read_layout(path, PEOPLE)
    assert layout.headers == [column.header_vi for column in PEOPLE.columns]
    assert [number for number, _ in layout.data_rows] == [HEADER_ROW + 1]
    mapping = pipeline.map_headers(layout, PEOPLE)
    assert not mapping.unmapped


def test_english_headers_are_read_by_the_import_too(seeded, tmp_path):
    full_person()
    path = tmp_path / "people.xlsx"
    export_to(path, locale="en")
    sheet = open_sheet(path)
    assert header(sheet) == [column.header_en for column in PEOPLE.columns]
    layout = pipeline.read_layout(path, PEOPLE)
    assert not pipeline.map_headers(layout, PEOPLE).unmapped


def test_empty_list_gives_a_header_and_no_rows(seeded, tmp_path):
    path = tmp_path / "trong.xlsx"
    assert export_to(path, PeopleQuery(q="khôngaicótên")) == 0
    sheet = open_sheet(path)
    assert header(sheet)[0] == "ID" and data_rows(sheet) == []


def test_rows_are_read_in_chunks_with_a_few_queries_each(seeded):
    people = [full_person(full_name=f"Nguyễn Văn {name}", contacts=[{"kind": "email", "value": f"{name}@example.jp"}])
              for name in ("An", "Bình", "Cường", "Dũng", "Giang", "Hùng", "Khánh")]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        rows = list(rendered_rows(PeopleQuery(), chunk=3))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    emails = PEOPLE.columns.index(PEOPLE.column("emails"))
    assert [(row[0], row[emails]) for row in rows] == [
        (person.id, f"{person.full_name.split()[-1]}@example.jp".lower()) for person in people]
    # The people query, then per chunk of 3 (three chunks): contacts, fields, roles, organisations, units.
    assert len(statements) <= 3 + 3 * 5


def test_deleted_people_are_left_out_and_the_bin_exports_only_them(seeded, tmp_path):
    make_person(full_name="Nguyễn Văn An")
    gone = make_person(full_name="Trần Văn Bảo")
    db.session.execute(update(Person).where(Person.id == gone.id).values(deleted_at=date(2025, 1, 1)))
    db.session.commit()
    admin = make_user("admin")
    path = tmp_path / "x.xlsx"
    export_to(path, user=admin)
    assert [row["Họ và tên"] for row in data_rows(open_sheet(path))] == ["Nguyễn Văn An"]
    export_to(path, PeopleQuery(deleted=True), user=admin)
    sheet = open_sheet(path)
    assert [row["Họ và tên"] for row in data_rows(sheet)] == ["Trần Văn Bảo"]
    assert "Thùng rác" in sheet["A1"].value
