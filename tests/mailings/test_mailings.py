"""Greetings and invitations: composing with merge fields, the list and its exclusions, the preview, Word
letters, e-mails through a local SMTP server or the outbox, the person's timeline, roles, erase."""
import email
import io
import zipfile
from datetime import date
from email import policy

import pytest
from docx import Document
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.mailings import service
from diaspora.mailings.merge import form_of_address, postal_address
from diaspora.mailings.models import Campaign, CampaignMessage
from diaspora.people.models import Person
from diaspora.people.privacy import erase_person
from diaspora.signals import data_sections
from tests.mailings.helpers import REFUSED, SmtpServer, expected_recipients, make_people
from tests.outreach.factories import make_activity


def _compose(client, *, channel="letter", kind="greeting", args="country=JP", letter_format="docx", activity="",
             subject=None, body=None):
    texts = service.suggested(kind)
    response = client.post(f"/mailings/new?{args}", data={
        "kind": kind, "channel": channel, "letter_format": letter_format, "language": "vi", "activity_id": activity,
        "subject": subject or texts["subject"], "body": body or texts["body"]})
    assert response.status_code == 302, response.text
    return db.session.scalar(select(Campaign).order_by(Campaign.id.desc()))


def _letters(document) -> list[str]:
    """The text of each letter of a one-file document (a letter starts at its title)."""
    letters, current = [], None
    for paragraph in document.paragraphs:
        if paragraph.text == "THƯ CHÚC TẾT":
            current = []
            letters.append(current)
        elif current is not None:
            current.append(paragraph.text)
    return ["\n".join(lines) for lines in letters]


def test_form_of_address_rule():
    on = date(2026, 12, 6)
    assert form_of_address("male", 1960, on) == "Ông"
    assert form_of_address("male", 1995, on) == "Anh"
    assert form_of_address("male", None, on) == "Ông"
    assert form_of_address("female", 1960, on) == "Bà"
    assert form_of_address("female", 1995, on) == "Chị"
    assert form_of_address("female", None, on) == "Bà"
    assert form_of_address(None, 1990, on) == "Quý vị"
    assert form_of_address("other", 1990, on) == "Quý vị"
    assert form_of_address("male", 1960, on, "en") == "Mr."


def test_a_letter_posted_abroad_carries_the_city_and_the_country(seeded):
    """The address as written, then the city and the country (in English, for the foreign post) it lacks."""
    assert postal_address("0315 Bray Pass", "San Jose", "US") == "0315 Bray Pass, San Jose, United States"
    assert postal_address("12 rue de Rivoli, 75001 PARIS, France", "Paris", "FR") == \
        "12 rue de Rivoli, 75001 PARIS, France"
    assert postal_address("1-2 Shinjuku", None, "JP") == "1-2 Shinjuku, Japan"
    assert postal_address(None, "Tokyo", "JP") is None


def test_a_tet_greeting_to_500_people_as_word_letters(client, login, seeded):
    editor = login("editor")
    ids = make_people(500)
    make_people(20, country="US")  # not in the list
    campaign = _compose(client, channel="letter")
    expected = expected_recipients(500)
    assert expected == 440

    page = client.get(f"/mailings/{campaign.id}")
    assert page.status_code == 200
    assert "Danh sách tìm được: 500 người" in page.text
    assert f"Sẽ gửi: {expected} người" in page.text
    for reason, count in (("bị hạn chế xử lý dữ liệu", 10), ("từ chối hoặc rút lại đồng ý liên hệ", 20),
                          ("đã mất", 10), ("không có địa chỉ bưu chính", 20)):
        assert f"Loại trừ: {reason}: {count}" in page.text
    # The preview pages through the recipients with the merged text; each look is recorded.
    second = client.get(f"/mailings/{campaign.id}?n=2")
    preview = second.text.split('id="preview"')[1]
    assert "Thư 2/440" in preview and "{ho_ten}" not in preview and "Kính gửi" in preview
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.entity_type == "campaigns")) == 2

    response = client.post(f"/mailings/{campaign.id}/send", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == "done" and campaign.total == expected and campaign.progress == 100
    assert campaign.excluded == {"restricted": 10, "no_consent": 20, "deceased": 10, "no_address": 20}
    assert service.message_counts(campaign.id) == {"produced": expected}

    download = client.get(f"/mailings/{campaign.id}/letters")
    assert download.status_code == 200
    letters = _letters(Document(io.BytesIO(download.data)))
    download.close()
    assert len(letters) == expected
    people = {person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    first, young, unknown = people[ids[8]], people[ids[9]], people[ids[10]]  # a man of 1960, a woman of 1995, none
    letter = next(text for text in letters if first.full_name in text)
    assert f"Kính gửi Ông {first.full_name}," in letter
    assert "Tokyo, Nhật Bản" in letter and "{" not in letter
    assert "Địa chỉ: 8 Chome, Shinjuku, Tokyo, Japan\n" in letter  # the city once, the country for the post
    assert any(f"Kính gửi Chị {young.full_name}," in text for text in letters)
    assert any(f"Kính gửi Quý vị {unknown.full_name}," in text for text in letters)
    left_out = [people[ids[number]].full_name for number in (0, 1, 2, 3, 4, 5)]
    assert not any(name in text for text in letters for name in left_out)

    # Audit: the campaign's creation and sending; the letters' production and download with their people.
    actions = db.session.execute(select(AuditEvent.action, AuditEvent.people_count).where(
        AuditEvent.entity_type == "campaigns", AuditEvent.action.in_(("create", "send", "export", "download")))
        .order_by(AuditEvent.id)).all()
    assert [action for action, _count in actions] == ["create", "send", "export", "download"]
    assert actions[2][1] == expected and actions[3][1] == expected

    # The person's page shows the letter on their timeline of campaigns.
    person_page = client.get(f"/people/{first.id}")
    assert "Thư, thiệp đã gửi" in person_page.text and "Đã in thư" in person_page.text
    assert editor.id == campaign.user_id


def test_a_tet_greeting_to_500_people_by_email_through_smtp(app, client, login, seeded):
    login("editor")
    ids = make_people(500)
    expected = expected_recipients(500)
    with SmtpServer() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_FROM="songoaivu@haiphong.gov.vn")
        campaign = _compose(client, channel="email")
        page = client.get(f"/mailings/{campaign.id}")
        assert "Loại trừ: không có địa chỉ e-mail: 20" in page.text
        client.post(f"/mailings/{campaign.id}/send")
        received = list(smtp.mailbox.received)
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == "done"
    assert service.message_counts(campaign.id) == {"sent": expected - 1, "failed": 1}
    assert len(received) == expected - 1
    failed = db.session.scalar(select(CampaignMessage).where(CampaignMessage.status == "failed"))
    assert failed.email == REFUSED and "550" in failed.error and failed.person_id == ids[7]
    # Each message is the person's letter, merged.
    to, raw = next(item for item in received if item[0] == "nguoi8.jp@example.jp")
    message = email.message_from_bytes(raw, policy=policy.default)
    person = db.session.get(Person, ids[8])
    xung_ho = form_of_address(person.gender, person.birth_year, date.today())
    assert message["Subject"] == f"Thư chúc Tết gửi {xung_ho} {person.full_name}"
    assert f"Kính gửi {xung_ho} {person.full_name}," in message.get_content()
    assert "songoaivu@haiphong.gov.vn" in message["From"]
    sent = db.session.scalar(select(CampaignMessage).where(CampaignMessage.person_id == ids[8]))
    assert sent.status == "sent" and sent.sent_at is not None and sent.error is None
    # The failure shows on the campaign's page, with the server's answer.
    page = client.get(f"/mailings/{campaign.id}?status=failed")
    assert REFUSED in page.text and "550" in page.text
    # The sent e-mails are recorded as a read of their people.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "campaigns",
                                                       AuditEvent.action == "export"))
    assert event.people_count == expected - 1


def test_a_sender_named_in_vietnamese_in_mail_from_is_encoded(app, client, login, seeded):
    """MAIL_FROM written as "Name <address>" with Vietnamese letters: every e-mail leaves, its headers encoded."""
    login("editor")
    make_people(10)
    with SmtpServer() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port,
                          MAIL_FROM="Sở Ngoại vụ Hải Phòng <songoaivu@haiphong.gov.vn>")
        campaign = _compose(client, channel="email")
        client.post(f"/mailings/{campaign.id}/send")
        received = list(smtp.mailbox.received)
    db.session.expire_all()
    assert service.message_counts(campaign.id) == {"sent": expected_recipients(10) - 1, "failed": 1}
    raw = received[0][1]
    assert raw.isascii()  # the headers are RFC 2047 words, the body quoted-printable or base64
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["From"].addresses[0].display_name == "Sở Ngoại vụ Hải Phòng"
    assert message["From"].addresses[0].addr_spec == "songoaivu@haiphong.gov.vn"
    assert message["Subject"].startswith("Thư chúc Tết gửi ")
    assert message["Message-ID"].endswith("@haiphong.gov.vn>")
    assert message["Date"].datetime is not None  # RFC 5322 requires the origination date


def test_without_a_mail_server_emails_wait_in_the_outbox_and_are_sent_later(app, client, login, seeded):
    login("editor")
    make_people(50)
    campaign = _compose(client, channel="email")
    assert "hộp thư đi" in client.get(f"/mailings/{campaign.id}").text
    client.post(f"/mailings/{campaign.id}/send")
    db.session.expire_all()
    assert service.message_counts(campaign.id) == {"outbox": expected_recipients(50)}
    outbox = client.get("/mailings/outbox")
    assert outbox.status_code == 200 and "nguoi8.jp@example.jp" in outbox.text
    message = db.session.scalar(select(CampaignMessage).where(CampaignMessage.email == "nguoi8.jp@example.jp"))
    shown = client.get(f"/mailings/messages/{message.id}")
    assert "Kính gửi" in shown.text and "Trong hộp thư đi" in shown.text
    refused = client.post(f"/mailings/{campaign.id}/resend", follow_redirects=True)
    assert "Chưa cấu hình máy chủ thư" in refused.text
    with SmtpServer() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        client.post(f"/mailings/{campaign.id}/resend")
        received = len(smtp.mailbox.received)
    db.session.expire_all()
    assert service.message_counts(campaign.id) == {"sent": expected_recipients(50) - 1, "failed": 1}
    assert received == expected_recipients(50) - 1


def test_an_unreachable_mail_server_fails_each_message_with_the_reason(app, client, login, seeded):
    login("editor")
    make_people(50)
    from tests.mailings.helpers import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    campaign = _compose(client, channel="email")
    client.post(f"/mailings/{campaign.id}/send")
    db.session.expire_all()
    assert service.message_counts(campaign.id) == {"failed": expected_recipients(50)}
    error = db.session.scalar(select(CampaignMessage.error).limit(1))
    assert "Không kết nối được máy chủ thư" in error


@pytest.mark.parametrize(("body", "message"), [
    ("Kính gửi {ten}, chúc mừng năm mới", "Không có trường trộn {ten}"),
    ("Kính mời {xung_ho} dự {ten_hoat_dong}", "chỉ dùng được khi đã chọn hoạt động"),
])
def test_an_unknown_placeholder_is_refused(client, login, seeded, body, message):
    login("editor")
    response = client.post("/mailings/new", data={"kind": "greeting", "channel": "letter", "letter_format": "docx",
                                                  "language": "vi", "subject": "Chúc Tết", "body": body})
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_an_invitation_names_its_activity_with_the_date_dd_mm_yyyy(client, login, seeded):
    login("editor")
    refused = client.post("/mailings/new", data={"kind": "invitation", "channel": "letter", "letter_format": "docx",
                                                 "language": "en", "subject": "Mời", "body": "Kính mời {ho_ten}"})
    assert refused.status_code == 422 and "Thư mời cần chọn hoạt động" in refused.text
    ids = make_people(10)
    activity = make_activity("Gặp mặt Xuân Quê hương 2027", on=date(2027, 1, 23))
    activity.place = "Nhà hát thành phố"
    db.session.commit()
    campaign = _compose(client, kind="invitation", activity=str(activity.id), letter_format="zip")
    page = client.get(f"/mailings/{campaign.id}")
    assert "Gặp mặt Xuân Quê hương 2027" in page.text and "ngày 23/01/2027 tại Nhà hát thành phố" in page.text
    client.post(f"/mailings/{campaign.id}/send")
    download = client.get(f"/mailings/{campaign.id}/letters")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    content = download.data
    download.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert len(names) == expected_recipients(10)
        text = "\n".join(p.text for p in Document(io.BytesIO(archive.read(names[0]))).paragraphs)
    assert "THƯ MỜI" in text and "23/01/2027" in text and ids


def test_the_english_letter_names_the_country_in_english(client, login, seeded):
    login("editor")
    make_people(10)
    texts = service.suggested("thanks")
    response = client.post("/mailings/new?country=JP", data={
        "kind": "thanks", "channel": "letter", "letter_format": "docx", "language": "en",
        "subject": texts["subject"], "body": texts["body"]})
    campaign = db.session.scalar(select(Campaign))
    assert response.status_code == 302
    assert "Japan" in client.get(f"/mailings/{campaign.id}?n=1").text


def test_roles(client, login, seeded):
    login("viewer")
    assert client.get("/mailings/").status_code == 200
    for url in ("/mailings/new", "/mailings/outbox"):
        assert client.get(url).status_code == 403
    assert client.post("/mailings/new", data={}).status_code == 403
    assert client.post("/mailings/1/send").status_code == 403


def test_a_draft_can_be_edited_until_sent(client, login, seeded):
    login("editor")
    make_people(10)
    campaign = _compose(client)
    texts = service.suggested("greeting")
    edited = client.post(f"/mailings/{campaign.id}/edit", data={
        "kind": "greeting", "channel": "letter", "letter_format": "docx", "language": "vi",
        "subject": "Chúc mừng năm mới {ho_ten}", "body": texts["body"]})
    assert edited.status_code == 302
    assert "Chúc mừng năm mới" in client.get(f"/mailings/{campaign.id}").text
    client.post(f"/mailings/{campaign.id}/send")
    assert client.get(f"/mailings/{campaign.id}/edit").status_code == 302
    again = client.post(f"/mailings/{campaign.id}/send", follow_redirects=True)
    assert "Thư này đã được gửi" in again.text
    assert db.session.scalar(select(func.count()).select_from(CampaignMessage)) == expected_recipients(10)


def test_subject_access_and_erase(client, login, seeded, app):
    admin = login("admin")
    ids = make_people(10)
    campaign = _compose(client)
    client.post(f"/mailings/{campaign.id}/send")
    person = db.session.get(Person, ids[8])
    section = next(section for section in data_sections(person) if section.key == "mailings")
    assert len(section.rows) == 1 and person.full_name in section.rows[0]["body"]
    assert service.letters_path(db.session.get(Campaign, campaign.id)) is not None
    counts = erase_person(person, "Yêu cầu xoá", by=admin)
    assert counts.get("erased_mailing_messages") == 1
    assert db.session.scalar(select(func.count()).select_from(CampaignMessage).where(
        CampaignMessage.person_id == ids[8])) == 0
    assert service.letters_path(db.session.get(Campaign, campaign.id)) is None  # the file held their letter


def test_a_campaign_whose_worker_died_says_so(client, login, seeded):
    login("editor")
    make_people(10)
    campaign = _compose(client)
    campaign.status, campaign.worker = "running", "no-such-host-here:1"
    campaign.heartbeat_at = campaign.started_at = campaign.created_at.replace(year=2020)
    db.session.commit()
    page = client.get(f"/mailings/{campaign.id}")
    assert "dừng giữa chừng" in page.text
    assert db.session.get(Campaign, campaign.id).status == "failed"


def test_a_failed_letters_job_leaves_no_file_and_no_message(client, login, seeded, monkeypatch):
    login("editor")
    make_people(10)
    campaign = _compose(client)

    def broken(*args, **kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr("diaspora.mailings.letters.write_letters", broken)
    client.post(f"/mailings/{campaign.id}/send")
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == "failed" and "ổ đĩa đầy" in campaign.message
    assert db.session.scalar(select(func.count()).select_from(CampaignMessage)) == 0
    assert not list(service.mailings_dir().iterdir())
    assert "ổ đĩa đầy" in client.get(f"/mailings/{campaign.id}").text


@pytest.mark.parametrize(("on", "written"), [
    (date(2027, 1, 5), "Hải Phòng, ngày 05 tháng 01 năm 2027"),
    (date(2027, 2, 14), "Hải Phòng, ngày 14 tháng 02 năm 2027"),
    (date(2027, 5, 9), "Hải Phòng, ngày 09 tháng 5 năm 2027"),
    (date(2026, 12, 7), "Hải Phòng, ngày 07 tháng 12 năm 2026"),
])
def test_the_letter_is_dated_as_decree_30_writes_it(app, on, written):
    """A 0 before a day below 10 and before months 1 and 2 only (Nghị định 30/2020/NĐ-CP)."""
    out = io.BytesIO()
    from diaspora.mailings.letters import write_letters
    with app.test_request_context():
        write_letters([("Kính gửi Ông An,", None)], "greeting", on, out)
    texts = [paragraph.text for paragraph in Document(io.BytesIO(out.getvalue())).paragraphs]
    texts += [cell.text for table in Document(io.BytesIO(out.getvalue())).tables for row in table.rows
              for cell in row.cells]
    assert any(written in text for text in texts), texts
