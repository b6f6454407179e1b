"""An import and its undo appear in the history of each person they create, update or restore."""
from datetime import date

from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.audit.service import history
from diaspora.extensions import db
from diaspora.imports.undo import undo_batch
from diaspora.people import service as people_service
from diaspora.people.importing import creation_by_import
from diaspora.people.models import Person
from tests.conftest import make_user
from tests.imports.test_service import run


def person_named(name):
    return db.session.scalar(select(Person).where(Person.full_name == name))


def test_each_person_an_import_creates_or_updates_has_an_event_naming_the_batch(seeded):
    editor = make_user("editor")
    stored = people_service.create_person({
        "full_name": "Lê Văn Cường", "country_code": "DE", "birth_date": date(1970, 3, 4), "city": "Berlin",
        "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    batch, _ = run([
        ["Nguyễn Văn An", date(1975, 8, 15), "Nhật Bản", "Tokyo", "0901234567", None, "Y tế", "Hội mới", None],
        ["Lê Văn Cường", "1970", "Đức", "München", "+49 151 23456789", "cuong@example.de", None, None, None],
    ], on_duplicate="update", user=editor)

    an = person_named("Nguyễn Văn An")
    assert history("people", an.id) == []  # a creation writes no event per person: the batch's row tells it
    created = creation_by_import(an)
    assert (created.action, created.user.id) == ("import", editor.id)
    assert created.summary.endswith(f"#{batch.id}") and "danh-sach.xlsx" in created.summary
    assert "dòng 2" in created.summary
    assert created.changes["full_name"] == {"before": None, "after": "Nguyễn Văn An"}
    assert created.changes["city"]["after"] == "Tokyo" and created.changes["fields"]["after"] == ["Y tế"]

    people_service.update_person(an, {**people_service.person_values(an), "city": "Osaka"}, by=editor,
                                 expected_version=an.version)
    later = history("people", an.id)
    assert creation_by_import(an, later).changes["city"]["after"] == "Tokyo"  # the value the import gave

    updated = history("people", stored.id)[0]
    assert updated.action == "import" and updated.summary.endswith(f"#{batch.id}")
    assert updated.changes["city"] == {"before": "Berlin", "after": "München"}
    assert "birth_date" not in updated.changes and "full_name" not in updated.changes
    assert updated.changes["contacts"]["before"] == ["Email: cuong@example.de"]
    assert len(updated.changes["contacts"]["after"]) == 2


def test_an_undo_writes_an_event_for_each_person_it_restores(seeded):
    admin = make_user("admin")
    stored = people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE", "city": "Berlin",
                                           "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    batch, _ = run([
        ["Nguyễn Văn An", None, "Nhật Bản", None, None, None, None, None, None],
        ["Lê Văn Cường", None, "Đức", "Köln", None, "cuong@example.de", "Y tế", None, "Kỹ sư"],
    ], on_duplicate="update")
    an_id = person_named("Nguyễn Văn An").id
    undo_batch(batch.id, admin)

    restored = history("people", stored.id)[0]
    assert (restored.action, restored.user_id) == ("import_undo", admin.id)
    assert restored.summary.endswith(f"#{batch.id}")
    assert restored.changes["city"] == {"before": "Köln", "after": "Berlin"}
    assert restored.changes["occupation"] == {"before": "Kỹ sư", "after": None}
    assert restored.changes["fields"] == {"before": ["Y tế"], "after": []}
    undo_events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_undo")).all()
    assert sorted((e.entity_type, e.entity_id) for e in undo_events) == [("import_batches", batch.id),
                                                                          ("people", stored.id)]
    assert an_id not in [e.entity_id for e in undo_events if e.entity_type == "people"]


def test_the_person_page_links_the_import_that_changed_it(seeded, client, login):
    login("editor")
    batch, _ = run([["Nguyễn Văn An", None, "Nhật Bản", "Tokyo", None, None, None, None, None]])
    page = client.get(f"/people/{person_named('Nguyễn Văn An').id}")
    assert page.status_code == 200
    assert f'href="/imports/{batch.id}"' in page.text and "Tạo mới từ dòng 2 của tệp danh-sach.xlsx" in page.text
    assert "Tokyo" in page.text
    undo_batch(batch.id, make_user("admin"))  # an undone import created nobody any more
    assert person_named("Nguyễn Văn An") is None
