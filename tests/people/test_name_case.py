"""The person form and service store a name typed in capitals or small letters in title case."""
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.people import service
from diaspora.people.models import Person
from tests.conftest import make_user
from tests.people.factories import make_person, person_form


def test_create_and_update_store_names_in_title_case(seeded):
    user = make_user("editor")
    person = make_person(by=user, full_name="NGUYỄN VĂN AN", other_names="NGUYEN VAN AN")
    assert person.full_name == "Nguyễn Văn An"
    assert person.other_names == "NGUYEN VAN AN"  # names abroad keep their case
    assert person.name_folded == "nguyen van an"
    service.update_person(person, {"full_name": "đặng thị ánh"}, by=user)
    assert person.full_name == "Đặng Thị Ánh"
    service.update_person(person, {"full_name": "McDonald Đặng"}, by=user)
    assert person.full_name == "McDonald Đặng"


def test_the_person_form_stores_a_name_in_capitals_in_title_case(client, login, seeded):
    login("editor")
    client.post("/people/new", data=person_form(full_name="TRẦN THỊ MAI", other_names="MAI TRAN"))
    assert db.session.execute(select(Person.full_name, Person.other_names)).one() == ("Trần Thị Mai", "MAI TRAN")
