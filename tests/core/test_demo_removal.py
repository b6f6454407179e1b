"""`flask demo-data --remove`: every demo record and what hangs on it goes, real records stay as they were,
table by table; real rows that pointed at a demo record are unlinked; it asks first and is audited."""
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.audit.service import record
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.outreach.models import Activity, ActivityParticipant, DistributionChannel
from diaspora.people import service as people_service
from diaspora.people.models import Person
from diaspora.reference.products import seed_products
from diaspora.text import fold
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_channel
from tests.people.factories import make_organisation, make_person

# Reference data (catalogues) and the log are not records demo-data makes: compared separately.
NOT_COMPARED = {"audit_events", "audit_event_people", "alembic_version"}


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables if table.name not in NOT_COMPARED}


def test_removing_demo_data_leaves_only_the_real_records(seeded, runner, client, login):
    seed_products()  # the catalogue demo-data would load: reference data, kept
    editor = make_user("editor", "real-editor@example.org")
    real = make_person(by=editor, full_name="Vũ Thị Hoa", city="Osaka", birth_year=1980,
                       contacts=[{"kind": "email", "value": "hoa.vu@example.org"}])
    member = make_person(by=editor, full_name="Đinh Văn Khải", country_code="DE")
    real_organisation = make_organisation(by=editor, name="Hội doanh nhân Việt Nam tại Nhật Bản")
    people_service.add_membership(real, {"organisation_id": real_organisation.id, "role": "Hội viên"}, by=editor)
    real_activity = make_activity(title="Gặp mặt kiều bào tại Osaka", people=[real], by=editor)
    real_channel = make_channel(name="Cửa hàng Hương Quê", by=editor)
    real_ids = (real.id, member.id, real_organisation.id, real_activity.id, real_channel.id)
    login("viewer")
    before = _counts()
    real_events = set(db.session.scalars(select(AuditEvent.id)))

    result = runner.invoke(args=["demo-data", "--people", "200", "--seed", "3"])
    assert result.exit_code == 0, result.output
    demo_person = db.session.scalar(select(Person).where(Person.is_demo.is_(True)).order_by(Person.id))
    demo_organisation = db.session.scalar(select(Organisation).where(Organisation.is_demo.is_(True))
                                          .order_by(Organisation.id))
    assert db.session.scalar(select(func.count()).select_from(DistributionChannel)
                             .where(DistributionChannel.is_demo.is_(True))) >= 5
    assert db.session.scalar(select(func.count()).select_from(Activity).where(Activity.is_demo.is_(True))) >= 5

    # Trying the product: real and demo records meet.
    member = db.session.get(Person, real_ids[1])
    people_service.add_membership(member, {"organisation_id": demo_organisation.id, "role": "Hội viên"}, by=editor)
    demo_words = fold(demo_organisation.name)
    assert demo_words in db.session.get(Person, member.id).search_text
    people_service.update_person(demo_person, {"city": "Kyoto"}, by=editor, expected_version=demo_person.version)
    activity = db.session.get(Activity, real_ids[3])
    activity.participants.append(ActivityParticipant(person_id=demo_person.id, role="Khách mời"))
    channel = db.session.get(DistributionChannel, real_ids[4])
    channel.person_id = demo_person.id
    batch = ImportBatch(file_name="danh-sach.xlsx", file_sha256="0" * 64, status="committed", sheet_key="people")
    db.session.add(batch)
    db.session.flush()
    db.session.add(ImportRow(batch_id=batch.id, row_number=2, action="updated", person_id=demo_person.id))
    db.session.commit()
    demo_person_id = demo_person.id
    assert client.get("/people/").status_code == 200  # the access log links the people shown, demo ones too
    assert client.get(f"/people/{demo_person_id}").status_code == 200
    assert client.get(f"/people/{real_ids[0]}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(audit_event_people)
                             .where(audit_event_people.c.person_id == demo_person_id)) >= 1
    real_links = db.session.scalar(select(func.count()).select_from(audit_event_people)
                                   .where(audit_event_people.c.person_id == real_ids[0]))

    refused = runner.invoke(args=["demo-data", "--remove"], input="n\n")
    assert refused.exit_code != 0 and "200 người" in refused.output
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.is_demo.is_(True))) == 200

    result = runner.invoke(args=["demo-data", "--remove"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "people: 200" in result.output

    after = _counts()
    changed = {table: (before[table], after[table]) for table in before
               if before[table] != after[table] and table not in ("import_batches", "import_rows")}
    assert changed == {}, changed
    assert (after["import_batches"], after["import_rows"]) == (before["import_batches"] + 1, before["import_rows"] + 1)
    for model in (Person, Organisation, DistributionChannel, Activity):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.is_demo.is_(True))) == 0

    real, member, real_organisation, activity, channel = (
        db.session.get(model, record_id) for model, record_id in
        zip((Person, Person, Organisation, Activity, DistributionChannel), real_ids, strict=True))
    assert (real.full_name, real.city, real.birth_year, real.version) == ("Vũ Thị Hoa", "Osaka", 1980, 2)
    assert [contact.normalized for contact in real.contacts] == ["hoa.vu@example.org"]
    assert [m.organisation_id for m in real.memberships] == [real_organisation.id]
    assert member.memberships == [] and demo_words not in member.search_text
    assert [part.person_id for part in activity.participants] == [real.id]
    assert channel.person_id is None and channel.name == "Cửa hàng Hương Quê"
    assert db.session.scalar(select(ImportRow.person_id).where(ImportRow.batch_id == batch.id)) is None
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1

    # The log keeps every real event, nothing about a demo record, and the removal itself.
    events = db.session.execute(select(AuditEvent.id, AuditEvent.entity_type, AuditEvent.entity_id,
                                       AuditEvent.action)).all()
    assert real_events <= {event.id for event in events}
    assert not [event for event in events if event.entity_type == "people" and event.entity_id == demo_person_id]
    assert db.session.scalar(select(func.count()).select_from(audit_event_people)
                             .where(audit_event_people.c.person_id == demo_person_id)) == 0
    assert db.session.scalar(select(func.count()).select_from(audit_event_people)
                             .where(audit_event_people.c.person_id == real_ids[0])) == real_links
    removal = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "demo_data_removed"))
    assert removal.changes["people"] == 200 and removal.changes["memberships"] >= 1
    assert "200" in removal.summary_text
    assert [event.action for event in events if event.action.startswith("demo_data")] == ["demo_data",
                                                                                          "demo_data_removed"]

    login("admin")
    log = client.get("/audit/?action=demo_data_removed")
    assert log.status_code == 200 and "Xoá dữ liệu mẫu" in log.text

    again = runner.invoke(args=["demo-data", "--remove", "--yes"])
    assert again.exit_code == 0 and "Không có dữ liệu mẫu nào." in again.output


def test_the_removal_needs_no_prompt_with_yes_and_demo_data_asks_for_a_size(seeded, runner):
    result = runner.invoke(args=["demo-data", "--people", "30"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["demo-data", "--remove", "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    usage = runner.invoke(args=["demo-data"])
    assert usage.exit_code != 0 and "--people" in usage.output


def test_a_real_record_that_mentions_demo_data_is_not_removed(seeded, runner):
    real = make_person(full_name="Ngô Thị Lan", notes="[Dữ liệu mẫu]")
    record("update", real, changes={"notes": {"before": None, "after": "[Dữ liệu mẫu]"}})
    db.session.commit()
    assert runner.invoke(args=["demo-data", "--people", "20"]).exit_code == 0
    assert runner.invoke(args=["demo-data", "--remove", "--yes"]).exit_code == 0
    assert db.session.scalars(select(Person.full_name)).all() == ["Ngô Thị Lan"]
