"""Fixtures of the core tests: one record of every kind the routes name."""
import pytest

from diaspora.batches.models import ImportBatch
from diaspora.exports import files
from diaspora.extensions import db
from diaspora.imports.running import import_file
from diaspora.mailings.models import Campaign, CampaignMessage
from diaspora.people import service as people_service
from diaspora.people.search import PeopleQuery
from diaspora.reference.models import Field, Synonym
from tests.community.factories import community_records
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_channel, make_organisation, make_person, make_product
from tests.spreadsheets.sheets import write_workbook


@pytest.fixture
def records(seeded, tmp_path):
    """One record of every kind a route names, owned by an admin other than the signed-in users: {the
    name routes give its id (person_id, batch_id…): its id}."""
    owner = make_user("admin", email="owner@example.org")
    person = make_person(fields=("health",), email="an@example.jp")
    organisation = make_organisation()
    membership = people_service.add_membership(person, {"organisation_id": organisation.id, "role": "hội viên"})
    product = make_product()
    channel = make_channel(products=[(product, "distributing")], person=person)
    activity = make_activity(people=[person], organisations=[organisation])
    workbook = write_workbook(tmp_path / "danh-sach.xlsx", ["Họ và tên", "Quốc gia", "Email"],
                              [["Trần Thị Bình", "Nhật Bản", "binh@"]])
    import_file(workbook, user=owner)
    batch = db.session.scalar(db.select(ImportBatch))
    export = files.queue_export("people", PeopleQuery(), "csv", owner, "vi")
    synonym = db.session.scalar(db.select(Synonym))  # seeded
    field = db.session.scalar(db.select(Field).where(Field.key == "health"))
    submission, registration = community_records(activity)
    campaign = Campaign(kind="greeting", channel="email", subject="Chúc Tết", body="Kính gửi {ho_ten}",
                        filters={"country": "JP"}, user_id=owner.id)
    db.session.add(campaign)
    db.session.flush()
    message = CampaignMessage(campaign_id=campaign.id, person_id=person.id, email="an@example.jp", subject="Chúc Tết",
                              body="Kính gửi", status="outbox")
    db.session.add(message)
    db.session.commit()
    return {"person_id": person.id, "organisation_id": organisation.id, "membership_id": membership.id,
            "product_id": product.id, "channel_id": channel.id, "activity_id": activity.id, "batch_id": batch.id,
            "export_id": export.id, "user_id": owner.id, "item_id": field.id, "synonym_id": synonym.id,
            "campaign_id": campaign.id, "message_id": message.id,
            "submission_id": submission.id, "registration_id": registration.id}
