"""A phone that cannot be verified never refuses a row: kept as written, marked "chưa xác minh",
found by its digits, exported and imported back unchanged; only a value that is not a phone is refused."""
import openpyxl
from sqlalchemy import select

from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.imports.running import import_file
from diaspora.people.models import Person
from diaspora.people.search import PeopleQuery, search_people
from tests.exports.helpers import data_rows, export_to, open_sheet, run_import

HEADERS = ["Họ và tên", "Quốc gia", "Điện thoại"]
ROWS = [
    ["Nguyễn Văn An", "Nhật Bản", "+81 90-0127-6842"],
    ["Trần Thị Bình", "Nhật Bản", "090-0127-6843"],
    ["Lê Văn Cường", "Nhật Bản", "abc"],
    ["Phạm Thị Dung", "Nhật Bản", "12345"],
    ["Hoàng Văn Em", "Nhật Bản", "090-1234-5678"],
]


def _write(path, rows, headers=HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _person(name: str) -> Person:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.full_name == name))


def _imported(tmp_path):
    return import_file(_write(tmp_path / "danh-sach.xlsx", ROWS))


def test_unverified_phones_are_kept_and_only_non_phones_refuse_a_row(seeded, tmp_path):
    outcome = _imported(tmp_path)
    assert (outcome["rows_total"], outcome["created"]) == (5, 3)
    assert sorted((error["row"], error["column"]) for error in outcome["errors"]) == [
        (4, "Điện thoại"), (5, "Điện thoại")]
    an, binh, em = _person("Nguyễn Văn An"), _person("Trần Thị Bình"), _person("Hoàng Văn Em")
    assert [(c.value, c.normalized, c.verified) for c in an.contacts] == [
        ("+81 90-0127-6842", "+819001276842", False)]
    # Written without "+" by a resident of Japan: read in Japan, the country code added.
    assert [(c.value, c.normalized, c.verified) for c in binh.contacts] == [
        ("090-0127-6843", "+819001276843", False)]
    assert [(c.normalized, c.verified) for c in em.contacts] == [("+819012345678", True)]
    notes = {note["row"]: note["message"] for note in outcome["notes"]}
    assert "+81 90-0127-6842" in notes[2] and "chưa xác minh" in notes[2]
    assert "090-0127-6843" in notes[3]
    assert 6 not in notes


def test_an_unverified_phone_is_found_by_its_digits(seeded, tmp_path):
    _imported(tmp_path)
    for q in ("9001276842", "09001276842", "+81 90-0127-6842", "819001276842"):
        assert [p.full_name for p in search_people(PeopleQuery(q=q)).items] == ["Nguyễn Văn An"], q


def test_the_person_page_marks_an_unverified_phone(seeded, tmp_path, client, login):
    _imported(tmp_path)
    login("viewer")
    an, em = _person("Nguyễn Văn An"), _person("Hoàng Văn Em")
    page = client.get(f"/people/{an.id}").get_data(as_text=True)
    contacts = page[page.index('id="contacts"'):]
    assert "+81 90-0127-6842" in contacts and "chưa xác minh" in contacts
    page = client.get(f"/people/{em.id}").get_data(as_text=True)
    assert "unverified-phone" not in page


def test_export_marks_unverified_phones_and_imports_back_unchanged(seeded, tmp_path, runner):
    _imported(tmp_path)
    before = dict(db.session.execute(select(Person.id, Person.version)).all())
    contacts_before = sorted(db.session.execute(
        select(Contact.person_id, Contact.kind, Contact.value, Contact.normalized, Contact.verified)).all())
    path = tmp_path / "kieu-bao.xlsx"
    export_to(path)
    phones = {row["Họ và tên"]: row["Điện thoại"] for row in data_rows(open_sheet(path))}
    assert phones["Nguyễn Văn An"] == "+819001276842 (chưa xác minh)"
    assert phones["Hoàng Văn Em"] == "+819012345678"
    outcome = run_import(runner, path)
    assert (outcome["rows_total"], outcome["updated"], outcome["unchanged"], outcome["errors"]) == (3, 0, 3, [])
    db.session.expire_all()
    assert dict(db.session.execute(select(Person.id, Person.version)).all()) == before
    assert sorted(db.session.execute(
        select(Contact.person_id, Contact.kind, Contact.value, Contact.normalized, Contact.verified)).all()) \
        == contacts_before
