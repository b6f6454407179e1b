"""What the community's records answer when other features ask: a person's registrations for subject access, and
their removal when the person is erased."""
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from diaspora import signals
from diaspora.community import events
from diaspora.community.models import EventRegistration, Submission
from diaspora.extensions import db


@signals.person_data.connect
def person_registrations(person):
    """Subject access: the person's submissions and event registrations, with the consent they gave."""
    submissions = db.session.scalars(select(Submission).where(Submission.person_id == person.id)
                                     .order_by(Submission.id)).all()
    registrations = db.session.scalars(select(EventRegistration).where(EventRegistration.person_id == person.id)
                                       .order_by(EventRegistration.id)).all()
    if not submissions and not registrations:
        return None
    with force_locale("vi"):
        rows = [{"kind": "Đăng ký trực tuyến", "code": item.reference_code, "at": item.submitted_at,
                 "consent_version": item.consent_text_version, "status": item.status_label} for item in submissions]
        rows += [{"kind": "Đăng ký sự kiện", "code": item.code, "at": item.registered_at,
                  "consent_version": item.consent_text_version,
                  "status": item.activity.title if item.activity is not None else ""} for item in registrations]
        return (60, "registrations", _l("Đăng ký do người này gửi"),
                [("kind", _l("Loại")), ("code", _l("Mã")), ("at", _l("Thời điểm")),
                 ("consent_version", _l("Phiên bản nội dung đồng ý")), ("status", _l("Trạng thái"))], rows)


@signals.person_erased.connect
def forget_registrations(person, **_) -> dict:
    """An erased person's submissions go; their event registrations stay for the counts, without their values."""
    removed = db.session.execute(delete(Submission).where(Submission.person_id == person.id)).rowcount
    cleared = db.session.execute(update(EventRegistration).where(EventRegistration.person_id == person.id).values(
        values={}, full_name="Đã xoá", name_folded="da xoa", phone_digits=None)).rowcount
    return {"erased_registrations": removed + cleared} if removed or cleared else {}


@signals.activity_panels.connect
def activity_registration_panel(activity):
    """The activity's public registration: its state and the links to the registrants and the check-in."""
    signup = events.signup_of(activity)
    counts = {}
    if signup is not None:
        counts = {"registered": events.registered_count(activity.id, walk_ins=True),
                  "arrived": db.session.scalar(select(func.count()).select_from(EventRegistration).where(
                      EventRegistration.activity_id == activity.id, EventRegistration.checked_in_at.is_not(None)))}
    return (5, _l("Đăng ký tham dự"), "community/_activity_panel.html", {"signup": signup, "counts": counts})
