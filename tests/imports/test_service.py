"""Committing an import in one transaction, per-row results, the batch's audit event, and undo."""
from datetime import date

import pytest
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.batches.kinds import ImportConflict, UndoRefused
from diaspora.imports.preparing import build_changes, prepare_layout
from diaspora.imports.running import commit_changes
from diaspora.imports.undo import undo_batch
from diaspora.imports.wizard import create_batch
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.organisations.models import Organisation
from diaspora.people import importing as people_importing
from diaspora.people import service as people_service
from diaspora.people.models import Person
from diaspora.organisations.models import Membership
from diaspora.contacts import Contact
from tests.spreadsheets.sheets import layout

HEADERS = ["Họ và tên", "Ngày sinh", "Quốc gia", "Thành phố", "Điện thoại", "Email", "Lĩnh vực", "Hội đoàn",
           "Nghề nghiệp"]


def run(rows, headers=HEADERS, on_duplicate="skip", user=None, **choices):
    preparation = prepare_layout(layout(headers, rows), on_duplicate=on_duplicate, **choices)
    changes = build_changes(preparation)
    batch = create_batch(sha="0" * 64, size=1, file_name="danh-sach.xlsx", status="running", user=user)
    return commit_changes(changes, batch.id, user), changes


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_commit_creates_people_with_contacts_fields_and_memberships(seeded):
    batch, _ = run([
        ["Nguyễn Văn An", date(1975, 8, 15), "Nhật Bản", "Tokyo", "090-1234-5678; 0912345678", "An@Example.org",
         "Y tế; Công nghệ thông tin", "Hội người Việt Nam tại Nhật Bản", "Bác sĩ"],
        ["Trần Thị Bình", "1980", "Hàn Quốc", None, None, None, None, "Hội người Việt Nam tại Nhật Bản", None],
        ["", "1980", "Hàn Quốc", None, None, None, None, None, None],
    ])
    assert (batch.status, batch.rows_total, batch.rows_valid, batch.created, batch.errors) == ("committed", 3, 2, 2, 1)
    an = db.session.scalar(select(Person).where(Person.full_name == "Nguyễn Văn An"))
    assert (an.birth_date, an.birth_year, an.country_code, an.city, an.occupation) == (
        date(1975, 8, 15), 1975, "JP", "Tokyo", "Bác sĩ")
    assert an.name_folded == "nguyen van an" and "819012345678" in an.search_text and "hoi" in an.search_text
    assert [(c.kind, c.normalized, c.is_primary) for c in an.contacts] == [
        ("phone", "+819012345678", True), ("phone", "+84912345678", False), ("email", "an@example.org", True)]
    assert sorted(f.key for f in an.fields) == ["health", "it"]
    assert count(Organisation) == 1  # created once, joined by both
    assert count(Membership) == 2
    rows = db.session.scalars(select(ImportRow).order_by(ImportRow.row_number)).all()
    assert [(r.row_number, r.action, r.version_after) for r in rows] == [(2, "created", 1), (3, "created", 1),
                                                                          (4, "error", None)]
    assert rows[2].problems[0]["column"] == "Họ và tên"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "import_batches")).all()
    assert [(e.action, e.entity_id) for e in events] == [("import", batch.id)]
    assert events[0].changes["counts"]["created"] == 2


@pytest.mark.parametrize("mode, people, expected", [
    ("skip", 1, {"created": 0, "skipped": 1, "updated": 0}),
    ("update", 1, {"created": 0, "skipped": 0, "updated": 1}),
    ("create", 2, {"created": 1, "skipped": 0, "updated": 0}),
])
def test_on_duplicate_modes(seeded, mode, people, expected):
    people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE",
                                  "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    batch, _ = run([["Lê Văn Cường", None, "Đức", "Berlin", None, "cuong@example.de", None, None, "Kỹ sư"]],
                   on_duplicate=mode)
    assert {key: getattr(batch, key) for key in expected} == expected
    assert count(Person) == people
    assert batch.duplicates == 1


def test_update_changes_only_what_differs_and_empty_cells_never_erase(seeded):
    stored = people_service.create_person({
        "full_name": "Lê Văn Cường", "country_code": "DE", "birth_date": date(1970, 3, 4), "occupation": "Kỹ sư",
        "city": "Berlin", "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    batch, changes = run([
        ["Lê Văn Cường", "1970", "Đức", "München", "+49 151 23456789", "cuong@example.de", "Y tế", None, None],
    ], on_duplicate="update")
    person = db.session.get(Person, stored.id)
    assert (person.city, person.occupation, person.birth_date, person.version) == ("München", "Kỹ sư",
                                                                                   date(1970, 3, 4), 2)
    assert sorted(c.normalized for c in person.contacts) == ["+4915123456789", "cuong@example.de"]
    assert "4915123456789" in person.search_text
    row = db.session.scalar(select(ImportRow))
    assert row.undo["attributes"] == {"city": "Berlin"}
    assert row.undo["contacts"] == [["phone", "+4915123456789"]]
    assert row.version_after == 2


def test_an_update_that_changes_nothing_is_counted_unchanged(seeded):
    stored = people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE", "city": "Berlin",
                                           "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    batch, _ = run([["Lê Văn Cường", None, "Đức", "Berlin", None, "cuong@example.de", None, None, None]],
                   on_duplicate="update")
    assert (batch.updated, batch.unchanged) == (0, 1)
    assert db.session.get(Person, stored.id).version == 1


def test_rows_duplicating_an_earlier_row_merge_into_its_record_on_update(seeded):
    batch, _ = run([
        ["Vũ Thị Hoa", "1990", "Đức", None, None, "hoa@example.de", None, None, None],
        ["Vũ Thị Hoa", None, "Đức", None, "+49 151 23456789", "hoa@example.de", None, None, "Dược sĩ"],
    ], on_duplicate="update")
    assert (batch.created, batch.updated) == (1, 1)
    hoa = db.session.scalar(select(Person))
    assert (hoa.occupation, hoa.birth_year) == ("Dược sĩ", 1990)
    assert sorted(c.kind for c in hoa.contacts) == ["email", "phone"]


def test_a_failure_in_the_middle_of_the_commit_leaves_nothing(seeded, monkeypatch):
    people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE",
                                  "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    before = (count(Person), count(Contact), count(Organisation), count(AuditEvent))

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(people_importing, "_write_updates", broken)
    with pytest.raises(RuntimeError):
        run([["Nguyễn Văn An", None, "Nhật Bản", None, "0901234567", None, None, "Hội mới", None],
             ["Lê Văn Cường", None, "Đức", "Berlin", None, "cuong@example.de", None, None, None]],
            on_duplicate="update")
    assert (count(Person), count(Contact), count(Organisation), count(AuditEvent)) == before
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.status, batch.message) == ("failed", "disk full")
    assert count(ImportRow) == 0


def test_a_record_edited_between_planning_and_writing_fails_the_whole_import(seeded):
    stored = people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE",
                                           "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    preparation = prepare_layout(layout(HEADERS, [
        ["Nguyễn Văn An", None, "Nhật Bản", None, None, None, None, None, None],
        ["Lê Văn Cường", None, "Đức", "Köln", None, "cuong@example.de", None, None, None]]), on_duplicate="update")
    changes = build_changes(preparation)
    people_service.update_person(stored, {"city": "Hamburg"})
    batch = create_batch(sha="0" * 64, size=1, file_name="x.xlsx", status="running")
    with pytest.raises(ImportConflict):
        commit_changes(changes, batch.id)
    assert count(Person) == 1
    assert db.session.get(Person, stored.id).city == "Hamburg"


def test_undo_removes_created_and_restores_updated_records(seeded, app):
    from tests.conftest import make_user

    admin = make_user("admin")
    stored = people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE", "city": "Berlin",
                                           "contacts": [{"kind": "email", "value": "cuong@example.de"}]})
    batch, _ = run([
        ["Nguyễn Văn An", None, "Nhật Bản", None, "0901234567", None, "Y tế", "Hội mới", None],
        ["Lê Văn Cường", None, "Đức", "Köln", "+49 151 23456789", "cuong@example.de", "Y tế", "Hội mới", "Kỹ sư"],
    ], on_duplicate="update")
    assert count(Person) == 2 and count(Organisation) == 1
    outcome = undo_batch(batch.id, admin)
    assert outcome.pop("summary") == "Hoàn tác lần nhập danh-sach.xlsx: xoá 1 hồ sơ thêm mới, khôi phục 1 hồ sơ."
    assert outcome == {"removed": 1, "restored": 1, "organisations_removed": 1}
    assert count(Person) == 1 and count(Organisation) == 0 and count(Membership) == 0
    person = db.session.get(Person, stored.id)
    db.session.refresh(person)
    assert (person.city, person.occupation, person.version) == ("Berlin", None, 3)
    assert [c.normalized for c in person.contacts] == ["cuong@example.de"]
    assert person.fields == []
    assert "4915123456789" not in person.search_text
    assert db.session.get(ImportBatch, batch.id).status == "undone"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import_undo"))
    assert (event.user_id, event.entity_id) == (admin.id, batch.id)
    with pytest.raises(ValueError):
        undo_batch(batch.id, admin)


def test_undo_is_refused_when_a_record_was_edited_since(seeded):
    batch, _ = run([["Nguyễn Văn An", None, "Nhật Bản", None, None, None, None, None, None],
                    ["Trần Thị Bình", None, "Nhật Bản", None, None, None, None, None, None]])
    binh = db.session.scalar(select(Person).where(Person.full_name == "Trần Thị Bình"))
    people_service.update_person(binh, {"city": "Osaka"})
    with pytest.raises(UndoRefused) as refused:
        undo_batch(batch.id)
    assert refused.value.records == [(3, binh.id, "Trần Thị Bình")]
    assert count(Person) == 2
    assert db.session.get(ImportBatch, batch.id).status == "committed"


def test_nationality_offers_consent_date_and_status_are_imported_updated_and_undone(seeded):
    headers = ["Họ và tên", "Quốc gia", "Email", "Quốc tịch", "Có thể đóng góp", "Ngày đồng ý",
               "Tình trạng liên lạc"]
    run([["Nguyễn Văn An", "Nhật Bản", "an@example.jp", "Việt Nam, Nhật Bản", "Tư vấn từ xa",
                     "10/02/2026", "Mất liên lạc"]], headers=headers)
    an = db.session.scalar(select(Person).where(Person.full_name == "Nguyễn Văn An"))
    assert (an.nationality_status, an.consent_date, an.status) == ("dual", date(2026, 2, 10), "unreachable")
    assert [offer.kind for offer in an.offers] == ["remote_advice"]

    second, _ = run([["Nguyễn Văn An", "Nhật Bản", "an@example.jp", None, "Giảng dạy; tư vấn từ xa", None,
                      "Đang liên hệ"]], headers=headers, on_duplicate="update")
    db.session.expire_all()
    an = db.session.get(Person, an.id)
    assert sorted(offer.kind for offer in an.offers) == ["remote_advice", "teaching"]
    assert (an.status, an.nationality_status) == ("active", "dual")  # an empty cell erases nothing

    undo_batch(second.id)
    db.session.expire_all()
    an = db.session.get(Person, an.id)
    assert ([offer.kind for offer in an.offers], an.status) == (["remote_advice"], "unreachable")
