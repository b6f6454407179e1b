"""Activities and their participants: the list and its filters, create, edit, follow-ups, the bin, the
pickers of participants and owners, and the activities panel of a person's or an organisation's page.

Every change is audited in the same transaction, with values in the readable form the history shows.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from diaspora import signals
from diaspora.audit import tracking
from diaspora.audit.service import diff, record
from diaspora.extensions import db
from diaspora.listing import ListQuery, Pagination, month_after, month_argument, paginate, whole_number
from diaspora.organisations.models import Organisation
from diaspora.outreach.common import country_name, label, optional_id, today
from diaspora.outreach.models import ACTIVITY_TYPES, Activity, ActivityParticipant
from diaspora.people.models import Person
from diaspora.people.search import PeopleQuery, search_people
from diaspora.text import clean_text, fold

FOLLOW_UP_DAYS = 14


@dataclass
class ActivityQuery(ListQuery):
    """What the activity list is asked for; lives in the URL. The list has one order: newest first."""

    q: str = ""
    activity_type: str | None = None
    year: int | None = None
    month: date | None = None  # the first day of the month the activities started in
    country: str | None = None
    participant: str = ""
    person_id: int | None = None
    organisation_id: int | None = None
    deleted: bool = False

    @classmethod
    def from_args(cls, args) -> "ActivityQuery":
        """Parse request arguments leniently: unknown values fall back to no filter."""
        year = whole_number(args, "year")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            activity_type=args.get("type") if args.get("type") in ACTIVITY_TYPES else None,
            year=year if year and 1900 <= year <= 2100 else None,
            month=month_argument(args, "month"),
            country=(args.get("country") or "").upper()[:2] or None,
            participant=(args.get("participant") or "").strip()[:200],
            person_id=whole_number(args, "person"),
            organisation_id=whole_number(args, "organisation"),
            deleted=args.get("deleted") == "1",
            **cls.paging(args),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        return self.link_args(q=self.q, type=self.activity_type, year=self.year,
                              month=f"{self.month:%Y-%m}" if self.month else None, country=self.country,
                              participant=self.participant, person=self.person_id,
                              organisation=self.organisation_id, deleted=self.deleted)


def search_activities(query: ActivityQuery) -> Pagination:
    """One page of activities matching the query, newest first, with the total count."""
    conditions = [Activity.deleted_at.is_not(None) if query.deleted else Activity.deleted_at.is_(None)]
    for word in fold(query.q).split():
        conditions.append(Activity.title_folded.contains(word, autoescape=True))
    if query.activity_type:
        conditions.append(Activity.activity_type == query.activity_type)
    if query.year:
        conditions += [Activity.start_date >= date(query.year, 1, 1), Activity.start_date < date(query.year + 1, 1, 1)]
    if query.month:
        conditions += [Activity.start_date >= query.month, Activity.start_date < month_after(query.month)]
    if query.country:
        conditions.append(Activity.country_code == query.country)
    if query.person_id:
        conditions.append(Activity.id.in_(
            select(ActivityParticipant.activity_id).where(ActivityParticipant.person_id == query.person_id)))
    if query.organisation_id:
        conditions.append(Activity.id.in_(select(ActivityParticipant.activity_id)
                                          .where(ActivityParticipant.organisation_id == query.organisation_id)))
    for word in fold(query.participant).split():
        conditions.append(Activity.id.in_(
            select(ActivityParticipant.activity_id)
            .outerjoin(Person, Person.id == ActivityParticipant.person_id)
            .outerjoin(Organisation, Organisation.id == ActivityParticipant.organisation_id)
            .where(or_(Person.name_folded.contains(word, autoescape=True),
                       Organisation.name_folded.contains(word, autoescape=True)))))
    return paginate(select(Activity).where(*conditions).order_by(Activity.start_date.desc(), Activity.id.desc())
                    .options(selectinload(Activity.participants)), query)


def activity_years() -> list[int]:
    """The years that have activities, newest first, for the year filter."""
    first, last = db.session.execute(
        select(func.min(Activity.start_date), func.max(Activity.start_date)).where(Activity.deleted_at.is_(None))
    ).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def get_activity_or_404(activity_id: int, include_deleted: bool = False) -> Activity:
    """The activity, or a 404 page; activities in the bin only when asked."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or (activity.is_deleted and not include_deleted):
        abort(404)
    return activity


def activity_values(activity: Activity) -> dict:
    """The audited values of an activity, readable; participants as "name (role)" entries."""
    with force_locale("vi"), db.session.no_autoflush:
        return {
            "activity_type": label(ACTIVITY_TYPES, activity.activity_type),
            "title": activity.title,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "country": country_name(activity.country_code),
            "city": activity.city,
            "place": activity.place,
            "description": activity.description,
            "outcome": activity.outcome,
            "follow_up_date": activity.follow_up_date,
            "follow_up_done": activity.follow_up_done,
            "amount": f"{activity.amount:,}".replace(",", ".") if activity.amount is not None else None,
            "currency": activity.currency,
            "participants": sorted(part.name + (f" ({part.role})" if part.role else "")
                                   for part in activity.participants),
        }


def _apply_activity(activity: Activity, data: dict) -> None:
    """Set an activity's attributes and participants from form-shaped data."""
    activity.activity_type = data.get("activity_type") if data.get("activity_type") in ACTIVITY_TYPES else "meeting"
    activity.title = clean_text(data["title"])
    activity.title_folded = fold(activity.title)
    activity.start_date = data["start_date"]
    activity.end_date = data.get("end_date")
    activity.country_code = (data.get("country") or "").upper() or None
    activity.city = clean_text(data.get("city"))
    activity.place = clean_text(data.get("place"))
    activity.description = clean_text(data.get("description"))
    activity.outcome = clean_text(data.get("outcome"))
    activity.follow_up_date = data.get("follow_up_date")
    activity.follow_up_done = bool(data.get("follow_up_done"))
    activity.amount = data.get("amount")
    activity.currency = (data.get("currency") or None) if activity.amount is not None else None
    wanted = {}
    for row in data.get("participants") or ():
        ref_id = optional_id(row.get("ref_id"))
        if ref_id and row.get("kind") in ("person", "organisation"):
            wanted[(row["kind"], ref_id)] = (clean_text(row.get("role")), clean_text(row.get("note")))
    for part in list(activity.participants):
        key = ("person", part.person_id) if part.person_id else ("organisation", part.organisation_id)
        if key not in wanted:
            activity.participants.remove(part)
        else:
            part.role, part.note = wanted.pop(key)
    for (kind, ref_id), (role, note) in wanted.items():
        part = ActivityParticipant(role=role, note=note)
        if kind == "person":
            part.person = db.session.get(Person, ref_id)
        else:
            part.organisation = db.session.get(Organisation, ref_id)
        activity.participants.append(part)


def create_activity(data: dict, by=None) -> Activity:
    """Log a new activity with its participants."""
    user_id = getattr(by, "id", None)
    activity = Activity(created_by_id=user_id, updated_by_id=user_id)
    with db.session.no_autoflush:
        _apply_activity(activity, data)
    db.session.add(activity)
    db.session.flush()
    # Every value, empty ones too (an empty participant list included): the first event shows the whole activity.
    record("create", activity, changes=diff({}, activity_values(activity)), summary=activity.title, user=by)
    db.session.commit()
    return activity


def update_activity(activity: Activity, data: dict, by=None, expected_version: int | None = None) -> bool:
    """Save an edited activity; False when nothing changed. Raises StaleEdit when the activity
    changed since the form was opened."""
    if expected_version is not None and expected_version != activity.version:
        preview = Activity()
        with db.session.no_autoflush:
            _apply_activity(preview, data)
            tracking.refuse_stale(activity, expected_version, activity_values(preview))
    return tracking.save(activity, by, lambda: _apply_activity(activity, data), activity_values, expected_version)


def mark_follow_up_done(activity: Activity, by=None) -> bool:
    """Close an activity's follow-up."""

    def change() -> None:
        activity.follow_up_done = True

    return tracking.save(activity, by, change, activity_values)


def delete_activity(activity: Activity, by=None) -> None:
    """Move an activity to the bin; an admin can restore it."""
    tracking.set_deleted(activity, by, deleted=True, summary=activity.title)


def restore_activity(activity: Activity, by=None) -> None:
    """Take an activity out of the bin."""
    tracking.set_deleted(activity, by, deleted=False, summary=activity.title)


def follow_ups_due(on: date | None = None, days: int = FOLLOW_UP_DAYS) -> list[Activity]:
    """Live activities whose follow-up falls within `days` of `on` (default today) or is overdue, oldest first."""
    horizon = (on or today()) + timedelta(days=days)
    return list(db.session.scalars(
        select(Activity)
        .where(Activity.deleted_at.is_(None), Activity.follow_up_done.is_(False),
               Activity.follow_up_date.is_not(None), Activity.follow_up_date <= horizon)
        .order_by(Activity.follow_up_date, Activity.id)
        .options(selectinload(Activity.participants))
    ))


def _activities_with(condition) -> list[Activity]:
    return list(db.session.scalars(
        select(Activity)
        .where(Activity.deleted_at.is_(None),
               Activity.id.in_(select(ActivityParticipant.activity_id).where(condition)))
        .order_by(Activity.start_date.desc(), Activity.id.desc())
    ))


def activities_for_person(person_id: int) -> list[Activity]:
    """The live activities a person took part in, newest first (for the person page's timeline)."""
    return _activities_with(ActivityParticipant.person_id == person_id)


def activities_for_organisation(organisation_id: int) -> list[Activity]:
    """The live activities an organisation took part in, newest first (for the organisation page)."""
    return _activities_with(ActivityParticipant.organisation_id == organisation_id)


# --- pickers of participants and owners ------------------------------------------------------------

def lookup_person(person_id) -> Person | None:
    """A live person by an id taken from the URL, or None."""
    person_id = optional_id(person_id)
    person = db.session.get(Person, person_id) if person_id else None
    return person if person is not None and person.deleted_at is None else None


def lookup_organisation(organisation_id) -> Organisation | None:
    """A live organisation by an id taken from the URL, or None."""
    organisation_id = optional_id(organisation_id)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return organisation if organisation is not None and organisation.deleted_at is None else None


def lookup_people(q: str, limit: int = 10) -> list[dict]:
    """People matching a typed name, for the participant and owner pickers."""
    if not fold(q):
        return []
    page = search_people(PeopleQuery(q=q, per_page=limit))
    return [{"id": person.id, "name": person.full_name,
             "country": person.country.display_name if person.country is not None else ""}
            for person in page.items]


def lookup_organisations(q: str, limit: int = 10) -> list[dict]:
    """Organisations whose folded name contains every typed word."""
    words = fold(q).split()
    if not words:
        return []
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.deleted_at.is_(None),
               *(Organisation.name_folded.contains(word, autoescape=True) for word in words))
        .order_by(Organisation.name_folded).limit(limit)
    )
    return [{"id": org.id, "name": org.name, "country": org.country.display_name if org.country is not None else ""}
            for org in organisations]


# --- the panels of the person's and the organisation's pages ----------------------------------------

ACTIVITIES_PANEL = "outreach/_activities_panel.html"


@signals.person_panels.connect
def person_activities_panel(person):
    """The activities a person took part in, with a button to log one (editors, person not in the bin)."""
    add_url = url_for("outreach.activity_new", person=person.id) if not person.is_deleted else None
    return (10, _l("Hoạt động"), ACTIVITIES_PANEL,
            {"activities": activities_for_person(person.id), "add_url": add_url})


@signals.person_data.connect
def person_activities_data(person):
    """Subject access: every activity the person took part in (the bin's too), with their part in it."""
    rows = db.session.execute(
        select(Activity, ActivityParticipant.role, ActivityParticipant.note)
        .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
        .where(ActivityParticipant.person_id == person.id).order_by(Activity.start_date, Activity.id)).all()
    with force_locale("vi"):
        return (40, "activities", _l("Hoạt động đã tham gia"),
                [("date", _l("Ngày")), ("title", _l("Hoạt động")), ("type", _l("Loại")), ("place", _l("Địa điểm")),
                 ("country", _l("Quốc gia")), ("role", _l("Vai trò")), ("note", _l("Ghi chú"))],
                [{"date": activity.start_date, "title": activity.title, "type": activity.type_label,
                  "place": activity.place, "country": country_name(activity.country_code), "role": role,
                  "note": note} for activity, role, note in rows])


@signals.person_erased.connect
def forget_participant_notes(person, **_) -> dict:
    """An erased person stays a participant (the activity's count is right), without the notes about them."""
    notes = db.session.execute(
        update(ActivityParticipant).where(ActivityParticipant.person_id == person.id,
                                          ActivityParticipant.note.is_not(None)).values(note=None)).rowcount
    return {"erased_participant_notes": notes} if notes else {}


@signals.organisation_panels.connect
def organisation_activities_panel(organisation):
    """The activities an organisation took part in, with a button to log one."""
    add_url = (url_for("outreach.activity_new", organisation=organisation.id)
               if not organisation.is_deleted else None)
    return (10, _l("Hoạt động"), ACTIVITIES_PANEL,
            {"activities": activities_for_organisation(organisation.id), "add_url": add_url})


@signals.organisations_in_use.connect
def organisations_taking_part(_sender, ids) -> set[int]:
    """The organisations among `ids` that took part in an activity, so an import's undo keeps them."""
    column = ActivityParticipant.organisation_id
    return set(db.session.scalars(select(column).where(column.in_(ids))))
