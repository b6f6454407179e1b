"""Demo people built from Faker (vi_VN and each country's own locale) look real and are valid input: every
email and phone passes the import's own cleaners unchanged, emails are the name folded to ASCII at a real
provider, foreign experts carry their country's names in Latin letters, and the same seed gives the same
people."""
import re
import time
from datetime import UTC, datetime

from sqlalchemy import select

from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.people.demo import (
    LOCALES,
    MASTER_TITLES,
    OCCUPATION_PROFILES,
    SENIOR_BORN_BY,
    SENIOR_TITLES,
    DemoMaker,
    ascii_words,
    checked_email,
    checked_phone,
    create_demo_data,
)
from diaspora.people.models import Person
from diaspora.spreadsheets.cleaners import CleanContext
from diaspora.spreadsheets.contact_cleaners import clean_emails, clean_phones

_ASCII_EMAIL = re.compile(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}")


def test_demo_contacts_pass_the_import_cleaners_unchanged(seeded):
    started = time.perf_counter()
    create_demo_data(2000, seed=11)
    seconds = time.perf_counter() - started
    assert seconds < 20, seconds  # a few seconds on a desk machine; generous for a shared one
    rows = db.session.execute(select(Contact.kind, Contact.value, Contact.normalized, Person.country_code,
                                     Person.full_name, Person.person_type)
                              .join(Person, Person.id == Contact.person_id)).all()
    emails = [row for row in rows if row.kind == "email"]
    phones = [row for row in rows if row.kind in ("phone", "zalo")]
    assert len(emails) > 900 and len(phones) > 1500
    for row in emails:
        assert _ASCII_EMAIL.fullmatch(row.value), row.value
        assert clean_emails(row.value, CleanContext(lookups=None)) == (("email", row.value, row.normalized),)
        local = row.value.split("@")[0]
        assert ".." not in local and not local.startswith(".") and not local.endswith(".")
        # Made of the name: a word of it (folded to ASCII) is in the address.
        assert any(word in local for word in ascii_words(row.full_name)), (row.full_name, row.value)
    for row in phones:
        context = CleanContext(lookups=None, row={"country": row.country_code})
        assert clean_phones(row.value, context) == ((("phone", row.value, row.normalized),)), row
        assert context.notes == [], row  # none kept only as "unverified"
        if not row.value.startswith("+"):  # written nationally: a number of the country of residence
            assert checked_phone(row.value, row.country_code) == row.normalized, row
    assert len({row.normalized for row in emails}) == len(emails)
    assert len({row.value for row in emails}) == len(emails)


def test_demo_people_have_the_streets_and_towns_of_their_country(seeded):
    create_demo_data(1500, seed=4)
    people = db.session.execute(select(Person.country_code, Person.city, Person.address)).all()
    with_address = [person for person in people if person.address]
    assert len(with_address) > 100
    assert all("\n" not in person.address for person in with_address)
    german_towns = {person.city for person in people if person.country_code == "DE"}
    assert len(german_towns) > 7  # the main cities and towns of the locale


def test_foreign_experts_carry_their_countrys_names_in_latin_letters(seeded):
    maker = DemoMaker(7, datetime.now(UTC))
    for country in ("US", "JP", "KR", "DE", "FR", "CZ", "PL", "RU", "TW", "GB"):
        names = {" ".join(maker._expert_name(country, gender)) for gender in ("male", "female") for _ in range(5)}
        assert len(names) > 3, names
        for name in names:
            assert re.fullmatch(r"[A-Za-zÀ-ɏ' .-]+", name), (country, name)
            assert ascii_words(name), name
    create_demo_data(3000, seed=2)
    experts = db.session.execute(select(Person.full_name, Person.country_code)
                                 .where(Person.person_type == "foreign_expert")).all()
    assert len(experts) > 30 and len({country for _name, country in experts}) > 5
    vietnamese_families = {"Nguyễn", "Trần", "Lê", "Phạm"}
    assert not [name for name, _country in experts if name.split()[0] in vietnamese_families]


def test_every_locale_gives_valid_phones_and_emails(seeded):
    maker = DemoMaker(5, datetime.now(UTC))
    for country in [*LOCALES, "VN", "LA", "SG"]:
        for national in (True, False):
            written, e164 = maker.phone(country, national=national)
            assert checked_phone(written, country) == e164, (country, written)
            assert national or written.startswith("+"), written
        address = maker._email("Nguyễn", "Thị", "Ánh", country)
        assert address is not None and checked_email(address) == address


def test_an_address_the_cleaner_refuses_is_left_out(seeded):
    assert checked_email("schneider..andreas81@gmail.com") is None
    assert checked_email("andreas.schneider81@gmail.com") == "andreas.schneider81@gmail.com"
    assert checked_phone("0325513658", "DE") is None  # read as Vietnamese: not a German number


def test_same_seed_same_people_and_another_seed_others(seeded):
    now = datetime.now(UTC)
    first, again, other = DemoMaker(9, now), DemoMaker(9, now), DemoMaker(10, now)
    made = [first.person(i, {}) for i in range(200)]
    assert made == [again.person(i, {}) for i in range(200)]
    assert [item["person"]["full_name"] for item in made] != [other.person(i, {})["person"]["full_name"]
                                                              for i in range(200)]


def test_occupations_roles_fields_and_titles_go_together(seeded):
    create_demo_data(1500, seed=6)
    people = db.session.scalars(select(Person)).all()
    for person in people:
        if person.academic_title in SENIOR_TITLES:
            assert person.birth_year <= SENIOR_BORN_BY, (person.academic_title, person.birth_year)
        for membership in person.memberships:
            assert membership.start_date.year >= min(2024, person.birth_year + 18)
        if person.occupation is None:
            assert person.academic_title in (None, *MASTER_TITLES)
            continue
        roles, fields, titles, born = OCCUPATION_PROFILES[person.occupation]
        assert born is None or person.birth_year >= born, (person.occupation, person.birth_year)
        assert person.academic_title in (None, *titles), (person.occupation, person.academic_title)
        assert {role.key for role in person.roles} <= {*roles, "association_leader"}, person.occupation
        assert {field.key for field in person.fields} & set(fields), person.occupation
    students = [person for person in people if "student" in {role.key for role in person.roles}]
    assert students and all(person.birth_year >= 1996 for person in students)
    doctors = [person for person in people if person.occupation == "Bác sĩ"]
    assert doctors and all("health" in {field.key for field in person.fields} for person in doctors)
