"""The API as an outside client sees it: a valid OpenAPI document, and every operation it lists answers
401 without a usable token, 403 to a viewer's or a read-only token's write, and never a 500 on bad input."""
import json

import pytest
from openapi_spec_validator import validate

from diaspora.api import tokens
from diaspora.auth.models import User
from diaspora.extensions import db
from tests.api.conftest import expire
from tests.api.openapi import body_schema, fill, operations, query_names

HUGE = 10**30
BAD_VALUES = ["\x00", "a\x00b", "\x01\x1b[31m", str(HUGE), HUGE, -HUGE, 1e308, "9" * 5000, "x" * 5000, "", " ",
              -1, 0, 1.5, True, None, [], {}, ["\x00"], [{"kind": "\x00"}], "Nguyễn\u0301", "'\"<>;--"]


def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_openapi_document_is_valid(client):
    spec = _spec(client)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/people/", "/api/v1/people/{person_id}", "/api/v1/organisations/", "/api/v1/channels/",
            "/api/v1/activities/", "/api/v1/reference/countries", "/api/v1/reference/fields",
            "/api/v1/reference/roles", "/api/v1/reference/units", "/api/v1/reference/products"} <= set(spec["paths"])
    people = spec["paths"]["/api/v1/people/"]
    assert {"get", "post"} <= set(people) and {"get", "patch", "delete"} <= set(spec["paths"]["/api/v1/people/{person_id}"])
    assert "Nguyễn Văn An" in json.dumps(spec, ensure_ascii=False)  # examples in the office's own context
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_operation_refuses_a_call_without_a_usable_token(app, client, api_tokens, register):
    expired = api_tokens.bearer("admin")
    expire(expired)
    revoked = api_tokens.bearer("admin")
    tokens.revoke_token(tokens.authenticate(revoked["Authorization"]))
    locked = api_tokens.bearer("editor")
    db.session.get(User, api_tokens.user("editor").id).active = False
    db.session.commit()
    refused = [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer nope"},
               {"Authorization": "Bearer kbhp_" + "x" * 43}, {"Authorization": "Basic a2JocDp4"},
               {"Authorization": "Bearer kbhp_\x00"}, expired, revoked, locked]
    for method, path, _operation in operations(_spec(client)):
        url = fill(path, register)
        for headers in refused:
            response = client.open(url, method=method.upper(), headers=headers, json={})
            assert response.status_code == 401, (method, url, headers, response.status_code)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert response.json["code"] == 401


def test_every_read_answers_with_a_token(client, api_tokens, register):
    headers = api_tokens.bearer("viewer")
    for method, path, _operation in operations(_spec(client)):
        if method == "get":
            response = client.get(fill(path, register), headers=headers)
            assert response.status_code == 200, (path, response.json)


def test_every_write_is_refused_to_a_viewer_and_to_a_read_only_token(client, api_tokens, register):
    viewer = api_tokens.bearer("viewer")
    read_only = api_tokens.bearer("admin", read_only=True)
    for method, path, _operation in operations(_spec(client)):
        if method == "get":
            continue
        for headers in (viewer, read_only):
            response = client.open(fill(path, register), method=method.upper(), headers=headers,
                                   json={"full_name": "Nguyễn Văn An", "country_code": "JP", "version": 1})
            assert response.status_code == 403, (method, path, response.status_code)
            assert response.json["code"] == 403


def test_deleting_needs_an_admin_as_on_the_pages(client, api_tokens, register):
    editor = api_tokens.bearer("editor")
    for path in ("/api/v1/people/{person_id}", "/api/v1/organisations/{organisation_id}",
                 "/api/v1/channels/{channel_id}", "/api/v1/activities/{activity_id}"):
        assert client.delete(fill(path, register), headers=editor).status_code == 403
    admin = api_tokens.bearer("admin")
    for path in ("/api/v1/channels/{channel_id}", "/api/v1/activities/{activity_id}",
                 "/api/v1/people/{person_id}", "/api/v1/organisations/{organisation_id}"):
        url = fill(path, register)
        assert client.delete(url, headers=admin).status_code == 204, url
        assert client.get(url, headers=admin).status_code == 404, url


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_no_operation_fails_on_bad_input(app, client, api_tokens, register, value):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is a 500 response, listed with the others
    app.config["API_RATE_PER_MINUTE"] = 0  # hundreds of calls in a second: the limit is tested on its own
    headers = api_tokens.bearer("admin")
    spec = _spec(client)
    ids = {**register, "person_id": register["person_id"]}
    failures = []

    def call(method, url, **options):
        response = client.open(url, method=method.upper(), headers=headers, **options)
        if response.status_code >= 500 or response.status_code not in (200, 201, 204, 400, 404, 409, 422):
            failures.append(f"{response.status_code} {method} {url[:80]} {str(options)[:120]}")
        return response

    text = value if isinstance(value, str) else json.dumps(value)
    for method, path, operation in operations(spec):
        if method == "delete":
            continue  # bad query values below; deleting itself is tested above
        url = fill(path, ids)
        names = query_names(operation)
        if names:
            call(method, url, query_string={name: text for name in names})
            for name in names:
                call(method, url, query_string={name: text})
        schema = body_schema(spec, operation)
        if schema is None:
            continue
        call(method, url, data=text, content_type="application/json")
        call(method, url, json=value)
        for name in schema.get("properties", {}):
            call(method, url, json={"version": 1, "full_name": "Nguyễn Văn An", "name": "Hội", "country_code": "JP",
                                    name: value})
        call(method, url, json={name: value for name in schema.get("properties", {})})
    for method, path, operation in operations(spec):
        if method == "delete":
            call(method, fill(path, ids), query_string={"version": text})
    assert not failures, "\n".join(failures[:40])


@pytest.mark.parametrize("url", ["/api/v1/people/0", f"/api/v1/people/{2**31}", f"/api/v1/people/{HUGE}",
                                 "/api/v1/organisations/0", f"/api/v1/channels/{HUGE}", "/api/v1/activities/-1"])
def test_ids_no_record_can_have_are_404(client, api_tokens, url):
    assert client.get(url, headers=api_tokens.bearer("viewer")).status_code == 404
