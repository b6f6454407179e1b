"""Duplicate matching inside the file and against the register, with reasons; common names alone never match."""
import pytest

from diaspora.reference.lookups import import_lookups
from diaspora.organisations import service as organisation_service
from diaspora.people import service as people_service
from diaspora.spreadsheets import pipeline
from diaspora.people.columns import PEOPLE
from diaspora.people.duplicates import check_ids, find_duplicates
from diaspora.people.names import names_can_be_one, same_person_names
from tests.spreadsheets.sheets import layout

HEADERS = ["Họ và tên", "Năm sinh", "Quốc gia", "Thành phố", "SĐT", "Email", "Hội đoàn", "ID"]


def prepared(rows):
    sheet = layout(HEADERS, rows)
    cleaned = pipeline.clean_rows(sheet, pipeline.map_headers(sheet, PEOPLE), PEOPLE, import_lookups())
    check_ids(cleaned)
    return cleaned


def person(**values):
    return people_service.create_person({"full_name": "Nguyễn Văn Hùng", "country_code": "JP", **values})


def described(duplicates):
    return {row: [(m.row or m.person_id, m.reason) for m in matches] for row, matches in duplicates.items()}


def test_matches_against_the_register_by_email_phone_and_name_birth_country(seeded):
    by_email = person(full_name="Lê Thị Lan", contacts=[{"kind": "email", "value": "lan@example.org"}])
    by_phone = person(full_name="Phạm Minh", contacts=[{"kind": "phone", "value": "+81 90 1234 5678"}])
    by_name = person(full_name="Nguyễn Văn Nam", birth_year=1970, country_code="US")
    rows = prepared([
        ["Lê Lan", None, "Nhật Bản", None, None, "LAN@example.org", None, None],
        ["Minh Phạm", None, "Nhật Bản", None, "090-1234-5678", None, None, None],
        ["NGUYEN VAN NAM", 1970, "Mỹ", None, None, None, None, None],
    ])
    assert described(find_duplicates(rows)) == {
        2: [(by_email.id, "email")], 3: [(by_phone.id, "phone")], 4: [(by_name.id, "name_birth_country")]}
    assert find_duplicates(rows)[2][0].to_json() == {"person_id": by_email.id, "reason": "trùng email"}


def test_two_nguyen_van_nam_with_nothing_else_in_common_are_two_people(seeded):
    person(full_name="Nguyễn Văn Nam", birth_year=1970, country_code="US", city="Houston",
           contacts=[{"kind": "email", "value": "nam1@example.org"}])
    rows = prepared([
        ["Nguyễn Văn Nam", 1985, "Mỹ", "Houston", "+1 202 555 0143", "nam2@example.org", None, None],
        ["Nguyễn Văn Nam", 1970, "Nhật Bản", "Tokyo", None, None, None, None],
        ["Nguyễn Văn Nam", 1990, "Nhật Bản", "Osaka", None, None, None, None],
        ["Nguyễn Văn Nam", None, "Đức", None, None, None, None, None],
    ])
    assert find_duplicates(rows) == {}


def test_fuzzy_names_need_a_backing_fact(seeded):
    same_city = person(full_name="Nguyễn Văn Hùng", country_code="JP", city="Osaka")
    same_year = person(full_name="Trần Thị Thu Hương", birth_year=1982, country_code="KR")
    rows = prepared([
        ["Nguyễn Văn Hùngg", None, "Nhật Bản", "osaka", None, None, None, None],
        ["Tran Thi Thu Huong", 1982, "Hàn Quốc", None, None, None, None, None],
        ["Trần Thị Thu Hươngg", 1982, "Hàn Quốc", None, None, None, None, None],
        ["Nguyễn Văn Hùngg", None, "Nhật Bản", "Kyoto", None, None, None, None],
        ["Nguyễn Văn Hùngg", 1960, "Nhật Bản", "Osaka", None, None, None, None],
    ])
    duplicates = described(find_duplicates(rows))
    assert duplicates[2] == [(same_city.id, "fuzzy_city")]
    assert duplicates[3] == [(same_year.id, "name_birth_country")]
    assert duplicates[4] == [(same_year.id, "fuzzy_birth_country"), (3, "fuzzy_birth_country")]
    assert 5 not in duplicates  # same name, same country, nothing else shared
    assert duplicates[6] == [(same_city.id, "fuzzy_city"), (2, "name_city")]


def test_known_birth_years_that_differ_rule_out_a_match_on_name(seeded):
    person(full_name="Nguyễn Văn Hùng", birth_year=1970, country_code="JP", city="Osaka")
    rows = prepared([["Nguyễn Văn Hùng", 1960, "Nhật Bản", "Osaka", None, None, None, None],
                     ["Nguyễn Văn Hùng", 1961, "Nhật Bản", "Osaka", None, None, None, None]])
    assert find_duplicates(rows) == {}


def test_organisation_backs_a_name(seeded):
    organisation = organisation_service.create_organisation(
        {"name": "Hội người Việt Nam tại Osaka", "kind": "association", "country_code": "JP"})
    member = person(full_name="Đỗ Văn Quang", country_code="JP")
    people_service.add_membership(member, {"organisation_id": organisation.id})
    rows = prepared([["Do Van Quang", None, "Nhật Bản", None, None, None, "Hội người Việt Nam tại Osaka", None]])
    assert described(find_duplicates(rows)) == {2: [(member.id, "name_organisation")]}


def test_duplicates_inside_the_file_name_the_earlier_row(seeded):
    rows = prepared([
        ["Vũ Thị Hoa", 1990, "Đức", None, "+49 151 23456789", "hoa@example.de", None, None],
        ["Vũ Hoa", None, "Đức", None, None, "HOA@example.de", None, None],
        ["Hoa Vũ", None, "Đức", None, "0151 23456789", None, None, None],
        ["Vu Thi Hoa", 1990, "Đức", None, None, None, None, None],
    ])
    assert described(find_duplicates(rows)) == {3: [(2, "email")], 4: [(2, "phone")], 5: [(2, "name_birth_country")]}


def test_a_row_with_an_id_is_not_its_own_duplicate_and_unknown_ids_are_errors(seeded):
    known = person(full_name="Hoàng Văn Bảo", contacts=[{"kind": "email", "value": "bao@example.org"}])
    rows = prepared([
        ["Hoàng Văn Bảo", None, "Nhật Bản", None, None, "bao@example.org", None, known.id],
        ["Ai Đó", None, "Nhật Bản", None, None, None, None, 999999],
    ])
    assert find_duplicates(rows) == {}
    assert rows[0].valid
    assert [(p.row, p.column) for p in rows[1].problems] == [(3, "ID")]
    assert "999999" in rows[1].problems[0].message


def test_deleted_people_are_not_matched(seeded):
    gone = person(full_name="Lý Văn Tâm", contacts=[{"kind": "email", "value": "tam@example.org"}])
    people_service.delete_person(gone)
    rows = prepared([["Lý Văn Tâm", None, "Nhật Bản", None, None, "tam@example.org", None, None]])
    assert find_duplicates(rows) == {}


def test_the_sheet_rules_choose_the_evidence(seeded):
    rows = prepared([
        ["Vũ Thị Hoa", 1990, "Đức", None, "+49 151 23456789", "hoa@example.de", None, None],
        ["Vu Thi Hoa", 1990, "Đức", None, "+49 151 23456789", None, None, None],
        ["Vũ Thị Hoaa", 1990, "Đức", None, None, "hoa@example.de", None, None],
    ])
    assert described(find_duplicates(rows, rules=("email",))) == {4: [(2, "email")]}
    assert described(find_duplicates(rows, rules=("phone", "name"))) == {3: [(2, "phone")]}
    assert find_duplicates(rows, rules=("phone", "name"))[3][0].reasons == ("phone", "name_birth_country")
    assert described(find_duplicates(rows, rules=("fuzzy_name",))) == {
        3: [(2, "name_birth_country")], 4: [(2, "fuzzy_birth_country"), (3, "fuzzy_birth_country")]}


@pytest.mark.parametrize("one, other, same", [
    ("nguyen van hung", "nguyen van hung", True),
    ("lan nguyen", "nguyen thi lan", True),  # the given name first, as abroad
    ("tran nam", "tran van nam", True),
    ("nguyen van hunh", "nguyen van hung", True),  # a slip
    ("than van tai", "thai thi uyen", False),  # husband and wife
    ("nguyen van an", "nguyen van binh", False),  # two brothers
])
def test_names_that_can_be_one_persons(one, other, same):
    assert same_person_names(one, other) is same
    assert same_person_names(other, one) is same


@pytest.mark.parametrize("one, other, same", [
    ("nguyen van nam", "nguyen van nam", True),
    ("lan nguyen", "nguyen lan", True),  # the family name written last, as abroad
    ("van nam nguyen", "nguyen van nam", True),
    ("nguyen van hung", "nguyen van hungg", True),  # a slip in a long enough word
    ("andreas schneider", "andreas schnieder", True),  # two letters swapped
    ("vu thi hoa", "vu thi hoaa", True),  # a letter typed twice
    ("tran thi thu huong", "tran thu huongg", True),  # a middle name left out, and a slip
    ("nguyen hai trong", "nguyen trong hai", False),  # the same words in another order: two names
    ("nguyen van lam", "nguyen van nam", False),  # a short given name changed: another name
    ("nguyen thu hai", "nguyen thu hoa", False),
    ("nguyen van an", "nguyen van anh", False),
    ("nguyen thi huong", "nguyen thi duong", False),  # one letter between two syllables: another name
    ("nguyen van tung", "nguyen van trung", False),
    ("tran van hanh", "tran van thanh", False),
    ("nguyen van hung", "nguyen van hunh", True),  # "hunh" is no syllable: a slip
    ("nguyen van nam", "van nam", False),  # the family name is not a middle name
])
def test_names_that_only_look_alike_are_two_people(one, other, same):
    assert names_can_be_one(one, other) is same
    assert names_can_be_one(other, one) is same


def test_a_near_name_with_a_short_word_changed_is_no_duplicate(seeded):
    lam = person(full_name="Nguyễn Văn Lâm", country_code="JP", city="Osaka", birth_year=1970)
    rows = prepared([
        ["Nguyễn Văn Nam", 1970, "Nhật Bản", "Osaka", None, None, None, None],
        ["Nguyễn Lâm Văn", 1970, "Nhật Bản", "Osaka", None, None, None, None],
        ["Nguyễn Văn Lââm", 1970, "Nhật Bản", "Osaka", None, None, None, None],
    ])
    assert described(find_duplicates(rows)) == {4: [(lam.id, "fuzzy_birth_country")]}


def test_a_couple_giving_the_familys_phone_and_email_are_two_people_and_told_so(seeded):
    rows = prepared([
        ["Thân Văn Tài", 1960, "Pháp", "Paris", "+33 6 12 34 56 78", "gia.dinh.than@example.fr", None, None],
        ["Thái Thị Uyên", 1963, "Pháp", "Paris", "06 12 34 56 78", "gia.dinh.than@example.fr", None, None],
        ["Than Van Tai", 1960, "Pháp", None, "+33 6 12 34 56 78", None, None, None],
    ])
    assert described(find_duplicates(rows)) == {4: [(2, "phone")]}
    assert rows[1].notes == [
        "Cùng email với dòng 2 nhưng khác họ tên (có thể là người thân): không coi là trùng.",
        "Cùng số điện thoại với dòng 2 nhưng khác họ tên (có thể là người thân): không coi là trùng."]
    assert rows[0].notes == rows[2].notes == []


def test_an_associations_phone_on_its_members_rows_joins_nobody(seeded):
    chairman = person(full_name="Đỗ Văn Chủ", contacts=[{"kind": "phone", "value": "+81 3 1234 5678"}])
    rows = prepared([[name, None, "Nhật Bản", None, "03-1234-5678", None, "Hội người Việt tại Tokyo", None]
                     for name in ("Lê Văn An", "Phạm Thị Bình", "Hoàng Văn Cường")])
    plans = pipeline.plan_rows(rows, find_duplicates(rows))
    assert [plan.action for plan in plans] == ["create", "create", "create"]
    assert plans[0].note == (f"Cùng số điện thoại với hồ sơ “Đỗ Văn Chủ” (ID {chairman.id}) nhưng khác họ tên "
                             "(có thể là người thân): không coi là trùng.")
    assert [len(row.notes) for row in rows] == [1, 1, 1]  # one explanation, not one per member
