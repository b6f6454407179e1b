"""Removing the demo records, so an office that tried the product with `flask demo-data` starts clean.

Demo people, organisations, distribution channels and activities are marked `is_demo`. Removing them
removes what hangs on them, found from the schema itself so that a table added later is covered too:
a row whose foreign key is declared ON DELETE CASCADE goes (contacts, memberships, fields, participants,
products carried, status history, a mailing's recipients…), one declared SET NULL is kept and unlinked
(a real channel run by a demo person, a real person's registration). What points at records without a
foreign key is cleared by hand: the audit events about demo records, the demo people among the people a
read showed (the access log), and the records an import row names. Real records are never removed; a
real person who was a member of a demo organisation loses the membership, and their search text is
computed again. Everything happens in one transaction, recorded as one audit event.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from diaspora.audit.models import AuditEvent, audit_event_people
from diaspora.audit.service import record
from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.imports.kinds import registered_kinds
from diaspora.organisations.models import Membership, Organisation
from diaspora.outreach.models import Activity, DistributionChannel
from diaspora.people.demo import analyze
from diaspora.people.models import Person
from diaspora.people.service import refresh_search_text

# The records demo-data makes, marked is_demo: what a removal starts from.
DEMO_MODELS = (Activity, DistributionChannel, Person, Organisation)
# Import kinds whose rows name other records than people: {sheet key: table of those records}.
IMPORT_ROW_RECORDS = {"channels": DistributionChannel.__tablename__}


def demo_counts() -> dict[str, int]:
    """{table: demo records in it} of the records demo-data makes."""
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)
                                                   .where(model.is_demo.is_(True)))
            for model in DEMO_MODELS}


def _referencing(table) -> list:
    """(table, column, ON DELETE action) of every foreign key that points at `table`."""
    found = []
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table:
                found.append((other, key.parent, (key.ondelete or "").upper()))
    return found


def _remove_rows(connection, table, condition, counts: dict, seen: tuple = ()) -> None:
    """Delete the rows of `table` meeting `condition`, after what hangs on them: rows of a CASCADE key (or of a
    key that cannot be empty) are removed the same way, rows of a SET NULL key unlinked."""
    for child, column, action in _referencing(table):
        if (child, column) in seen:
            continue
        ids = select(table.c.id).where(condition).scalar_subquery()
        if action == "SET NULL" or (action != "CASCADE" and column.nullable):
            result = connection.execute(update(child).where(column.in_(ids)).values({column.name: None}))
            if result.rowcount:
                key = f"{child.name}.{column.name} (unlinked)"
                counts[key] = counts.get(key, 0) + result.rowcount
        else:
            _remove_rows(connection, child, column.in_(ids), counts, (*seen, (child, column)))
    removed = connection.execute(delete(table).where(condition)).rowcount
    if removed:
        counts[table.name] = counts.get(table.name, 0) + removed


def _clear_references(connection, counts: dict) -> None:
    """What names demo records without a foreign key: audit events about them, the access log's people shown,
    the records named by import rows."""
    for model in DEMO_MODELS:
        demo_ids = select(model.id).where(model.is_demo.is_(True))
        _remove_rows(connection, AuditEvent.__table__,
                     (AuditEvent.entity_type == model.__tablename__) & AuditEvent.entity_id.in_(demo_ids), counts)
    demo_people = select(Person.id).where(Person.is_demo.is_(True))
    removed = connection.execute(delete(audit_event_people).where(audit_event_people.c.person_id.in_(demo_people)))
    if removed.rowcount:
        counts[audit_event_people.name] = counts.get(audit_event_people.name, 0) + removed.rowcount
    tables = {model.__tablename__: model for model in DEMO_MODELS}
    for key, kind in registered_kinds().items():
        model = tables.get(IMPORT_ROW_RECORDS.get(key, Person.__tablename__ if kind.people_rows else ""))
        if model is None:
            continue
        batches = select(ImportBatch.id).where(
            ImportBatch.sheet_key.is_(None) | (ImportBatch.sheet_key == key) if key == "people"
            else ImportBatch.sheet_key == key)
        unlinked = connection.execute(
            update(ImportRow).where(ImportRow.batch_id.in_(batches),
                                    ImportRow.person_id.in_(select(model.id).where(model.is_demo.is_(True))))
            .values(person_id=None))
        if unlinked.rowcount:
            counts["import_rows.person_id (unlinked)"] = counts.get("import_rows.person_id (unlinked)", 0) \
                + unlinked.rowcount


def remove_demo_data(by=None) -> dict[str, int]:
    """Remove every demo record and what hangs on it, in one transaction, audited; {table: rows removed}
    (and {"table.column (unlinked)": rows} for real rows that pointed at a demo record)."""
    session = db.session
    connection = session.connection()
    counts: dict[str, int] = {}
    # Real people who lose a membership in a demo organisation are found under its name until recomputed.
    members = list(session.scalars(
        select(Membership.person_id).distinct()
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .join(Person, Person.id == Membership.person_id)
        .where(Organisation.is_demo.is_(True), Person.is_demo.is_(False))))
    _clear_references(connection, counts)
    for model in DEMO_MODELS:
        _remove_rows(connection, model.__table__, model.__table__.c.is_demo.is_(True), counts)
    if members:
        refresh_search_text(select(Person.id).where(Person.id.in_(members)))
    session.expire_all()
    record("demo_data_removed", user=by, changes=dict(counts), summary=_l(
        "Xoá dữ liệu mẫu: %(people)d hồ sơ, %(organisations)d tổ chức, %(channels)d kênh phân phối, "
        "%(activities)d hoạt động.", people=counts.get("people", 0), organisations=counts.get("organisations", 0),
        channels=counts.get("distribution_channels", 0), activities=counts.get("activities", 0)))
    session.commit()
    analyze()
    return counts
