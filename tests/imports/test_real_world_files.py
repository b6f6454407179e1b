"""Lists as the office receives them (tests/fixtures/real_world/, made by scripts/make-real-world-fixtures),
through `import-people` and the wizard, checked cell by cell."""
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.batches.models import ImportBatch
from diaspora.organisations.models import Organisation
from diaspora.people.models import Person

FIXTURES = Path(__file__).parent.parent / "fixtures" / "real_world"


def invoke(runner, name, *options):
    result = runner.invoke(args=["import-people", str(FIXTURES / name), "--json", *options])
    return result.exit_code, json.loads(result.output)


def person(name) -> Person:
    return db.session.scalar(select(Person).where(Person.full_name == name))


def people() -> dict[str, Person]:
    return {p.full_name: p for p in db.session.scalars(select(Person).order_by(Person.id))}


def phones(record) -> list[str]:
    return sorted(contact.normalized for contact in record.contacts if contact.kind == "phone")


def test_year_written_under_nam_or_nu_gives_the_gender(seeded, runner):
    code, outcome = invoke(runner, "nam_nu_two_columns.xlsx")
    assert (code, outcome["created"], outcome["errors"], outcome["unmapped_columns"]) == (0, 4, [], [])
    found = {name: (p.gender, p.birth_date, p.birth_year, p.country_code) for name, p in people().items()}
    assert found == {
        "Nguyễn Văn Hùng": ("male", None, 1965, "DE"),
        "Trần Thị Mai": ("female", None, 1972, "CZ"),
        "Lê Văn Nam": ("male", None, 1958, "RU"),
        "Phạm Thị Hoa": ("female", date(1980, 3, 12), 1980, "TW"),
    }
    assert person("Nguyễn Văn Hùng").position == "Chủ tịch Hội người Việt tại Berlin"


def test_a_phone_zalo_column_gives_phones_and_a_number_keeps_its_country_code(seeded, runner):
    invoke(runner, "nam_nu_two_columns.xlsx")
    # 4915112345678 stored as a number in a German row: +49 151 12345678 that lost its "+".
    assert phones(person("Nguyễn Văn Hùng")) == ["+4915112345678"]
    assert phones(person("Trần Thị Mai")) == ["+420777123456"]


def test_names_in_capitals_become_proper_case_and_invisible_characters_go(seeded, runner):
    code, outcome = invoke(runner, "all_caps_spaces.xlsx")
    assert (code, outcome["created"], outcome["errors"]) == (0, 6, [])
    assert list(people()) == ["Nguyễn Văn Hùng", "Đặng Thị Thu Hà", "Trần Quốc Toản", "Lê Thị Mai",
                              "Mcdonald John", "Vũ Đức Anh (Tom)"]
    countries = [p.country_code for p in people().values()]
    assert countries == ["US", "JP", "KR", "DE", "US", "CZ"]
    hung = person("Nguyễn Văn Hùng")
    assert (hung.birth_date, hung.gender, hung.address) == (date(1970, 8, 15), "male", "San Jose, CA")
    assert sorted(c.normalized for c in hung.contacts) == ["+14085550101", "hung.nv@example.com"]
    assert person("Đặng Thị Thu Hà").birth_date == date(1982, 11, 2)


def test_a_hidden_sheet_is_passed_over_and_sections_and_repeated_headers_are_skipped(seeded, runner):
    code, outcome = invoke(runner, "hidden_sheet_sections.xlsx")
    assert (code, outcome["sheet"], outcome["created"], outcome["errors"]) == (0, "Danh sách", 4, [])
    assert list(people()) == ["Bùi Văn Định", "Ngô Thị Én", "Dương Văn Giang", "Hồ Thị Hạnh"]
    assert [m.organisation.name for m in person("Dương Văn Giang").memberships] == ["Hội người Việt Nam tại Hàn Quốc"]
    assert phones(person("Bùi Văn Định")) == ["+819012345678"]


def test_cells_merged_down_the_data_fill_every_row(seeded, runner):
    code, outcome = invoke(runner, "merged_data.xlsx")
    assert (code, outcome["created"]) == (0, 3)
    found = {name: (p.country_code, [m.organisation.name for m in p.memberships]) for name, p in people().items()}
    assert found == {"Mạc Văn Khánh": ("PL", ["Hội người Việt tại Ba Lan"]),
                     "Mạc Thị Linh": ("PL", ["Hội người Việt tại Ba Lan"]),
                     "Tô Văn Minh": ("SE", ["Hội người Việt tại Ba Lan"])}


def test_csv_in_cp1258_with_semicolons_then_the_same_list_in_utf8_with_tabs(seeded, runner):
    code, outcome = invoke(runner, "cp1258_semicolon.csv")
    assert (code, outcome["created"], outcome["skipped"]) == (0, 2, 1)
    assert outcome["errors"] == [
        {"row": 4, "column": "Ngày sinh", "message": "Ngày 31/2/1980 không tồn tại; ghi theo dạng ngày/tháng/năm."},
        {"row": 4, "column": "Email", "message": "Địa chỉ email “quyen@@example” không hợp lệ."},
    ]
    assert [(d["row"], [m.get("row") for m in d["matches"]]) for d in outcome["duplicates"]] == [(6, [2])]
    ngoc = person("Nguyễn Thị Ngọc")
    assert (ngoc.birth_date, ngoc.country_code, ngoc.hometown_text, phones(ngoc)) == (
        date(1977, 6, 5), "US", "An Dương", ["+14085550199"])
    code, outcome = invoke(runner, "utf8_bom_tab.csv")
    assert (code, outcome["created"], outcome["skipped"]) == (0, 0, 3)
    assert [d["row"] for d in outcome["duplicates"]] == [2, 3, 6]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_legacy_font_files_saved_by_libreoffice(seeded, runner):
    code, outcome = invoke(runner, "vntime.xls")
    assert (code, outcome["created"], outcome["errors"]) == (0, 3, [])
    found = {name: (p.birth_year, p.country_code, p.occupation, p.hometown_text) for name, p in people().items()}
    assert found == {"Vũ Thị Hằng": (1966, "FR", "Nội trợ", "Kiến Thụy"),
                     "Đinh Công Tráng": (1959, "CA", "Kỹ sư xây dựng", "Tiên Lãng, Hải Phòng"),
                     "Lương Thị Thủy": (1970, "AU", "Buôn bán", "Đồ Sơn")}
    code, outcome = invoke(runner, "vni.ods")
    assert (code, outcome["created"]) == (0, 2)
    tuyet = person("Nguyễn Thị Ánh Tuyết")
    assert (tuyet.country_code, tuyet.address, tuyet.notes) == ("JP", "Tokyo", "Đã mất liên lạc")


def test_bad_values_are_reported_by_excel_row_and_header_and_the_rows_refused_are_not_imported(seeded, runner):
    code, outcome = invoke(runner, "bad_values.xlsx")
    assert (code, outcome["rows_total"], outcome["created"]) == (0, 6, 1)
    assert [(e["row"], e["column"]) for e in outcome["errors"]] == [
        (2, "Ngày sinh"), (3, "Họ và tên"), (4, "Ngày sinh"), (4, "Quốc gia"), (4, "Email"), (4, "Điện thoại"),
        (5, "Họ và tên"), (7, "Quốc gia")]
    assert outcome["errors"][3]["message"].startswith("Không nhận ra quốc gia “Atlantis”")
    # A gender written "Không rõ" is no reason to leave the person out: left empty, the words in the notes.
    (only,) = db.session.scalars(select(Person))
    assert (only.full_name, only.gender, only.notes) == ("Hà Văn Út", None, "Giới tính: Không rõ")


def test_phones_stored_as_numbers_and_dates_as_serials(seeded, runner):
    code, outcome = invoke(runner, "phones.ods")
    assert (code, outcome["created"], outcome["errors"]) == (0, 3, [])
    found = {name: (p.birth_date, p.country_code, phones(p)) for name, p in people().items()}
    assert found == {"Tạ Văn Xuân": (date(1975, 5, 1), "VN", ["+84912345678"]),
                     "La Thị Yến": (date(1982, 2, 18), "KR", ["+821012345678"]),
                     "Quách Văn Khôi": (date(1984, 2, 29), "US", ["+14085550123"])}


def test_dry_run_of_each_file_changes_nothing(seeded, runner):
    for name in sorted(path.name for path in FIXTURES.iterdir() if not path.name.startswith("hostile")):
        code, outcome = invoke(runner, name, "--dry-run")
        assert (code, outcome["status"], outcome["dry_run"]) == (0, "ok", True), name
    for model in (Person, Organisation, ImportBatch, AuditEvent):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_the_wizard_reads_the_nam_nu_form(seeded, client, login):
    login("editor")
    path = FIXTURES / "nam_nu_two_columns.xlsx"
    response = client.post("/imports/new", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    batch_id = int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))
    page = client.get(f"/imports/{batch_id}/mapping")
    assert "Năm sinh / Nam" in page.text and "Điện thoại/Zalo" in page.text
    data = {name: value for name, value in re.findall(
        r'<select[^>]*name="(column_\d+)"[^>]*>.*?<option[^>]*selected[^>]*value="([^"]*)"', page.text, re.S)}
    assert data["column_2"] == data["column_3"] == "birth_date" and data["column_6"] == "phones"
    client.post(f"/imports/{batch_id}/mapping", data={**data, "default_country": "", "save_as": ""})
    client.post(f"/imports/{batch_id}/commit")
    assert {(p.full_name, p.gender, p.birth_year) for p in people().values()} == {
        ("Nguyễn Văn Hùng", "male", 1965), ("Trần Thị Mai", "female", 1972), ("Lê Văn Nam", "male", 1958),
        ("Phạm Thị Hoa", "female", 1980)}


def test_a_short_header_in_a_legacy_font_is_decoded_with_its_row(seeded, runner):
    code, outcome = invoke(runner, "vni.ods")
    assert list(outcome["legacy_columns"]) == ["Họ tên", "Nước sở tại", "Địa chỉ liên hệ", "Ghi chú"]


def test_two_phones_in_a_cell_and_a_note_after_a_number(seeded, runner):
    code, outcome = invoke(runner, "split_names.xls")
    assert (code, outcome["errors"]) == (0, [])
    numbers = sorted(contact.normalized for p in people().values() for contact in p.contacts if contact.kind == "phone")
    assert numbers == ["+420602111222", "+84912345678", "+84987654321"]


def test_a_name_split_over_ho_dem_and_ten_is_joined(seeded, runner):
    code, outcome = invoke(runner, "split_names.xls")
    assert (code, outcome["created"], outcome["unmapped_columns"]) == (0, 3, [])
    found = {name: (p.birth_date, p.birth_year, p.gender, p.country_code) for name, p in people().items()}
    assert found == {"Hoàng Văn Long": (date(1968, 9, 5), 1968, "male", "CZ"),
                     "Nguyễn Thị Thanh Mai": (None, 1975, "female", "CZ"),
                     "Đoàn Nam": (None, None, "male", "SK")}


def test_invisible_characters_pasted_into_emails_and_phones_go(seeded, runner):
    code, outcome = invoke(runner, "invisible_characters.csv")
    assert (code, outcome["created"], outcome["errors"]) == (0, 2, [])
    kiet = person("Lâm Văn Kiệt")
    assert sorted((c.value, c.normalized) for c in kiet.contacts) == [
        ("+84 901 234 567", "+84901234567"), ("kiet@example.com", "kiet@example.com")]
    assert person("Ưng Thị Loan").country_code == "JP"


def test_countries_as_staff_write_them(seeded, runner):
    code, outcome = invoke(runner, "countries_as_written.csv")
    assert (code, outcome["errors"]) == (0, [])
    assert {name: p.country_code for name, p in people().items()} == {
        "Mai Văn Cảnh": "US", "Chu Thị Dung": "US", "Kha Văn Đông": "DE", "Lục Thị Giao": "FR", "Tiêu Văn Hải": "DE"}


def test_nam_nu_birth_columns_on_one_header_row(seeded, runner):
    code, outcome = invoke(runner, "nam_nu_one_row.csv")
    assert (code, outcome["created"], outcome["errors"]) == (0, 3, [])
    assert {name: (p.gender, p.birth_year) for name, p in people().items()} == {
        "Ninh Văn Bảo": ("male", 1950), "Ông Thị Chi": ("female", 1955), "Yên Văn Dũng": (None, 1960)}


def test_hostile_files_are_rejected_and_the_register_is_unchanged(seeded, runner):
    invoke(runner, "merged_data.xlsx")
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Person, ImportBatch, AuditEvent)]
    for name, reason in (("hostile_truncated.xlsx", "corrupt"), ("hostile_entities.xlsx", "xml_entities")):
        code, outcome = invoke(runner, name)
        assert (code, outcome["status"], outcome["reason"]) == (1, "rejected", reason)
    assert [db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, ImportBatch, AuditEvent)] == counts


def test_german_numbers_with_a_slash_after_the_area_code(seeded, runner):
    code, outcome = invoke(runner, "german_association.xlsx")
    assert (code, outcome["created"], outcome["errors"]) == (0, 2, [])
    assert phones(person("Trịnh Văn Phong")) == ["+4915112345678"]
    que = person("Văn Thị Quế")
    assert phones(que) == ["+491601234567", "+493023125678"]
    assert sorted(m.organisation.name for m in que.memberships) == ["Hội Phụ nữ", "Hội người Việt Nam tại Berlin"]


def test_a_mark_under_nam_or_nu_gives_the_gender(seeded, runner):
    code, outcome = invoke(runner, "gender_marks.xlsx")
    assert (code, outcome["created"], outcome["errors"]) == (0, 3, [])
    assert {name: (p.gender, p.birth_year) for name, p in people().items()} == {
        "Lò Văn Sáng": ("male", 1969), "Cầm Thị Tâm": ("female", 1972), "Mẫn Văn Uy": ("male", 1990)}


def test_only_a_sub_header_nam_or_nu_tells_the_gender():
    from diaspora.spreadsheets.joined_columns import gender_columns as _gender_columns

    headers = ["Nam/Nữ", "Nam / Nữ", "Giới tính (Nam/Nữ)", "Năm sinh / Nam", "Năm sinh (Nữ)", "Giới tính / Nữ",
               "Sinh năm", "Ngày sinh (dd/mm/yyyy)"]
    assert _gender_columns(list(enumerate(headers))) == {
        "Năm sinh / Nam": "male", "Năm sinh (Nữ)": "female", "Giới tính / Nữ": "female"}


def test_names_in_small_letters_get_proper_case_and_mixed_case_is_kept(seeded, runner):
    code, outcome = invoke(runner, "name_cases.csv")
    assert (code, outcome["created"]) == (0, 3)
    assert list(people()) == ["Nguyễn Thị Đào", "Nguyễn văn Đông", "Maria de la Cruz"]


def test_a_birth_date_over_ngay_thang_nam_columns_and_an_age_for_a_year(seeded, runner):
    code, outcome = invoke(runner, "date_parts.xlsx")
    assert (code, outcome["created"]) == (0, 2)
    assert outcome["errors"] == [{"row": 5, "column": "Sinh năm", "message": "Ngày sinh “45” không hợp lệ."}]
    assert {name: (p.gender, p.birth_date, p.birth_year) for name, p in people().items()} == {
        "Đặng Văn Lâm": (None, date(1970, 5, 12), 1970), "Đinh Thị Hạnh": (None, None, 1980)}


def test_genders_written_as_words(seeded, runner):
    code, outcome = invoke(runner, "gender_words.csv")
    assert (code, outcome["created"], outcome["errors"]) == (0, 4, [])
    assert [p.gender for p in people().values()] == ["male", "female", "female", "male"]


WIZARD_FILES = sorted(path.name for path in FIXTURES.iterdir() if not path.name.startswith("hostile"))


def _mapping_choices(page_text: str) -> dict[str, str]:
    return dict(re.findall(r'<select[^>]*name="(column_\d+)"[^>]*>.*?<option[^>]*selected[^>]*value="([^"]*)"',
                           page_text, re.S))


def test_every_list_goes_through_the_wizard_as_through_the_command(seeded, app, client, login, runner):
    login("editor")
    for name in WIZARD_FILES:
        _, expected = invoke(runner, name, "--dry-run")
        response = client.post("/imports/new", data={"file": (io.BytesIO((FIXTURES / name).read_bytes()), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 302, name
        batch_id = int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))
        if response.headers["Location"].endswith("/sheet"):
            client.post(f"/imports/{batch_id}/sheet", data={"sheet": expected["sheet"]})
        page = client.get(f"/imports/{batch_id}/mapping")
        assert page.status_code == 200, name
        response = client.post(f"/imports/{batch_id}/mapping",
                               data={**_mapping_choices(page.text), "default_country": "", "save_as": ""})
        assert response.headers["Location"].endswith("/preview"), name
        page = client.get(f"/imports/{batch_id}/preview")
        counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page.text))
        assert (counts["rows_total"], counts["errors"], counts["created"]) == (
            str(expected["rows_total"]), str(len({error["row"] for error in expected["errors"]})),
            str(expected["created"])), name


def test_a_couple_on_one_row_is_not_joined_into_one_name_and_the_second_name_is_not_lost(seeded, runner):
    code, outcome = invoke(runner, "couples.xlsx")
    assert (code, outcome["created"]) == (0, 1)
    assert list(people()) == ["Thân Văn Tài"]
    assert person("Thân Văn Tài").notes == "Họ và tên / Vợ: Thái Thị Uyên"
    assert [note["row"] for note in outcome["notes"]] == [3]
    assert "“Thái Thị Uyên” (cột Họ và tên / Vợ) được ghi vào Ghi chú" in outcome["notes"][0]["message"]


def test_a_name_split_on_a_one_row_header(seeded, runner):
    code, outcome = invoke(runner, "split_names_one_row.csv")
    assert (code, outcome["created"], outcome["unmapped_columns"]) == (0, 2, [])
    assert list(people()) == ["Lưu Văn Vĩnh", "Bế Thị Xoan"]
    code, outcome = invoke(runner, "split_names_ho_ten.csv", "--dry-run")
    assert (code, outcome["unmapped_columns"], outcome["created"], outcome["errors"]) == (0, [], 1, [])


def test_dates_exported_with_a_time_or_an_english_month_and_a_phone_as_a_float(seeded, runner):
    code, outcome = invoke(runner, "exported_dates.csv")
    assert (code, outcome["created"], outcome["errors"]) == (0, 4, [])
    assert [p.birth_date for p in people().values()] == [
        date(1975, 4, 30), date(1980, 12, 1), date(1969, 8, 15), date(1990, 3, 3)]
    assert phones(person("Tống Văn Anh")) == ["+14085550123"]


@pytest.mark.parametrize("name", ["errors_formulas.xlsx", "errors_formulas.ods", "errors_formulas.xls"])
def test_a_cell_showing_a_formula_error_is_empty_and_the_row_says_so(seeded, runner, name):
    code, outcome = invoke(runner, name)
    assert (code, outcome["created"]) == (0, 3)
    assert [(error["row"], error["column"]) for error in outcome["errors"]] == [(3, "Quốc gia")]
    assert outcome["errors"][0]["message"].startswith("Thiếu Quốc gia cư trú: ô này hiện lỗi công thức")
    assert outcome["notes"] == [
        {"row": 4, "message": "Ô Năm sinh hiện lỗi công thức #DIV/0!: coi là để trống."},
        {"row": 5, "message": "Ô Ghi chú hiện lỗi công thức #N/A: coi là để trống."}]
    assert person("Đỗ Văn Cường").birth_year is None
