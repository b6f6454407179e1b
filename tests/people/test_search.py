"""People search: folding, phones and emails, hostile input, filters, sorting, pages and counts."""
import pytest
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.organisations import service as organisation_service
from diaspora.people import service
from diaspora.people.search import PeopleQuery, search_people, search_terms
from diaspora.reference.models import CommunityRole, Field


def _ids(model, *keys):
    return [db.session.scalar(select(model.id).where(model.key == key)) for key in keys]


@pytest.fixture
def register(seeded):
    """A small register: name → person, one of them in the bin."""
    japan = organisation_service.create_organisation(
        {"name": "Hội người Việt Nam tại Nhật Bản", "kind": "association", "country_code": "JP"})
    people = {
        "hung": service.create_person({
            "full_name": "Nguyễn Văn Hùng", "country_code": "JP", "birth_year": 1980, "academic_title": "TS.",
            "fields": _ids(Field, "health"), "roles": _ids(CommunityRole, "business"), "offers": ["investment"],
            "contacts": [{"kind": "phone", "value": "+81 90-1234-5678"},
                         {"kind": "email", "value": "Hung.Nguyen@gmail.com"}],
        }),
        "mai": service.create_person({
            "full_name": "Đặng Thị Mai", "country_code": "US", "birth_year": 1975, "academic_title": "GS. TS.",
            "fields": _ids(Field, "it"), "contacts": [{"kind": "zalo", "value": "(+84) 912.345.678"}],
        }),
        "nam": service.create_person({
            "full_name": "Trần Văn Nam", "other_names": "Nam Van Tran", "country_code": "DE", "birth_year": 1990,
            "academic_title": "PGS.TS.", "status": "unreachable",
        }),
        "lan": service.create_person({
            "full_name": "Nguyễn Thị Lan", "country_code": "JP", "birth_year": 1985, "academic_title": "ThS.",
            "offers": ["teaching"],
        }),
        "khoa": service.create_person({"full_name": "Lê Đăng Khoa", "country_code": "AU", "birth_year": 1999}),
        "gone": service.create_person({"full_name": "Nguyễn Văn Hưng", "country_code": "JP", "birth_year": 1970}),
    }
    service.add_membership(people["lan"], {"organisation_id": japan.id, "role": "Hội viên"})
    service.delete_person(people["gone"])
    people["japan"] = japan
    return people


def names(**query) -> list[str]:
    return [person.full_name for person in search_people(PeopleQuery(**query)).items]


@pytest.mark.parametrize("q, expected", [
    ("nguyen van hung", ["Nguyễn Văn Hùng"]),
    ("Nguyễn Văn Hùng", ["Nguyễn Văn Hùng"]),
    ("NGUYEN   hung", ["Nguyễn Văn Hùng"]),
    ("hung nguyen", ["Nguyễn Văn Hùng"]),
    ("ngu", ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]),  # prefixes alike: in Vietnamese order
    ("dang", ["Lê Đăng Khoa", "Đặng Thị Mai"]),  # whole words alike: in Vietnamese order
    ("đặng", ["Đặng Thị Mai", "Lê Đăng Khoa"]),  # the spelling typed first
    ("nam van tran", ["Trần Văn Nam"]),
    ("hoi nguoi viet nhat", ["Nguyễn Thị Lan"]),
    ("nguyen xyz", []),
])
def test_text_search_folds_and_matches_every_word_as_a_prefix(register, q, expected):
    assert names(q=q) == expected


@pytest.mark.parametrize("q", [
    "+81 90-1234-5678", "090-1234-5678", "090 1234 5678", "0081 90 1234 5678", "819012345678", "9012345678",
    "+81 90-1234",
])
def test_phone_numbers_are_found_in_international_and_national_form(register, q):
    assert names(q=q) == ["Nguyễn Văn Hùng"]


@pytest.mark.parametrize("q", ["(+84) 912.345.678", "0912 345 678", "+84912345678", "0084-912-345-678"])
def test_zalo_numbers_are_found_too(register, q):
    assert names(q=q) == ["Đặng Thị Mai"]


@pytest.mark.parametrize("q", ["hung.nguyen@gmail.com", "HUNG.NGUYEN@GMAIL.COM", "hung.nguyen@"])
def test_email_addresses_are_found(register, q):
    assert names(q=q) == ["Nguyễn Văn Hùng"]


def test_query_terms():
    assert search_terms("Nguyễn  Văn-Hùng") == ["nguyen", "van", "hung"]
    assert search_terms("+81 90-1234-5678") == ["819012345678"]
    assert search_terms("(+84) 912.345.678") == ["84912345678"]
    assert search_terms("0084 912 345 678") == ["84912345678"]
    assert search_terms("090 1234 5678") == ["09012345678"]
    assert search_terms("1980") == ["1980"]
    assert search_terms("Hung.Nguyen@Gmail.com") == ["hungnguyengmailcom"]
    assert search_terms('"OR" NEAR(') == ["or", "near"]
    assert search_terms("🙂 !!!") == []


HOSTILE = ['"', '""', "*", "OR", "AND", "NOT", "nguyen OR", "NOT nguyen", "NEAR(", "NEAR(nguyen hung)", "-x",
           "-nguyen", "a'b", "' OR 1=1 --", "(", ")", "^nguyen", "nguyen:*", "nguyen & hung | !", '"nguyen"*',
           "{search_text}: nguyen", "search_text:nguyen", "%", "_", "%nguyen%", "\\", "\x00", "🙂", "nguyen 🙂",
           "x" * 5000, "nguyen " * 300, "グエン", "Иванов", "+", "++81", "()", "0" * 200, "@", "@gmail.com"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_search_input_never_errors(register, q):
    page = search_people(PeopleQuery(q=q))
    assert page.total == len(page.items)
    assert all(person.deleted_at is None for person in page.items)


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_search_input_in_the_bin_never_errors(register, q):
    page = search_people(PeopleQuery(q=q, deleted=True))
    assert page.total == len(page.items)


@pytest.mark.parametrize("q", ["NEAR(", '"', "' OR 1=1 --", "x" * 1000, "🙂", "nguyen OR"])
def test_hostile_search_input_on_the_list_page(register, client, login, q):
    login("viewer")
    assert client.get("/people/", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize("q, expected", [
    ('"nguyen"*', ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]),
    ("nguyen OR", []),
    ("NEAR(nguyen hung)", []),
    ("-nguyen", ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]),
    ("nguyen 🙂", ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]),
    ("%", []),
    ("🙂", []),
])
def test_operators_in_the_input_are_plain_words(register, q, expected):
    assert names(q=q) == expected


@pytest.mark.parametrize("query, expected", [
    ({"country": "JP"}, ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]),
    ({"field": "health"}, ["Nguyễn Văn Hùng"]),
    ({"field": "it"}, ["Đặng Thị Mai"]),
    ({"role": "business"}, ["Nguyễn Văn Hùng"]),
    ({"status": "unreachable"}, ["Trần Văn Nam"]),
    ({"offer": "investment"}, ["Nguyễn Văn Hùng"]),
    ({"offer": "teaching"}, ["Nguyễn Thị Lan"]),
    ({"title": "ts"}, ["Nguyễn Văn Hùng", "Đặng Thị Mai", "Trần Văn Nam"]),
    ({"title": "TS."}, ["Nguyễn Văn Hùng", "Đặng Thị Mai", "Trần Văn Nam"]),
    ({"title": "gs"}, ["Đặng Thị Mai"]),
    ({"title": "pgs"}, ["Trần Văn Nam"]),
    ({"title": "ths"}, ["Nguyễn Thị Lan"]),
    ({"title": "gs ts"}, ["Đặng Thị Mai"]),
    ({"title": "bs"}, []),
    ({"field": "no-such-field"}, []),
    ({"role": "no-such-role"}, []),
    ({"country": "FR"}, []),
])
def test_each_filter(register, query, expected):
    assert names(**query) == expected


def test_organisation_filter(register):
    assert names(organisation_id=register["japan"].id) == ["Nguyễn Thị Lan"]
    assert names(organisation_id=register["japan"].id + 100) == []


@pytest.mark.parametrize("query, expected", [
    ({"q": "nguyen", "country": "JP"}, ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]),
    ({"q": "nguyen", "field": "health"}, ["Nguyễn Văn Hùng"]),
    ({"q": "nguyen", "offer": "teaching", "country": "JP"}, ["Nguyễn Thị Lan"]),
    ({"q": "dang", "country": "US", "title": "gs"}, ["Đặng Thị Mai"]),
    ({"q": "dang", "country": "JP"}, []),
    ({"country": "JP", "title": "ths"}, ["Nguyễn Thị Lan"]),
    ({"country": "JP", "field": "health", "role": "business", "offer": "investment"}, ["Nguyễn Văn Hùng"]),
    ({"field": "health", "offer": "teaching"}, []),
])
def test_filters_combine(register, query, expected):
    page = search_people(PeopleQuery(**query))
    assert [person.full_name for person in page.items] == expected
    assert page.total == len(expected)


def test_people_in_the_bin_are_left_out_and_listed_apart(register):
    assert names(q="nguyen van") == ["Nguyễn Văn Hùng"]
    assert names(country="JP") == ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]
    assert search_people(PeopleQuery()).total == 5
    assert names(deleted=True) == ["Nguyễn Văn Hưng"]
    assert names(deleted=True, q="hung") == ["Nguyễn Văn Hưng"]
    assert names(deleted=True, q="nguyen van hu") == ["Nguyễn Văn Hưng"]
    assert names(deleted=True, q="lan") == []
    assert names(deleted=True, country="JP") == ["Nguyễn Văn Hưng"]


def test_restore_and_delete_move_people_in_and_out_of_the_index(register):
    service.restore_person(register["gone"])
    assert names(q="nguyen van") == ["Nguyễn Văn Hùng", "Nguyễn Văn Hưng"]
    service.delete_person(register["hung"])
    assert names(q="nguyen van") == ["Nguyễn Văn Hưng"]
    assert names(q="+81 90-1234-5678") == []
    assert names(q="+81 90-1234-5678", deleted=True) == ["Nguyễn Văn Hùng"]


def test_edited_names_and_contacts_are_searchable(register):
    service.update_person(register["khoa"], {"full_name": "Lê Minh Khoa",
                                             "contacts": [{"kind": "email", "value": "khoa@example.org"}]})
    assert names(q="dang") == ["Đặng Thị Mai"]
    assert names(q="le minh") == ["Lê Minh Khoa"]
    assert names(q="khoa@example.org") == ["Lê Minh Khoa"]


@pytest.mark.parametrize("sort, expected", [
    # By given name, middle names, family name (Vietnamese order); "written": the name as written.
    ("name", ["Nguyễn Văn Hùng", "Lê Đăng Khoa", "Nguyễn Thị Lan", "Đặng Thị Mai", "Trần Văn Nam"]),
    ("-name", ["Trần Văn Nam", "Đặng Thị Mai", "Nguyễn Thị Lan", "Lê Đăng Khoa", "Nguyễn Văn Hùng"]),
    ("written", ["Đặng Thị Mai", "Lê Đăng Khoa", "Nguyễn Thị Lan", "Nguyễn Văn Hùng", "Trần Văn Nam"]),
    ("-written", ["Trần Văn Nam", "Nguyễn Văn Hùng", "Nguyễn Thị Lan", "Lê Đăng Khoa", "Đặng Thị Mai"]),
    ("country", ["Lê Đăng Khoa", "Trần Văn Nam", "Nguyễn Văn Hùng", "Nguyễn Thị Lan", "Đặng Thị Mai"]),
    ("-country", ["Đặng Thị Mai", "Nguyễn Thị Lan", "Nguyễn Văn Hùng", "Trần Văn Nam", "Lê Đăng Khoa"]),
    ("birth_year", ["Đặng Thị Mai", "Nguyễn Văn Hùng", "Nguyễn Thị Lan", "Trần Văn Nam", "Lê Đăng Khoa"]),
    ("-birth_year", ["Lê Đăng Khoa", "Trần Văn Nam", "Nguyễn Thị Lan", "Nguyễn Văn Hùng", "Đặng Thị Mai"]),
    ("-updated", ["Nguyễn Thị Lan", "Lê Đăng Khoa", "Trần Văn Nam", "Đặng Thị Mai", "Nguyễn Văn Hùng"]),
])
def test_sorting(register, sort, expected):
    assert names(sort=sort) == expected


def test_pages_and_exact_total(register):
    first = search_people(PeopleQuery(per_page=2))
    assert (first.total, first.pages, len(first.items)) == (5, 3, 2)
    third = search_people(PeopleQuery(per_page=2, page=3))
    assert [person.full_name for person in third.items] == ["Trần Văn Nam"]
    beyond = search_people(PeopleQuery(per_page=2, page=9))  # a page beyond the last shows the last
    assert ([person.full_name for person in beyond.items], beyond.total, beyond.page) == (["Trần Văn Nam"], 5, 3)
    text = search_people(PeopleQuery(q="nguyen", per_page=1, page=2))
    assert ([person.full_name for person in text.items], text.total, text.pages) == (["Nguyễn Thị Lan"], 2, 2)
    text_beyond = search_people(PeopleQuery(q="nguyen", per_page=1, page=10**9))
    assert ([person.full_name for person in text_beyond.items], text_beyond.page) == (["Nguyễn Thị Lan"], 2)
    assert search_people(PeopleQuery(q="không có ai", page=7)).page == 1


def test_query_from_url_arguments_is_lenient():
    query = PeopleQuery.from_args({"q": "  nguyen ", "country": "jp", "page": "x", "per_page": "9999",
                                   "sort": "-evil", "organisation": "abc", "deleted": "1"})
    assert (query.q, query.country, query.page, query.per_page, query.sort) == ("nguyen", "JP", 1, 500, "name")
    assert query.organisation_id is None and query.deleted
    assert PeopleQuery.from_args(query.to_args()) == query
