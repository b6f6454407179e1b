"""Events open to registration: the public link and its QR code, capacity and closing date, 200 registrants checked
in by search and by their own code, a walk-in, the registrants list exported, and the activity's participants."""
import io
import re
import secrets
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, insert, select

from diaspora.community.consent import CONSENT_TEXT_VERSION
from diaspora.community.models import EventRegistration, EventSignup, Submission
from diaspora.community.service import new_code
from diaspora.extensions import db
from diaspora.outreach.models import Activity, ActivityParticipant
from diaspora.people.models import Person
from diaspora.records import utcnow
from diaspora.text import fold
from tests.community.helpers import old_stamp
from tests.outreach.factories import make_activity, make_person

SHORT = {"full_name": "Trần Văn Bình", "birth_year": "1979", "country_code": "JP", "city": "Osaka",
         "phone": "+81 90 5555 1234", "email": "binh.tran@example.jp", "consent": "y"}


def _open(client, activity, **settings) -> EventSignup:
    data = {"is_open": "y", **settings}
    response = client.post(f"/community/events/{activity.id}", data=data)
    assert response.status_code == 302, response.text[:3000]
    db.session.expire_all()
    return db.session.scalar(select(EventSignup).where(EventSignup.activity_id == activity.id))


def _sign_up(client, signup, address="10.0.0.1", **values):
    return client.post(f"/e/{signup.token}", data={**SHORT, "stamp": old_stamp(), **values},
                       environ_base={"REMOTE_ADDR": address})


def _registrant(name: str) -> EventRegistration:
    return db.session.scalar(select(EventRegistration).where(EventRegistration.full_name == name))


def _bulk_registrants(activity: Activity, count: int = 200) -> list[int]:
    """`count` registrants: every fourth one a person of the register."""
    people = [make_person(f"Người Trong Hồ Sơ {n}", "JP") for n in range(count // 4)]
    rows = []
    for number in range(count):
        name = people[number // 4].full_name if number % 4 == 0 else f"Phạm Thị Khách {number}"
        rows.append({"activity_id": activity.id, "token": secrets.token_urlsafe(24), "code": new_code(),
                     "values": {"full_name": name, "phone": f"+81 90 0000 {number:04d}", "country_code": "JP"},
                     "full_name": name, "name_folded": fold(name), "phone_digits": f"81900000{number:04d}",
                     "person_id": people[number // 4].id if number % 4 == 0 else None, "consent_given": True,
                     "consent_text_version": CONSENT_TEXT_VERSION, "registered_at": utcnow(), "walk_in": False})
    db.session.execute(insert(EventRegistration), rows)
    db.session.commit()
    return [person.id for person in people]


def test_an_event_opens_registration_with_a_link_and_qr_codes(client, login, seeded):
    activity = make_activity("Xuân Quê hương 2027", on=date.today() + timedelta(days=30), activity_type="tet")
    login("editor")
    assert "Mở đăng ký" in client.get(f"/outreach/activities/{activity.id}").text
    signup = _open(client, activity, capacity="300")
    assert len(signup.token) >= 20 and signup.capacity == 300
    page = client.get(f"/community/events/{activity.id}")
    assert f"/e/{signup.token}" in page.text
    png = client.get(f"/community/events/{activity.id}/qr.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n" and png.mimetype == "image/png"
    svg = client.get(f"/community/events/{activity.id}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data and svg.mimetype == "image/svg+xml"
    assert "attachment" in png.headers["Content-Disposition"]


def test_a_registrant_gets_a_confirmation_with_their_own_qr_code(client, login, seeded):
    activity = make_activity("Gặp mặt kiều bào tại Osaka", on=date.today() + timedelta(days=10))
    login("editor")
    signup = _open(client, activity)
    client.post("/logout")
    assert client.get(f"/e/{signup.token}").status_code == 200
    response = _sign_up(client, signup)
    assert response.status_code == 302
    registration = db.session.scalar(select(EventRegistration))
    assert response.location.endswith(f"/e/{signup.token}/me/{registration.token}")
    ticket = client.get(response.location)
    assert registration.code in ticket.text and "Trần Văn Bình" in ticket.text
    qr = client.get(f"/e/{signup.token}/me/{registration.token}/qr.svg")
    assert qr.status_code == 200 and b"<svg" in qr.data
    # Not in the register: a submission waits in the review queue, linked to the event; no person made.
    submission = db.session.get(Submission, registration.submission_id)
    assert submission.status == "pending" and submission.activity_id == activity.id
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert client.post(f"/e/{signup.token}", data={**SHORT, "stamp": old_stamp()} | {"consent": ""}).status_code == 422
    assert client.get("/e/không-có-sự-kiện-này").status_code == 404


def test_a_registrant_the_register_holds_is_linked_to_their_person(client, login, seeded):
    person = make_person("Trần Văn Bình", "JP", email="binh.tran@example.jp")
    activity = make_activity("Hội thảo chuyên gia", on=date.today() + timedelta(days=10))
    login("editor")
    signup = _open(client, activity)
    assert _sign_up(client, signup).status_code == 302
    registration = db.session.scalar(select(EventRegistration))
    assert registration.person_id == person.id and registration.submission_id is None
    again = _sign_up(client, signup, full_name="TRẦN VĂN BÌNH")
    assert again.status_code == 409 and "chỉ cần đăng ký một lần" in again.text
    assert db.session.scalar(select(func.count()).select_from(EventRegistration)) == 1


def test_capacity_and_closing_date(client, login, seeded):
    activity = make_activity("Gặp mặt nhỏ", on=date.today() + timedelta(days=5))
    login("editor")
    signup = _open(client, activity, capacity="1")
    assert _sign_up(client, signup).status_code == 302
    full = _sign_up(client, signup, full_name="Lê Thị Cúc", email="cuc@example.jp", phone="")
    assert full.status_code == 409 and "đủ 1 chỗ" in full.text
    assert "đủ 1 chỗ" in client.get(f"/e/{signup.token}").text
    signup = _open(client, activity, capacity="", closes_on=(date.today() - timedelta(days=1)).strftime("%d/%m/%Y"))
    closed = _sign_up(client, signup, full_name="Lê Thị Cúc", email="cuc@example.jp", phone="")
    assert closed.status_code == 409 and "hết hạn đăng ký" in closed.text
    _open(client, activity, is_open="")
    assert "không nhận đăng ký" in client.get(f"/e/{signup.token}").text
    assert db.session.scalar(select(func.count()).select_from(EventRegistration)) == 1


def test_two_hundred_registrants_checked_in_by_search_code_and_walk_in(client, login, seeded):
    activity = make_activity("Xuân Quê hương 2027", on=date.today(), activity_type="tet")
    login("editor")
    signup = _open(client, activity)
    people = _bulk_registrants(activity)
    page = client.get(f"/community/events/{activity.id}")
    assert page.text.count("Phạm Thị Khách") == 150
    # By name, without diacritics, on a phone-width page.
    found = client.get(f"/community/events/{activity.id}/checkin?q=nguoi trong ho so 7")
    registration = _registrant("Người Trong Hồ Sơ 7")
    assert f"/checkin/{registration.id}" in found.text
    assert client.post(f"/community/events/{activity.id}/checkin/{registration.id}").status_code == 302
    # By phone digits.
    by_phone = client.get(f"/community/events/{activity.id}/checkin?q=0000 0013")
    assert "Phạm Thị Khách 13" in by_phone.text
    # By the registrant's code, typed in small letters, and by the content of their QR code (the ticket's address).
    by_code = f"/community/events/{activity.id}/checkin/code"
    assert client.post(by_code, data={"code": _registrant("Người Trong Hồ Sơ 8").code.lower()}).status_code == 302
    scanned = f"http://localhost/e/{signup.token}/me/{_registrant('Phạm Thị Khách 13').token}"
    assert client.post(by_code, data={"code": scanned, "from": "scan"}).status_code == 302
    wrong = client.post(by_code, data={"code": "ZZZZZZZZ"}, follow_redirects=True)
    assert "Không tìm thấy mã" in wrong.text
    # A walk-in, registered at the door and checked in at once; not in the register: a submission to review.
    walk_in = client.post(f"/community/events/{activity.id}/walk-in", data={**SHORT, "full_name": "Đỗ Văn Tới",
                                                                           "email": "toi@example.jp", "phone": ""})
    assert walk_in.status_code == 302, walk_in.text[:3000]
    db.session.expire_all()
    newcomer = db.session.scalar(select(EventRegistration).where(EventRegistration.walk_in.is_(True)))
    assert newcomer.checked_in_at is not None and newcomer.submission_id is not None
    arrived = db.session.scalar(select(func.count()).select_from(EventRegistration)
                                .where(EventRegistration.checked_in_at.is_not(None)))
    assert arrived == 4
    # The participants: the checked-in registrants the register holds.
    participants = set(db.session.scalars(select(ActivityParticipant.person_id)
                                          .where(ActivityParticipant.activity_id == activity.id)))
    assert participants == {people[7], people[8]}
    # The walk-in accepted into the register becomes a participant too.
    assert client.post(f"/community/submissions/{newcomer.submission_id}/accept", data={}).status_code == 302
    db.session.expire_all()
    participants = set(db.session.scalars(select(ActivityParticipant.person_id)
                                          .where(ActivityParticipant.activity_id == activity.id)))
    assert len(participants) == 3 and db.session.get(EventRegistration, newcomer.id).person_id in participants
    shown = client.get(f"/outreach/activities/{activity.id}")
    assert "Đỗ Văn Tới" in shown.text and "Người Trong Hồ Sơ 7" in shown.text
    # The registrants list as a workbook.
    export = client.get(f"/community/events/{activity.id}/export")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "Đỗ Văn Tới" in names and sum(1 for name in names if name and "Khách" in str(name)) == 150


@pytest.mark.parametrize("role", ["viewer", None])
def test_staff_pages_of_an_event_are_for_editors(client, login, seeded, role):
    activity = make_activity("Gặp mặt", on=date.today())
    db.session.add(EventSignup(activity_id=activity.id, token=secrets.token_urlsafe(16), is_open=True))
    db.session.commit()
    if role:
        login(role)
    for suffix in ("", "/qr.png", "/export", "/checkin", "/scan", "/walk-in"):
        assert client.get(f"/community/events/{activity.id}{suffix}").status_code == (403 if role else 302), suffix
    assert client.post(f"/community/events/{activity.id}/checkin/code", data={"code": "X"}).status_code == \
        (403 if role else 302)


def test_the_scan_page_may_use_the_camera(client, login, seeded):
    activity = make_activity("Gặp mặt", on=date.today())
    login("editor")
    _open(client, activity)
    page = client.get(f"/community/events/{activity.id}/scan")
    assert page.status_code == 200 and "camera=(self)" in page.headers["Permissions-Policy"]
    assert "data-scanner" in page.text and "community.js" in page.text
    assert "camera=()" in client.get(f"/community/events/{activity.id}/checkin").headers["Permissions-Policy"]


@pytest.mark.parametrize("role", [None, "viewer", "editor"])
def test_staff_who_scan_a_ticket_with_the_phone_camera_check_the_person_in_there(client, login, seeded, role):
    """The QR code holds the ticket's address: an editor who opens it (the phone's own camera app) checks the
    registrant in from that page; the registrant and viewers see no such button."""
    activity = make_activity("Xuân Quê hương 2027", on=date.today(), activity_type="tet")
    login("editor", email="mo.dang.ky@haiphong.example")
    signup = _open(client, activity)
    client.post("/logout")
    ticket_url = _sign_up(client, signup).location
    registration = db.session.scalar(select(EventRegistration))
    if role:
        login(role, email=f"{role}.tai.cua@haiphong.example")
    page = client.get(ticket_url)
    assert page.status_code == 200 and registration.code in page.text
    if role != "editor":
        assert 'id="staff-checkin"' not in page.text
        return
    assert 'id="staff-checkin"' in page.text
    form = re.search(r'id="staff-checkin".*?<form method="post" action="([^"]+)">', page.text, re.S)
    assert form.group(1) == f"/community/events/{activity.id}/checkin/{registration.id}"
    response = client.post(form.group(1))
    assert response.status_code == 302 and response.location.endswith(f"/community/events/{activity.id}/checkin")
    db.session.expire_all()
    assert registration.checked_in_at is not None
    assert "Về trang điểm danh" in client.get(ticket_url).text
