"""The people through the API: the page's search and filters, consent and restriction, versions, the forms'
rules per field, the access log, the cursor over a register being edited, the rate limit."""
import json
import re
import unicodedata

import pytest
from sqlalchemy import select

from diaspora.api.people import person_documents
from diaspora.api.schemas import PersonSchema
from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.extensions import db
from diaspora.people import service
from diaspora.people.models import Person
from diaspora.people.privacy import restrict_processing
from tests.conftest import sign_in_client
from tests.outreach.factories import make_organisation, make_person

NAMES = ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Nguyễn Văn Anh", "Trần Văn Ân", "Lê Thị Hoa", "Phạm Nguyên Khôi",
         "Ngô Văn Ánh Dương"]


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn Văn", "nguyen van an", "ANH", "ánh", "an", "khoi pham", "x",
                                   unicodedata.normalize("NFD", "Nguyễn Văn"), unicodedata.normalize("NFD", "ánh"),
                                   unicodedata.normalize("NFKD", "NGÔ VĂN ÁNH")])
def test_a_search_finds_the_same_people_as_the_page(client, seeded, api_tokens, query):
    for name in NAMES:
        make_person(name)
    headers = api_tokens.bearer("viewer")
    sign_in_client(client, api_tokens.user("viewer"))
    page = client.get("/people/", query_string={"q": query})
    on_page = [int(found) for found in re.findall(r'href="/people/(\d+)"', page.text)]
    through_api = _ids(client.get("/api/v1/people/", query_string={"q": query}, headers=headers))
    assert through_api == list(dict.fromkeys(on_page))  # the same people, in the same order
    cursor = _ids(client.get("/api/v1/people/", query_string={"q": query, "cursor": "0"}, headers=headers))
    assert sorted(cursor) == sorted(through_api)


def test_filters_are_the_pages(client, seeded, api_tokens):
    an = make_person("Nguyễn Văn An", fields=("health",))
    make_person("Trần Văn Bình", country="KR", fields=("health",))
    make_person("Lê Thị Hoa", fields=("education",))
    headers = api_tokens.bearer("viewer")
    assert _ids(client.get("/api/v1/people/?country=jp&field=health", headers=headers)) == [an.id]
    assert _ids(client.get("/api/v1/people/?field=nothing", headers=headers)) == []


def test_people_who_said_no_or_are_restricted_are_left_out(client, seeded, api_tokens):
    kept = make_person("Nguyễn Văn An")
    refused = service.create_person({"full_name": "Trần Văn Từ", "country_code": "JP", "consent_status": "refused"})
    withdrawn = service.create_person({"full_name": "Lê Văn Rút", "country_code": "JP", "consent_status": "withdrawn"})
    restricted = make_person("Phạm Thị Hạn")
    restrict_processing(restricted, "Yêu cầu của chủ thể dữ liệu")
    headers = api_tokens.bearer("admin")
    assert _ids(client.get("/api/v1/people/", headers=headers)) == [kept.id]
    assert _ids(client.get("/api/v1/people/?cursor=0", headers=headers)) == [kept.id]
    for person in (refused, withdrawn, restricted):
        for method in ("GET", "PATCH", "DELETE"):
            response = client.open(f"/api/v1/people/{person.id}", method=method, headers=headers,
                                   json={"version": person.version})
            assert response.status_code == 404, (person.full_name, method)
    assert client.get(f"/api/v1/people/{kept.id}", headers=headers).status_code == 200


def test_create_read_update_with_versions(client, seeded, api_tokens):
    headers = api_tokens.bearer("editor")
    created = client.post("/api/v1/people/", headers=headers, json={
        "full_name": "NGUYỄN VĂN AN", "other_names": "An Van Nguyen", "country_code": "JP", "city": "Tokyo",
        "birth_date": "1980-03-25", "fields": ["health"], "offers": ["remote_advice"],
        "contacts": [{"kind": "email", "value": "An.Nguyen@Example.jp"}, {"kind": "phone", "value": "090-1234-5678"}]})
    assert created.status_code == 201, created.json
    person = created.json
    assert person["full_name"] == "Nguyễn Văn An" and person["birth_year"] == 1980 and person["version"] == 1
    assert [field["key"] for field in person["fields"]] == ["health"]
    assert {contact["normalized"] for contact in person["contacts"]} == {"an.nguyen@example.jp", "+819012345678"}
    url = f"/api/v1/people/{person['id']}"
    changed = client.patch(url, headers=headers, json={"version": 1, "occupation": "Bác sĩ"})
    assert changed.status_code == 200 and changed.json["version"] == 2
    assert changed.json["occupation"] == "Bác sĩ" and changed.json["city"] == "Tokyo"  # untouched keys kept
    assert [contact["kind"] for contact in changed.json["contacts"]] == ["email", "phone"]
    stale = client.patch(url, headers=headers, json={"version": 1, "city": "Osaka"})
    assert stale.status_code == 409
    assert stale.json["current_version"] == 2 and "occupation" in stale.json["changes"]
    assert client.get(url, headers=headers).json["city"] == "Tokyo"
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "people",
                                                                 AuditEvent.entity_id == person["id"])).all()
    assert events.count("create") == 1 and events.count("update") == 1
    stale_delete = client.delete(url, headers=api_tokens.bearer("admin"), query_string={"version": 1})
    assert stale_delete.status_code == 409 and stale_delete.json["current_version"] == 2


@pytest.mark.parametrize(("payload", "fields"), [
    ({"country_code": "JP"}, {"full_name"}),
    ({"full_name": "Nguyễn Văn An"}, {"country_code"}),
    ({"full_name": "Nguyễn Văn An", "country_code": "XX"}, {"country_code"}),
    ({"full_name": "Nguyễn Văn An", "country_code": "JP", "birth_year": 2999}, {"birth_year"}),
    ({"full_name": "Nguyễn Văn An", "country_code": "JP", "gender": "robot"}, {"gender"}),
    ({"full_name": "Nguyễn Văn An", "country_code": "JP", "fields": ["health", "astrology"]}, {"fields"}),
    ({"full_name": "Nguyễn Văn An", "country_code": "JP", "contacts": [{"kind": "email", "value": "an@"}]},
     {"contacts.0.value"}),
    ({"full_name": "N" * 201, "country_code": "JP"}, {"full_name"}),
    ({"full_name": "Nguyễn\x00", "country_code": "JP"}, {"full_name"}),
    ({"full_name": 12, "country_code": ["JP"]}, {"full_name", "country_code"}),
    ({"full_name": "Nguyễn Văn An", "country_code": "JP", "birth_year": 10**30}, {"birth_year"}),
])
def test_bad_values_are_refused_per_field_with_the_forms_messages(client, seeded, api_tokens, payload, fields):
    response = client.post("/api/v1/people/", headers=api_tokens.bearer("editor"), json=payload)
    assert response.status_code == 422
    assert set(response.json["errors"]) == fields
    assert all(messages and all(isinstance(m, str) for m in messages) for messages in response.json["errors"].values())
    assert db.session.scalar(select(Person.id)) is None


def test_reads_are_in_the_access_log(client, seeded, api_tokens):
    people = [make_person(name) for name in NAMES[:3]]
    headers = api_tokens.bearer("viewer")
    viewer = api_tokens.user("viewer")
    client.get("/api/v1/people/?q=nguyen", headers=headers)
    client.get(f"/api/v1/people/{people[0].id}", headers=headers)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == viewer.id,
                                                         AuditEvent.action.like("api_%"))
                                .order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == ["api_list", "api_view"]
    assert events[0].changes["filter"] == {"q": "nguyen", "page": 1}
    linked = db.session.scalars(select(audit_event_people.c.person_id)
                                .where(audit_event_people.c.event_id == events[0].id)).all()
    assert sorted(linked) == sorted(person.id for person in people)
    assert events[1].entity_id == people[0].id and events[1].people_count == 1


def test_the_cursor_misses_and_repeats_no_one_while_the_register_is_edited(client, seeded, api_tokens):
    people = [make_person(f"Nguyễn Văn {index:03d}") for index in range(120)]
    headers = api_tokens.bearer("editor")
    seen, cursor, pages = [], "0", 0
    while cursor is not None:
        response = client.get("/api/v1/people/", query_string={"cursor": cursor, "per_page": 25}, headers=headers)
        seen += _ids(response)
        cursor = response.json["next_cursor"]
        pages += 1
        # Between pages: people not yet listed and people already listed are renamed (their place in the
        # name order moves), which an offset over the name order would turn into misses and repeats.
        for person in people[pages * 7:pages * 7 + 3] + people[-pages * 5:][:2]:
            person = db.session.get(Person, person.id)
            service.update_person(person, {"full_name": "Ả " + person.full_name})
    assert len(seen) == len(set(seen)) == len(people)
    assert seen == sorted(person.id for person in people)
    assert pages == 5


def test_the_rate_limit_answers_429_with_retry_after(app, client, seeded, api_tokens):
    app.config["API_RATE_PER_MINUTE"] = 3
    headers = api_tokens.bearer("viewer")
    other = api_tokens.bearer("viewer")
    answers = [client.get("/api/v1/reference/fields", headers=headers) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert answers[-1].json["code"] == 429
    assert client.get("/api/v1/reference/fields", headers=other).status_code == 200  # per token


def test_a_list_shows_each_person_as_the_record_call_does(client, seeded, api_tokens):
    headers = api_tokens.bearer("editor")
    created = client.post("/api/v1/people/", headers=headers, json={
        "full_name": "Nguyễn Văn An", "country_code": "JP", "birth_date": "1980-03-25", "fields": ["health", "education"],
        "roles": ["intellectual"], "offers": ["teaching", "remote_advice"], "collected_on": "2025-11-02",
        "contacts": [{"kind": "email", "value": "an@example.jp"}, {"kind": "zalo", "value": "0912345678"}]}).json
    person = db.session.get(Person, created["id"])
    service.add_membership(person, {"organisation_id": make_organisation().id, "role": "Hội viên"})
    make_person("Trần Thị Bình")
    listed = {item["id"]: item for item in client.get("/api/v1/people/", headers=headers).json["items"]}
    one = client.get(f"/api/v1/people/{person.id}", headers=headers).json
    assert listed[person.id] == one
    assert one["memberships"][0]["organisation_name"] and one["roles"][0]["key"] == "intellectual"
    db.session.expire_all()
    people = db.session.scalars(select(Person)).all()
    assert json.loads(json.dumps(person_documents([p.id for p in people]), default=str)) == \
        json.loads(json.dumps(PersonSchema(many=True).dump(people), default=str))
