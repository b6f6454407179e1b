"""Each role may do exactly what it should on the people and organisation pages; checked on the server."""
import pytest
from flask import g
from sqlalchemy import func, select

from diaspora.permissions import ROLE_RANK, ROLES
from diaspora.extensions import db
from diaspora.people import service
from diaspora.people.models import Person
from diaspora.organisations.models import Membership
from tests.people.factories import make_organisation, make_person, person_form

# (method, URL with {person}/{membership}/{organisation} placeholders, lowest role allowed)
ROUTES = [
    ("GET", "/people/", "viewer"),
    ("GET", "/people/{person}", "viewer"),
    ("GET", "/people/new", "editor"),
    ("POST", "/people/new", "editor"),
    ("GET", "/people/{person}/edit", "editor"),
    ("POST", "/people/{person}/edit", "editor"),
    ("POST", "/people/{person}/delete", "admin"),
    ("POST", "/people/{person}/restore", "admin"),
    ("GET", "/people/?deleted=1", "admin"),
    ("GET", "/people/{person}/memberships/new", "editor"),
    ("POST", "/people/{person}/memberships/new", "editor"),
    ("GET", "/people/{person}/memberships/{membership}/edit", "editor"),
    ("POST", "/people/{person}/memberships/{membership}/edit", "editor"),
    ("POST", "/people/{person}/memberships/{membership}/delete", "editor"),
    ("GET", "/organisations/", "viewer"),
    ("GET", "/organisations/{organisation}", "viewer"),
    ("GET", "/organisations/new", "editor"),
    ("POST", "/organisations/new", "editor"),
    ("GET", "/organisations/{organisation}/edit", "editor"),
    ("POST", "/organisations/{organisation}/edit", "editor"),
    ("POST", "/organisations/{organisation}/delete", "admin"),
    ("POST", "/organisations/{organisation}/restore", "admin"),
    ("GET", "/organisations/?deleted=1", "admin"),
]


@pytest.fixture
def records(seeded):
    organisation = make_organisation()
    person = make_person()
    membership = service.add_membership(person, {"organisation_id": organisation.id, "role": "Hội viên"})
    return {"person": person.id, "membership": membership.id, "organisation": organisation.id}


def _sign_in(login, role):
    g.pop("_login_user", None)
    login(role, f"{role}@example.org")


@pytest.mark.parametrize(("method", "url", "required"), ROUTES)
def test_lower_roles_are_refused(client, login, records, method, url, required):
    url = url.format(**records)
    assert client.open(url, method=method).status_code == 302  # anonymous: to the login page
    for role in ROLES[:ROLE_RANK[required]]:
        _sign_in(login, role)
        assert client.open(url, method=method).status_code == 403, role
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert db.session.scalar(select(func.count(Membership.id))) == 1
    assert db.session.scalar(select(Person.deleted_at)) is None


@pytest.mark.parametrize(("method", "url", "required"), [r for r in ROUTES if r[0] == "GET"])
def test_allowed_roles_see_the_page(client, login, records, method, url, required):
    for role in ROLES[ROLE_RANK[required]:]:
        _sign_in(login, role)
        assert client.get(url.format(**records)).status_code == 200, role


def test_viewer_cannot_change_data_with_valid_input(client, login, records):
    _sign_in(login, "viewer")
    assert client.post("/people/new", data=person_form()).status_code == 403
    assert client.post(f"/people/{records['person']}/edit", data=person_form(version="2")).status_code == 403
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert db.session.scalar(select(Person.full_name)) == "Nguyễn Văn Hùng"
