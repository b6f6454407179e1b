"""The one declaration of people columns: headers, aliases, cleaners and renderers that round-trip."""
from datetime import date
from types import SimpleNamespace

import pytest

from diaspora.spreadsheets.cleaners import CellError, CleanContext, Lookups
from diaspora.spreadsheets.columns import Column, Sheet
from diaspora.people.columns import PEOPLE


def test_people_sheet_declares_the_required_columns_and_round_trip_id():
    keys = [column.key for column in PEOPLE.columns]
    assert keys[0] == "id"
    assert {"full_name", "birth_date", "country", "hometown", "fields", "phones", "emails",
            "organisations"} <= set(keys)
    assert [column.key for column in PEOPLE.required] == ["full_name", "country"]
    assert all(column.clean and column.render for column in PEOPLE.columns)


@pytest.mark.parametrize("header, key", [
    ("Họ và tên", "full_name"), ("HO TEN", "full_name"), ("họ tên", "full_name"), ("Full name", "full_name"),
    ("Ngày sinh", "birth_date"), ("Năm sinh", "birth_date"), ("Ngày, tháng, năm sinh", "birth_date"),
    ("Quốc gia", "country"), ("Nước sở tại", "country"), ("NƯỚC CƯ TRÚ", "country"),
    ("Nguyên quán", "hometown"), ("Đơn vị công tác", "employer"), ("SĐT", "phones"), ("Di động", "phones"),
    ("E-mail", "emails"), ("Thư điện tử", "emails"), ("Thành phần", "roles"), ("Hội đoàn", "organisations"),
])
def test_headers_and_aliases_are_known_whatever_the_case_and_diacritics(header, key):
    assert PEOPLE.is_known_header(header)
    assert PEOPLE.header_index[__import__("diaspora.text").text.fold_key(header)] == key


def test_an_alias_meaning_two_columns_is_refused_at_declaration():
    with pytest.raises(ValueError, match="means both"):
        Sheet("x", (Column("a", "Tên", "Name"), Column("b", "Họ tên", "Name")))


def test_targets_say_which_person_attributes_a_column_fills():
    assert PEOPLE.column("full_name").targets == ("full_name",)
    assert PEOPLE.column("birth_date").targets == ("birth_date", "birth_year")
    assert PEOPLE.column("country").targets == ("country_code",)
    assert PEOPLE.column("phones").targets == ()


def _person(**values):
    defaults = dict(id=7, full_name="Nguyễn Văn An", other_names=None, gender="female", birth_date=date(1975, 8, 5),
                    birth_year=1975, person_type="foreign_expert", country=SimpleNamespace(name_vi="Nhật Bản"),
                    country_code="JP", city="Tokyo", address=None, hometown_text="Thanh Hà, Hải Dương",
                    hometown_unit=None, occupation=None, academic_title="TS.", employer=None, position=None,
                    fields=[SimpleNamespace(name_vi="Y tế"), SimpleNamespace(name_vi="Giáo dục – đào tạo")],
                    roles=[], expertise=None, memberships=[], source=None, consent_status="given", notes=None,
                    consent_scope=None, consent_source="event", consent_legal_basis="state_task",
                    processing_purpose=None, consent_text_version="2026-01",
                    nationality_status="dual", consent_date=date(2026, 2, 10), status="unreachable",
                    offers=[SimpleNamespace(kind="remote_advice"), SimpleNamespace(kind="teaching")],
                    contacts=[SimpleNamespace(kind="phone", value="090 1234 5678", normalized="+819012345678"),
                              SimpleNamespace(kind="email", value="A@X.org", normalized="a@x.org"),
                              SimpleNamespace(kind="phone", value="0912345678", normalized="+84912345678"),
                              SimpleNamespace(kind="wechat", value="an_wx", normalized="an_wx")])
    defaults.update(values)
    return SimpleNamespace(**defaults)


def test_render_gives_text_the_import_reads_back(app):
    person = _person()
    lookups = Lookups(find_country=lambda text: SimpleNamespace(code="JP") if text == "Nhật Bản" else None,
                      match_hometown=lambda text: SimpleNamespace(unit=None),
                      fields={"yte": 1, "giaoducdaotao": 2}, field_names=["Y tế", "Giáo dục – đào tạo"])
    context = CleanContext(lookups)
    rendered = {column.key: column.render(person) for column in PEOPLE.columns}
    assert rendered["id"] == "7"
    assert rendered["birth_date"] == "05/08/1975"
    assert rendered["gender"] == "Nữ"
    assert rendered["phones"] == "+819012345678; +84912345678"
    assert rendered["other_contacts"] == "WeChat: an_wx"
    assert rendered["fields"] == "Y tế; Giáo dục – đào tạo"
    for key in ("id", "full_name", "gender", "birth_date", "person_type", "country", "fields", "phones", "emails",
                "other_contacts", "consent", "consent_source", "consent_legal_basis", "consent_text_version",
                "hometown"):
        context.row = {}
        cleaned = PEOPLE.column(key).clean(rendered[key], context)
        context.row[key] = cleaned
        assert cleaned, key
    context.row = {"country": "JP"}
    assert PEOPLE.column("gender").clean(rendered["gender"], context) == "female"
    assert PEOPLE.column("birth_date").clean(rendered["birth_date"], context) == (date(1975, 8, 5), 1975)
    assert PEOPLE.column("fields").clean(rendered["fields"], context) == (1, 2)
    assert [n for _, _, n in PEOPLE.column("phones").clean(rendered["phones"], context)] == [
        "+819012345678", "+84912345678"]
    assert PEOPLE.column("consent").clean(rendered["consent"], context) == "given"
    assert PEOPLE.column("person_type").clean(rendered["person_type"], context) == "foreign_expert"
    assert (rendered["nationality"], rendered["consent_date"], rendered["status"], rendered["offers"]) == (
        "Hai quốc tịch", "10/02/2026", "Mất liên lạc", "Tư vấn từ xa; Giảng dạy")
    assert PEOPLE.column("nationality").clean(rendered["nationality"], context) == "dual"
    assert PEOPLE.column("consent_date").clean(rendered["consent_date"], context) == date(2026, 2, 10)
    assert PEOPLE.column("status").clean(rendered["status"], context) == "unreachable"
    assert PEOPLE.column("offers").clean(rendered["offers"], context) == ("remote_advice", "teaching")


def test_nationality_is_read_from_labels_or_from_countries(app):
    countries = {"việt nam": "VN", "nhật bản": "JP", "đức": "DE", "mỹ": "US"}
    lookups = Lookups(find_country=lambda text: SimpleNamespace(code=countries[text.lower()])
                      if text.lower() in countries else None, match_hometown=lambda text: SimpleNamespace(unit=None))
    context = CleanContext(lookups)
    clean = PEOPLE.column("nationality").clean
    assert [clean(text, context) for text in ("Việt Nam", "Nhật Bản", "Việt Nam, Đức", "Việt Nam và Mỹ",
                                              "Mỹ / Đức", "song tịch", "Dual nationality", "chưa rõ")] == [
        "vietnamese", "foreign", "dual", "dual", "foreign", "dual", "dual", "unknown"]
    with pytest.raises(CellError):
        clean("Kết hôn", context)
    with pytest.raises(CellError):
        PEOPLE.column("consent_date").clean("2025", context)  # a year is not the day consent was given
    # An offer the labels lack is never refused: Unmapped words, kept by the import in the expertise.
    offers = PEOPLE.column("offers").clean("Tư vấn từ xa; bay vào vũ trụ; Về thăm, làm việc", context)
    assert offers[0] == "remote_advice" and offers[1] == "bay vào vũ trụ" and offers[1].keep_in == "expertise"
    assert offers[2] == "visits"


def test_render_of_a_year_only_birth_is_the_year(app):
    assert PEOPLE.column("birth_date").render(_person(birth_date=None, birth_year=1960)) == "1960"
