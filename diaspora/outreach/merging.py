"""Activities and channels follow a person's records when two are merged (signals.persons_merged) and go back
when the merge is undone (signals.merge_undone).

A participation of the merged record in an activity the survivor also took part in is not moved (one person,
counted once): it is removed, and kept whole in the merge's snapshot so that the undo puts the same row back.
"""
from sqlalchemy import delete, insert, select, update

from diaspora import signals
from diaspora.extensions import db
from diaspora.outreach.models import Activity, ActivityParticipant, DistributionChannel

_PARTICIPANT_COLUMNS = ("id", "activity_id", "role", "note")


@signals.persons_merged.connect
def move_participations(survivor, source, **_) -> dict:
    """The merged record's participations move to the survivor; a second one in the same activity goes."""
    table = ActivityParticipant.__table__
    taken = set(db.session.scalars(select(table.c.activity_id).where(table.c.person_id == survivor.id)))
    moved, removed = [], []
    for row in db.session.execute(select(*(table.c[name] for name in _PARTICIPANT_COLUMNS))
                                  .where(table.c.person_id == source.id).order_by(table.c.id)).mappings():
        if row["activity_id"] in taken:
            removed.append(dict(row))
        else:
            moved.append(row["id"])
            taken.add(row["activity_id"])
    if moved:
        db.session.execute(update(table).where(table.c.id.in_(moved)).values(person_id=survivor.id))
    if removed:
        db.session.execute(delete(table).where(table.c.id.in_([row["id"] for row in removed])))
    return {"participants": moved, "participants_removed": removed}


@signals.persons_merged.connect
def move_channels(survivor, source, **_) -> dict:
    """The channels the merged record was in charge of are the survivor's."""
    table = DistributionChannel.__table__
    ids = list(db.session.scalars(select(table.c.id).where(table.c.person_id == source.id).order_by(table.c.id)))
    if ids:
        db.session.execute(update(table).where(table.c.id.in_(ids)).values(person_id=survivor.id))
    return {"channels": ids}


@signals.merge_undone.connect
def move_back(survivor, source, merge, **_) -> dict:
    """Exactly the participations and channels the merge moved go back; the participations it removed return."""
    moved = merge.snapshot["moved"]
    participants, channels = ActivityParticipant.__table__, DistributionChannel.__table__
    counts = {"participants": 0, "channels": 0}
    for key, table in (("participants", participants), ("channels", channels)):
        ids = moved.get(key) or []
        if ids:
            counts[key] = db.session.execute(update(table).where(table.c.id.in_(ids), table.c.person_id == survivor.id)
                                             .values(person_id=source.id)).rowcount
    removed = moved.get("participants_removed") or []
    if removed:  # an activity removed for good since then takes its participations with it
        activities = {row["activity_id"] for row in removed}
        kept = set(db.session.scalars(select(Activity.id).where(Activity.id.in_(activities))))
        removed = [row for row in removed if row["activity_id"] in kept]
    if removed:
        db.session.execute(insert(participants), [{**row, "person_id": source.id, "organisation_id": None}
                                                  for row in removed])
        counts["participants"] += len(removed)
    return counts
