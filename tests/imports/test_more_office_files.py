"""More lists as offices and their programs write them (tests/fixtures/real_world/, made by
scripts/make-real-world-fixtures, and tests/fixtures/office/), through `import-people`."""
import io
import json
import unicodedata
from datetime import date
from pathlib import Path

from sqlalchemy import select

from diaspora.batches.models import ImportBatch
from diaspora.extensions import db
from diaspora.people.models import Person

FIXTURES = Path(__file__).parent.parent / "fixtures"


def invoke(runner, path, *options):
    result = runner.invoke(args=["import-people", str(path), "--json", *options])
    return result.exit_code, json.loads(result.output)


def people() -> dict[str, Person]:
    return {p.full_name: p for p in db.session.scalars(select(Person).order_by(Person.id))}


def test_a_csv_saved_by_libreoffice_in_us_english_keeps_its_dates(seeded, runner):
    # LibreOffice set to US English writes the dates it read day first month first, years in two digits:
    # "12/25/96", "08/04/80" (4 August), consent "11/05/24" (5 November 2024).
    code, outcome = invoke(runner, FIXTURES / "real_world" / "libreoffice_us_dates.csv")
    assert (code, outcome["created"], outcome["errors"]) == (0, 4, [])
    found = {name: (p.birth_date, p.birth_year, p.consent_date) for name, p in people().items()}
    assert found == {
        "Nguyễn Văn An": (date(1996, 12, 25), 1996, date(2024, 11, 5)),
        "Trần Thị Bình": (date(1980, 8, 4), 1980, date(2026, 8, 13)),
        "Lê Văn Cường": (date(1975, 8, 15), 1975, None),
        "Phạm Thị Dung": (None, 1968, None),
    }
    notes = {note["row"]: note["message"] for note in outcome["notes"]}
    assert "tháng/ngày/năm" in notes[2] and "25/12/96" in notes[2]


def test_a_lone_month_first_date_in_a_day_first_column_is_still_refused(seeded, runner, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Họ và tên,Ngày sinh,Quốc gia\nNguyễn Văn An,08/25/1980,Nhật Bản\n"
                    "Trần Thị Bình,25/08/1980,Nhật Bản\nLê Văn Cường,05/11/1980,Nhật Bản\n", encoding="utf-8")
    _code, outcome = invoke(runner, path)
    assert [(error["row"], error["column"]) for error in outcome["errors"]] == [(2, "Ngày sinh")]
    assert people()["Lê Văn Cường"].birth_date == date(1980, 11, 5)


def test_a_consent_date_with_a_two_digit_year_is_this_century(seeded, runner, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Họ và tên,Quốc gia,Ngày đồng ý\nNguyễn Văn An,Nhật Bản,05/11/24\n", encoding="utf-8")
    code, outcome = invoke(runner, path)
    assert (code, outcome["created"], outcome["errors"]) == (0, 1, [])
    assert people()["Nguyễn Văn An"].consent_date == date(2024, 11, 5)


def test_utf16_without_a_byte_order_mark_is_read(seeded, runner):
    code, outcome = invoke(runner, FIXTURES / "real_world" / "utf16le_no_bom.csv")
    assert (code, outcome["status"], outcome["created"], outcome["errors"]) == (0, "ok", 2, [])
    assert {name: p.country_code for name, p in people().items()} == {"Nguyễn Văn Hùng": "JP",
                                                                       "Đặng Thị Thu Hà": "KR"}


def test_a_list_without_a_country_column_reads_the_country_from_the_address(seeded, runner):
    # "Nơi ở hiện nay" ends (or starts) with the country; "Quốc tịch" is a nationality, not a residence.
    _code, outcome = invoke(runner, FIXTURES / "real_world" / "noi_o_hien_nay.xlsx")
    assert outcome["status"] == "ok" and outcome["created"] == 4
    assert [(error["row"], error["column"]) for error in outcome["errors"]] == [(10, "Quốc gia cư trú")]
    found = {name: (p.country_code, p.address) for name, p in people().items()}
    assert found == {
        "Nguyễn Văn An": ("JP", "1-2-3 Shinjuku, Tokyo, Nhật Bản"),
        "Trần Thị Bình": ("DE", "Berlin - CHLB Đức"),
        "Lê Văn Cường": ("KR", "Hàn Quốc, Seoul"),
        "Hoàng Văn Em": ("US", "Hoa Kỳ"),
    }
    notes = {note["row"]: note["message"] for note in outcome["notes"]}
    assert "Nơi ở hiện nay" in notes[7] and "Nhật Bản" in notes[7]
    # The phone without "+" is read in the country found in the address.
    assert [c.normalized for c in people()["Lê Văn Cường"].contacts] == ["+821012345678"]


def test_coded_values_in_the_office_s_words_keep_the_person(seeded, runner):
    # "Không rõ", "?", "Đã về nước", "Qua Zalo", "Trực tiếp": no code is known by these words; the person is
    # imported, the value left to its default and the words kept in the notes, never a refused row.
    code, outcome = invoke(runner, FIXTURES / "real_world" / "office_words_labels.csv")
    assert (code, outcome["created"], outcome["errors"]) == (0, 3, [])
    an, binh, cuong = (people()[name] for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"))
    assert (an.gender, an.status, an.consent_source) == (None, "active", None)
    assert "Giới tính: Không rõ" in an.notes and "Tình trạng liên lạc: Đã về nước" in an.notes
    assert "Cách ghi nhận đồng ý: Qua Zalo" in an.notes
    assert (binh.person_type, binh.consent_status, binh.nationality_status) == ("overseas_vietnamese", "given", "dual")
    assert (cuong.gender, cuong.consent_status, cuong.status) == (None, "unknown", "unreachable")
    notes = {note["row"]: note["message"] for note in outcome["notes"]}
    assert "không hiểu “Không rõ”" in notes[2]


def test_a_channel_status_in_other_words_keeps_the_channel(seeded, runner, tmp_path):
    from diaspora.outreach.models import DistributionChannel

    path = tmp_path / "channels.csv"
    path.write_text("Tên cửa hàng,Quốc gia,Tình trạng\nCửa hàng Hải Phòng Food,Nhật Bản,Đang tìm hiểu\n",
                    encoding="utf-8")
    result = runner.invoke(args=["import-channels", str(path), "--json"])
    outcome = json.loads(result.output)
    assert (outcome["created"], outcome["errors"]) == (1, [])
    channel = db.session.scalar(select(DistributionChannel))
    assert "Tình trạng: Đang tìm hiểu" in channel.notes


def test_without_sheet_named_the_list_is_found_behind_a_summary_sheet(seeded, runner):
    # The first sheet is a summary by country ("Nước" | "Số người"); the list is on the second.
    code, outcome = invoke(runner, FIXTURES / "real_world" / "summary_sheet_first.xlsx")
    assert (code, outcome["sheet"], outcome["created"], outcome["errors"]) == (0, "Danh sách chi tiết", 3, [])
    code, outcome = invoke(runner, FIXTURES / "real_world" / "summary_sheet_first.xlsx", "--sheet", "Tổng hợp")
    assert (code, outcome["status"], outcome["reason"]) == (1, "rejected", "missing_columns")



def test_a_list_in_the_office_s_words_keeps_every_person_and_refuses_exactly_the_wrong_rows(seeded, runner):
    # Merged titles and header, a numbering row, a blank row, catalogue words the catalogue lacks, phones of
    # unallocated ranges, a TCVN3 cell, a total row and a signature block, a summary sheet after the list.
    code, outcome = invoke(runner, FIXTURES / "real_world" / "office_words.xlsx")
    assert (code, outcome["rows_total"], outcome["created"], outcome["skipped"]) == (0, 24, 14, 1)
    # No name; a name without a letter; no country; "Atlantis"; a bad email; born 2035; born 1899; "abc-xyz";
    # a phone of 5 digits. Nothing else.
    assert [error["row"] for error in outcome["errors"]] == [16, 17, 18, 20, 21, 22, 23, 24, 25]
    found = {name: (p.birth_date, p.birth_year, p.country_code) for name, p in people().items()}
    assert found["Nguyễn Văn An"] == (date(1975, 8, 15), 1975, "JP")
    assert found["Trần Thị Bích Ngọc"] == (date(1980, 2, 3), 1980, "DE")
    assert found["Lê văn Cường"] == (date(1975, 1, 1), 1975, "KR")  # an Excel serial in a date cell
    assert found["Tạ Thị Phúc"] == (None, 1978, "CA")  # one TCVN3 cell in a Unicode column
    assert found["Quách Văn Sơn"] == (date(1975, 8, 15), 1975, "CA")  # "ngày 15 tháng 8 năm 1975"
    assert len(found) == 14 and all(unicodedata.is_normalized("NFC", name) for name in found)


def test_the_wizard_opens_on_the_sheet_that_holds_the_list(seeded, client, login):
    login("editor")
    path = FIXTURES / "real_world" / "summary_sheet_first.xlsx"
    response = client.post("/imports/new", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                           follow_redirects=True)
    assert response.status_code == 200
    batch = db.session.scalar(select(ImportBatch))
    assert batch.sheet_name == "Danh sách chi tiết"
