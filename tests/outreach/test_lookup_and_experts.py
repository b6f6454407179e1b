"""The participant pickers' JSON look-ups, the expert finder, and the role check on every page."""
import pytest

from tests.outreach.factories import make_activity, make_channel, make_organisation, make_person, make_product


def test_people_lookup_returns_id_name_and_country(client, login, seeded):
    hung = make_person("Nguyễn Văn Hùng", "JP")
    make_person("Nguyễn Thị Hoa", "DE")
    make_person("Nguyễn Văn Hưng đã xoá", "JP", deleted=True)
    login("editor")
    response = client.get("/outreach/people/lookup?q=nguyen+van+hung")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == [{"id": hung.id, "name": "Nguyễn Văn Hùng", "country": "Nhật Bản"}]
    assert client.get("/outreach/people/lookup?q=").get_json() == []


def test_people_lookup_returns_at_most_ten(client, login, seeded):
    for number in range(12):
        make_person(f"Phạm Văn {chr(65 + number)}")
    login("viewer")
    assert len(client.get("/outreach/people/lookup?q=pham").get_json()) == 10


def test_organisation_lookup_matches_folded_words(client, login, seeded):
    association = make_organisation("Hội người Việt Nam tại Nhật Bản", "JP")
    make_organisation("Hội doanh nhân Việt Nam tại Đức", "DE")
    login("viewer")
    assert client.get("/outreach/organisations/lookup?q=nhat+hoi").get_json() == [
        {"id": association.id, "name": "Hội người Việt Nam tại Nhật Bản", "country": "Nhật Bản"}]
    assert len(client.get("/outreach/organisations/lookup?q=viet+nam").get_json()) == 2


def test_lookups_need_a_signed_in_user(client, seeded):
    assert client.get("/outreach/people/lookup?q=nguyen").status_code == 302
    assert client.get("/outreach/organisations/lookup?q=hoi").status_code == 302


@pytest.fixture
def experts(seeded):
    return {
        "hung": make_person("Nguyễn Văn Hùng", "JP", title="GS. TS.", fields=["health"],
                            offers=["remote_advice", "visits"], email="hung@example.jp"),
        "mai": make_person("Trần Thị Mai", "DE", title="TS.", fields=["it"], offers=["teaching"]),
        "lan": make_person("Lê Thị Lan", "JP", fields=["health"], offers=["investment"]),
        "tuan": make_person("Phạm Minh Tuấn", "US", title="ThS.", fields=["it", "education"]),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"hung", "mai", "lan", "tuan"}),
    ("field=health", {"hung", "lan"}),
    ("country=JP", {"hung", "lan"}),
    ("field=it&country=DE", {"mai"}),
    ("offer=teaching", {"mai"}),
    ("offer=remote_advice&field=health", {"hung"}),
    ("title=gs", {"hung"}),
    ("title=ts", {"hung", "mai"}),
    ("q=tran+thi", {"mai"}),
])
def test_expert_finder_filters(client, login, experts, query, expected):
    login("viewer")
    response = client.get(f"/outreach/experts?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert {key for key, person in experts.items() if f"/people/{person.id}\"" in page} == expected
    assert f"Tìm thấy {len(expected)} người." in page


def test_expert_finder_shows_fields_offers_and_the_primary_contact(client, login, experts):
    login("viewer")
    page = client.get("/outreach/experts?country=JP&field=health").get_data(as_text=True)
    assert "GS. TS. Nguyễn Văn Hùng" in page and "Y tế" in page
    assert "Tư vấn từ xa" in page and "Về thăm, làm việc" in page
    assert 'href="mailto:hung@example.jp"' in page


VIEWER_PAGES = ["/outreach/", "/outreach/products/", "/outreach/channels/", "/outreach/channels/matrix",
                "/outreach/channels/{channel}", "/outreach/activities/", "/outreach/activities/{activity}",
                "/outreach/follow-ups", "/outreach/experts", "/outreach/people/lookup?q=a",
                "/outreach/organisations/lookup?q=a"]
EDITOR_PAGES = ["/outreach/channels/new", "/outreach/channels/{channel}/edit", "/outreach/activities/new",
                "/outreach/activities/{activity}/edit"]
ADMIN_PAGES = ["/outreach/products/new", "/outreach/products/{product}/edit"]
POSTS = {
    "editor": ["/outreach/channels/new", "/outreach/channels/{channel}/edit", "/outreach/channels/{channel}/status",
               "/outreach/activities/new", "/outreach/activities/{activity}/edit",
               "/outreach/activities/{activity}/follow-up-done"],
    "admin": ["/outreach/products/new", "/outreach/products/{product}/edit", "/outreach/products/{product}/active",
              "/outreach/channels/{channel}/delete", "/outreach/channels/{channel}/restore",
              "/outreach/activities/{activity}/delete", "/outreach/activities/{activity}/restore"],
}


@pytest.fixture
def records(seeded):
    product = make_product()
    return {"product": product.id, "channel": make_channel(products=[(product, "distributing")]).id,
            "activity": make_activity(people=[make_person()]).id}


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_each_page_answers_each_role(client, login, records, role):
    login(role)
    rank = {"viewer": 0, "editor": 1, "admin": 2}[role]
    for pages, needed in ((VIEWER_PAGES, 0), (EDITOR_PAGES, 1), (ADMIN_PAGES, 2)):
        for url in pages:
            response = client.get(url.format(**records))
            expected = (302 if url == "/outreach/" else 200) if rank >= needed else 403
            assert response.status_code == expected, (url, role)


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_posts_above_the_role_are_forbidden(client, login, records, role):
    login(role)
    forbidden = POSTS["editor"] + POSTS["admin"] if role == "viewer" else POSTS["admin"]
    for url in forbidden:
        assert client.post(url.format(**records), data={}).status_code == 403, url


def test_every_outreach_page_requires_sign_in(client, records):
    for url in VIEWER_PAGES + EDITOR_PAGES + ADMIN_PAGES:
        response = client.get(url.format(**records))
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
