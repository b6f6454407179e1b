"""The people service: derived columns, contacts, audit, optimistic locking, soft delete, memberships."""
from datetime import date

import pytest
from sqlalchemy import select, update

from diaspora.audit.models import AuditEvent
from diaspora.audit.service import history
from diaspora.extensions import db
from diaspora import contacts as contact_rules
from diaspora.people import service
from diaspora.people.models import Person
from diaspora.contacts import Contact
from diaspora.reference.models import CommunityRole, Field
from diaspora.records import StaleEdit
from tests.conftest import make_user
from tests.people.factories import make_organisation, make_person


def test_derived_columns_are_computed_in_one_place(app):
    derived = service.derived_columns(
        {"full_name": "Đặng Thị Hương", "other_names": "Huong Dang", "birth_date": date(1980, 5, 1)},
        [("phone", "+819012345678"), ("email", "huong@example.org")],
        ["Hội người Việt tại Osaka"],
    )
    assert derived["name_folded"] == "dang thi huong"
    assert derived["birth_year"] == 1980
    words = derived["search_text"].split()
    assert {"dang", "huong", "osaka", "819012345678", "09012345678"} <= set(words)
    assert service.derived_columns({"full_name": "A", "birth_year": 1975})["birth_year"] == 1975


def test_create_sets_derived_columns_and_normalises_contacts(seeded):
    user = make_user("editor")
    person = make_person(
        by=user, full_name="  Nguyễn   Văn Hùng ", birth_date=date(1975, 3, 2),
        contacts=[
            {"kind": "phone", "value": "090-1234-5678"},
            {"kind": "email", "value": "Hung.Nguyen@Example.ORG", "is_primary": True},
            {"kind": "phone", "value": "", "is_primary": True},
        ],
    )
    assert person.full_name == "Nguyễn Văn Hùng"
    assert person.name_folded == "nguyen van hung"
    assert person.birth_year == 1975
    assert [(c.kind, c.normalized, c.is_primary) for c in person.contacts] == [
        ("phone", "+819012345678", True),
        ("email", "hung.nguyen@example.org", True),
    ]
    assert person.contacts[0].value == "090-1234-5678"
    assert "819012345678" in person.search_text.split()
    assert person.version == 1
    assert person.created_by_id == user.id


def test_contact_rules_name_the_problem_per_row(seeded):
    rows = [
        {"kind": "phone", "value": "abc"},
        {"kind": "email", "value": "không-phải-email"},
        {"kind": "phone", "value": "+84 912 345 678", "is_primary": True},
        {"kind": "phone", "value": "0912345678", "is_primary": False},
        {"kind": "zalo", "value": "+84 912 000 111", "is_primary": True},
        {"kind": "zalo", "value": "+84 912 000 222", "is_primary": True},
    ]
    contacts, errors = contact_rules.clean_contacts(rows, "VN")
    assert errors[0] == "Số điện thoại “abc” không hợp lệ."
    assert errors[1] == "Địa chỉ email “không-phải-email” không hợp lệ."
    assert "hai lần" in errors[3]
    assert "một liên hệ chính" in errors[5]
    assert [c["normalized"] for c in contacts] == ["+84912345678", "+84912000111"]
    with pytest.raises(contact_rules.ContactErrors):
        make_person(contacts=rows)
    assert db.session.scalar(select(Person.id)) is None


def test_first_contact_of_a_kind_becomes_primary_when_none_chosen(seeded):
    contacts, errors = contact_rules.clean_contacts(
        [{"kind": "email", "value": "a@example.org"}, {"kind": "email", "value": "b@example.org"}], None)
    assert not errors
    assert [c["is_primary"] for c in contacts] == [True, False]


def test_fields_roles_offers_and_hometown(seeded):
    field = db.session.scalar(select(Field).where(Field.key == "it"))
    role = db.session.scalar(select(CommunityRole).order_by(CommunityRole.sort_order))
    person = make_person(fields=[field.id], roles=[role.id], offers=["teaching", "remote_advice"],
                         hometown_text="Xã Thanh Sơn, H. Thanh Hà, Hải Dương")
    assert person.fields == [field]
    assert person.roles == [role]
    assert person.offer_kinds == ["remote_advice", "teaching"]
    assert person.hometown_text == "Xã Thanh Sơn, H. Thanh Hà, Hải Dương"
    assert person.hometown_unit.full_name == "Xã Thanh Hà"
    assert service.hometown_candidates(person) == []


def test_unclear_hometown_leaves_the_unit_to_staff_with_suggestions(seeded):
    person = make_person(hometown_text="xã Thanh Hải, huyện Thanh Hà, Hải Dương")
    assert person.hometown_unit_code is None
    assert [unit.full_name for unit in service.hometown_candidates(person)] == ["Xã Hà Tây", "Xã Đại Sơn"]


def test_chosen_hometown_unit_is_kept(seeded):
    person = make_person(hometown_unit_code="10507", hometown_text="Thanh Hà")
    assert person.hometown_unit_code == "10507"


def test_update_records_only_changed_fields_in_the_audit(seeded):
    editor = make_user("editor")
    person = make_person(city="Tokyo", contacts=[{"kind": "phone", "value": "090-1234-5678"}])
    values = service.person_values(person)
    values.update(city="Osaka", contacts=values["contacts"] + [{"kind": "email", "value": "X@Example.org"}])
    assert service.update_person(person, values, by=editor, expected_version=1) is True
    assert person.version == 2
    event = history("people", person.id)[0]
    assert event.action == "update" and event.user_id == editor.id
    assert event.changes == {
        "city": {"before": "Tokyo", "after": "Osaka"},
        "contacts": {
            "before": ["Điện thoại: 090-1234-5678 (chính)"],
            "after": ["Điện thoại: 090-1234-5678 (chính)", "Email: X@Example.org (chính)"],
        },
    }
    assert "xexampleorg" in person.search_text.split()


def test_saving_unchanged_values_writes_nothing(seeded):
    person = make_person()
    assert service.update_person(person, service.person_values(person), expected_version=1) is False
    assert person.version == 1
    assert len(history("people", person.id)) == 1


def test_stale_version_raises_with_the_changes_made_meanwhile(seeded):
    first, second = make_user("editor", "a@example.org"), make_user("editor", "b@example.org")
    person = make_person(city="Tokyo")
    opened = service.person_values(person)
    service.update_person(person, {**opened, "city": "Osaka"}, by=first, expected_version=1)
    with pytest.raises(StaleEdit) as caught:
        service.update_person(person, {**opened, "occupation": "Kỹ sư"}, by=second, expected_version=1)
    change = caught.value.changes["city"]
    assert (change["before"], change["after"], change["by"]) == ("Tokyo", "Osaka", first.name)
    db.session.expire_all()
    assert person.city == "Osaka" and person.occupation is None and person.version == 2


def test_concurrent_save_at_the_same_moment_is_refused(seeded):
    person = make_person(city="Tokyo")
    assert person.version == 1
    # Another process saves version 2 after this one loaded version 1.
    with db.engine.begin() as connection:
        connection.execute(update(Person).where(Person.id == person.id).values(version=2, city="Kyoto"))
    with pytest.raises(StaleEdit):
        service.update_person(person, {"city": "Osaka"}, expected_version=1)
    db.session.expire_all()
    assert person.city == "Kyoto"


def test_reapply_keeps_the_other_users_change_and_the_users_own(seeded):
    person = make_person(city="Tokyo", occupation="Kỹ sư")
    opened = service.person_values(person)
    service.update_person(person, {**opened, "city": "Osaka"}, expected_version=1)
    mine = {**opened, "occupation": "Bác sĩ"}
    with pytest.raises(StaleEdit) as caught:
        service.update_person(person, mine, expected_version=1)
    values, changed = service.reapply(person, mine, caught.value.changes)
    assert values["city"] == "Osaka"
    assert values["occupation"] == "Bác sĩ"
    assert changed == {"occupation": "Bác sĩ"}


def test_soft_delete_and_restore_are_audited(seeded):
    admin = make_user("admin")
    person = make_person()
    service.delete_person(person, by=admin)
    assert person.deleted_at is not None and person.version == 2
    with pytest.raises(Exception) as missing:
        service.get_person_or_404(person.id)
    assert missing.value.code == 404
    assert service.get_person_or_404(person.id, include_deleted=True) is person
    service.restore_person(person, by=admin)
    assert person.deleted_at is None
    actions = [event.action for event in history("people", person.id)]
    assert actions == ["restore", "delete", "create"]


def test_memberships_are_audited_on_the_person_and_searchable(seeded):
    organisation = make_organisation(name="Hội doanh nhân Việt Nam tại Osaka")
    person = make_person()
    membership = service.add_membership(
        person, {"organisation_id": organisation.id, "role": "Chủ tịch", "start_date": date(2020, 1, 1)})
    assert "osaka" in person.search_text.split()
    assert person.version == 2
    assert history("people", person.id)[0].changes == {"memberships": {
        "before": [], "after": ["Hội doanh nhân Việt Nam tại Osaka — Chủ tịch, 01/01/2020–…"]}}
    service.update_membership(membership, {"organisation_id": organisation.id, "role": "Hội viên",
                                           "start_date": date(2020, 1, 1), "end_date": date(2022, 12, 31)})
    assert membership.role == "Hội viên" and membership.end_date == date(2022, 12, 31)
    with pytest.raises(ValueError):
        service.update_membership(membership, {"organisation_id": organisation.id,
                                               "start_date": date(2020, 1, 1), "end_date": date(2019, 1, 1)})
    service.remove_membership(membership)
    assert person.memberships == []
    assert "osaka" not in person.search_text.split()
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "people").order_by(
        AuditEvent.id.desc())) == history("people", person.id)[0].id


def test_refresh_search_text_in_bulk(seeded):
    people = [make_person(full_name=f"Người {n}", contacts=[{"kind": "email", "value": f"p{n}@example.org"}])
              for n in range(3)]
    db.session.execute(update(Person).values(search_text="").execution_options(synchronize_session=False))
    assert service.refresh_search_text(select(Person.id)) == 3
    db.session.expire_all()
    assert all("example" in person.search_text for person in people)
    assert all(person.version == 1 for person in people)


def test_list_details_load_in_a_fixed_number_of_queries(seeded):
    from sqlalchemy import event

    for n in range(5):
        make_person(full_name=f"Người {n}", contacts=[{"kind": "phone", "value": f"090-1234-567{n}"}])
    db.session.expire_all()
    people = db.session.scalars(select(Person)).all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        service.load_list_details(people)
        assert [len(person.contacts) for person in people] == [1] * 5
        assert all(person.fields == [] for person in people)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 3
    assert db.session.scalar(select(Contact.id).limit(1)) is not None
