"""Demo data: realistic people marked as demo, with valid contacts, found by the search."""
import collections
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from diaspora.bulk import allocate_ids, begin_writing
from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.people import service
from diaspora.contacts import PHONE_KINDS, normalize_email, normalize_phone
from diaspora.people.demo import DEMO_SOURCE, DemoMaker, create_demo_data
from diaspora.people.models import Person
from diaspora.organisations.models import Membership
from diaspora.contacts import Contact
from diaspora.people.search import PeopleQuery, search_people
from diaspora.people.search_index import BULK_INDEX_ROWS, person_search_text, search_index_in_bulk
from diaspora.reference.models import Country
from diaspora.text import fold


def test_demo_data_command_creates_people_marked_as_demo(seeded, runner):
    result = runner.invoke(args=["demo-data", "--people", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "300" in result.output
    people = db.session.scalars(select(Person).options(
        selectinload(Person.contacts), selectinload(Person.memberships))).all()
    assert len(people) == 300
    assert all(person.is_demo and person.source == DEMO_SOURCE for person in people)
    organisations = db.session.scalars(select(Organisation)).all()
    assert organisations and all(organisation.is_demo for organisation in organisations)
    assert db.session.scalar(select(func.count()).select_from(Membership)) > 0
    for person in people:
        assert person.name_folded == fold(person.full_name)
        assert person.search_text == person_search_text(person)


def test_demo_contacts_are_valid_and_normalised_as_the_app_does(seeded):
    create_demo_data(300, seed=6)
    contacts = db.session.scalars(select(Contact).options(selectinload(Contact.person))).all()
    kinds = collections.Counter(contact.kind for contact in contacts)
    assert kinds["phone"] > 150 and kinds["email"] > 100
    for contact in contacts:
        owner = contact.person or contact.organisation
        if contact.kind in PHONE_KINDS:
            assert contact.normalized.startswith("+")
            assert normalize_phone(contact.value, owner.country_code) == contact.normalized, contact.value
        elif contact.kind == "email":
            assert normalize_email(contact.value) == contact.normalized
    assert len({c.normalized for c in contacts if c.kind == "email"}) == kinds["email"]


def test_demo_emails_of_people_without_a_middle_name_are_valid(seeded):
    maker = DemoMaker(8, datetime.now(UTC))
    for _ in range(50):
        address = maker._email("Davis", "", "Emily", "US")
        assert normalize_email(address) == address.lower(), address


def test_demo_people_look_like_the_community(seeded):
    create_demo_data(1500, seed=7)
    families = collections.Counter(name.split()[0] for name in db.session.scalars(select(Person.full_name)))
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert 0.3 < families["Nguyễn"] / 1500 < 0.46
    countries = collections.Counter(db.session.scalars(select(Person.country_code)))
    assert len(countries) >= 25
    assert countries.most_common(1)[0][0] == "US"
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.other_names.is_not(None))) > 300
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.academic_title.is_not(None))) > 100
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.hometown_text.is_not(None))) > 300
    assert db.session.scalar(select(func.count()).select_from(Person).where(
        Person.hometown_unit_code.is_not(None))) > 700


def test_demo_people_are_found_by_the_search(seeded):
    create_demo_data(200, seed=8)
    person = db.session.scalar(select(Person).where(Person.deleted_at.is_(None)).order_by(Person.id.desc()))
    assert person.id in [found.id for found in search_people(PeopleQuery(q=fold(person.full_name))).items]
    total = db.session.scalar(select(func.count()).select_from(Person).where(Person.deleted_at.is_(None)))
    assert search_people(PeopleQuery()).total == total


def test_demo_data_adds_to_existing_records(seeded):
    create_demo_data(50, seed=9)
    create_demo_data(50, seed=10)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 100
    # The id sequences moved past the demo rows: ordinary records still save.
    person = service.create_person({"full_name": "Phạm Minh Tuấn", "country_code": "CZ"})
    assert person.id > 100
    assert search_people(PeopleQuery(q="pham minh tuan")).items == [person]


def test_same_seed_same_people(seeded):
    now = datetime.now(UTC)
    first, again = DemoMaker(3, now), DemoMaker(3, now)
    assert [first.person(i, {})["person"] for i in range(20)] == [again.person(i, {})["person"] for i in range(20)]


def test_demo_data_loads_reference_data_when_missing(app, runner):
    result = runner.invoke(args=["demo-data", "--people", "20"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Country)) > 200
    assert db.session.scalar(select(func.count()).select_from(Person)) == 20


def test_a_failed_bulk_insert_leaves_the_search_index_working(seeded):
    connection = db.session.connection()
    begin_writing(connection)
    ids = allocate_ids(connection, Person.__table__, BULK_INDEX_ROWS)
    try:
        with search_index_in_bulk(connection, ids):
            connection.execute(insert(Person.__table__), [
                {"id": person_id, "full_name": "Đỗ Văn Nam", "name_folded": "do van nam", "search_text": "do van nam",
                 "version": 1} for person_id in ids])
            raise RuntimeError("interrupted")
    except RuntimeError:
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    person = service.create_person({"full_name": "Vũ Thị Hoa", "country_code": "KR"})
    assert search_people(PeopleQuery(q="vu thi hoa")).items == [person]
