"""Records of the community tests: a pending submission, an activity open to registration with one registrant."""
import secrets

from diaspora.community import service
from diaspora.community.consent import CONSENT_TEXT_VERSION
from diaspora.community.models import EventRegistration, EventSignup, Submission
from diaspora.extensions import db
from diaspora.records import utcnow
from diaspora.text import fold


def community_records(activity) -> tuple[Submission, EventRegistration]:
    """A pending submission of the public form, and the activity opened to registration with one registrant."""
    values = {"full_name": "Vũ Thị Lan", "country_code": "JP", "city": "Tokyo", "email": "lan.vu@example.jp",
              "birth_year": "1990", "offers": ["teaching"]}
    submission = service.submit(values, address_hash=None, locale="vi")
    db.session.add(EventSignup(activity_id=activity.id, token=secrets.token_urlsafe(16), is_open=True))
    registration = EventRegistration(
        activity_id=activity.id, token=secrets.token_urlsafe(24), code=service.new_code(), values=values,
        full_name=values["full_name"], name_folded=fold(values["full_name"]), consent_given=True,
        consent_text_version=CONSENT_TEXT_VERSION, registered_at=utcnow(), submission=submission)
    db.session.add(registration)
    db.session.commit()
    return submission, registration
