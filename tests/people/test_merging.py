"""Merging two records of one person: what moves, what the merged record becomes, both histories, and an admin's
undo that restores both records and their rows exactly (or says why it cannot)."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from diaspora import signals
from diaspora.audit.access import ACCESS_ACTIONS
from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.auth.models import User
from diaspora.batches.kinds import UndoRefused
from diaspora.batches.models import ImportRow
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.imports.running import import_file
from diaspora.imports.undo import undo_batch
from diaspora.organisations.models import Membership
from diaspora.outreach.models import ActivityParticipant, DistributionChannel
from diaspora.people import merging, privacy, service
from diaspora.people.models import Person, PersonMerge, PersonOffer, person_fields, person_roles
from diaspora.people.search import PeopleQuery, search_people
from diaspora.reference.models import CommunityRole, Field
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_channel
from tests.people.factories import make_organisation, make_person
from tests.spreadsheets.sheets import write_workbook

# Columns a save stamps anew (the version only ever grows: a form opened before must not pass the lock).
STAMPS = {"version", "updated_at", "updated_by_id"}


def dump(person_id: int) -> dict:
    """Everything stored about one person: the row and every related row, as plain values."""
    db.session.expire_all()
    person = db.session.get(Person, person_id)
    rows = lambda statement: sorted(tuple(row) for row in db.session.execute(statement))
    return {
        "person": {c.key: getattr(person, c.key) for c in Person.__table__.c if c.key not in STAMPS},
        "contacts": rows(select(Contact.id, Contact.kind, Contact.value, Contact.normalized, Contact.is_primary,
                                Contact.verified).where(Contact.person_id == person_id)),
        "fields": rows(select(person_fields.c.field_id).where(person_fields.c.person_id == person_id)),
        "roles": rows(select(person_roles.c.role_id).where(person_roles.c.person_id == person_id)),
        "offers": rows(select(PersonOffer.kind).where(PersonOffer.person_id == person_id)),
        "memberships": rows(select(Membership.id, Membership.organisation_id, Membership.role, Membership.start_date)
                            .where(Membership.person_id == person_id)),
        "participants": rows(select(ActivityParticipant.id, ActivityParticipant.activity_id, ActivityParticipant.role,
                                    ActivityParticipant.note).where(ActivityParticipant.person_id == person_id)),
        "channels": rows(select(DistributionChannel.id).where(DistributionChannel.person_id == person_id)),
        "import_rows": rows(select(ImportRow.id, ImportRow.action, ImportRow.version_after)
                            .where(ImportRow.person_id == person_id)),
    }


@pytest.fixture
def pair(seeded, tmp_path):
    """Two records of one person with something of every kind: A made by hand, B by an import."""
    health, education = (db.session.scalar(select(Field).where(Field.key == key)) for key in ("health", "education"))
    role_a, role_b = db.session.scalars(select(CommunityRole).order_by(CommunityRole.id).limit(2)).all()
    survivor = make_person(full_name="Nguyễn Văn Hùng", birth_year=1970, city="Tokyo", fields=[health.id],
                           roles=[role_a.id], offers=["visits"],
                           contacts=[{"kind": "email", "value": "hung@example.jp", "is_primary": True},
                                     {"kind": "phone", "value": "+81 90 1234 5678", "is_primary": True}])
    workbook = write_workbook(tmp_path / "hoi-nghi.xlsx", ["Họ và tên", "Quốc gia", "Email", "Điện thoại", "Năm sinh"],
                              [["Nguyễn Hùng", "Nhật Bản", "hung.nguyen@example.org", "+81 90 1234 5678", "1970"]])
    import_file(workbook, on_duplicate="create", user=make_user("admin", email="importer@example.org"))
    other = db.session.scalar(select(Person).where(Person.full_name == "Nguyễn Hùng"))
    service.update_person(other, {"fields": [health.id, education.id], "roles": [role_b.id],
                                  "offers": ["teaching"], "address": "1-2-3 Shinjuku",
                                  "consent_status": "given", "consent_date": date(2025, 3, 1)})
    association, club = make_organisation(), make_organisation(name="Câu lạc bộ doanh nhân")
    service.add_membership(survivor, {"organisation_id": association.id, "role": "Hội viên"})
    service.add_membership(other, {"organisation_id": club.id, "role": "Chủ tịch"})
    make_activity(people=[survivor, other])  # both attended: one person, counted once after the merge
    make_activity(title="Tết cộng đồng 2026", on=date(2026, 2, 1), people=[other])
    make_channel(person=survivor)
    make_channel(name="Siêu thị Hà Nội", person=other)
    return survivor, other


def merge(survivor, other, **choices):
    """Merge as an editor, choosing "other" or "survivor" per key."""
    by = db.session.scalar(select(User).where(User.email == "merger@example.org")) or make_user(
        "editor", email="merger@example.org")
    return merging.merge_people(survivor, other, choices, by=by)


def test_a_merge_moves_everything_to_the_survivor(pair):
    survivor, other = pair
    before_other = dump(other.id)
    result = merge(survivor, other, full_name="other", address="other", consent_status="other")
    after, merged = dump(survivor.id), dump(other.id)
    assert after["person"]["full_name"] == "Nguyễn Hùng" and after["person"]["address"] == "1-2-3 Shinjuku"
    assert after["person"]["city"] == "Tokyo" and after["person"]["consent_status"] == "given"
    assert after["person"]["consent_date"] == date(2025, 3, 1)
    # Contacts united with no duplicate by normalised value; the survivor keeps its primary email.
    emails = {(value, primary) for _id, kind, value, _n, primary, _v in after["contacts"] if kind == "email"}
    assert emails == {("hung@example.jp", True), ("hung.nguyen@example.org", False)}
    assert [row[3] for row in after["contacts"]].count("+819012345678") == 1
    assert len(after["fields"]) == 2 and len(after["roles"]) == 2 and after["offers"] == [("teaching",), ("visits",)]
    assert len(after["memberships"]) == 2 and merged["memberships"] == []
    assert len(after["participants"]) == 2 and merged["participants"] == []  # the shared activity once
    assert len(after["channels"]) == 2 and merged["channels"] == []
    assert {row[0] for row in after["import_rows"]} == {row[0] for row in before_other["import_rows"]}
    assert all(row[2] is None for row in after["import_rows"])  # their import's undo now refuses them
    # The merged record: kept, soft-deleted, pointing at the survivor; lists and searches skip it.
    assert merged["person"]["merged_into_id"] == survivor.id and merged["person"]["deleted_at"] is not None
    assert result.snapshot["moved"]["memberships"] and result.snapshot["moved"]["channels"]
    assert "hung nguyen" in after["person"]["search_text"] or "nguyen hung" in after["person"]["search_text"]
    assert "hungnguyenexampleorg" in after["person"]["search_text"] and "doanh nhan" in after["person"]["search_text"]
    found = search_people(PeopleQuery(q="Nguyễn Hùng")).items
    assert [person.id for person in found] == [survivor.id]


def test_undo_restores_both_records_and_their_rows_exactly(pair):
    survivor, other = pair
    before = dump(survivor.id), dump(other.id)
    result = merge(survivor, other, full_name="other", address="other", birth_date="other", notes="other")
    assert (dump(survivor.id), dump(other.id)) != before
    merging.undo_merge(result, by=make_user("admin"))
    assert (dump(survivor.id), dump(other.id)) == before
    assert db.session.get(PersonMerge, result.id).undone_at is not None


def test_both_histories_record_the_merge_and_its_undo(pair):
    survivor, other = pair
    result = merge(survivor, other, address="other")
    events = lambda person: db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "people", AuditEvent.entity_id == person.id,
        AuditEvent.action.not_in(ACCESS_ACTIONS)).order_by(AuditEvent.id)).all()
    mine, theirs = events(survivor)[-1], events(other)[-1]
    assert mine.action == theirs.action == "merge"
    assert mine.changes["address"]["after"] == "1-2-3 Shinjuku"
    assert f"#{other.id}" in mine.changes["merged_from"]["after"]
    assert "1 tổ chức" in mine.changes["moved_rows"]["after"]
    assert f"#{survivor.id}" in theirs.changes["merged_into"]["after"] and theirs.changes["deleted_at"]["after"]
    merging.undo_merge(result, by=make_user("admin"))
    assert events(survivor)[-1].action == events(other)[-1].action == "merge_undone"
    assert events(survivor)[-1].changes["address"]["after"] is None


def test_each_feature_answers_the_merge_signal_with_what_it_moved(pair):
    survivor, other = pair
    answered = []

    def spy(sender, source, merge, **_):
        answered.append((sender.id, source.id, merge.id))
        return {"spy": [1]}

    signals.persons_merged.connect(spy)
    try:
        result = merge(survivor, other)
    finally:
        signals.persons_merged.disconnect(spy)
    assert answered == [(survivor.id, other.id, result.id)]
    assert set(result.snapshot["moved"]) >= {"memberships", "participants", "participants_removed", "channels",
                                             "import_rows", "spy"}


@pytest.mark.parametrize("case", ["self", "deleted", "merged", "erased", "restricted"])
def test_a_merge_is_refused_with_a_reason(pair, case):
    survivor, other = pair
    admin = make_user("admin")
    if case == "self":
        other = survivor
    elif case == "deleted":
        service.delete_person(other, by=admin)
    elif case == "merged":
        merge(make_person(full_name="Nguyễn Hùng Anh"), other)
    elif case == "erased":
        privacy.erase_person(other, "Yêu cầu của chủ thể", by=admin)
    elif case == "restricted":
        privacy.restrict_processing(other, "Yêu cầu của chủ thể", by=admin)
    with pytest.raises(merging.MergeRefused) as refused:
        merge(survivor, other)
    assert {"self": "chính nó", "deleted": "thùng rác", "merged": "đã được gộp", "erased": "xoá vĩnh viễn",
            "restricted": "hạn chế"}[case] in str(refused.value)


@pytest.mark.parametrize("case", ["edited", "merged_again", "erased", "undone", "later_merge", "deleted"])
def test_an_unsafe_undo_is_refused_and_changes_nothing(pair, case):
    survivor, other = pair
    admin = make_user("admin")
    result = merge(survivor, other, address="other")
    if case == "edited":
        service.update_person(survivor, {"city": "Osaka"}, by=admin)
    elif case == "merged_again":
        merge(make_person(full_name="Hùng Nguyễn Văn", country_code="US"), survivor)
    elif case == "erased":
        privacy.erase_person(survivor, "Yêu cầu của chủ thể", by=admin)
    elif case == "undone":
        merging.undo_merge(result, by=admin)
    elif case == "later_merge":
        merge(survivor, make_person(full_name="Nguyễn V. Hùng", city="Tokyo"))
    elif case == "deleted":
        service.delete_person(survivor, by=admin)
    before = dump(survivor.id), dump(other.id)
    with pytest.raises(merging.MergeRefused) as refused:
        merging.undo_merge(db.session.get(PersonMerge, result.id), by=admin)
    assert str(refused.value)
    assert (dump(survivor.id), dump(other.id)) == before


def test_erasing_the_survivor_erases_the_records_merged_into_it_and_the_merge_snapshot(pair):
    survivor, other = pair
    result = merge(survivor, other)
    counts = privacy.erase_person(survivor, "Yêu cầu của chủ thể", by=make_user("admin"))
    assert counts["erased_merged_records"] == 1
    db.session.expire_all()
    assert db.session.get(Person, other.id).is_erased and db.session.get(PersonMerge, result.id).snapshot is None
    assert db.session.scalar(select(Contact.id).where(Contact.person_id.in_([survivor.id, other.id]))) is None
    assert db.session.scalar(select(PersonMerge.id).where(PersonMerge.snapshot.is_not(None))) is None


def test_the_import_that_created_the_merged_record_can_no_longer_be_undone(pair):
    survivor, other = pair
    batch_id = db.session.scalar(select(ImportRow.batch_id).where(ImportRow.person_id == other.id))
    merge(survivor, other)
    with pytest.raises(UndoRefused):
        undo_batch(batch_id, user=make_user("admin"))
    db.session.rollback()
    assert db.session.get(Person, survivor.id) is not None


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_side_by_side_page_shows_both_records_and_records_the_read(client, login, pair):
    survivor, other = pair
    login("editor")
    response = client.get(f"/people/{survivor.id}/merge/{other.id}")
    assert response.status_code == 200
    page = response.text
    assert "Nguyễn Văn Hùng" in page and "Nguyễn Hùng" in page and "1-2-3 Shinjuku" in page
    radios = {re.search(r'value="(\w+)"', tag).group(1): "checked" in tag
              for tag in re.findall(r'<input[^>]*name="choice_address"[^>]*>', page)}
    assert radios == {"survivor": False, "other": True}  # the non-empty value is pre-selected
    assert "hung.nguyen@example.org" in page  # the contact the survivor lacks
    assert f"/people/{other.id}/merge/{survivor.id}" in page  # swap which record survives
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.id.desc()))
    people = set(db.session.scalars(select(audit_event_people.c.person_id)
                                    .where(audit_event_people.c.event_id == event.id)))
    assert people == {survivor.id, other.id}


def test_an_editor_merges_and_the_merged_page_redirects(client, login, pair):
    survivor, other = pair
    login("editor")
    form = {"survivor_version": survivor.version, "other_version": other.version,
            **{f"choice_{d.key}": d.chosen for d in merging.differences(survivor, other)}}
    response = client.post(f"/people/{survivor.id}/merge/{other.id}", data=form)
    assert response.status_code == 302 and response.location.endswith(f"/people/{survivor.id}")
    response = client.get(f"/people/{other.id}", follow_redirects=True)
    assert response.request.path == f"/people/{survivor.id}"
    assert "Hồ sơ này đã được gộp vào hồ sơ Nguyễn" in response.text
    assert "Hoàn tác gộp" not in response.text  # an admin's


def test_the_merge_page_refuses_a_record_with_itself_without_error(client, login, pair):
    survivor, _other = pair
    login("editor")
    response = client.get(f"/people/{survivor.id}/merge/{survivor.id}", follow_redirects=True)
    assert response.status_code == 200 and "chính nó" in response.text


def test_the_person_page_offers_the_merge_and_its_start_leads_to_the_page(client, login, pair):
    survivor, other = pair
    login("editor")
    assert "Gộp với hồ sơ khác" in client.get(f"/people/{survivor.id}").text
    response = client.get(f"/people/{survivor.id}/merge?other_number={other.id}")
    assert response.location.endswith(f"/people/{survivor.id}/merge/{other.id}")
    response = client.get(f"/people/{survivor.id}/merge?other_number=abc")
    assert response.status_code == 302 and response.location.endswith(f"/people/{survivor.id}#merge")


def test_a_version_conflict_answers_409_and_merges_nothing(client, login, pair):
    survivor, other = pair
    login("editor")
    form = {"survivor_version": survivor.version, "other_version": other.version,
            **{f"choice_{d.key}": d.chosen for d in merging.differences(survivor, other)}}
    service.update_person(other, {"city": "Kyoto"})
    response = client.post(f"/people/{survivor.id}/merge/{other.id}", data=form)
    assert response.status_code == 409 and "changes-meanwhile" in response.text and "Kyoto" in response.text
    assert db.session.scalar(select(PersonMerge.id)) is None


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("editor", 200)])
def test_viewers_cannot_merge(client, login, pair, role, status):
    survivor, other = pair
    login(role)
    assert client.get(f"/people/{survivor.id}/merge/{other.id}").status_code == status
    if role == "viewer":
        assert client.post(f"/people/{survivor.id}/merge/{other.id}", data={}).status_code == 403


def test_only_an_admin_undoes_and_a_refusal_is_a_message(client, login, pair):
    survivor, other = pair
    result = merge(survivor, other)
    login("editor")
    assert client.post(f"/people/merges/{result.id}/undo").status_code == 403
    login("admin")
    assert "Hoàn tác gộp" in client.get(f"/people/{survivor.id}").text
    response = client.post(f"/people/merges/{result.id}/undo", follow_redirects=True)
    assert response.status_code == 200 and "Đã hoàn tác việc gộp" in response.text
    response = client.post(f"/people/merges/{result.id}/undo", follow_redirects=True)
    assert response.status_code == 200 and "đã được hoàn tác" in response.text
    assert client.get(f"/people/{other.id}").status_code == 200


def test_a_merged_record_is_not_restored_from_the_bin(client, login, pair):
    survivor, other = pair
    merge(survivor, other)
    login("admin")
    response = client.post(f"/people/{other.id}/restore", follow_redirects=True)
    assert "hãy hoàn tác việc gộp" in response.text
    db.session.expire_all()
    assert db.session.get(Person, other.id).is_deleted


def test_the_more_complete_name_and_birth_date_are_preselected_even_on_the_older_record(seeded):
    """The record saved last is preselected only between two values of equal worth: a name with its diacritics or
    its middle name, and a full birth date, win over a bare later copy (an import's "Hoang Tuan", "1975")."""
    older = make_person(full_name="Hoàng Minh Tuấn", birth_date=date(1975, 5, 12), birth_year=1975, city="Tokyo")
    newer = make_person(full_name="Hoang Tuan", birth_year=1975, city="Osaka")
    chosen = {d.key: d.chosen for d in merging.differences(older, newer)}
    assert chosen["full_name"] == "survivor" and chosen["birth_date"] == "survivor"
    assert chosen["city"] == "other"  # two values of equal worth: the newer
    chosen = {d.key: d.chosen for d in merging.differences(newer, older)}
    assert chosen["full_name"] == "other" and chosen["birth_date"] == "other"
    plain = make_person(full_name="Hoang Minh Tuan")
    assert {d.key: d.chosen for d in merging.differences(older, plain)}["full_name"] == "survivor"


def test_the_page_does_not_call_a_moved_contact_primary_when_the_survivor_keeps_its_own(seeded):
    """What the merge page lists under "Thêm vào hồ sơ giữ lại" is what the merge does: the survivor keeps its
    primary email, so the other record's primary email arrives as a second one."""
    survivor = make_person(contacts=[{"kind": "email", "value": "a@example.org", "is_primary": True}])
    other = make_person(full_name="Nguyễn Hùng", contacts=[{"kind": "email", "value": "b@example.org", "is_primary": True},
                                                          {"kind": "phone", "value": "+81 90 1234 5678",
                                                           "is_primary": True}])
    assert merging.united(survivor, other)["contacts"] == ["Email: b@example.org", "Điện thoại: +81 90 1234 5678 (chính)"]
    merge(survivor, other)
    assert {(c.value, c.is_primary) for c in db.session.get(Person, survivor.id).contacts} == {
        ("a@example.org", True), ("b@example.org", False), ("+81 90 1234 5678", True)}


def test_undo_restores_both_imported_records_their_history_and_their_review_marks_exactly(pair, tmp_path):
    """Both records came from imports (an import updated the survivor), both have a history and a "không trùng"
    mark of their own: after the merge and its undo, every row of both is as before, their histories are the
    earlier events plus the merge and its undo, and the queue holds the same pairs with the same decisions."""
    from diaspora.reports.duplicates import service as queue
    from diaspora.reports.duplicates.models import DuplicatePair

    survivor, other = pair
    workbook = write_workbook(tmp_path / "cap-nhat.xlsx", ["ID", "Họ và tên", "Quốc gia", "Nghề nghiệp"],
                              [[survivor.id, "Nguyễn Văn Hùng", "Nhật Bản", "Kỹ sư"]])
    import_file(workbook, on_duplicate="update", user=make_user("admin", email="importer2@example.org"))
    stranger = make_person(full_name="Nguyễn Hùng", city="Kyoto",
                           contacts=[{"kind": "email", "value": "hung.nguyen@example.org"}])
    for pair_row in db.session.scalars(select(DuplicatePair).where(DuplicatePair.status == "pending")).all():
        if stranger.id in (pair_row.person_a_id, pair_row.person_b_id):
            queue.mark_not_duplicate(pair_row, None)

    def state():
        pairs = sorted((row.person_a_id, row.person_b_id, row.status) for row in db.session.scalars(select(
            DuplicatePair).where(DuplicatePair.person_a_id.in_([survivor.id, other.id, stranger.id])
                                 | DuplicatePair.person_b_id.in_([survivor.id, other.id, stranger.id]))))
        history = {person_id: [(event.id, event.action) for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "people", AuditEvent.entity_id == person_id).order_by(AuditEvent.id))]
            for person_id in (survivor.id, other.id)}
        return dump(survivor.id), dump(other.id), pairs, history

    before = state()
    assert before[0]["import_rows"] and before[1]["import_rows"]
    assert (other.id, stranger.id, "not_duplicate") in before[2] or (stranger.id, other.id, "not_duplicate") in before[2]
    result = merge(survivor, other, full_name="other", occupation="other", consent_status="other")
    merging.undo_merge(result, by=make_user("admin"))
    after = state()
    assert after[:3] == before[:3]
    for person_id in (survivor.id, other.id):
        assert after[3][person_id][:len(before[3][person_id])] == before[3][person_id]
        assert [action for _id, action in after[3][person_id][len(before[3][person_id]):]] == ["merge", "merge_undone"]
