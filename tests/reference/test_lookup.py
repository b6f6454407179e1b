"""Country lookup, choices for forms and hometown matching."""
import pytest

from diaspora.extensions import db
from diaspora.reference.countries import country_choices, country_name, find_country
from diaspora.reference.hometowns import match_hometown
from diaspora.reference.models import CommunityRole, Field
from diaspora.reference.taxonomy import field_choices, role_choices


@pytest.mark.parametrize("text, code", [
    ("Mỹ", "US"), ("USA", "US"), ("us", "US"), ("Hoa Kỳ", "US"), ("United States of America", "US"),
    ("CHLB Đức", "DE"), ("Cộng hòa Liên bang Đức", "DE"), ("Nhật Bản", "JP"), ("JP", "JP"), ("JPN", "JP"),
    ("Japan", "JP"), ("nhat ban", "JP"), ("  NHẬT   BẢN ", "JP"), ("Nhật Bản.", "JP"), ("LB Nga", "RU"),
    ("Đài Loan (Trung Quốc)", "TW"), ("Hàn Quốc (Nam Hàn)", "KR"), ("Korea, Republic of", "KR"),
    ("Czech Republic", "CZ"), ("CH Séc", "CZ"), ("Ca-na-đa", "CA"), ("Vương quốc Anh", "GB"), ("UK", "GB"),
    ("Russian Federation", "RU"), ("Việt Nam", "VN"),
])
def test_find_country_resolves_what_staff_write(seeded, text, code):
    assert find_country(text).code == code


@pytest.mark.parametrize("text, code", [("MY", "MY"), ("Mỹ", "US"), ("AO", "AO"), ("Áo", "AT"), ("NGA", "NG"), ("Nga", "RU")])
def test_upper_case_codes_mean_the_code(seeded, text, code):
    assert find_country(text).code == code


@pytest.mark.parametrize("text", ["Atlantis", "", None, "   ", "XX", "Nhật Bản Hàn Quốc"])
def test_find_country_returns_none_for_unknown_names(seeded, text):
    assert find_country(text) is None


def test_find_country_returns_a_usable_record(seeded):
    country = find_country("Đức")
    assert country in db.session
    assert country.name("en") == "Germany"


def test_country_choices_sort_by_vietnamese_name_ignoring_diacritics(seeded):
    names = [name for _, name in country_choices("vi")]
    assert len(names) >= 249
    assert names.index("Ấn Độ") < names.index("Angola") < names.index("Áo")
    assert names.index("Hà Lan") < names.index("Hoa Kỳ")
    assert names.index("Đức") < names.index("Ecuador")
    assert dict(country_choices("en"))["DE"] == "Germany"


def test_country_choices_can_put_the_common_countries_first(seeded, app):
    with app.test_request_context():
        groups = country_choices("vi", common_first=True)
    common, others = groups.values()
    assert common[0] == ("JP", "Nhật Bản")
    assert ("US", "Hoa Kỳ") in common and ("US", "Hoa Kỳ") not in others
    assert len(common) + len(others) == len(country_choices("vi"))


def test_country_name(seeded):
    assert country_name("KR") == "Hàn Quốc"
    assert country_name("KR", "en") == "South Korea"
    assert country_name("ZZ") == "ZZ"


def test_field_and_role_choices_list_active_items_in_order(seeded):
    health = db.session.scalar(db.select(Field).where(Field.key == "health"))
    health.active = False
    db.session.commit()

    fields = [name for _, name in field_choices("vi")]
    assert fields[0] == "Khoa học – công nghệ" and fields[-1] == "Khác"
    assert "Y tế" not in fields
    roles = dict(role_choices("en"))
    student = db.session.scalar(db.select(CommunityRole).where(CommunityRole.key == "student"))
    assert roles[student.id] == "Student abroad"


@pytest.mark.parametrize("text, unit, reason", [
    ("Phường Lê Chân", "Phường Lê Chân", "unit"),
    ("p. Lê Chân, TP Hải Phòng", "Phường Lê Chân", "unit"),
    ("Xã Tân An", "Xã Tân An", "unit"),
    ("Lạc Phượng", "Xã Lạc Phượng", "unit"),
    # Old communes of old Hải Dương and Hải Phòng, through their old district.
    ("xã Tân An, huyện Thanh Hà, tỉnh Hải Dương", "Xã Hà Tây", "old_commune"),
    ("Xã Thanh Sơn, H. Thanh Hà, Hải Dương", "Xã Thanh Hà", "old_commune"),
    ("P.Trần Hưng Đạo, TP.Hải Dương", "Phường Hải Dương", "old_commune"),
    ("TT Kẻ Sặt, Bình Giang, Hải Dương", "Xã Kẻ Sặt", "old_commune"),
    ("Thôn Chu Đậu, xã Thái Tân, huyện Nam Sách", "Xã Thái Tân", "old_commune"),
    ("Quán Toan, Hồng Bàng", "Phường Hồng An", "old_commune"),
    ("xa Thanh Son huyen Thanh Ha", "Xã Thanh Hà", "old_commune"),
    ("xã Long Xuyên, huyện Bình Giang", "Xã Bình Giang", "old_commune"),
])
def test_match_hometown_finds_todays_unit(seeded, text, unit, reason):
    match = match_hometown(text)
    assert (match.unit.full_name if match.unit else None, match.reason) == (unit, reason)
    assert match.candidates == []


@pytest.mark.parametrize("text, candidates, reason", [
    # Split old commune: the mapping is unverified, so only candidates.
    ("xã Thanh Hải, huyện Thanh Hà, Hải Dương", ["Xã Hà Tây", "Xã Đại Sơn"], "old_commune_split"),
    # Two old communes of that name went to different units.
    ("xã Tân Việt", ["Xã Hà Bắc", "Xã Bình Giang"], "ambiguous"),
    ("Long Xuyên", ["Phường Kinh Môn", "Xã Bình Giang"], "ambiguous"),
    # An old district alone is never a match.
    ("Kiến An, Hải Phòng", ["Phường Kiến An", "Phường Phù Liễn"], "old_district"),
    ("huyện Bạch Long Vĩ", ["Đặc khu Bạch Long Vĩ"], "old_district"),
])
def test_match_hometown_offers_candidates_when_unsure(seeded, text, candidates, reason):
    match = match_hometown(text)
    assert match.unit is None
    assert sorted(unit.full_name for unit in match.candidates) == sorted(candidates)
    assert match.reason == reason


def test_old_district_candidates_start_with_the_unit_that_kept_its_name(seeded):
    match = match_hometown("Thủy Nguyên")
    assert match.unit is None and match.reason == "old_district"
    assert match.candidates[0].full_name == "Phường Thủy Nguyên"
    assert len(match.candidates) == 8


@pytest.mark.parametrize("text, reason", [("", "empty"), (None, "empty"), ("Atlantis", "not_found"),
                                          ("Hải Phòng", "not_found")])
def test_match_hometown_without_a_unit(seeded, text, reason):
    match = match_hometown(text)
    assert (match.unit, match.candidates, match.reason) == (None, [], reason)
