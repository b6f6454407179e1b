"""The access log benchmark runs end to end on a small register (no timing is asserted)."""
from sqlalchemy import func, select

from bench.access import PAGES, main
from diaspora.audit.models import AuditEvent
from diaspora.extensions import db


def test_bench_access_times_each_page_with_and_without_the_log(app, capsys):
    main(["--people", "600", "--repeat", "3", "--database-url", app.config["SQLALCHEMY_DATABASE_URI"]])
    output = capsys.readouterr().out
    for label, _ in PAGES:
        assert label in output
    assert "record_access alone, 500 people" in output
    # Only the pages timed with the log wrote events: 4 pages × 5 rounds, and record_access 2 × 3 times.
    lists = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "list"))
    assert lists == len(PAGES) * 5 + 2 * 3
