"""The public registration: consent required, spam kept out (honeypot, time check, a limit per address), a
reference code for the submitter, and nothing in the register before staff decide."""
import re

from sqlalchemy import func, select

from diaspora.community.consent import CONSENT_TEXT_VERSION
from diaspora.community.models import Submission
from diaspora.extensions import db
from diaspora.people.models import Person
from tests.community.helpers import old_stamp, registration


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_form_is_public_and_speaks_both_languages(client, seeded):
    page = client.get("/register")
    assert page.status_code == 200
    assert "Sở Ngoại vụ thành phố Hải Phòng" in page.text and CONSENT_TEXT_VERSION in page.text
    assert 'name="website"' in page.text and 'name="stamp"' in page.text
    assert client.get("/language/en?next=/register").status_code == 302
    assert '<html lang="en">' in client.get("/register").text


def test_a_registration_is_kept_for_review_with_a_code(client, seeded):
    response = client.post("/register", data=registration())
    assert response.status_code == 302 and response.location.endswith("/register/thanks")
    submission = db.session.scalar(select(Submission))
    page = client.get("/register/thanks")
    assert submission.reference_code in page.text
    assert len(submission.reference_code) == 8 and not set(submission.reference_code) & set("01OIL")
    assert submission.status == "pending" and submission.consent_given
    assert submission.consent_text_version == CONSENT_TEXT_VERSION
    assert submission.values["full_name"] == "Nguyễn Thị Thu Hà" and submission.values["offers"] == ["remote_advice"]
    assert submission.address_hash and "127.0.0.1" not in submission.address_hash
    assert _count(Person) == 0


def test_without_consent_nothing_is_kept(client, seeded):
    response = client.post("/register", data=registration(consent=None))
    assert response.status_code == 422
    assert "đồng ý cho xử lý dữ liệu" in response.text
    assert _count(Submission) == 0


def test_values_go_through_the_import_cleaners(client, seeded):
    response = client.post("/register", data=registration(email="không-phải-email", birth_year="2090"))
    assert response.status_code == 422
    assert "không hợp lý" in response.text or "không hợp lệ" in response.text
    assert _count(Submission) == 0
    response = client.post("/register", data=registration(phone="", email="", full_name="Lan"))
    assert response.status_code == 422 and "ít nhất một cách liên lạc" in response.text


def test_the_honeypot_and_the_time_check_refuse(client, seeded):
    assert client.post("/register", data=registration(website="http://spam.example")).status_code == 400
    assert client.post("/register", data=registration(stamp=old_stamp(1))).status_code == 422
    assert client.post("/register", data=registration(stamp="forged.stamp")).status_code == 422
    assert client.post("/register", data=registration(stamp=None)).status_code == 422
    assert _count(Submission) == 0


def test_a_thousand_automated_submissions_from_one_address(app, client, seeded):
    """Bots: a third fill every field (the trap too), a third send at once (no or a fresh stamp), a third behave
    like people; the address limit stops the last. None reaches the register."""
    statuses = {}
    for number in range(1000):
        kind = number % 3
        data = registration(full_name=f"Bot Số {number}", email=f"bot{number}@example.com",
                            website="x" if kind == 0 else None, stamp=old_stamp(0) if kind == 1 else old_stamp())
        status = client.post("/register", data=data).status_code
        statuses[status] = statuses.get(status, 0) + 1
    kept = _count(Submission)
    assert kept == app.config["REGISTER_MAX_PER_ADDRESS_PER_HOUR"] == 5
    assert statuses[302] == kept and statuses[400] == 334 and statuses[422] == 333 and statuses[429] == 328
    assert _count(Person) == 0
    # Another address is not held back by this one's limit.
    response = client.post("/register", data=registration(), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 302


def test_the_consent_label_names_its_checkbox(client, seeded):
    """Tapping the consent sentence ticks the box: the id its label points to belongs to the checkbox alone."""
    page = client.get("/register").text
    assert 'for="consent"' in page
    assert len(re.findall(r'\bid="consent"', page)) == 1
    assert re.search(r'<input[^>]*\bid="consent"[^>]*>', page).group(0).count('type="checkbox"') == 1


def test_a_refused_form_says_at_its_top_what_to_correct(client, seeded):
    """On a phone the consent box is screens below the top: the page opens with the list of what to correct,
    each a link to its field."""
    page = client.post("/register", data=registration(consent=None, email="không-phải-email")).text
    summary = page[page.index('id="form-problems"'):]
    summary = summary[:summary.index("</div>")]
    assert '<a class="alert-link" href="#consent">' in summary and "đồng ý cho xử lý dữ liệu" in summary
    assert '<a class="alert-link" href="#email">' in summary  # the cleaners' findings too, in the same round
    assert page.index('id="form-problems"') < page.index('name="full_name"')
    assert 'id="form-problems"' not in client.get("/register").text


def test_a_public_link_may_carry_its_language(client, seeded):
    """An English invitation prints /register?lang=en: the form opens in English, and stays so."""
    page = client.get("/register?lang=en").text
    assert '<html lang="en">' in page and "Register your details" in page and "Đăng ký thông tin" not in page
    assert '<html lang="en">' in client.get("/register").text
    assert '<html lang="vi">' in client.get("/register?lang=vi").text
    assert '<html lang="vi">' in client.get("/register?lang=xx").text
