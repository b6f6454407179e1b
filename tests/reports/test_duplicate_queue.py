"""The duplicate review queue: the pairs the register's rules find (and those they must not), kept current as
records are saved, imported and merged, reviewed on its page, scanned by a job and by the command line, and
quoted by the annual report."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from diaspora import signals
from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.outreach.common import today
from diaspora.people import service as people_service
from diaspora.people.duplicates import find_register_pairs
from diaspora.reports import figures
from diaspora.reports.duplicates import service
from diaspora.reports.duplicates.models import DuplicatePair, DuplicateScan
from diaspora.reports.figures import Period
from tests.people.factories import make_organisation
from tests.spreadsheets.sheets import write_workbook


def person(**values):
    return people_service.create_person({"full_name": "Nguyễn Văn Hùng", "country_code": "JP", **values})


def email(value):
    return [{"kind": "email", "value": value}]


def phone(value):
    return [{"kind": "phone", "value": value}]


def stored(status="pending") -> dict:
    """{(a, b): reasons} of the stored pairs of a status whose two records are in the register."""
    return {(pair.person_a_id, pair.person_b_id): tuple(pair.reasons)
            for pair, _a, _b in db.session.execute(service.live_pairs(status)).all()}


def key(first, second):
    return tuple(sorted((first.id, second.id)))


@pytest.fixture
def planted(seeded):
    """A pair for every rule, and records the rules must keep apart."""
    organisation = make_organisation()
    people = {
        "email": (person(full_name="Lê Thị Lan", contacts=email("lan@example.org")),
                  person(full_name="Lê Lan", country_code="US", contacts=email("LAN@example.org"))),
        "phone": (person(full_name="Phạm Minh", contacts=phone("+81 90 1234 5678")),
                  person(full_name="Minh Phạm", country_code="KR", contacts=phone("+81 90-1234-5678"))),
        "name_birth_country": (person(full_name="Nguyễn Văn Nam", birth_year=1970, country_code="US", city="Houston"),
                               person(full_name="NGUYỄN VĂN NAM", birth_year=1970, country_code="US", city="Dallas")),
        "name_city": (person(full_name="Đỗ Quang Huy", city="Osaka"), person(full_name="Đỗ Quang Huy", city="osaka")),
        "fuzzy_city": (person(full_name="Vũ Đình Khánh", city="Nagoya"),
                       person(full_name="Vũ Đình Khánhh", city="Nagoya")),
        "fuzzy_birth_country": (person(full_name="Trần Thị Thu Hương", birth_year=1982, country_code="KR"),
                                person(full_name="Trần Thị Thu Huongg", birth_year=1982, country_code="KR")),
        "name_organisation": (person(full_name="Hoàng Minh Tuấn", country_code="DE"),
                              person(full_name="Hoàng Minh Tuấn", country_code="FR")),
    }
    for member in people["name_organisation"]:
        people_service.add_membership(member, {"organisation_id": organisation.id, "role": "Hội viên"})
    apart = {
        # a family's phone: husband and wife
        "family": (person(full_name="Trần Văn Hải", contacts=phone("+81 90 5555 1234")),
                   person(full_name="Vũ Thị Hoa", contacts=phone("+81 90 5555 1234"))),
        # the same name and city, known birth years that differ
        "years": (person(full_name="Bùi Văn Long", city="Tokyo", birth_year=1980),
                  person(full_name="Bùi Văn Long", city="Tokyo", birth_year=1990)),
        # names that only look alike: a short given name changed, the same words in another order
        "look-alike": (person(full_name="Nguyễn Văn Lâm", city="Nagoya"),
                       person(full_name="Nguyễn Văn Nam", city="Nagoya")),
        "order": (person(full_name="Nguyễn Hải Trọng", birth_year=1975, country_code="KR"),
                  person(full_name="Nguyễn Trọng Hải", birth_year=1975, country_code="KR")),
        # a common name alone, in other years and countries
        "common": tuple(person(full_name="Nguyễn Văn Nam", birth_year=year, country_code=country, city=city)
                        for year, country, city in ((1985, "US", "Houston"), (1970, "JP", "Tokyo"),
                                                    (1990, "JP", "Osaka"), (None, "DE", None),
                                                    (1970, "AU", "Sydney"))),
    }
    return people, apart


def test_every_rule_finds_its_pair_and_nothing_else(planted):
    people, apart = planted
    pairs = find_register_pairs()
    assert pairs == {key(*pair): (reason,) for reason, pair in people.items()}
    # The pairs touching some people are the same, read from those people alone.
    for first, second in people.values():
        assert find_register_pairs([first.id]) == {key(first, second): pairs[key(first, second)]}
    for group in apart.values():
        assert find_register_pairs([member.id for member in group]) == {}
    # Saved one by one, the records already filled the queue with the same pairs.
    assert stored() == pairs


def test_not_duplicate_is_remembered(planted, client, login):
    people, _apart = planted
    login("editor")
    pair = db.session.scalar(select(DuplicatePair).where(
        DuplicatePair.person_a_id == key(*people["name_city"])[0]))
    response = client.post(f"/reports/duplicates/{pair.id}/not-duplicate", data={"reason": "name_city"})
    assert response.status_code == 302 and "reason=name_city" in response.location
    service.refresh_pairs()
    db.session.commit()
    first, second = people["name_city"]
    people_service.update_person(first, {"notes": "Đã gọi điện"})
    assert key(first, second) not in stored()
    assert key(first, second) in stored("not_duplicate")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "not_duplicate")).all()
    assert sorted(event.entity_id for event in events) == sorted(key(first, second))


def test_pairs_follow_edits_deletes_and_erases(planted):
    people, _apart = planted
    first, second = people["email"]
    people_service.update_person(second, {"contacts": email("lan.le@example.org")})
    assert key(first, second) not in stored()
    people_service.update_person(second, {"contacts": email("lan@example.org")})
    assert stored()[key(first, second)] == ("email",)
    people_service.delete_person(first)
    assert key(first, second) not in stored()
    people_service.restore_person(first)
    assert key(first, second) in stored()
    from diaspora.people.privacy import erase_person

    erase_person(first, "Yêu cầu của chủ thể dữ liệu")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DuplicatePair).where(
        DuplicatePair.person_a_id == first.id)) == 0


def test_an_import_refreshes_the_pairs_of_its_people(seeded, runner, tmp_path):
    known = person(full_name="Lê Thị Lan", contacts=email("lan@example.org"))
    path = tmp_path / "list.xlsx"
    write_workbook(path, ["Họ và tên", "Nước cư trú", "Email"], [["Lê Lan", "Nhật Bản", "lan@example.org"],
                                                                ["Phan Văn Đức", "Nhật Bản", None]])
    result = runner.invoke(args=["import-people", str(path), "--json", "--on-duplicate", "create"])
    assert json.loads(result.output)["created"] == 2
    (pair,) = stored().items()
    assert pair[0][0] == known.id and pair[1] == ("email",)


def test_the_scan_job_and_its_state(planted, client, login):
    people, _apart = planted
    db.session.execute(DuplicatePair.__table__.delete())
    db.session.commit()
    login("viewer")
    assert client.post("/reports/duplicates/scan").status_code == 403
    login("editor")
    response = client.post("/reports/duplicates/scan")
    assert response.status_code == 302
    scan = db.session.scalar(select(DuplicateScan))
    assert (scan.status, scan.progress, scan.pairs_pending, scan.pairs_new) == ("done", 100, 7, 7)
    assert client.get(f"/reports/duplicates/scan/{scan.id}/state").get_json() == {"status": "done", "progress": 100}
    assert len(stored()) == len(people)


def test_the_page_shows_the_pairs_with_their_reasons(planted, client, login):
    people, _apart = planted
    login("viewer")
    page = client.get("/reports/duplicates").get_data(as_text=True)
    assert "trùng email" in page and "Lê Thị Lan" in page and "7 cặp" in page
    assert "Không trùng</button>" not in page  # viewers do not review
    page = client.get("/reports/duplicates?reason=phone").get_data(as_text=True)
    assert "1 cặp" in page and "Minh Phạm" in page and "Lê Thị Lan" not in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "list")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.entity_type == "duplicate_pairs" and event.people_count == 2
    pair = db.session.scalar(select(DuplicatePair))
    assert client.post(f"/reports/duplicates/{pair.id}/not-duplicate").status_code == 403
    assert db.session.get(DuplicatePair, pair.id).status == "pending"
    login("editor")
    page = client.get("/reports/duplicates").get_data(as_text=True)
    assert "Không trùng</button>" in page


def test_the_command_line_lists_the_pairs(planted, runner):
    people, _apart = planted
    result = runner.invoke(args=["duplicates", "find"])
    assert result.exit_code == 0, result.output
    first, second = people["phone"]
    assert f"#{first.id} Phạm Minh — #{second.id} Minh Phạm: trùng số điện thoại" in result.output
    assert "7 cặp hồ sơ có thể trùng" in result.output
    listed = json.loads(runner.invoke(args=["duplicates", "find", "--json"]).output)
    assert {"person_a": first.id, "person_b": second.id, "names": ["Phạm Minh", "Minh Phạm"],
            "reasons": ["phone"]} in listed
    assert len(listed) == 7


def test_the_annual_report_quotes_the_pending_count(planted, runner):
    period = Period(date(today().year, 1, 1), today())

    def line():
        return next(line for line in figures.data_quality(period) if line.key == signals.DUPLICATES_PENDING)

    assert line().count is None  # not scanned yet
    runner.invoke(args=["duplicates", "find"])
    assert line().count == 7
    pair = db.session.scalar(select(DuplicatePair))
    service.mark_not_duplicate(pair, None)
    assert line().count == 6


def test_a_merge_marks_its_pair_and_its_undo_brings_it_back(planted):
    from diaspora.people import merging
    from tests.conftest import make_user

    people, _apart = planted
    survivor, other = people["email"]
    # Another pair of the merged record: it is the survivor's once the merge has moved the contact.
    third = person(full_name="Lê Thị Lan", country_code="CA", contacts=email("lan@example.org"))
    assert {key(survivor, third), key(other, third)} <= set(stored())
    merge = merging.merge_people(survivor, other, {}, by=make_user("editor"))
    assert stored("merged") == {key(survivor, other): ("email",)}
    assert key(other, third) not in stored() and key(survivor, third) in stored()
    merging.undo_merge(merge, by=make_user("admin"))
    assert {key(survivor, other), key(other, third), key(survivor, third)} <= set(stored())
    assert stored("merged") == {}


def test_an_import_undone_takes_its_pairs_back(seeded, runner, tmp_path):
    from diaspora.batches.models import ImportBatch
    from diaspora.imports.undo import undo_batch

    updated = person(full_name="Lê Thị Lan")
    other = person(full_name="Lê Lan", country_code="US", contacts=email("lan@example.org"))
    path = tmp_path / "list.xlsx"
    write_workbook(path, ["ID", "Họ và tên", "Nước cư trú", "Email"],
                   [[updated.id, "Lê Thị Lan", "Nhật Bản", "lan@example.org"]])
    result = runner.invoke(args=["import-people", str(path), "--json", "--on-duplicate", "update"])
    assert json.loads(result.output)["updated"] == 1, result.output
    assert stored() == {key(updated, other): ("email",)}
    undo_batch(db.session.scalar(select(ImportBatch.id)))
    assert stored() == {}


def test_a_control_character_in_the_review_form_marks_nothing(planted, client, login):
    login("editor")
    pair = db.session.scalar(select(DuplicatePair))
    response = client.post(f"/reports/duplicates/{pair.id}/not-duplicate", data={"reason": "a\x00b"},
                           follow_redirects=True)
    assert response.status_code == 200 and "ký tự điều khiển" in response.text
    assert db.session.get(DuplicatePair, pair.id).status == "pending"


def test_many_people_changed_at_once_are_refreshed_by_a_job_after_the_commit(planted, monkeypatch):
    people, _apart = planted
    queued = []
    monkeypatch.setattr(service, "INLINE_LIMIT", 1)
    monkeypatch.setattr(service.jobs.queue, "immediate", False)
    monkeypatch.setattr(service, "refresh_pairs_job", lambda ids: queued.append(ids))
    db.session.execute(DuplicatePair.__table__.delete())
    first, second = people["email"]
    signals.people_changed.send(None, ids=[first.id, second.id], committed=False)
    assert queued == [] and stored() == {}  # not before the commit, not in it
    db.session.commit()
    assert queued == [sorted((first.id, second.id))] and stored() == {}
    service.refresh_pairs(queued[0])  # what the job does
    assert stored() == {key(first, second): ("email",)}


def test_a_not_duplicate_mark_of_the_merged_record_passes_to_the_survivor_until_the_undo(seeded):
    """Staff said B is not C; A and B are one person: once B is merged into A, A is not C either (the mark moves
    to A rather than C coming back to the queue), and the undo takes the carried mark back, leaving B's."""
    from diaspora.people import merging
    from tests.conftest import make_user

    first = person(full_name="Lê Thị Lan", contacts=email("lan@example.org"))
    second = person(full_name="Lê Lan", country_code="US", contacts=email("LAN@example.org") + phone("+1 202 555 0147"))
    third = person(full_name="Lê Lan", country_code="US", contacts=phone("+1 202 555 0147"))
    assert set(stored()) == {key(first, second), key(second, third)}
    assert service.mark_not_duplicate(db.session.scalar(select(DuplicatePair).where(
        DuplicatePair.person_a_id == key(second, third)[0], DuplicatePair.person_b_id == key(second, third)[1])), None)
    merge = merging.merge_people(first, second, {}, by=make_user("editor"))
    assert key(first, third) not in stored()
    assert set(stored("not_duplicate")) == {key(first, third)}  # the merged record is in the bin now
    assert db.session.scalar(select(DuplicatePair.status).where(
        DuplicatePair.person_a_id == key(first, third)[0], DuplicatePair.person_b_id == key(first, third)[1])) \
        == "not_duplicate"
    merging.undo_merge(merge, by=make_user("admin"))
    assert set(stored()) == {key(first, second)}
    assert set(stored("not_duplicate")) == {key(second, third)}


def test_undoing_the_merge_of_a_pair_marked_not_duplicate_brings_the_mark_back(planted):
    """Staff said "không trùng", someone merged the two anyway, an admin undid it: the decision made before stands."""
    from diaspora.people import merging
    from tests.conftest import make_user

    people, _apart = planted
    first, second = people["phone"]
    reviewer = make_user("editor", email="reviewer@example.org")
    pair = db.session.scalar(select(DuplicatePair).where(DuplicatePair.person_a_id == key(first, second)[0],
                                                         DuplicatePair.person_b_id == key(first, second)[1]))
    service.mark_not_duplicate(pair, reviewer)
    reviewed_at = pair.reviewed_at
    merge = merging.merge_people(first, second, {}, by=make_user("editor"))
    assert stored("merged") == {key(first, second): ("phone",)}
    merging.undo_merge(merge, by=make_user("admin"))
    db.session.expire_all()
    pair = db.session.get(DuplicatePair, pair.id)
    assert (pair.status, pair.reviewed_by_id) == ("not_duplicate", reviewer.id)
    assert pair.reviewed_at.replace(tzinfo=None) == reviewed_at.replace(tzinfo=None)
    assert key(first, second) not in stored()
