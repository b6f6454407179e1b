"""Every answer of the API as its OpenAPI document describes it, as an outside client (schemathesis) checks:
a documented status code, JSON, the documented schema (a 409's current version and changes, times with their
UTC offset); JSON too for an address under /api/v1 that no route matches, a method a route does not take, a
body that is not JSON and a control character in the URL; messages in the interface's language."""
import pytest

from tests.api.openapi import answer_problems, fill, operations

PERSON = "/api/v1/people/{person_id}"
ENGLISH = ("The requested URL", "Invalid JSON", "The method is not allowed", "Bad Request:")


def _spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def _problems(spec, method, path, response) -> list[str]:
    problems = answer_problems(spec, method, path, response)
    if response.mimetype == "application/json" and response.status_code >= 400:
        message = response.json.get("message", "")
        problems += [f"{method} {path}: message in English: {message}" for text in ENGLISH if text in message]
    return problems


def test_no_operation_documents_a_catch_all_answer(client):
    """Each operation lists the codes it answers with, so a client (and a validator) knows each of them."""
    spec = _spec(client)
    for method, path, operation in operations(spec):
        assert "default" not in operation["responses"], (method, path)
        assert {"400", "401", "404", "429"} <= set(operation["responses"]), (method, path)
    assert set(spec["components"]["schemas"]["Error"]["properties"]) >= {
        "code", "status", "message", "errors", "current_version", "changes"}


def test_answers_match_the_document(client, api_tokens, register):
    spec = _spec(client)
    admin = api_tokens.bearer("admin")
    url = fill(PERSON, register)
    calls = [
        ("get", "/api/v1/people/", {"query_string": {"per_page": 2}}),
        ("get", "/api/v1/people/", {"query_string": {"cursor": "0", "per_page": 500}}),
        ("get", "/api/v1/people/", {"query_string": {"page": 2**31 - 1}}),
        ("get", "/api/v1/people/", {"query_string": {"cursor": "not-a-cursor"}}),
        ("get", "/api/v1/people/", {"query_string": {"q": "nguyen\x00"}}),
        ("get", "/api/v1/people/", {"query_string": {"per_page": 10**30}}),
        ("get", PERSON, {}),
        ("get", "/api/v1/organisations/{organisation_id}", {}),
        ("get", "/api/v1/channels/{channel_id}", {}),
        ("get", "/api/v1/activities/", {}),
        ("get", "/api/v1/activities/{activity_id}", {}),
        ("post", "/api/v1/people/", {"data": '{"full_name": ', "content_type": "application/json"}),
        ("post", "/api/v1/people/", {"data": '{"full_name": "A"}', "content_type": "text/plain"}),
        ("post", "/api/v1/people/", {"json": {"full_name": 12, "birth_year": 10**30}}),
        ("patch", PERSON, {"json": {"version": "x"}}),
        ("delete", PERSON, {"query_string": {"version": 10**30}}),
    ]
    problems = []
    for method, path, options in calls:
        response = client.open(fill(path, register), method=method.upper(), headers=admin, **options)
        assert response.status_code < 500, (method, path, options)
        problems += _problems(spec, method, path, response)
    version = client.get(url, headers=admin).json["version"]
    changed = client.patch(url, headers=admin, json={"version": version, "city": "Osaka"})
    stale = client.patch(url, headers=admin, json={"version": version, "city": "Kyoto"})
    assert (changed.status_code, stale.status_code) == (200, 409)
    assert stale.json["current_version"] == version + 1 and "city" in stale.json["changes"]
    problems += _problems(spec, "patch", PERSON, changed) + _problems(spec, "patch", PERSON, stale)
    assert not problems, "\n".join(problems)


def test_times_carry_their_utc_offset(client, api_tokens, register):
    admin = api_tokens.bearer("admin")
    for path in (PERSON, "/api/v1/organisations/{organisation_id}", "/api/v1/channels/{channel_id}",
                 "/api/v1/activities/{activity_id}"):
        answer = client.get(fill(path, register), headers=admin).json
        for key in ("created_at", "updated_at"):
            assert answer[key].endswith("+00:00"), (path, key, answer[key])
    listed = client.get("/api/v1/people/", headers=admin).json["items"][0]
    assert listed["created_at"].endswith("+00:00") and listed["updated_at"].endswith("+00:00")


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/api/v1/nothing", 404),
    ("GET", "/api/v1/people/-1", 404),
    ("GET", "/api/v1/people/abc", 404),
    ("PATCH", "/api/v1/channels/-1", 404),
    ("DELETE", "/api/v1/activities/1.5", 404),
    ("GET", "/api/v1/", 404),
    ("PUT", "/api/v1/people/", 405),
    ("POST", "/api/v1/people/1", 405),
    ("GET", "/api/v1/people/-1?q=%00", 400),
    ("DELETE", "/api/v1/organisations/-1?x=%02", 400),
])
@pytest.mark.parametrize("with_token", [True, False])
def test_an_address_no_route_takes_answers_json(client, api_tokens, method, url, status, with_token):
    headers = api_tokens.bearer("viewer") if with_token else {}
    response = client.open(url, method=method, headers=headers, json={"version": 1})
    assert response.status_code == status
    assert response.mimetype == "application/json", response.text[:200]
    assert response.json["code"] == status and response.json["message"]
    assert not any(text in response.json["message"] for text in ENGLISH)
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_the_pages_keep_their_error_pages(client):
    """Outside /api/v1/ nothing changes: HTML pages, and the control character's page still says why."""
    assert client.get("/nothing-here").mimetype == "text/html"
    refused = client.get("/people/?q=%00")
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "ký tự không được phép" in refused.text


def test_a_body_that_is_not_json_is_refused_with_a_reason(client, api_tokens, register):
    admin = api_tokens.bearer("admin")
    malformed = client.post("/api/v1/organisations/", headers=admin, data="{", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json["errors"] == {"_body": ["Nội dung JSON không đọc được."]}
    as_text = client.post("/api/v1/organisations/", headers=admin, data='{"name": "Hội"}', content_type="text/plain")
    assert as_text.status_code == 415 and "_body" in as_text.json["errors"]
    as_form = client.patch(fill("/api/v1/organisations/{organisation_id}", register), headers=admin,
                           data={"version": "1", "city": "Osaka"})
    assert as_form.status_code == 415


def test_errors_are_named_as_the_call_named_its_fields(client, api_tokens, register):
    """The forms name some fields otherwise (`country`, `birth`, a participant's `ref_id`): a 422 names the
    fields the call sent."""
    admin = api_tokens.bearer("admin")
    missing = 2**31 - 1

    def errors(method, url, payload):
        response = client.open(url, method=method, headers=admin, json=payload)
        assert response.status_code == 422, response.json
        return set(response.json["errors"])

    assert errors("POST", "/api/v1/channels/", {"name": "Cửa hàng Sen Việt", "country_code": "XX"}) == {"country_code"}
    assert errors("PATCH", fill("/api/v1/channels/{channel_id}", register),
                  {"version": 1, "country_code": "XX"}) == {"country_code"}
    assert errors("POST", "/api/v1/activities/", {
        "title": "Gặp mặt dịp Tết", "start_date": "2026-02-01", "country_code": "XX",
        "participants": [{"person_id": missing}, {"organisation_id": missing}]}) == {
        "country_code", "participants.0.person_id", "participants.1.organisation_id"}
    assert errors("POST", "/api/v1/activities/", {
        "title": "Gặp mặt dịp Tết", "start_date": "2026-02-01",
        "participants": [{"person_id": register["person_id"], "organisation_id": register["organisation_id"]},
                         {"role": "Khách mời"}]}) == {"participants.0", "participants.1"}
    assert errors("POST", "/api/v1/people/", {"full_name": "Nguyễn Văn An", "country_code": "JP",
                                              "birth_year": 1800}) == {"birth_year"}
    person = fill(PERSON, register)
    version = client.get(person, headers=admin).json["version"]
    assert errors("PATCH", person, {"version": version, "birth_date": "2999-01-01"}) == {"birth_date"}


@pytest.mark.parametrize("key", ["fields", "roles"])
def test_a_field_or_role_key_with_a_control_character_is_refused_before_the_database(client, api_tokens, register,
                                                                                       key):
    """Found by schemathesis on PostgreSQL: a NUL inside a key reached the lookup query (a 500)."""
    admin = api_tokens.bearer("admin")
    response = client.post("/api/v1/people/", headers=admin, json={
        "full_name": "Nguyễn Văn An", "country_code": "JP", key: ["q", "ø\x00L\x0c", "health"]})
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == {key}
