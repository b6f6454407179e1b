"""Erase: a person imported from a workbook, edited, exported and viewed, then erased in two steps, is gone from
every table, the raw database, the uploaded and exported files; an anonymous tombstone keeps counts right."""
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.outreach.models import ActivityParticipant
from diaspora.people import privacy, service
from diaspora.people.models import ERASED_NAME, Person
from tests.outreach.factories import make_activity, make_channel
from tests.people.factories import make_person
from tests.people.privacy_helpers import (
    EMAIL,
    NAME,
    OTHER,
    PHONE,
    SECRETS,
    file_contents,
    found,
    import_through_wizard,
    person_named,
    raw_database,
    table_dump,
    workbook,
)


@pytest.fixture
def imported(app, seeded, client, login, tmp_path):
    """The person and another imported by an editor's wizard, then edited, put in an activity and a channel,
    exported (in the request and by the worker), searched for and viewed, and their data downloaded."""
    editor = login("editor")
    batch_id = import_through_wizard(client, workbook(tmp_path))
    person = person_named(NAME)
    service.update_person(person, {"city": "Tokyo", "address": "1-2-3 Shinjuku", "notes": f"Gọi {PHONE} buổi tối"},
                          by=editor, expected_version=person.version)
    other = person_named(OTHER)
    activity = make_activity(people=[person, other], by=editor)
    channel = make_channel(person=person, by=editor)
    db.session.add(ActivityParticipant(activity_id=make_activity("Hội thảo").id, person_id=person.id,
                                       note=f"Liên hệ qua {EMAIL}"))
    db.session.commit()
    with client.get("/exports/people.xlsx") as response:
        assert response.status_code == 200
    app.config["EXPORT_BACKGROUND_ROWS"] = 0  # the worker writes the next one into the exports folder
    assert client.get("/exports/people.csv").status_code == 302
    assert client.get(f"/people/?q={NAME}").status_code == 200
    login("viewer")
    assert client.get(f"/people/{person.id}").status_code == 200
    admin = login("admin")
    with client.get(f"/people/{person.id}/data.json") as response:
        assert response.status_code == 200
    return {"id": person.id, "batch_id": batch_id, "activity_id": activity.id, "channel_id": channel.id,
            "admin": admin}


def test_everything_is_there_before_the_erase(app, imported):
    """The searches of the erase test find the person where they are kept (so finding nothing means gone)."""
    dump = table_dump()
    assert found(SECRETS, dump) == list(SECRETS)
    assert found((NAME, EMAIL), raw_database()) == [NAME, EMAIL]
    kept = [path for folder in ("IMPORT_UPLOADS_DIR", "EXPORTS_DIR")
            for path, data in file_contents(Path(app.config[folder])) if found((NAME,), data)]
    assert any("uploads" in str(path) for path in kept) and any("exports" in str(path) for path in kept)


def test_web_erase_in_two_steps_leaves_nothing_of_the_person(app, client, login, imported):
    person_id = imported["id"]
    participants = db.session.scalar(select(func.count()).select_from(ActivityParticipant)
                                     .where(ActivityParticipant.activity_id == imported["activity_id"]))
    page = client.get(f"/people/{person_id}/erase")
    assert page.status_code == 200 and "không thể hoàn tác" in page.text
    assert client.post(f"/people/{person_id}/erase", data={"reason": "Yêu cầu"}).status_code == 422
    assert client.post(f"/people/{person_id}/erase", data={"confirm": "y"}).status_code == 422
    assert person_named(NAME) is not None  # nothing happened yet
    response = client.post(f"/people/{person_id}/erase",
                           data={"reason": f"Thư yêu cầu của {NAME} ngày 02/01/2026", "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/people/{person_id}")

    dump = table_dump()
    assert found(SECRETS, dump) == []
    assert OTHER in dump  # the other person of the same file is still there
    assert found(SECRETS, raw_database()) == []
    for folder in ("IMPORT_UPLOADS_DIR", "EXPORTS_DIR"):
        for path, data in file_contents(Path(app.config[folder])):
            assert found(SECRETS, data) == [], path

    tombstone = db.session.get(Person, person_id)
    assert (tombstone.full_name, tombstone.search_text, tombstone.country_code, tombstone.notes) == (
        ERASED_NAME, "", None, None)
    assert tombstone.erased_at is not None and tombstone.deleted_at is not None
    assert not tombstone.contacts and not tombstone.memberships
    assert db.session.scalar(select(func.count()).select_from(ActivityParticipant).where(
        ActivityParticipant.activity_id == imported["activity_id"])) == participants
    assert db.session.get(ImportRow, db.session.scalar(
        select(ImportRow.id).where(ImportRow.person_id == person_id))).undo is None
    erase = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert (erase.entity_type, erase.entity_id, erase.user_id) == ("people", person_id, imported["admin"].id)
    assert erase.summary == f"Thư yêu cầu của {privacy.REDACTED} ngày 02/01/2026"
    assert erase.changes["erased_contacts"] == 2 and erase.changes["erased_files"] >= 2
    assert erase.changes["erased_audit_values"] > 0 and erase.changes["erased_import_rows"] >= 1

    page = client.get(f"/people/{person_id}")
    assert page.status_code == 200 and "Hồ sơ đã bị xoá theo yêu cầu" in page.text
    assert client.get(f"/people/{person_id}/edit").status_code == 404
    assert client.post(f"/people/{person_id}/restore").status_code == 404
    assert client.get(f"/people/{person_id}/erase").status_code == 404
    assert ERASED_NAME not in client.get("/people/?deleted=1").text
    login("viewer", email="viewer2@example.org")
    assert client.get(f"/people/{person_id}").status_code == 404


def test_the_batch_of_an_erased_person_says_its_file_is_gone(client, login, imported):
    privacy.erase_person(db.session.get(Person, imported["id"]), "Yêu cầu xoá", by=imported["admin"])
    batch_id = imported["batch_id"]
    page = client.get(f"/imports/{batch_id}")
    assert page.status_code == 200 and 'id="file-gone"' in page.text
    with client.get(f"/imports/{batch_id}/errors.xlsx") as errors:
        assert errors.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(errors.data)).active
    assert [cell.value for cell in sheet[1]][:2] == ["Dòng trong tệp gốc", "STT"]
    assert sheet.cell(2, 1).value == 4 and "loi@" in sheet.cell(2, sheet.max_column).value
    assert db.session.get(ImportBatch, batch_id).status == "committed"


def test_a_soft_delete_is_not_an_erase(client, login, seeded):
    login("admin")
    person = make_person(full_name=NAME, contacts=[{"kind": "email", "value": EMAIL}])
    assert client.post(f"/people/{person.id}/delete").status_code == 302
    assert NAME in client.get("/people/?deleted=1").text
    assert found((NAME, EMAIL), table_dump()) == [NAME, EMAIL]
    assert client.post(f"/people/{person.id}/restore").status_code == 302
    assert person_named(NAME).deleted_at is None


def test_an_erase_from_the_bin_and_the_register_lists(client, login, seeded):
    admin = login("admin")
    person = make_person(full_name=NAME, contacts=[{"kind": "phone", "value": PHONE}])
    service.delete_person(person, by=admin)
    privacy.erase_person(db.session.get(Person, person.id), "Yêu cầu", by=admin)
    assert ERASED_NAME not in client.get("/people/?deleted=1").text
    assert "Quỳnh" not in client.get("/people/?q=quynh").text
    with pytest.raises(privacy.AlreadyErased):
        privacy.erase_person(db.session.get(Person, person.id), "Lần nữa", by=admin)


def test_an_erase_needs_a_reason(seeded):
    person = make_person(full_name=NAME)
    with pytest.raises(privacy.ReasonMissing):
        privacy.erase_person(person, "   ")
    assert person_named(NAME) is not None


def test_cli_erase_refuses_without_yes_and_prints_what_it_removed(runner, imported):
    person_id = imported["id"]
    result = runner.invoke(args=["person", "erase", str(person_id), "--reason", "Yêu cầu"])
    assert result.exit_code == 2 and "--yes" in result.output
    assert person_named(NAME) is not None
    result = runner.invoke(args=["person", "erase", str(person_id), "--reason", "Yêu cầu", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Đã xoá vĩnh viễn dữ liệu của hồ sơ {person_id}." in result.output
    assert "Liên hệ đã xoá: 2" in result.output and "Tệp đã xoá:" in result.output
    assert "Giá trị trong nhật ký đã xoá:" in result.output and "Dòng nhập Excel đã làm sạch:" in result.output
    assert found(SECRETS, table_dump()) == []
    again = runner.invoke(args=["person", "erase", str(person_id), "--reason", "Yêu cầu", "--yes"])
    assert again.exit_code == 2 and "đã được xoá vĩnh viễn" in again.output
    assert runner.invoke(args=["person", "erase", "999999", "--reason", "x", "--yes"]).exit_code == 2


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_erase(client, login, seeded, role):
    person = make_person(full_name=NAME)
    login(role)
    assert client.get(f"/people/{person.id}/erase").status_code == 403
    assert client.post(f"/people/{person.id}/erase", data={"reason": "x", "confirm": "y"}).status_code == 403
    assert person_named(NAME) is not None


def test_the_scrubber_wipes_whole_words_only():
    scrub = privacy.Scrubber((NAME, EMAIL, "An", None))
    assert scrub.strings == (EMAIL, NAME)  # "An" is too short to wipe from other people's texts
    assert scrub.text(f"Gặp {NAME.upper()} và {NAME}x") == f"Gặp {privacy.REDACTED} và {NAME}x"
    assert scrub.value({"a": [EMAIL, 3], "b": {"c": f"mail {EMAIL}."}}) == {
        "a": [privacy.REDACTED, 3], "b": {"c": f"mail {privacy.REDACTED}."}}
    assert json.dumps(NAME)[1:-1] != NAME  # JSON written with escapes is searched in that form too
