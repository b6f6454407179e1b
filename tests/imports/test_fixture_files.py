"""`import-people` on the test workbooks written by LibreOffice and others: real headers, fonts, encodings."""
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.batches.models import ImportBatch
from diaspora.people.models import Person

FIXTURES = Path(__file__).parent.parent / "fixtures"
NAMES = ["Nguyễn Văn Hùng", "Đặng Thị Thu Hà", "Trần Quốc Toản", "Lê Thị Mai", "Phạm Minh Đức"]


def invoke(runner, name, *options):
    result = runner.invoke(args=["import-people", str(FIXTURES / name), "--json", *options])
    return result.exit_code, json.loads(result.output)


def names():
    return list(db.session.scalars(select(Person.full_name).order_by(Person.id)))


@pytest.mark.parametrize("name", ["people_libreoffice.xlsx", "people_libreoffice.ods", "people_libreoffice.xls",
                                  "people_libreoffice.xlsm", "people_sheets.ods", "people_sheets.xls"])
def test_libreoffice_workbooks_with_title_two_row_header_and_signatures(seeded, runner, name):
    code, outcome = invoke(runner, name)
    assert code == 0, outcome
    assert (outcome["sheet"], outcome["rows_total"], outcome["created"], outcome["errors"]) == ("Danh sách", 5, 5, [])
    assert names() == NAMES
    hung = db.session.scalar(select(Person).where(Person.full_name == "Nguyễn Văn Hùng"))
    assert (hung.birth_date, hung.gender, hung.country_code) == (date(1975, 4, 30), "male", "JP")
    # 912345678 stored as a number is no Japanese number: a Vietnamese mobile that lost its 0.
    assert sorted(c.normalized for c in hung.contacts) == ["+84912345678", "hung.nguyen@example.jp"]
    ha = db.session.scalar(select(Person).where(Person.full_name == "Đặng Thị Thu Hà"))
    assert ha.notes == "=Không rõ địa chỉ"
    assert [c.normalized for c in ha.contacts if c.kind == "phone"] == ["+819012345678"]
    mai = db.session.scalar(select(Person).where(Person.full_name == "Lê Thị Mai"))
    assert (mai.birth_date, mai.birth_year, mai.country_code) == (None, 1968, "FR")


@pytest.mark.parametrize("name", ["people_utf8.csv", "people_utf8_bom.csv", "people_cp1258.csv",
                                  "people_unicode_text.txt"])
def test_csv_in_every_encoding_staff_send(seeded, runner, name):
    code, outcome = invoke(runner, name)
    assert (code, outcome["created"], outcome["errors"]) == (0, 5, [])
    assert names() == NAMES
    assert db.session.scalar(select(Person.birth_date).where(Person.full_name == "Phạm Minh Đức")) == date(2001, 7, 8)


@pytest.mark.parametrize("name", ["legacy_vntime.xlsx", "legacy_vntime.xls", "legacy_vntime.ods", "legacy_vni.xlsx",
                                  "people_tcvn3.csv"])
def test_legacy_fonts_become_unicode(seeded, runner, name):
    code, outcome = invoke(runner, name)
    assert code == 0 and outcome["created"] >= 4, outcome
    stored = names()
    assert "Nguyễn Văn Hùng" in stored and "Đặng Thị Thu Hà" in stored
    assert db.session.scalar(select(Person.country_code).where(Person.full_name == "Nguyễn Văn Hùng")) == "JP"


def test_decomposed_unicode_is_stored_nfc(seeded, runner):
    code, outcome = invoke(runner, "nfd.xlsx")
    assert code == 0 and outcome["created"] == 5
    assert "Phạm Minh Đức" in names()


@pytest.mark.parametrize("name", ["zip_bomb.xlsx", "zip_bomb_lying_size.xlsx", "xxe.xlsx", "encrypted.xlsx",
                                  "truncated.xlsx", "too_many_columns.xlsx", "repeat_bomb.ods", "empty.xlsx",
                                  "html_table.xls"])
def test_hostile_and_broken_files_are_rejected_and_nothing_is_written(seeded, runner, name):
    code, outcome = invoke(runner, name)
    assert code != 0
    assert outcome["status"] == "rejected" and outcome["reason"] and outcome["message"]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
