"""The people pages: list, person page, create and edit forms, conflicts, bin, memberships."""
import re
from datetime import date

from flask import g
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.people import service
from diaspora.people.models import Person
from diaspora.organisations.models import Membership
from diaspora.contacts import Contact
from diaspora.reference.models import Field
from tests.people.factories import make_organisation, make_person, person_form


def _text(response) -> str:
    return response.get_data(as_text=True)


def _listed(client, url: str) -> str:
    """The table of a people list page, empty when the page lists nobody."""
    page = _text(client.get(url))
    return page[page.index('id="people-table"'):page.index("</table>")] if 'id="people-table"' in page else ""


def _input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else None


def _switch_user(login, role, email):
    g.pop("_login_user", None)
    return login(role, email)


def test_create_with_two_contacts_normalises_them(client, login, seeded):
    login("editor")
    response = client.post("/people/new", data=person_form(**{
        "full_name": "Trần Thị Mai",
        "birth": "02/03/1980",
        "contacts-0-kind": "phone", "contacts-0-value": "090-1234-5678",
        "contacts-1-kind": "email", "contacts-1-value": "Mai.Tran@Example.ORG", "contacts-1-is_primary": "y",
        "contacts-2-kind": "zalo", "contacts-2-value": "",
    }))
    person = db.session.scalar(select(Person))
    assert response.status_code == 302
    assert response.location.endswith(f"/people/{person.id}")
    assert person.birth_date == date(1980, 3, 2) and person.birth_year == 1980
    contacts = db.session.execute(select(Contact.kind, Contact.value, Contact.normalized, Contact.is_primary)
                                  .order_by(Contact.id)).all()
    assert [tuple(row) for row in contacts] == [
        ("phone", "090-1234-5678", "+819012345678", True),
        ("email", "Mai.Tran@Example.ORG", "mai.tran@example.org", True),
    ]
    page = _text(client.get(response.location))
    assert 'href="tel:+819012345678"' in page
    assert 'href="mailto:mai.tran@example.org"' in page


def test_birth_year_alone_is_accepted(client, login, seeded):
    login("editor")
    assert client.post("/people/new", data=person_form(birth="1975")).status_code == 302
    person = db.session.scalar(select(Person))
    assert (person.birth_date, person.birth_year) == (None, 1975)


def test_invalid_input_is_shown_next_to_each_field_and_nothing_saved(client, login, seeded):
    login("editor")
    response = client.post("/people/new", data=person_form(**{
        "full_name": "",
        "country_code": "",
        "birth": "31/02/1980",
        "collected_on": "2024-01-05",
        "contacts-0-kind": "phone", "contacts-0-value": "abc",
        "contacts-1-kind": "email", "contacts-1-value": "mai@",
    }))
    page = _text(response)
    assert response.status_code == 422
    assert "Hãy nhập họ và tên." in page
    assert "Hãy chọn nước cư trú." in page
    assert "“31/02/1980” không hợp lệ" in page
    assert "“2024-01-05” không phải ngày hợp lệ" in page
    assert "Số điện thoại “abc” không hợp lệ." in page
    assert "Địa chỉ email “mai@” không hợp lệ." in page
    assert page.count('class="invalid-feedback"') >= 6
    assert db.session.scalar(select(func.count(Person.id))) == 0
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_a_bad_contact_alone_saves_nothing(client, login, seeded):
    login("editor")
    response = client.post("/people/new", data=person_form(**{
        "contacts-0-kind": "email", "contacts-0-value": "ok@example.org",
        "contacts-1-kind": "phone", "contacts-1-value": "12",
    }))
    assert response.status_code == 422
    assert "Số điện thoại “12” không hợp lệ." in _text(response)
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_edit_form_shows_stored_values_and_saves_changes(client, login, seeded):
    login("editor")
    field = db.session.scalar(select(Field).where(Field.key == "it"))
    person = make_person(birth_date=date(1975, 3, 2), contacts=[{"kind": "phone", "value": "090-1234-5678"}])
    page = _text(client.get(f"/people/{person.id}/edit"))
    assert 'value="02/03/1975"' in page
    assert 'value="090-1234-5678"' in page
    assert _input_value(page, "version") == "1"
    response = client.post(f"/people/{person.id}/edit", data=person_form(**{
        "version": "1", "full_name": "Nguyễn Văn Hùng", "birth": "1975", "fields": str(field.id),
        "offers": ["teaching", "visits"], "academic_title": "PGS.", "city": "Osaka",
        "contacts-0-kind": "phone", "contacts-0-value": "090-1234-5678",
    }))
    assert response.status_code == 302
    db.session.expire_all()
    assert (person.city, person.birth_date, person.birth_year) == ("Osaka", None, 1975)
    assert person.fields == [field] and sorted(person.offer_kinds) == ["teaching", "visits"]
    assert person.version == 2


def test_conflicting_edits_give_409_with_the_other_change_and_no_overwrite(client, login, seeded):
    person = make_person(city="Tokyo", occupation="Kỹ sư")
    first = _switch_user(login, "editor", "first@example.org")
    assert 'value="1"' in _text(client.get(f"/people/{person.id}/edit"))
    response = client.post(f"/people/{person.id}/edit", data=person_form(
        version="1", full_name="Nguyễn Văn Hùng", city="Osaka", occupation="Kỹ sư"))
    assert response.status_code == 302

    _switch_user(login, "editor", "second@example.org")
    response = client.post(f"/people/{person.id}/edit", data=person_form(
        version="1", full_name="Nguyễn Văn Hùng", city="Tokyo", occupation="Bác sĩ"))
    page = _text(response)
    assert response.status_code == 409
    changes = page[page.index('id="changes-meanwhile"'):page.index('id="your-input"')]
    assert "Tokyo" in changes and "Osaka" in changes and first.name in changes
    mine = page[page.index('id="your-input"'):]
    assert "Bác sĩ" in mine[:mine.index("</table>")]
    # The form offered again holds the other user's city, the user's own occupation and the new version.
    assert _input_value(page, "city") == "Osaka"
    assert _input_value(page, "occupation") == "Bác sĩ"
    assert _input_value(page, "version") == "2"
    db.session.expire_all()
    assert (person.city, person.occupation, person.version) == ("Osaka", "Kỹ sư", 2)


def test_person_page_shows_everything_and_the_history(client, login, seeded):
    editor = login("editor")
    organisation = make_organisation(name="Hội người Việt tại Fukuoka")
    person = make_person(
        by=editor, full_name="Lê Văn Nam", other_names="Nam Van Le", academic_title="TS.",
        hometown_text="Xã Thanh Sơn, H. Thanh Hà, Hải Dương", notes="Gặp tại Tết 2024",
        source="Danh sách ĐSQ", consent_status="given", offers=["investment"],
        contacts=[{"kind": "whatsapp", "value": "+81 90 1234 5678"}, {"kind": "website", "value": "example.org"}],
    )
    service.add_membership(person, {"organisation_id": organisation.id, "role": "Chủ tịch"}, by=editor)
    service.update_person(person, {"city": "Fukuoka"}, by=editor, expected_version=person.version)
    page = _text(client.get(f"/people/{person.id}"))
    for expected in ("Lê Văn Nam", "Nam Van Le", "TS.", "Xã Thanh Hà", "Xã Thanh Sơn, H. Thanh Hà, Hải Dương",
                     "Gặp tại Tết 2024", "Danh sách ĐSQ", "Đầu tư", "Hội người Việt tại Fukuoka", "Chủ tịch",
                     'href="https://wa.me/819012345678"', 'href="https://example.org"', "Đồng ý"):
        assert expected in page, expected
    assert f'href="/outreach/activities/new?person={person.id}"' in page
    assert f'href="/outreach/channels/new?person={person.id}"' in page
    history = page[page.index('id="history"'):]
    assert "Fukuoka" in history and editor.name in history
    assert "Tạo mới" in history


def test_list_filters_counts_and_sorts(client, login, seeded):
    login("viewer")
    field = db.session.scalar(select(Field).where(Field.key == "it"))
    make_person(full_name="Nguyễn An", country_code="JP", fields=[field.id], birth_year=1990)
    make_person(full_name="Trần Bình", country_code="KR", birth_year=1970)
    make_person(full_name="Lê Cường", country_code="JP", status="unreachable", birth_year=1980)
    page = _text(client.get("/people/"))
    assert "3 kết quả" in page
    assert page.index("Nguyễn An") < page.index("Trần Bình") < page.index("Lê Cường")
    page = _text(client.get("/people/?country=JP"))
    assert "2 kết quả" in page and "Trần Bình" not in page
    page = _text(client.get("/people/?field=it"))
    assert "1 kết quả" in page and "Nguyễn An" in page
    page = _text(client.get("/people/?status=unreachable"))
    assert "1 kết quả" in page and "Lê Cường" in page
    page = _text(client.get("/people/?sort=-birth_year"))
    assert page.index("Nguyễn An") < page.index("Lê Cường") < page.index("Trần Bình")
    assert 'href="/people/?sort=birth_year' in page  # the header offers the other direction


def test_list_paginates(client, login, seeded):
    login("viewer")
    for n in range(3):
        make_person(full_name=f"Người {n}")
    page = _text(client.get("/people/?per_page=2"))
    assert "3 kết quả" in page and "Người 0" in page and "Người 2" not in page
    assert "page=2" in page
    assert "Người 2" in _text(client.get("/people/?per_page=2&page=2"))


def test_deleted_people_leave_the_list_and_appear_in_the_bin(client, login, seeded):
    login("admin")
    person = make_person(full_name="Phạm Thị Lan")
    assert client.post(f"/people/{person.id}/delete").status_code == 302
    assert "Phạm Thị Lan" not in _listed(client, "/people/")
    assert "Phạm Thị Lan" in _listed(client, "/people/?deleted=1")
    assert "đã bị xoá" in _text(client.get(f"/people/{person.id}"))
    assert client.post(f"/people/{person.id}/restore").status_code == 302
    assert "Phạm Thị Lan" in _listed(client, "/people/")
    assert "Phạm Thị Lan" not in _listed(client, "/people/?deleted=1")


def test_deleted_person_is_not_found_for_editors(client, login, seeded):
    person = make_person()
    service.delete_person(person)
    login("editor")
    assert client.get(f"/people/{person.id}").status_code == 404
    assert client.get(f"/people/{person.id}/edit").status_code == 404
    assert client.get("/people/?deleted=1").status_code == 403


def test_membership_pages(client, login, seeded):
    login("editor")
    organisation = make_organisation()
    person = make_person()
    assert client.get(f"/people/{person.id}/memberships/new").status_code == 200
    response = client.post(f"/people/{person.id}/memberships/new", data={
        "organisation_id": str(organisation.id), "role": "Phó Chủ tịch",
        "start_date": "01/01/2021", "end_date": "31/12/2020"})
    assert response.status_code == 422
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in _text(response)
    assert db.session.scalar(select(func.count(Membership.id))) == 0
    response = client.post(f"/people/{person.id}/memberships/new", data={
        "organisation_id": str(organisation.id), "role": "Phó Chủ tịch", "start_date": "01/01/2021"})
    assert response.status_code == 302
    membership = db.session.scalar(select(Membership))
    assert (membership.role, membership.start_date) == ("Phó Chủ tịch", date(2021, 1, 1))
    page = _text(client.get(f"/people/{person.id}/memberships/{membership.id}/edit"))
    assert 'value="01/01/2021"' in page
    response = client.post(f"/people/{person.id}/memberships/{membership.id}/edit", data={
        "organisation_id": str(organisation.id), "role": "Ban chấp hành khoá III"})
    assert response.status_code == 302
    db.session.expire_all()
    assert membership.role == "Ban chấp hành khoá III" and membership.start_date is None
    assert "Ban chấp hành khoá III" in _text(client.get(f"/organisations/{organisation.id}"))
    assert client.post(f"/people/{person.id}/memberships/{membership.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Membership.id))) == 0


def test_membership_of_another_person_is_not_found(client, login, seeded):
    login("editor")
    organisation = make_organisation()
    owner, other = make_person(), make_person(full_name="Người khác")
    membership = service.add_membership(owner, {"organisation_id": organisation.id})
    assert client.post(f"/people/{other.id}/memberships/{membership.id}/delete").status_code == 404
