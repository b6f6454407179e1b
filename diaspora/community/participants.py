"""Registrants who become participants of their event: shared by check-in (events) and by the review of
submissions (service), which both import it."""
from sqlalchemy import func, select

from diaspora.audit import tracking
from diaspora.community.models import EventRegistration
from diaspora.extensions import db
from diaspora.outreach.activities import activity_values
from diaspora.outreach.models import Activity, ActivityParticipant
from diaspora.people.models import Person

PARTICIPANT_ROLE = "Tham dự"


def add_participant(activity: Activity, person_id: int, by) -> bool:
    """The person takes part in the activity (the activity's participants, audited on it); False if already."""
    present = db.session.scalar(select(func.count()).select_from(ActivityParticipant).where(
        ActivityParticipant.activity_id == activity.id, ActivityParticipant.person_id == person_id))
    if present:
        return False

    def change():
        activity.participants.append(ActivityParticipant(person=db.session.get(Person, person_id),
                                                         role=PARTICIPANT_ROLE))

    return tracking.save(activity, by, change, activity_values)


def link_person(registration: EventRegistration, person: Person, by) -> None:
    """A registrant accepted into the register: the registration names the person, a participant if checked in."""
    registration.person_id = person.id
    db.session.commit()
    if registration.checked_in_at is not None:
        add_participant(registration.activity, person.id, by)
