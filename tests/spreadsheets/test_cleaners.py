"""Cell cleaners: what staff type into Excel becomes stored values, or a Vietnamese message."""
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from diaspora.spreadsheets import cleaners as c
from diaspora.spreadsheets.cleaners import CellError, CleanContext, Lookups
from diaspora.spreadsheets.contact_cleaners import clean_emails, clean_other_contacts, clean_phones


@pytest.fixture
def ctx(app):
    countries = {"nhật bản": "JP", "mỹ": "US", "việt nam": "VN", "đức": "DE"}
    lookups = Lookups(
        find_country=lambda text: SimpleNamespace(code=countries[text.lower()]) if text.lower() in countries else None,
        match_hometown=lambda text: SimpleNamespace(unit=SimpleNamespace(code="11311") if "Thanh Hà" in text else None),
        fields={"yte": 3, "health": 3, "it": 2, "congnghethongtin": 2}, field_names=["Công nghệ thông tin", "Y tế"],
        roles={"trithuc": 1}, role_names=["Trí thức"],
    )
    with app.test_request_context():
        yield CleanContext(lookups)


@pytest.mark.parametrize("value, expected", [
    (date(1975, 8, 15), (date(1975, 8, 15), 1975)),
    (datetime(1975, 8, 15), (date(1975, 8, 15), 1975)),
    (27621, (date(1975, 8, 15), 1975)),  # an Excel serial in a cell not formatted as a date
    (27621.0, (date(1975, 8, 15), 1975)),
    (1975, (None, 1975)),
    ("1975", (None, 1975)),
    ("Năm 1975", (None, 1975)),
    ("15/08/1975", (date(1975, 8, 15), 1975)),
    ("5/8/1975", (date(1975, 8, 5), 1975)),
    ("15-08-1975", (date(1975, 8, 15), 1975)),
    ("15.08.1975", (date(1975, 8, 15), 1975)),
    ("1975-08-15", (date(1975, 8, 15), 1975)),
    ("08/1975", (None, 1975)),
    ("15081975", (date(1975, 8, 15), 1975)),
    ("5/8/75", (date(1975, 8, 5), 1975)),  # two digits only when the century is certain
    # A day and month unknown, as forms mark them: the year alone.
    ("00/00/1960", (None, 1960)), ("0/0/1960", (None, 1960)), ("00/05/1960", (None, 1960)),
    ("../../1960", (None, 1960)), ("xx/xx/1960", (None, 1960)), ("1960-00-00", (None, 1960)),
])
def test_birth_dates_in_the_forms_staff_use(ctx, value, expected):
    assert c.clean_birth(value, ctx) == expected


@pytest.mark.parametrize("value, message", [
    ("5/8/15", "không rõ thế kỷ"),
    ("31/02/1980", "không tồn tại"),
    ("05/00/1980", "không tồn tại"),  # a day without its month is no date
    ("00/13/1980", "không tồn tại"),
    ("08/25/1980", "không tồn tại"),  # month first is not silently swapped
    ("1850", "Năm sinh 1850 không hợp lệ"),
    ("01/01/2999", "không hợp lệ"),
    ("khoảng 1970-1975", "Không đọc được"),
    ("không rõ", "Không đọc được"),
])
def test_bad_birth_dates_say_what_is_wrong(ctx, value, message):
    with pytest.raises(CellError, match=message):
        c.clean_birth(value, ctx)


@pytest.mark.parametrize("value, expected", [("Nam", "male"), ("nữ", "female"), ("NU", "female"), ("M", "male"),
                                             ("F", "female"), ("Female", "female"), ("Khác", "other")])
def test_gender(ctx, value, expected):
    assert c.clean_gender(value, ctx) == expected


def test_unknown_gender_lists_the_valid_values(ctx):
    with pytest.raises(CellError, match="Nam, Nữ, Khác"):
        c.clean_gender("?", ctx)


def test_country_by_name_and_unknown_country(ctx):
    assert c.clean_country("Nhật Bản", ctx) == "JP"
    with pytest.raises(CellError, match="Không nhận ra quốc gia “Atlantis”"):
        c.clean_country("Atlantis", ctx)


@pytest.mark.parametrize("value, country, expected", [
    (912345678, "VN", ["+84912345678"]),  # a number cell lost its leading 0
    (84912345678, "JP", ["+84912345678"]),  # … or its "+"
    (9012345678, "JP", ["+819012345678"]),
    ("0912 345 678", "US", ["+84912345678"]),  # not a US number: Vietnam is tried too
    ("+1 (202) 555-0143; 0912.345.678", "US", ["+12025550143", "+84912345678"]),
    ("090-1234-5678\n080 1234 5678", "JP", ["+819012345678", "+818012345678"]),
    ("0049 151 23456789", "DE", ["+4915123456789"]),
])
def test_phones_become_e164_with_the_row_country_as_region(ctx, value, country, expected):
    ctx.row = {"country": country}
    assert [normalized for _, _, normalized in clean_phones(value, ctx)] == expected


def test_phone_keeps_the_value_as_written(ctx):
    ctx.row = {"country": "VN"}
    assert clean_phones("0912 345 678", ctx) == (("phone", "0912 345 678", "+84912345678"),)


def test_bad_phone_is_an_error(ctx):
    ctx.row = {"country": "VN"}
    with pytest.raises(CellError, match="không hợp lệ"):
        clean_phones("12345", ctx)


def test_emails_are_lower_cased_and_split(ctx):
    assert [n for _, _, n in clean_emails("An.Nguyen@Example.COM; b@x.org", ctx)] == ["an.nguyen@example.com",
                                                                                       "b@x.org"]
    with pytest.raises(CellError, match="email"):
        clean_emails("an.nguyen@", ctx)


def test_fields_by_name_or_key_and_unknown_lists_valid_values(ctx):
    assert c.clean_fields("Y tế; IT, công nghệ thông tin", ctx) == (3, 2)
    # Words of no field never refuse the row: they come Unmapped, for the import to keep as text.
    cleaned = c.clean_fields("Y tế; Thiên văn", ctx)
    assert cleaned[0] == 3 and cleaned[1] == "Thiên văn" and isinstance(cleaned[1], c.Unmapped)
    assert cleaned[1].keep_in == "expertise"


def test_a_field_or_role_written_in_part_is_found_when_it_fits_one_alone(seeded):
    from diaspora.reference.lookups import import_lookups
    from diaspora.reference.models import CommunityRole, Field

    with seeded.test_request_context():
        context = CleanContext(import_lookups())
        fields, roles = ({item.id: item.key for item in model.query} for model in (Field, CommunityRole))
        assert [fields[i] for i in c.clean_fields("Giáo dục; Văn hóa, thương mại; Education", context)] == [
            "education", "culture_arts", "business_trade"]
        assert [roles[i] for i in c.clean_roles("Giảng viên; Bác sĩ", context)] == ["teacher", "doctor"]
        # "Công nghệ" fits two fields ("Khoa học – công nghệ", "Công nghệ thông tin"): kept as words, both named.
        (words,) = c.clean_fields("Công nghệ", context)
        assert isinstance(words, c.Unmapped) and {"Khoa học – công nghệ", "Công nghệ thông tin"} <= set(words.nearest)
        (words,) = c.clean_fields("Văn", context)  # too short to be read as a part
        assert isinstance(words, c.Unmapped)


def test_organisations_split_on_semicolons_only(ctx):
    assert c.clean_organisations("Hội người Việt Nam tại Nhật Bản, chi hội Tokyo; Hội doanh nhân", ctx) == (
        "Hội người Việt Nam tại Nhật Bản, chi hội Tokyo", "Hội doanh nhân")


def test_hometown_keeps_the_text_and_the_recognised_unit(ctx):
    assert c.clean_hometown("xã Thanh Hải, huyện Thanh Hà", ctx) == ("11311", "xã Thanh Hải, huyện Thanh Hà")
    assert c.clean_hometown("Nam Định", ctx) == (None, "Nam Định")


def test_text_is_nfc_trimmed_and_formula_like_text_is_kept(ctx):
    decomposed = "Nguye\u0302\u0303n  Va\u0306n"
    assert c.clean_full_name(decomposed, ctx) == "Nguyễn Văn"
    assert c.text_cleaner(100)("=HYPERLINK(\"x\")", ctx) == "=HYPERLINK(\"x\")"
    assert c.text_cleaner(100)("+ghi chú", ctx) == "+ghi chú"
    with pytest.raises(CellError, match="Dài quá 5 ký tự"):
        c.text_cleaner(5)("123456", ctx)


def test_other_contacts_by_kind(ctx):
    ctx.row = {"country": "JP"}
    assert clean_other_contacts("LINE: an.nguyen; Web: https://example.org", ctx) == (
        ("line", " an.nguyen".strip(), "an.nguyen"), ("website", "https://example.org", "https://example.org"))
    with pytest.raises(CellError, match="loại: giá trị"):
        clean_other_contacts("an.nguyen", ctx)


def test_consent(ctx):
    assert c.clean_consent("Đồng ý", ctx) == "given"
    assert c.clean_consent("x", ctx) == "given"
    assert c.clean_consent("Từ chối", ctx) == "refused"
