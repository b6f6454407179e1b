"""The organisation register: list, page, create, edit with optimistic locking, soft delete, renaming."""
import re

from flask import g
from sqlalchemy import func, select

from diaspora.audit.service import history
from diaspora.extensions import db
from diaspora.organisations import service
from diaspora.organisations.models import Organisation
from diaspora.people import service as people_service
from diaspora.contacts import Contact
from tests.people.factories import make_organisation, make_person


def _text(response) -> str:
    return response.get_data(as_text=True)


def _listed(client, url: str) -> str:
    page = _text(client.get(url))
    return page[page.index('id="organisations-table"'):page.index("</table>")] if "organisations-table" in page else ""


def _form(**fields) -> dict:
    return {"name": "Hội Kiều bào Hải Phòng tại Séc", "kind": "association", "country_code": "CZ", **fields}


def test_create_with_contacts(client, login, seeded):
    login("editor")
    response = client.post("/organisations/new", data=_form(**{
        "city": "Praha",
        "contacts-0-kind": "phone", "contacts-0-value": "777 123 456",
        "contacts-1-kind": "website", "contacts-1-value": "https://hoi.example.cz",
    }))
    organisation = db.session.scalar(select(Organisation))
    assert response.status_code == 302
    assert organisation.name_folded == "hoi kieu bao hai phong tai sec"
    assert [c.normalized for c in organisation.contacts] == ["+420777123456", "https://hoi.example.cz"]
    page = _text(client.get(response.location))
    assert "Praha" in page and 'href="tel:+420777123456"' in page
    assert history("organisations", organisation.id)[0].action == "create"


def test_invalid_input_gives_422_and_saves_nothing(client, login, seeded):
    login("editor")
    response = client.post("/organisations/new", data=_form(**{
        "name": " ", "contacts-0-kind": "email", "contacts-0-value": "hoi@@example"}))
    page = _text(response)
    assert response.status_code == 422
    assert "Hãy nhập tên tổ chức." in page
    assert "Địa chỉ email “hoi@@example” không hợp lệ." in page
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_list_searches_filters_and_counts_members(client, login, seeded):
    login("viewer")
    osaka = make_organisation(name="Hội người Việt tại Ōsaka", country_code="JP")
    make_organisation(name="Công ty Đông Á", kind="business", country_code="KR")
    make_organisation(name="Đại học Tokyo", kind="university", country_code="JP")
    people_service.add_membership(make_person(), {"organisation_id": osaka.id, "role": "Chủ tịch"})
    page = _text(client.get("/organisations/"))
    assert "3 kết quả" in page
    assert "1 kết quả" in _text(client.get("/organisations/?q=hoi+viet"))
    assert "Đông Á" in _listed(client, "/organisations/?q=DONG")
    table = _listed(client, "/organisations/?country=JP")
    assert "Ōsaka" in table and "Tokyo" in table and "Đông Á" not in table
    assert "Đại học Tokyo" in _listed(client, "/organisations/?kind=university")
    table = _listed(client, "/organisations/?sort=-members")
    assert table.index("Ōsaka") < table.index("Tokyo")
    assert re.search(r'<td class="text-end">1</td>', table)


def test_page_shows_members_with_roles(client, login, seeded):
    login("viewer")
    organisation = make_organisation()
    person = make_person(full_name="Vũ Minh Tâm")
    people_service.add_membership(person, {"organisation_id": organisation.id, "role": "Tổng thư ký"})
    page = _text(client.get(f"/organisations/{organisation.id}"))
    assert "Vũ Minh Tâm" in page and "Tổng thư ký" in page
    assert f'href="/people/{person.id}"' in page


def test_edit_and_rename_refreshes_member_search_text(client, login, seeded):
    login("editor")
    organisation = make_organisation(name="Hội A")
    person = make_person()
    people_service.add_membership(person, {"organisation_id": organisation.id})
    version_before = person.version
    response = client.post(f"/organisations/{organisation.id}/edit", data=_form(
        name="Hội doanh nhân Kyoto", country_code="JP", version="1"))
    assert response.status_code == 302
    db.session.expire_all()
    assert organisation.name == "Hội doanh nhân Kyoto" and organisation.version == 2
    assert "kyoto" in person.search_text.split()
    assert person.version == version_before
    assert history("organisations", organisation.id)[0].changes["name"] == {
        "before": "Hội A", "after": "Hội doanh nhân Kyoto"}


def test_conflicting_edit_gives_409_and_keeps_the_first(client, login, seeded):
    organisation = make_organisation(name="Hội A", city="Tokyo")
    login("editor", "first@example.org")
    assert client.post(f"/organisations/{organisation.id}/edit", data=_form(
        name="Hội A", country_code="JP", city="Osaka", version="1")).status_code == 302
    g.pop("_login_user", None)
    login("editor", "second@example.org")
    response = client.post(f"/organisations/{organisation.id}/edit", data=_form(
        name="Hội B", country_code="JP", city="Tokyo", version="1"))
    page = _text(response)
    assert response.status_code == 409
    changes = page[page.index('id="changes-meanwhile"'):]
    assert "Osaka" in changes and "Hội B" in changes and "Cán bộ editor" in changes
    db.session.expire_all()
    assert (organisation.name, organisation.city, organisation.version) == ("Hội A", "Osaka", 2)


def test_soft_delete_and_restore(client, login, seeded):
    login("admin")
    organisation = make_organisation(name="Hội cũ")
    assert client.post(f"/organisations/{organisation.id}/delete").status_code == 302
    assert "Hội cũ" not in _listed(client, "/organisations/")
    assert "Hội cũ" in _listed(client, "/organisations/?deleted=1")
    assert client.post(f"/organisations/{organisation.id}/restore").status_code == 302
    assert "Hội cũ" in _listed(client, "/organisations/")
    assert [e.action for e in history("organisations", organisation.id)] == ["restore", "delete", "create"]


def test_deleted_organisation_is_hidden_from_editors_and_choices(client, login, seeded):
    organisation = make_organisation(name="Hội cũ")
    service.delete_organisation(organisation)
    login("editor")
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
    assert service.organisation_choices() == []
    assert service.organisation_choices(include_id=organisation.id) == [(organisation.id, "Hội cũ")]
