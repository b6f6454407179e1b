"""People in Vietnamese alphabetical order everywhere by default, and the best match first when searching:
the stored sort key kept by every writer, the list, the picker, exports, the members of an organisation, the
backfill; the ranking of a search in the list, the picker and the shared query."""
import json
from datetime import date

import pytest
from sqlalchemy import select, text, update

from diaspora.extensions import db
from diaspora.organisations import service as organisation_service
from diaspora.outreach.activities import lookup_people
from diaspora.people import service
from diaspora.people.exports import rendered_rows
from diaspora.people.models import Person
from diaspora.people.privacy import erase_person
from diaspora.people.search import PeopleQuery, filtered_people_select, match_rank, search_people
from diaspora.text import name_sort_key
from tests.spreadsheets.sheets import write_workbook

# The order a Vietnamese reader expects: by given name, then middle names, then family name; a foreign
# expert by family name ("Becker" among the B, "Schmidt" among the S).
EXPECTED = [
    "Nguyễn Văn An",
    "Trần Thị Ánh",
    "Andreas Becker",  # foreign expert: Becker
    "Lê Văn Bình",
    "Đỗ Thị Dung",
    "Phạm Minh Đức",
    "Ngô Văn Hùng",
    "Bùi Thị Lan",
    "Maria Schmidt",  # foreign expert: Schmidt
    "Nguyễn Văn Thu",
    "Nguyễn Văn Thuận",  # u before ư
    "Nguyễn Văn Thử",
    "Nguyễn Thúy Vân",
    "Hoàng Ngọc Yến",
]
FOREIGN = {"Andreas Becker", "Maria Schmidt"}


@pytest.fixture
def register(seeded):
    people = {}
    for index, name in enumerate(reversed(EXPECTED)):  # created in another order than the expected one
        people[name] = service.create_person({
            "full_name": name, "country_code": "DE" if name in FOREIGN else ("JP" if index % 2 else "US"),
            "person_type": "foreign_expert" if name in FOREIGN else "overseas_vietnamese", "birth_year": 1980,
        })
    db.session.commit()
    return people


def names(**query) -> list[str]:
    return [person.full_name for person in search_people(PeopleQuery(**query)).items]


# --- the order ------------------------------------------------------------------------------------------------

def test_the_list_is_in_vietnamese_order_by_default(register):
    assert names() == EXPECTED
    assert names(per_page=5, page=2) == EXPECTED[5:10]
    assert names(sort="-name") == EXPECTED[::-1]


def test_the_other_orders_stay_available(register):
    assert names(sort="written")[:3] == ["Andreas Becker", "Bùi Thị Lan", "Đỗ Thị Dung"]
    by_country = names(sort="country")
    assert by_country[:2] == ["Andreas Becker", "Maria Schmidt"]  # DE first, then in name order
    japan = [name for name in EXPECTED if register[name].country_code == "JP"]
    assert by_country[2:2 + len(japan)] == japan


def test_the_list_page_shows_the_order_and_offers_the_others(client, login, register):
    login("viewer")
    page = client.get("/people/").get_data(as_text=True)
    positions = [page.index(name) for name in EXPECTED]
    assert positions == sorted(positions)
    assert "Họ tên (A-Z theo tên)" in page and "Họ tên như đã viết (A-Z theo họ)" in page
    written = client.get("/people/?sort=written").get_data(as_text=True)
    assert written.index("Andreas Becker") < written.index("Bùi Thị Lan") < written.index("Nguyễn Văn An")


def test_exports_are_in_the_same_order(register):
    ids: list[int] = []
    rows = list(rendered_rows(PeopleQuery(), ids=ids))
    assert len(rows) == len(EXPECTED)
    assert ids == [register[name].id for name in EXPECTED]
    selected = db.session.scalars(filtered_people_select(PeopleQuery(country="JP"))).all()
    assert [person.full_name for person in selected] == [n for n in EXPECTED if register[n].country_code == "JP"]


def test_members_of_an_organisation_are_listed_in_vietnamese_order(register):
    association = organisation_service.create_organisation(
        {"name": "Hội người Việt Nam tại Đức", "kind": "association", "country_code": "DE"})
    for name in ("Nguyễn Văn Thử", "Lê Văn Bình", "Trần Thị Ánh"):
        service.add_membership(register[name], {"organisation_id": association.id, "role": "Hội viên"})
    members = organisation_service.members(association)
    assert [member.person.full_name for member in members] == ["Trần Thị Ánh", "Lê Văn Bình", "Nguyễn Văn Thử"]


# --- best match first -----------------------------------------------------------------------------------------

def test_the_picker_lists_the_whole_name_first_typed_without_accents(register):
    found = [person["name"] for person in lookup_people("nguyen van thu")]
    # The whole name first (without diacritics it is any of them; in Vietnamese order), then the names holding
    # the words in order, then those starting with them, then the rest.
    assert found == ["Nguyễn Văn Thu", "Nguyễn Văn Thử", "Nguyễn Văn Thuận", "Nguyễn Thúy Vân"]


def test_the_picker_lists_the_spelling_typed_first(register):
    assert [person["name"] for person in lookup_people("Nguyễn Văn Thử")][:2] == ["Nguyễn Văn Thử", "Nguyễn Văn Thu"]
    assert lookup_people("nguyễn văn thử")[0]["name"] == "Nguyễn Văn Thử"  # typed in small letters
    assert lookup_people("NGUYỄN VĂN THỬ")[0]["name"] == "Nguyễn Văn Thử"


def test_the_picker_page_answers_in_that_order(client, login, register):
    login("editor")
    response = client.get("/outreach/people/lookup?q=nguyen+van+thu")
    assert response.status_code == 200
    assert [person["name"] for person in response.get_json()][:2] == ["Nguyễn Văn Thu", "Nguyễn Văn Thử"]


def test_the_search_box_ranks_whole_words_before_prefixes(register):
    # "thu": the whole word first (Thu, Thử: the same letters), then the names with a word starting "thu".
    assert names(q="thu") == ["Nguyễn Văn Thu", "Nguyễn Văn Thử", "Nguyễn Văn Thuận", "Nguyễn Thúy Vân"]
    # Words in order with another between them still count as whole words in order.
    assert names(q="nguyen thu")[:2] == ["Nguyễn Văn Thu", "Nguyễn Văn Thử"]
    # The words in another order come last: "Nguyễn Thúy Vân" holds "thu…" before "van", not after.
    assert names(q="van thu") == ["Nguyễn Văn Thu", "Nguyễn Văn Thử", "Nguyễn Văn Thuận", "Nguyễn Thúy Vân"]


def test_a_chosen_order_overrides_the_ranking(register):
    assert names(q="nguyen van thu", sort="-name") == ["Nguyễn Thúy Vân", "Nguyễn Văn Thử", "Nguyễn Văn Thuận",
                                                       "Nguyễn Văn Thu"]
    assert names(q="nguyen van thu", sort="written")[0] == "Nguyễn Thúy Vân"


def test_ranking_pages_and_counts_and_exports_agree(register):
    first = search_people(PeopleQuery(q="nguyen", per_page=2))
    second = search_people(PeopleQuery(q="nguyen", per_page=2, page=2))
    assert first.total == second.total == 5
    ranked = db.session.scalars(filtered_people_select(PeopleQuery(q="nguyen van thu"))).all()
    assert [person.full_name for person in ranked][0] == "Nguyễn Văn Thu"
    assert [person.full_name for person in first.items + second.items] == [
        person.full_name for person in db.session.scalars(filtered_people_select(PeopleQuery(q="nguyen"))).all()][:4]


def test_the_bin_is_ranked_too(register):
    service.delete_person(register["Nguyễn Văn Thử"])
    service.delete_person(register["Nguyễn Thúy Vân"])
    assert names(deleted=True, q="nguyen van thu") == ["Nguyễn Văn Thử", "Nguyễn Thúy Vân"]


@pytest.mark.parametrize("text", ["", "   ", "+81 90-1234-5678", "an.nguyen@example.jp", "🙂", "%_"])
def test_no_ranking_for_texts_that_are_no_names(text):
    assert match_rank(text) is None


# --- the key is kept by every writer ---------------------------------------------------------------------------

def stored_key(person_id: int) -> str:
    return db.session.execute(select(Person.sort_key).where(Person.id == person_id)).scalar_one()


def test_an_edit_of_the_name_or_the_type_moves_the_person(register):
    person = register["Maria Schmidt"]
    assert person.sort_key == name_sort_key("Maria Schmidt", family_first=True)
    service.update_person(person, {"person_type": "overseas_vietnamese"})
    assert person.sort_key == name_sort_key("Maria Schmidt")
    service.update_person(person, {"full_name": "Lê Thị Ánh"})
    db.session.commit()
    assert stored_key(person.id) == name_sort_key("Lê Thị Ánh")
    assert names()[1:3] == ["Lê Thị Ánh", "Trần Thị Ánh"]


def test_a_foreign_expert_with_a_vietnamese_name_sorts_as_one(seeded):
    person = service.create_person({"full_name": "Nguyễn Văn An", "person_type": "foreign_expert",
                                    "country_code": "US"})
    assert person.sort_key == name_sort_key("Nguyễn Văn An")


def test_an_erased_person_keeps_no_key_of_their_name(register):
    person = register["Nguyễn Văn Thử"]
    erase_person(person, "Yêu cầu của chủ thể dữ liệu", by=None)
    db.session.commit()
    assert stored_key(person.id) == name_sort_key("Đã xoá") != name_sort_key("Nguyễn Văn Thử")


def test_the_backfill_fills_every_key_and_the_command_too(register, runner):
    db.session.execute(update(Person).values(sort_key=""))
    db.session.commit()
    assert service.refresh_sort_keys() == len(EXPECTED)
    db.session.commit()
    assert names() == EXPECTED
    assert service.refresh_sort_keys() == 0  # nothing left to change
    db.session.execute(update(Person).where(Person.id == register["Lê Văn Bình"].id).values(sort_key=""))
    db.session.commit()
    result = runner.invoke(args=["person", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert stored_key(register["Lê Văn Bình"].id) == name_sort_key("Lê Văn Bình")
    assert service.refresh_sort_keys([]) == 0


def test_imported_people_get_their_key(seeded, runner, tmp_path):
    path = tmp_path / "people.xlsx"
    write_workbook(path, ["STT", "Họ và tên", "Ngày sinh", "Nước cư trú"],
                   [[1, "Trần Thị Ánh", 1980, "Nhật Bản"], [2, "Nguyễn Văn An", 1975, "Nhật Bản"],
                    [3, "Lê Văn Bình", date(1970, 1, 2), "Nhật Bản"]])
    result = runner.invoke(args=["import-people", str(path), "--json"])
    assert json.loads(result.output)["created"] == 3, result.output
    people = db.session.scalars(select(Person)).all()
    assert all(person.sort_key == name_sort_key(person.full_name) for person in people)
    assert names() == ["Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Bình"]


def test_the_keys_sort_alike_under_any_collation(app):
    """Digits only: PostgreSQL orders the keys as their bytes under ICU and language collations too."""
    keys = sorted({name_sort_key(name, family_first=foreign) for name in EXPECTED + ["Lê 2", "Иван Петров"]
                   for foreign in (False, True)})
    if db.engine.dialect.name != "postgresql":
        rows = db.session.execute(text("SELECT key FROM (SELECT :k AS key) ORDER BY key"), {"k": keys[0]}).scalars()
        assert list(rows) == keys[:1]
        return
    available = set(db.session.execute(text("SELECT collname FROM pg_collation")).scalars())
    for collation in ("C", "und-x-icu", "en-US-x-icu", "vi-VN-x-icu", "en_US.utf8", "vi_VN.utf8"):
        if collation in available:
            ordered = db.session.execute(
                text(f'SELECT key FROM unnest(CAST(:keys AS text[])) AS key ORDER BY key COLLATE "{collation}"'),
                {"keys": list(reversed(keys))}).scalars().all()
            assert ordered == keys, collation


def test_an_import_that_renames_or_retypes_moves_the_person_and_its_undo_moves_them_back(seeded):
    from diaspora.imports.preparing import build_changes, prepare_layout
    from diaspora.imports.running import commit_changes
    from diaspora.imports.undo import undo_batch
    from diaspora.imports.wizard import create_batch
    from tests.conftest import make_user
    from tests.spreadsheets.sheets import layout

    admin = make_user("admin")
    stored = service.create_person({"full_name": "Anna Weber", "country_code": "DE",
                                    "contacts": [{"kind": "email", "value": "weber@example.de"}]})
    assert stored.sort_key == name_sort_key("Anna Weber")  # an overseas Vietnamese: given-name rule
    preparation = prepare_layout(layout(["Họ và tên", "Đối tượng", "Quốc gia", "Email"], [
        ["Anna Maria Weber", "Chuyên gia nước ngoài", "Đức", "weber@example.de"]]), on_duplicate="update")
    batch = create_batch(sha="0" * 64, size=1, file_name="danh-sach.xlsx", status="running", user=admin)
    commit_changes(build_changes(preparation), batch.id, admin)
    db.session.commit()
    assert stored_key(stored.id) == name_sort_key("Anna Maria Weber", family_first=True)
    undo_batch(batch.id, admin)
    db.session.commit()
    assert stored_key(stored.id) == name_sort_key("Anna Weber")


def test_many_matches_are_ranked_alike_level_by_level(register, monkeypatch):
    """SQLite fills the first page of a search with many matches level by level; the order is the same."""
    from diaspora.people import search

    expected = {q: names(q=q) for q in ("nguyen van thu", "Nguyễn Văn Thử", "thu", "van thu", "nguyen", "an")}
    monkeypatch.setattr(search, "RANK_ALL_UP_TO", 0)
    assert {q: names(q=q) for q in expected} == expected
    assert [person["name"] for person in lookup_people("nguyen van thu")][0] == "Nguyễn Văn Thu"
    assert names(q="nguyen", per_page=2) == expected["nguyen"][:2]


def test_an_activity_lists_and_exports_its_participants_in_vietnamese_order(register, client, login):
    from diaspora.outreach.exports import participants_select
    from tests.outreach.factories import make_activity, make_organisation

    people = [register[name] for name in ("Nguyễn Văn Thử", "Andreas Becker", "Nguyễn Văn An", "Bùi Thị Lan")]
    activity = make_activity(people=people, organisations=[make_organisation()])
    db.session.commit()
    expected = ["Nguyễn Văn An", "Andreas Becker", "Bùi Thị Lan", "Nguyễn Văn Thử"]
    assert [row.full_name for row in db.session.execute(participants_select(activity))] == expected
    login("viewer")
    page = client.get(f"/outreach/activities/{activity.id}").get_data(as_text=True)
    positions = [page.index(name) for name in expected + ["Hội người Việt Nam tại Nhật Bản"]]
    assert positions == sorted(positions)
