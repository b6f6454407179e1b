"""Organisations, channels and activities through the API: created and changed through their forms' rules and
services, with versions (409) and errors per field (422)."""
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from tests.outreach.factories import make_organisation, make_person, make_product


def _write(client, headers, method, url, payload, status):
    response = client.open(url, method=method, headers=headers, json=payload)
    assert response.status_code == status, response.json
    return response.json


def test_an_organisation_is_created_changed_and_guarded_by_its_version(client, seeded, api_tokens):
    headers = api_tokens.bearer("editor")
    created = _write(client, headers, "POST", "/api/v1/organisations/", {
        "name": "Hội người Việt Nam tại Nhật Bản", "kind": "association", "country_code": "JP", "city": "Tokyo",
        "contacts": [{"kind": "email", "value": "Hoi@Example.jp"}]}, 201)
    assert created["contacts"][0]["normalized"] == "hoi@example.jp" and created["version"] == 1
    url = f"/api/v1/organisations/{created['id']}"
    changed = _write(client, headers, "PATCH", url, {"version": 1, "city": "Osaka"}, 200)
    assert changed["city"] == "Osaka" and changed["name"] == created["name"] and changed["version"] == 2
    stale = _write(client, headers, "PATCH", url, {"version": 1, "city": "Kyoto"}, 409)
    assert stale["current_version"] == 2 and "city" in stale["changes"]
    errors = _write(client, headers, "POST", "/api/v1/organisations/", {"name": "", "kind": "club",
                                                                       "country_code": "XX"}, 422)["errors"]
    assert set(errors) == {"name", "kind", "country_code"}


def test_a_channel_is_created_with_its_products_and_changed(client, seeded, api_tokens):
    product = make_product()
    owner = make_person("Nguyễn Văn An")
    headers = api_tokens.bearer("editor")
    created = _write(client, headers, "POST", "/api/v1/channels/", {
        "name": "Cửa hàng Sen Việt", "channel_type": "shop", "country_code": "JP", "city": "Osaka",
        "person_id": owner.id, "email": "SenViet@example.jp",
        "products": [{"product_id": product.id, "status": "interested"}]}, 201)
    assert created["products"][0]["product_id"] == product.id and created["products"][0]["status"] == "interested"
    assert created["email"] == "senviet@example.jp" and created["person_id"] == owner.id
    url = f"/api/v1/channels/{created['id']}"
    changed = _write(client, headers, "PATCH", url, {"version": created["version"], "status": "contacted",
                                                     "status_note": "Đã gọi điện"}, 200)
    assert changed["status"] == "contacted" and changed["products"] == created["products"]
    _write(client, headers, "PATCH", url, {"version": created["version"], "city": "Kobe"}, 409)
    errors = _write(client, headers, "POST", "/api/v1/channels/", {
        "name": "Sen", "country_code": "JP", "email": "sen@", "person_id": 999999,
        "products": [{"product_id": 999999, "status": "distributing"}]}, 422)["errors"]
    assert {"email", "person_id", "products.0.product_id"} <= set(errors)


def test_an_activity_is_logged_with_its_participants_and_changed(client, seeded, api_tokens):
    an = make_person("Nguyễn Văn An")
    association = make_organisation()
    headers = api_tokens.bearer("editor")
    created = _write(client, headers, "POST", "/api/v1/activities/", {
        "activity_type": "meeting", "title": "Gặp mặt kiều bào tại Tokyo dịp Tết", "start_date": "2026-02-01",
        "country_code": "JP", "amount": 50000000, "currency": "VND",
        "participants": [{"person_id": an.id, "role": "Khách mời"}, {"organisation_id": association.id}]}, 201)
    assert {(part["person_id"], part["organisation_id"]) for part in created["participants"]} == {
        (an.id, None), (None, association.id)}
    assert created["start_date"] == "2026-02-01" and created["amount"] == 50000000
    url = f"/api/v1/activities/{created['id']}"
    changed = _write(client, headers, "PATCH", url, {"version": created["version"], "outcome": "Ký kết hợp tác"}, 200)
    assert changed["outcome"] == "Ký kết hợp tác" and len(changed["participants"]) == 2
    _write(client, headers, "PATCH", url, {"version": created["version"], "title": "Khác"}, 409)
    errors = _write(client, headers, "POST", "/api/v1/activities/", {
        "title": "", "start_date": "2026-02-01", "end_date": "2026-01-01", "amount": 10**30,
        "participants": [{"person_id": 999999}]}, 422)["errors"]
    assert {"title", "end_date", "amount", "participants.0.person_id"} <= set(errors)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "activities",
                                                         AuditEvent.action == "update")) is not None
