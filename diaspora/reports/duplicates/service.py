"""The duplicate review queue: computing the pairs (people.duplicates.find_register_pairs) into
duplicate_pairs, in bulk as a job or for the people a save, an import or a merge touched; marking a pair
"không trùng"; the pending count the annual report quotes.

A pass over the pairs touching some people adds the pairs newly found (pending), updates the reasons of
pending ones, and drops pending pairs no longer found (a record deleted, erased or corrected). Pairs staff
marked "không trùng" are remembered and never proposed again; merged pairs stay as the merge's trace.
The pages show only pairs whose two records are both in the register, so a record in the bin leaves the
queue at once (and comes back with it when restored).
"""

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, bindparam, cast, delete, event, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from diaspora import jobs, signals
from diaspora.audit.service import record
from diaspora.extensions import db
from diaspora.people.duplicates import TARGETED_LIMIT, find_register_pairs
from diaspora.people.models import Person
from diaspora.records import utcnow
from diaspora.reports.duplicates.models import DuplicatePair, DuplicateScan
from diaspora.reports.figures import created_by

CHUNK = 2000
# Up to this many people changed in one transaction, their pairs are refreshed in it (indexed queries, about
# 1–40 ms a person); more (a large import) are refreshed by a job after the commit.
INLINE_LIMIT = TARGETED_LIMIT
# The people whose pairs are refreshed when the transaction that changed them commits (session.info keys).
_NOTED, _LATER = "duplicates_noted", "duplicates_later"
PersonA, PersonB = aliased(Person, name="person_a"), aliased(Person, name="person_b")


class ScanPending(Exception):
    """A scan is already waiting or running; another would only repeat it."""


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


# --- computing the pairs ---------------------------------------------------------------------------------

def _existing(person_ids) -> dict[tuple[int, int], tuple[int, str, list]]:
    """{(a, b): (id, status, reasons)} of the stored pairs (all, or those touching `person_ids`)."""
    table = DuplicatePair.__table__
    columns = select(table.c.person_a_id, table.c.person_b_id, table.c.id, table.c.status, table.c.reasons)
    if person_ids is None:
        rows = db.session.execute(columns).all()
    else:
        rows = []
        for chunk in _chunks(sorted(person_ids)):
            rows += db.session.execute(columns.where(or_(table.c.person_a_id.in_(chunk),
                                                         table.c.person_b_id.in_(chunk)))).all()
    return {(a, b): (pair_id, status, reasons) for a, b, pair_id, status, reasons in rows}


def _insert_new(rows: list[dict]) -> None:
    """Insert pairs, leaving out any another transaction stored meanwhile (the pair is unique)."""
    table = DuplicatePair.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=["person_a_id", "person_b_id"])
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["person_a_id", "person_b_id"])
    else:
        statement = table.insert()
    for chunk in _chunks(rows):
        db.session.execute(statement, chunk)


def refresh_pairs(person_ids=None, progress=None) -> dict:
    """Find the pairs (of the whole register, or touching `person_ids`) and bring the stored ones up to date,
    in the current transaction (the caller commits). {"found", "new", "dropped"}."""
    ids = None if person_ids is None else {int(person_id) for person_id in person_ids}
    found = find_register_pairs(ids)
    if progress:
        progress(70)
    stored = _existing(ids)
    now = utcnow()
    new = [{"person_a_id": a, "person_b_id": b, "reasons": list(reasons), "status": "pending", "found_at": now}
           for (a, b), reasons in found.items() if (a, b) not in stored]
    changed = [{"pair_id": pair_id, "new_reasons": list(found[pair])}
               for pair, (pair_id, status, reasons) in stored.items()
               if status == "pending" and pair in found and list(found[pair]) != list(reasons or ())]
    dropped = [pair_id for pair, (pair_id, status, _reasons) in stored.items()
               if status == "pending" and pair not in found]
    _insert_new(new)
    table = DuplicatePair.__table__
    if changed:
        db.session.execute(update(table).where(table.c.id == bindparam("pair_id"))
                           .values(reasons=bindparam("new_reasons")), changed)
    for chunk in _chunks(dropped):
        db.session.execute(delete(table).where(table.c.id.in_(chunk)))
    return {"found": len(found), "new": len(new), "dropped": len(dropped)}


def refresh_later(person_ids) -> None:
    """Refresh the pairs of these people when the current transaction commits (once, whoever asks again)."""
    db.session().info.setdefault(_NOTED, set()).update(int(person_id) for person_id in person_ids if person_id)


@event.listens_for(Session, "before_commit")
def _refresh_noted(session) -> None:
    """The pairs of the people noted in this transaction, refreshed in it, as the data finally stands: a few
    people in place (indexed queries); many (an import of thousands of rows) by a job once it has committed."""
    ids = session.info.pop(_NOTED, None)
    if not ids:
        return
    if len(ids) <= INLINE_LIMIT or jobs.queue.immediate:
        refresh_pairs(ids)
    else:
        session.info.setdefault(_LATER, set()).update(ids)


@event.listens_for(Session, "after_commit")
def _queue_later(session) -> None:
    ids = session.info.pop(_LATER, None)
    if ids:
        try:
            refresh_pairs_job(sorted(ids))
        except Exception:  # the writer's work is committed: a queue out of reach must not make it look failed
            current_app.logger.exception("the duplicate pairs of %d people could not be queued", len(ids))


@event.listens_for(Session, "after_rollback")
def _forget_noted(session) -> None:
    session.info.pop(_NOTED, None)
    session.info.pop(_LATER, None)


@jobs.job
def refresh_pairs_job(person_ids: list[int]) -> None:
    """The pairs touching many people (after a large import), refreshed by a worker."""
    refresh_pairs(person_ids)
    db.session.commit()


# --- the scan of the whole register, as a job --------------------------------------------------------------

def queue_scan(user) -> DuplicateScan:
    """Record a scan of the whole register and hand it to the job queue; ScanPending while another waits or runs."""
    fail_dead_scans()
    if db.session.scalar(select(DuplicateScan.id).where(DuplicateScan.status.in_(("queued", "running"))).limit(1)):
        raise ScanPending
    scan = DuplicateScan(source="web", user_id=getattr(user, "id", None))
    db.session.add(scan)
    db.session.commit()
    run_duplicate_scan(scan.id)
    return scan


def _progress(scan_id: int):
    """A callback recording the share done on the scan's row (and a sign of life), by a connection of its own."""
    def tell(percent: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(DuplicateScan.__table__).where(DuplicateScan.__table__.c.id == scan_id)
                               .values(progress=percent, heartbeat_at=utcnow()))
    return tell


def execute_scan(scan_id: int) -> DuplicateScan | None:
    """Run a queued scan here: every pair of the register found and stored, in one transaction; the scan's row
    says running, then done with the pending count (or failed, nothing changed)."""
    scan = jobs.claim(DuplicateScan, scan_id, progress=5)
    if scan is None:
        return db.session.get(DuplicateScan, scan_id)
    try:
        counts = refresh_pairs(None, progress=_progress(scan_id))
        scan = db.session.get(DuplicateScan, scan_id)
        scan.status, scan.finished_at, scan.progress = "done", utcnow(), 100
        scan.pairs_new = counts["new"]
        scan.pairs_pending = pending_count()
        db.session.commit()
    except Exception as failure:
        db.session.rollback()
        scan = db.session.get(DuplicateScan, scan_id)
        scan.status, scan.finished_at, scan.message = "failed", utcnow(), str(failure)[:2000]
        db.session.commit()
        raise
    return scan


@jobs.job
def run_duplicate_scan(scan_id: int) -> None:
    """The job a worker runs for a queued scan (its failure is recorded on the scan)."""
    try:
        execute_scan(scan_id)
    except Exception:
        current_app.logger.exception("duplicate scan %s failed", scan_id)


def fail_dead_scans(now=None) -> int:
    """Fail the scans whose worker is gone (see jobs.dead_jobs): their transaction died with them."""
    return jobs.fail_dead(DuplicateScan, _("Tiến trình rà soát dừng giữa chừng; không có gì thay đổi. Hãy rà soát lại."),
                          now=now)


def latest_scan() -> DuplicateScan | None:
    fail_dead_scans()
    return db.session.scalar(select(DuplicateScan).order_by(DuplicateScan.id.desc()).limit(1))


def ever_scanned() -> bool:
    """Whether the whole register has been scanned at least once (until then the queue is not the register's)."""
    return db.session.scalar(select(DuplicateScan.id).where(DuplicateScan.status == "done").limit(1)) is not None


# --- the queue ---------------------------------------------------------------------------------------------

def live_pairs(status: str = "pending", reason: str | None = None, *conditions, columns=None):
    """The pairs of a status whose two records are both in the register (a merged pair's other record is in the
    bin by the merge), with both people, oldest first."""
    live = () if status == "merged" else (PersonA.deleted_at.is_(None), PersonB.deleted_at.is_(None))
    statement = (select(*(columns or (DuplicatePair, PersonA, PersonB))).select_from(DuplicatePair)
                 .join(PersonA, PersonA.id == DuplicatePair.person_a_id)
                 .join(PersonB, PersonB.id == DuplicatePair.person_b_id)
                 .where(DuplicatePair.status == status, *live, *conditions))
    if reason:
        statement = statement.where(cast(DuplicatePair.reasons, String).like(f'%"{reason}"%'))
    return statement.order_by(DuplicatePair.id)


def pending_count(*conditions) -> int:
    return db.session.scalar(live_pairs("pending", None, *conditions, columns=(func.count(),)).order_by(None))


def mark_not_duplicate(pair: DuplicatePair, user) -> bool:
    """Staff say the two records are two people: remembered, never proposed again; audited on both. False when
    the pair was no longer pending."""
    if pair.status != "pending":
        return False
    pair.status, pair.reviewed_by_id, pair.reviewed_at = "not_duplicate", getattr(user, "id", None), utcnow()
    for this, other in ((pair.person_a_id, pair.person_b_id), (pair.person_b_id, pair.person_a_id)):
        record("not_duplicate", entity_type="people", entity_id=this, user=user,
               summary=_("Đánh dấu không trùng với hồ sơ #%(id)d", id=other))
    db.session.commit()
    return True


# --- what other features tell ------------------------------------------------------------------------------

@signals.people_changed.connect
def _people_changed(sender, ids=(), committed=False, **kwargs) -> None:
    """People saved or imported: their pairs refreshed before the writer commits, or at once when it has."""
    refresh_later(ids)
    if committed:
        db.session.commit()  # runs the refresh (before_commit) in a transaction of its own


def _pair_of(first: int, second: int) -> DuplicatePair | None:
    a, b = sorted((first, second))
    return db.session.scalar(select(DuplicatePair).where(DuplicatePair.person_a_id == a,
                                                         DuplicatePair.person_b_id == b))


@signals.persons_merged.connect
def _merged(survivor, source=None, merge=None, **kwargs) -> dict:
    """The pair merged (kept as the merge's trace); the merged record's other pending pairs dropped: the
    survivor, which now holds its data, is looked at again when the merge commits."""
    pair = _pair_of(survivor.id, source.id)
    if pair is None:
        a, b = sorted((survivor.id, source.id))
        pair = DuplicatePair(person_a_id=a, person_b_id=b, reasons=[])
        db.session.add(pair)
    # A decision made before (merged although marked "không trùng") is what the undo puts back.
    decided = ([[pair.status, pair.reviewed_by_id, pair.reviewed_at.isoformat() if pair.reviewed_at else None]]
               if pair.status == "not_duplicate" else [])
    pair.status, pair.reviewed_at = "merged", getattr(merge, "at", None) or utcnow()
    pair.reviewed_by_id = getattr(merge, "by_id", None)
    db.session.flush()
    table = DuplicatePair.__table__
    db.session.execute(delete(table).where(
        table.c.status == "pending", table.c.id != pair.id,
        or_(table.c.person_a_id == source.id, table.c.person_b_id == source.id)))
    carried = _carry_not_duplicate(survivor.id, source.id)
    refresh_later([survivor.id])
    return {**({"not_duplicate_carried": carried} if carried else {}),
            **({"_pair_decided_before": decided} if decided else {})}


def _carry_not_duplicate(survivor_id: int, source_id: int) -> list[list]:
    """The merged record's "không trùng" marks, given to the survivor (one person now: what is not the merged
    record is not the survivor either); [[pair id, status before or None when the pair is new]] for the undo."""
    table = DuplicatePair.__table__
    marks = db.session.execute(select(table.c.person_a_id, table.c.person_b_id, table.c.reasons,
                                      table.c.reviewed_by_id, table.c.reviewed_at).where(
        table.c.status == "not_duplicate",
        or_(table.c.person_a_id == source_id, table.c.person_b_id == source_id))).all()
    carried = []
    for a, b, reasons, reviewed_by_id, reviewed_at in marks:
        third = b if a == source_id else a
        if third == survivor_id:
            continue
        pair = _pair_of(survivor_id, third)
        if pair is None:
            low, high = sorted((survivor_id, third))
            pair = DuplicatePair(person_a_id=low, person_b_id=high, reasons=list(reasons or ()))
            db.session.add(pair)
            before = None
        elif pair.status == "pending":
            before = "pending"
        else:  # already decided (not a duplicate, or merged): that decision stands
            continue
        pair.status, pair.reviewed_by_id, pair.reviewed_at = "not_duplicate", reviewed_by_id, reviewed_at
        db.session.flush()
        carried.append([pair.id, before])
    return carried


@signals.merge_undone.connect
def _merge_undone(survivor, source=None, merge=None, **kwargs) -> dict:
    """Two records again: their pair waits for review again, the marks the merge gave the survivor go, and the
    pairs of both are looked at again."""
    moved = (getattr(merge, "snapshot", None) or {}).get("moved") or {}
    pair = _pair_of(survivor.id, source.id)
    if pair is not None and pair.status == "merged":
        pair.status, pair.reviewed_by_id, pair.reviewed_at = "pending", None, None
        for status, reviewed_by_id, reviewed_at in moved.get("_pair_decided_before") or ():
            pair.status, pair.reviewed_by_id = status, reviewed_by_id
            pair.reviewed_at = datetime.fromisoformat(reviewed_at) if reviewed_at else None
    carried = moved.get("not_duplicate_carried") or []
    table = DuplicatePair.__table__
    for pair_id, before in carried:
        mark = (table.c.id == pair_id) & (table.c.status == "not_duplicate")
        if before is None:
            db.session.execute(delete(table).where(mark))
        else:
            db.session.execute(update(table).where(mark).values(status=before, reviewed_by_id=None, reviewed_at=None))
    refresh_later([survivor.id, source.id])
    return {"not_duplicate_carried": len(carried)} if carried else {}


@signals.person_erased.connect
def _erased(person, **kwargs) -> dict:
    """An erased person leaves no pair behind, whatever its status."""
    table = DuplicatePair.__table__
    db.session.execute(delete(table).where(or_(table.c.person_a_id == person.id, table.c.person_b_id == person.id)))
    return {}


@signals.data_quality_figures.connect
def _quality_figure(period, **kwargs):
    """The annual report's line: pairs waiting for review among the people in the register at the end of the
    period; not reviewed yet (None) until the whole register has been scanned once."""
    if not ever_scanned():
        return None
    count = pending_count(*created_by(PersonA.created_at, period), *created_by(PersonB.created_at, period))
    return signals.QualityFigure(signals.DUPLICATES_PENDING, _("Cặp hồ sơ nghi trùng chờ rà soát"), count)
