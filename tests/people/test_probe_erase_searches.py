"""Erase and the access log: staff who found the person by typing part of their name, or their phone in another
layout than the one kept ("90 5555 1234" for "+81 90 5555 1234"), left it in the list's recorded search; the
erase wipes it from the searches that showed the person, and leaves other searches as they were."""
import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.people import privacy
from tests.people.factories import make_person
from tests.people.privacy_helpers import table_dump


@pytest.mark.parametrize("typed", ["90 5555 1234", "090-5555-1234", "0081 90 5555 1234", "quynh trang", "Quỳnh Trang",
                                   "PHẠM THỊ QUỲNH"])
def test_a_search_that_showed_the_person_loses_what_named_them(client, login, seeded, typed):
    person = make_person(full_name="Phạm Thị Quỳnh Trang", contacts=[{"kind": "phone", "value": "+81 90 5555 1234"}])
    make_person(full_name="Lê Văn Nam")
    login("viewer")
    assert f"/people/{person.id}" in client.get("/people/", query_string={"q": typed}).text
    client.get("/people/", query_string={"q": "Lê Văn Nam"})
    privacy.erase_person(db.session.get(type(person), person.id), "Yêu cầu của chủ thể")
    db.session.commit()
    dump = table_dump()
    assert "5555" not in dump and typed not in dump
    searches = [event.changes["filter"].get("q") for event in db.session.scalars(select(AuditEvent))
                if isinstance(event.changes, dict) and isinstance(event.changes.get("filter"), dict)]
    assert "Lê Văn Nam" in searches
