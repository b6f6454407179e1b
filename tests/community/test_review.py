"""The review queue: each submission beside its probable matches (the import's duplicate rules); accepted as a new
person through the people service (audit, search text, consent), merged field by field into a person, or rejected;
every decision audited, every read recorded; editors only."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.community.consent import CONSENT_TEXT_VERSION, PERSON_SOURCE
from diaspora.community.models import Submission
from diaspora.extensions import db
from diaspora.organisations.models import Membership
from diaspora.people import service as people_service
from diaspora.people.models import Person
from diaspora.people.privacy import erase_person
from diaspora.records import utcnow
from diaspora.signals import data_sections
from tests.community.helpers import registration
from tests.outreach.factories import make_organisation


def _submit(client, **values) -> Submission:
    response = client.post("/register", data=registration(**values), environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302, response.text[:3000]
    db.session.rollback()
    return db.session.scalars(select(Submission).order_by(Submission.id.desc())).first()


def _events(action: str, entity_type: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                            AuditEvent.entity_type == entity_type)))


def test_accept_as_a_new_person(client, login, seeded):
    make_organisation("Hội người Việt Nam tại Berlin", "DE")
    submission = _submit(client)
    editor = login("editor")
    queue = client.get("/community/submissions/")
    assert queue.status_code == 200 and submission.reference_code in queue.text
    page = client.get(f"/community/submissions/{submission.id}")
    assert page.status_code == 200 and "Nguyễn Thị Thu Hà" in page.text
    assert _events("view", "submissions")
    response = client.post(f"/community/submissions/{submission.id}/accept", data={"note": "Đã gọi xác nhận"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.scalar(select(Person))
    assert response.location.endswith(f"/people/{person.id}")
    assert (person.full_name, person.country_code, person.city, person.birth_year) == (
        "Nguyễn Thị Thu Hà", "DE", "Berlin", 1985)
    assert person.hometown_text.startswith("xã Thanh Hải")
    assert {c.kind for c in person.contacts} == {"phone", "email"} and person.offer_kinds == ["remote_advice"]
    assert (person.consent_status, person.consent_source, person.consent_legal_basis, person.consent_text_version,
            person.source) == ("given", "form", "consent", CONSENT_TEXT_VERSION, PERSON_SOURCE)
    assert person.consent_date is not None and "thu ha" in person.search_text
    assert person.created_by_id == editor.id
    assert db.session.scalar(select(Membership.organisation_id).where(Membership.person_id == person.id))
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.person_id, submission.reviewed_by_id) == ("accepted", person.id, editor.id)
    assert _events("create", "people") and _events("accept", "submissions")
    # Decided once: a second accept creates no second person.
    client.post(f"/community/submissions/{submission.id}/accept", data={})
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 1


def test_merge_into_the_matching_person_field_by_field(client, login, seeded):
    existing = people_service.create_person({
        "full_name": "Nguyễn Thị Thu Hà", "country_code": "DE", "birth_year": 1985, "city": "Munich",
        "occupation": None, "contacts": [{"kind": "email", "value": "thuha@example.de"}]})
    submission = _submit(client)
    login("editor")
    page = client.get(f"/community/submissions/{submission.id}")
    assert f"/merge/{existing.id}" in page.text and "trùng email" in page.text
    merge = client.get(f"/community/submissions/{submission.id}/merge/{existing.id}")
    assert merge.status_code == 200 and "Munich" in merge.text and "Berlin" in merge.text
    response = client.post(f"/community/submissions/{submission.id}/merge/{existing.id}", data={
        "version": existing.version, "full_name": "keep", "city": "take", "occupation": "take",
        "other_names": "keep", "gender": "take", "birth": "keep", "country_code": "keep", "hometown_text": "keep",
        "expertise": "keep", "contacts": ["0"], "offers": ["0"]})
    assert response.status_code == 302, response.text[:3000]
    db.session.expire_all()
    person = db.session.get(Person, existing.id)
    assert (person.city, person.occupation, person.gender, person.hometown_text) == ("Berlin", "Kỹ sư", "female", None)
    assert {c.kind for c in person.contacts} == {"phone", "email"} and person.offer_kinds == ["remote_advice"]
    assert person.consent_status == "given" and person.consent_text_version == CONSENT_TEXT_VERSION
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 1
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.person_id) == ("merged", person.id)
    assert _events("merge", "submissions") and _events("update", "people")


def test_reject_keeps_the_register_untouched(client, login, seeded):
    submission = _submit(client)
    login("editor")
    assert client.post(f"/community/submissions/{submission.id}/reject", data={"note": "Thư rác"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).status == "rejected"
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 0
    assert _events("reject", "submissions")


@pytest.mark.parametrize("role", ["viewer", None])
def test_the_queue_is_for_editors(client, login, seeded, role):
    submission = _submit(client)
    if role:
        login(role)
    for url in ("/community/submissions/", f"/community/submissions/{submission.id}"):
        response = client.get(url)
        assert response.status_code == (403 if role else 302)
    response = client.post(f"/community/submissions/{submission.id}/accept", data={})
    assert response.status_code == (403 if role else 302)
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 0


def test_rejected_submissions_are_purged_after_the_promised_days(client, login, runner, seeded):
    kept, old = _submit(client), _submit(client, full_name="Lê Văn Cũ", email="cu@example.de")
    login("editor")
    for item in (kept, old):
        client.post(f"/community/submissions/{item.id}/reject", data={})
    db.session.expire_all()
    db.session.get(Submission, old.id).submitted_at = utcnow() - timedelta(days=91)
    db.session.commit()
    result = runner.invoke(args=["community", "purge"])
    assert result.exit_code == 0 and "1" in result.output
    assert [item.id for item in db.session.scalars(select(Submission))] == [kept.id]


def test_subject_access_and_erase_cover_the_registrations(client, login, seeded):
    submission = _submit(client)
    login("editor")
    client.post(f"/community/submissions/{submission.id}/accept", data={})
    db.session.expire_all()
    person = db.session.scalar(select(Person))
    section = next(section for section in data_sections(person) if section.key == "registrations")
    assert section.rows[0]["code"] == submission.reference_code
    erase_person(person, "Yêu cầu của chủ thể dữ liệu", by=None)
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Submission)) == 0


def test_the_submission_reads_in_words_not_codes(client, login, seeded):
    """Staff read the country, gender, fields and offers by name, as the submitter chose them on the form."""
    from diaspora.reference.models import Field
    field = db.session.scalars(select(Field).where(Field.active.is_(True)).order_by(Field.id)).first()
    submission = _submit(client, fields=[str(field.id)], offers=["investment", "remote_advice"])
    login("editor")
    page = client.get(f"/community/submissions/{submission.id}").text
    body = page[page.index("Thông tin đã gửi"):page.index("Gửi lúc")]
    assert "Đức" in body and "Nữ" in body and field.name_vi in body
    assert "Đầu tư" in body and "Tư vấn từ xa" in body
    assert ">DE<" not in body and "investment" not in body and "female" not in body


def test_rejecting_asks_first_and_a_probable_duplicate_is_not_made_a_new_record_unasked(client, login, seeded):
    """The confirmation sits on the form (app.js asks on a form's submit); creating a record while the submission
    matches one asks too."""
    import re

    submission = _submit(client)
    login("editor")
    page = client.get(f"/community/submissions/{submission.id}").text
    reject = re.search(r'<form[^>]*/reject"[^>]*>', page).group(0)
    accept = re.search(r'<form[^>]*/accept"[^>]*>', page).group(0)
    assert "data-confirm=" in reject and "data-confirm=" not in accept  # no match: a new record asks nothing
    client.post(f"/community/submissions/{submission.id}/accept")
    again = _submit(client)
    page = client.get(f"/community/submissions/{again.id}").text
    accept = re.search(r'<form[^>]*/accept"[^>]*>', page).group(0)
    assert "data-confirm=" in accept and "trùng với 1 hồ sơ" in accept
