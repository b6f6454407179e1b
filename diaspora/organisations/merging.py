"""Memberships follow a person's records when two are merged (signals.persons_merged) and go back when the
merge is undone (signals.merge_undone)."""
from sqlalchemy import select, update

from diaspora import signals
from diaspora.extensions import db
from diaspora.organisations.models import Membership


@signals.persons_merged.connect
def move_memberships(survivor, source, **_) -> dict:
    """The merged record's memberships move to the survivor; their ids, for the undo."""
    ids = list(db.session.scalars(
        select(Membership.id).where(Membership.person_id == source.id).order_by(Membership.id)))
    if ids:
        db.session.execute(update(Membership).where(Membership.id.in_(ids)).values(person_id=survivor.id),
                           execution_options={"synchronize_session": False})
    return {"memberships": ids}


@signals.merge_undone.connect
def move_memberships_back(survivor, source, merge, **_) -> dict:
    """Exactly the memberships the merge moved go back to the merged record (those removed since stay removed)."""
    ids = merge.snapshot["moved"].get("memberships") or []
    count = db.session.execute(
        update(Membership).where(Membership.id.in_(ids), Membership.person_id == survivor.id)
        .values(person_id=source.id), execution_options={"synchronize_session": False}).rowcount if ids else 0
    return {"memberships": count}
