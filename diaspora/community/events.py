"""Events open to registration: the public link and its QR code, capacity and closing date, registrations with
their own token and code, the check-in at the door (search, code or scan, walk-ins) and the registrants list.

A registrant the register already holds (the import's duplicate rules: the same email or phone with a name that
can be theirs, or the same name, birth year and country) is linked to that person; anyone else becomes a
submission in the review queue. A checked-in registrant linked to a person becomes a participant of the activity.
"""
import io
import re
import secrets
from datetime import UTC, date, datetime

import segno
from flask import abort
from flask_babel import force_locale, to_user_timezone
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from diaspora.audit.access import record_access
from diaspora.audit.service import record
from diaspora.community import cleaning, service
from diaspora.community.participants import add_participant
from diaspora.community.consent import CONSENT_TEXT_VERSION
from diaspora.community.models import EventRegistration, EventSignup
from diaspora.extensions import db
from diaspora.outreach.models import Activity
from diaspora.people.models import Person
from diaspora.people.privacy import processing_allowed
from diaspora.records import utcnow
from diaspora.reference.countries import country_name
from diaspora.spreadsheets.writers import exported_by, write_tables
from diaspora.text import fold

# What links a registrant to a person of the register without a member of staff: a shared contact (with a name
# that can be the same person's) or the same name, birth year and country. A close name alone never does.
LINKING_REASONS = ("email", "phone", "name_birth_country")
SEARCH_LIMIT = 50
_TOKEN_IN_URL = re.compile(r"/me/([A-Za-z0-9_-]{16,64})")


class RegistrationClosed(Exception):
    """The event takes no (more) registrations: `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the sign-up settings -----------------------------------------------------------------------------------------

def signup_of(activity: Activity) -> EventSignup | None:
    return db.session.scalar(select(EventSignup).where(EventSignup.activity_id == activity.id))


def save_signup(activity: Activity, *, is_open: bool, capacity: int | None, closes_on: date | None, by) -> EventSignup:
    """Open, change or close an activity's registration (a new unguessable token the first time); audited."""
    signup = signup_of(activity)
    before = _signup_values(signup) if signup is not None else {}
    if signup is None:
        signup = EventSignup(activity_id=activity.id, token=secrets.token_urlsafe(16),
                             created_by_id=getattr(by, "id", None))
        db.session.add(signup)
    signup.is_open, signup.capacity, signup.closes_on = is_open, capacity, closes_on
    db.session.flush()
    after = _signup_values(signup)
    changes = {key: {"before": before.get(key), "after": value} for key, value in after.items()
               if before.get(key) != value}
    if changes:
        record("update", activity, changes=changes, user=by,
               summary=_("Đăng ký tham dự: %(title)s", title=activity.title))
    db.session.commit()
    return signup


def _signup_values(signup: EventSignup) -> dict:
    with force_locale("vi"):
        return {"registration_open": _("Có") if signup.is_open else _("Không"),
                "registration_capacity": signup.capacity,
                "registration_closes_on": signup.closes_on.strftime("%d/%m/%Y") if signup.closes_on else None}


def signup_by_token_or_404(token: str) -> EventSignup:
    """The sign-up of a public link; 404 for a token no live activity has."""
    signup = db.session.scalar(select(EventSignup).where(EventSignup.token == token[:64]))
    if signup is None or signup.activity is None or signup.activity.is_deleted:
        abort(404)
    return signup


def registered_count(activity_id: int, walk_ins: bool = False) -> int:
    condition = [EventRegistration.activity_id == activity_id]
    if not walk_ins:
        condition.append(EventRegistration.walk_in.is_(False))
    return db.session.scalar(select(func.count()).select_from(EventRegistration).where(*condition))


def _today() -> date:
    return to_user_timezone(datetime.now(UTC)).date()


def closed_reason(signup: EventSignup) -> str | None:
    """Why the event takes no registration now (closed, past its closing date, full), or None."""
    if not signup.is_open:
        return _("Sự kiện này hiện không nhận đăng ký.")
    if signup.closes_on and _today() > signup.closes_on:
        return _("Đã hết hạn đăng ký (hạn cuối: %(day)s).", day=signup.closes_on.strftime("%d/%m/%Y"))
    if signup.capacity and registered_count(signup.activity_id) >= signup.capacity:
        return _("Sự kiện đã đủ %(n)d chỗ. Cảm ơn bạn đã quan tâm.", n=signup.capacity)
    return None


# --- registering ------------------------------------------------------------------------------------------------

def _phone_digits(values: dict) -> str | None:
    texts = [values.get(name) or "" for name in ("phone", "zalo", "whatsapp")]
    digits = " ".join(filter(None, ("".join(ch for ch in text if ch.isdigit()) for text in texts)))
    return digits[:40] or None


def _already_registered(activity_id: int, values: dict) -> bool:
    """Whether the event has a registration of the same name with the same phone digits or email."""
    digits, email = _phone_digits(values), (values.get("email") or "").strip().lower()
    for other in db.session.scalars(select(EventRegistration).where(
            EventRegistration.activity_id == activity_id,
            EventRegistration.name_folded == fold(values["full_name"])[:200])):
        if (digits and other.phone_digits == digits) or (email and (other.values.get("email") or "").lower() == email):
            return True
    return False


def _linked_person(values: dict) -> int | None:
    for match in cleaning.probable_matches(values):
        if set(match.reasons) & set(LINKING_REASONS):
            return match.person_id
    return None


def register(signup: EventSignup, values: dict, *, address_hash: str | None, locale: str, walk_in: bool = False,
             by=None) -> EventRegistration:
    """Sign someone up (a walk-in: checked in at once, by staff, whatever the capacity); a registrant the register
    does not hold yet is also a submission in the review queue. Raises RegistrationClosed."""
    if not walk_in:
        reason = closed_reason(signup)
        if reason:
            raise RegistrationClosed(reason)
    if _already_registered(signup.activity_id, values):
        raise RegistrationClosed(_("Đã có người đăng ký sự kiện này với cùng họ tên và số điện thoại hoặc email. "
                                   "Mỗi người chỉ cần đăng ký một lần."))
    values = {**values, "walk_in": walk_in} if walk_in else dict(values)
    person_id = _linked_person(values)
    registration = EventRegistration(
        activity_id=signup.activity_id, token=secrets.token_urlsafe(24), code=service.unused_code(EventRegistration),
        values=values, full_name=values["full_name"][:200], name_folded=fold(values["full_name"])[:200],
        phone_digits=_phone_digits(values), person_id=person_id, consent_given=True,
        consent_text_version=CONSENT_TEXT_VERSION, registered_at=utcnow(), address_hash=address_hash,
        walk_in=walk_in)
    if person_id is None:
        registration.submission = service.submit(values, address_hash=address_hash, locale=locale,
                                                 activity_id=signup.activity_id, commit=False)
    db.session.add(registration)
    db.session.commit()
    if walk_in:
        check_in(registration, by)
    return registration


def registration_by_token_or_404(signup: EventSignup, token: str) -> EventRegistration:
    registration = db.session.scalar(select(EventRegistration).where(EventRegistration.token == token[:64]))
    if registration is None or registration.activity_id != signup.activity_id:
        abort(404)
    return registration


def get_registration_or_404(activity: Activity, registration_id: int) -> EventRegistration:
    registration = db.session.get(EventRegistration, registration_id)
    if registration is None or registration.activity_id != activity.id:
        abort(404)
    return registration


def find_by_code(activity: Activity, text: str) -> EventRegistration | None:
    """The registration a typed code or a scanned QR code (the confirmation page's address) names."""
    found = _TOKEN_IN_URL.search(text or "")
    if found:
        condition = EventRegistration.token == found.group(1)
    else:
        condition = EventRegistration.code == service.normalise_code(text)
    return db.session.scalar(select(EventRegistration).where(condition, EventRegistration.activity_id == activity.id))


def search_registrations(activity: Activity, q: str) -> list[EventRegistration]:
    """Registrants by name (diacritics and case aside, every word) or by the digits of a phone, by name."""
    conditions = [EventRegistration.activity_id == activity.id]
    digits = "".join(ch for ch in q if ch.isdigit())
    words = fold(q).split()
    if digits and len(digits) >= 3 and not any(ch.isalpha() for ch in q):
        conditions.append(EventRegistration.phone_digits.contains(digits, autoescape=True))
    elif words:
        conditions += [EventRegistration.name_folded.contains(word, autoescape=True) for word in words]
    return list(db.session.scalars(select(EventRegistration).where(*conditions)
                                   .order_by(EventRegistration.name_folded, EventRegistration.id).limit(SEARCH_LIMIT)))


def registrations(activity: Activity) -> list[EventRegistration]:
    return list(db.session.scalars(select(EventRegistration).where(EventRegistration.activity_id == activity.id)
                                   .order_by(EventRegistration.name_folded, EventRegistration.id)))


# --- check-in and participants -----------------------------------------------------------------------------------

def check_in(registration: EventRegistration, by) -> bool:
    """Mark the registrant arrived; a registrant the register holds becomes a participant. False if already in."""
    if registration.checked_in_at is not None:
        return False
    registration.checked_in_at = utcnow()
    registration.checked_in_by_id = getattr(by, "id", None)
    record("check_in", registration.activity, user=by, summary=_("Đã đến: %(name)s (mã %(code)s)",
                                                                 name=registration.full_name, code=registration.code))
    db.session.commit()
    if registration.person_id is not None:
        add_participant(registration.activity, registration.person_id, by)
    return True


# --- the public link's QR code and the registrants' export ------------------------------------------------------

def qr_image(text: str, fmt: str) -> bytes:
    """A QR code of `text` as PNG or SVG (error correction M, a margin the printers keep)."""
    code = segno.make(text, error="m")
    out = io.BytesIO()
    if fmt == "png":
        code.save(out, kind="png", scale=10, border=4)
    else:
        code.save(out, kind="svg", scale=10, border=4, xmldecl=True, svgns=True)
    return out.getvalue()


def registrant_rows(activity: Activity) -> list[EventRegistration]:
    """The registrants whose data may be processed (not erased or restricted in the register), by name."""
    allowed = select(Person.id).where(processing_allowed())
    return list(db.session.scalars(
        select(EventRegistration).where(EventRegistration.activity_id == activity.id,
                                        or_(EventRegistration.person_id.is_(None),
                                            EventRegistration.person_id.in_(allowed)))
        .order_by(EventRegistration.name_folded, EventRegistration.id)))


def _moment(value: datetime | None):
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def export_registrants(activity: Activity, out, *, user, locale: str = "vi") -> int:
    """Write the registrants to an .xlsx workbook (the shared writer); record the export; the row count."""
    rows = registrant_rows(activity)
    now = utcnow()
    with force_locale(locale):
        headers = [_("Mã"), _("Họ và tên"), _("Năm sinh"), _("Nước"), _("Thành phố"), _("Điện thoại"), _("Email"),
                   _("Đăng ký lúc"), _("Tại chỗ"), _("Đã đến lúc"), _("ID hồ sơ"), _("Trạng thái")]
        table = [[r.code, r.full_name, (r.values or {}).get("birth_year"),
                  country_name(r.values.get("country_code"), locale) if r.values.get("country_code") else None,
                  r.values.get("city"), r.values.get("phone"), r.values.get("email"), _moment(r.registered_at),
                  r.walk_in, _moment(r.checked_in_at), r.person_id,
                  _("Trong hồ sơ") if r.person_id else _("Chờ duyệt")] for r in rows]
        lines = [_("Danh sách đăng ký — %(title)s", title=activity.title), exported_by(user, now, locale)]
        write_tables(out, [(_("Đăng ký"), headers, table)], lines=lines,
                     properties={"title": lines[0], "company": _("Sở Ngoại vụ thành phố Hải Phòng")})
        record_access("export", entity_type="activities", entity_id=activity.id, user=user,
                      people_ids=[r.person_id for r in rows if r.person_id], count=len(rows),
                      details={"rows": len(rows), "format": "xlsx"},
                      summary=_("Xuất %(rows)d người đăng ký “%(title)s” ra tệp XLSX.", rows=len(rows),
                                title=activity.title))
    return len(rows)
