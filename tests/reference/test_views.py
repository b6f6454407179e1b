"""Reference pages: who may see and change them, taxonomy maintenance with audit events."""
import re

import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.reference.models import CommunityRole, Field
from diaspora.reference.taxonomy import field_choices


def error_next_to(page: str, field_id: str) -> str:
    """The error messages rendered right after a form field's input."""
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>((?:\s*<div class="invalid-feedback">[^<]*</div>)+)', page)
    return match.group(1) if match else ""


def field_by_key(key: str) -> Field:
    return db.session.scalar(select(Field).where(Field.key == key))


@pytest.mark.parametrize("path", ["/reference/", "/reference/fields/", "/reference/roles/",
                                  "/reference/countries", "/reference/units"])
def test_viewer_sees_the_lists(client, login, seeded, path):
    login("viewer")
    response = client.get(path)
    assert response.status_code == 200
    assert "Thêm mục" not in response.text


def test_anonymous_visitor_is_sent_to_login(client, seeded):
    response = client.get("/reference/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_lists_show_the_seeded_data(client, login, seeded):
    login("viewer")
    assert "Khoa học – công nghệ" in client.get("/reference/").text
    countries = client.get("/reference/countries?q=my").text
    assert "Hoa Kỳ" in countries and "Mỹ" in countries
    units = client.get("/reference/units?q=long xuyen").text
    assert "Xã Bình Giang" in units and "Phường Kinh Môn" in units
    assert "Xã Thanh Hà" not in units


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("method, path", [
    ("post", "/reference/fields/new"), ("get", "/reference/fields/new"), ("post", "/reference/roles/new"),
    ("post", "/reference/fields/1/edit"), ("get", "/reference/roles/1/edit"),
    ("post", "/reference/fields/1/deactivate"), ("post", "/reference/roles/1/activate"),
])
def test_only_admins_change_taxonomies(client, login, seeded, role, method, path):
    login(role)
    response = getattr(client, method)(path, data={"key": "marine", "name_vi": "Biển"})
    assert response.status_code == 403
    assert field_by_key("marine") is None


def test_admin_creates_a_field_with_an_audit_event(client, login, seeded):
    admin = login("admin")
    response = client.post("/reference/fields/new", data={
        "key": "marine_science", "name_vi": "  Khoa học   biển ", "name_en": "Marine science", "sort_order": ""})

    assert response.status_code == 302
    field = field_by_key("marine_science")
    assert (field.name_vi, field.name_en, field.active) == ("Khoa học biển", "Marine science", True)
    assert field.sort_order == 140  # after sport (130), before "other" (1000)
    assert (field.id, "Khoa học biển") in field_choices("vi")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "fields"))
    assert (event.action, event.entity_id, event.user_id) == ("create", field.id, admin.id)
    assert event.changes["name_vi"] == {"before": None, "after": "Khoa học biển"}


def test_admin_edits_a_role_with_an_audit_event(client, login, seeded):
    login("admin")
    role = db.session.scalar(select(CommunityRole).where(CommunityRole.key == "student"))

    response = client.post(f"/reference/roles/{role.id}/edit", data={
        "name_vi": "Du học sinh, nghiên cứu sinh", "name_en": "", "sort_order": "75", "key": "hacked"})

    assert response.status_code == 302
    db.session.refresh(role)
    assert (role.key, role.name_vi, role.name_en, role.sort_order) == (
        "student", "Du học sinh, nghiên cứu sinh", "Du học sinh, nghiên cứu sinh", 75)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "community_roles"))
    assert event.action == "update"
    assert set(event.changes) == {"name_vi", "name_en", "sort_order"}


def test_admin_deactivates_and_reactivates_a_field(client, login, seeded):
    login("admin")
    health = field_by_key("health")

    client.post(f"/reference/fields/{health.id}/deactivate")
    assert health.id not in dict(field_choices())
    client.post(f"/reference/fields/{health.id}/activate")
    assert health.id in dict(field_choices())
    actions = db.session.scalars(select(AuditEvent.changes).where(AuditEvent.entity_id == health.id)).all()
    assert [change["active"]["after"] for change in actions] == [False, True]


@pytest.mark.parametrize("data, field_name, message", [
    ({"key": "marine", "name_vi": ""}, "name_vi", "Vui lòng nhập tên tiếng Việt."),
    ({"key": "marine", "name_vi": "   "}, "name_vi", "Vui lòng nhập tên tiếng Việt."),
    ({"key": "health", "name_vi": "Y học"}, "key", "Mã “health” đã được dùng."),
    ({"key": "Khoa học", "name_vi": "Biển"}, "key", "Mã chỉ gồm chữ thường"),
    ({"key": "", "name_vi": "Biển"}, "key", "Vui lòng nhập mã."),
    ({"key": "marine", "name_vi": "y te"}, "name_vi", "Đã có mục tên “y te”."),
    ({"key": "marine", "name_vi": "Biển", "sort_order": "abc"}, "sort_order", "Vui lòng nhập một số nguyên."),
    ({"key": "marine", "name_vi": "Biển", "sort_order": "-5"}, "sort_order", "Nhập một số từ 0 đến 100000."),
])
def test_bad_input_shows_a_vietnamese_error_next_to_the_field(client, login, seeded, data, field_name, message):
    login("admin")
    response = client.post("/reference/fields/new", data=data)

    assert response.status_code == 422
    assert message in error_next_to(response.text, field_name)
    assert field_by_key("marine") is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "fields")) is None


def test_renaming_to_another_items_name_is_refused(client, login, seeded):
    login("admin")
    health = field_by_key("health")
    response = client.post(f"/reference/fields/{health.id}/edit", data={"name_vi": "Giáo dục – Đào tạo"})
    assert response.status_code == 422
    assert "Đã có mục tên “Giáo dục – Đào tạo”." in error_next_to(response.text, "name_vi")
    db.session.refresh(health)
    assert health.name_vi == "Y tế"


def test_unknown_taxonomy_or_item_is_404(client, login, seeded):
    login("admin")
    assert client.get("/reference/products/").status_code == 404
    assert client.get("/reference/fields/9999/edit").status_code == 404
