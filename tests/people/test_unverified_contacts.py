"""Person and organisation forms and services: a phone of plausible shape that the numbering plans do
not know is kept unverified (Contact.verified False, "chưa xác minh" on the page); a value that is
not a phone is still refused."""
import pytest

from diaspora.contacts import (
    ContactErrors,
    UnverifiedPhone,
    clean_contacts,
    normalize_phone,
    phone_search_tokens,
)
from diaspora.people import service
from diaspora.people.search import PeopleQuery, search_people
from diaspora.people.search_index import search_words
from tests.people.factories import make_organisation, make_person


@pytest.mark.parametrize("value, region, expected", [
    ("+81 90-0127-6842", None, "+819001276842"),
    ("0081 90 0127 6842", "VN", "+819001276842"),
    ("090-0127-6842", "JP", "+819001276842"),  # read in the country: trunk 0 dropped, +81 added
    ("090-0127-6842", None, "09001276842"),  # no country known: the digits as written
])
def test_unverified_phone_normalised_form(app, value, region, expected):
    with app.test_request_context():
        normalized = normalize_phone(value, region, unverified=True)
    assert (normalized, type(normalized)) == (expected, UnverifiedPhone)


@pytest.mark.parametrize("value", ["abc", "12345", "+1234567890123456"])
def test_a_value_that_is_not_a_phone_is_refused(app, value):
    with app.test_request_context():
        contacts, errors = clean_contacts([{"kind": "phone", "value": value}], "JP")
    assert contacts == [] and "không hợp lệ" in errors[0]


def test_strict_normalize_phone_is_unchanged(app):
    from diaspora.contacts import InvalidContact

    with app.test_request_context(), pytest.raises(InvalidContact):
        normalize_phone("+81 90-0127-6842")


def test_clean_contacts_marks_unverified_phones(app):
    with app.test_request_context():
        contacts, errors = clean_contacts([{"kind": "phone", "value": "+81 90-0127-6842"},
                                           {"kind": "phone", "value": "090-1234-5678"},
                                           {"kind": "zalo", "value": "090-0127-6842"}], "JP")
    assert errors == {}
    assert [(c["normalized"], c["verified"]) for c in contacts] == [
        ("+819001276842", False), ("+819012345678", True), ("+819001276842", False)]


def test_the_same_unverified_phone_twice_is_one_contact(app):
    with app.test_request_context():
        _contacts, errors = clean_contacts([{"kind": "phone", "value": "+81 90-0127-6842"},
                                            {"kind": "phone", "value": "090 0127 6842"}], "JP")
    assert list(errors) == [1]


def test_search_tokens_of_unverified_phones():
    assert phone_search_tokens("+819001276842") == ["819001276842", "9001276842", "09001276842"]
    assert phone_search_tokens("09001276842") == ["09001276842", "9001276842"]
    assert "9001276842" in search_words(full_name="An", contacts=[("phone", "09001276842")]).split()


def test_person_form_keeps_an_unverified_phone_and_the_page_marks_it(seeded, client, login):
    login("viewer")
    person = make_person(contacts=[{"kind": "phone", "value": "+81 90-0127-6842"},
                                   {"kind": "phone", "value": "090-1234-5678"}])
    assert [(c.normalized, c.verified) for c in person.contacts] == [
        ("+819001276842", False), ("+819012345678", True)]
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    contacts = page[page.index('id="contacts"'):]
    assert contacts.count("unverified-phone") == 1 and "chưa xác minh" in contacts
    assert [p.id for p in search_people(PeopleQuery(q="9001276842")).items] == [person.id]


def test_editing_keeps_the_mark_and_a_verified_number_clears_it(seeded):
    person = make_person(contacts=[{"kind": "phone", "value": "+81 90-0127-6842"}])
    service.update_person(person, {"contacts": [{"kind": "phone", "value": "+81 90-0127-6842", "is_primary": True},
                                                {"kind": "email", "value": "an@example.jp"}]})
    assert [(c.kind, c.verified) for c in person.contacts] == [("phone", False), ("email", True)]


def test_a_non_phone_still_refuses_the_form(seeded):
    with pytest.raises(ContactErrors):
        make_person(contacts=[{"kind": "phone", "value": "abc"}])


def test_organisation_page_marks_an_unverified_phone(seeded, client, login):
    login("viewer")
    organisation = make_organisation(contacts=[{"kind": "phone", "value": "+81 90-0127-6842"}])
    assert [c.verified for c in organisation.contacts] == [False]
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "unverified-phone" in page and "chưa xác minh" in page
