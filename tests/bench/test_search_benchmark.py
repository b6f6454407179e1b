"""The search benchmark runs end to end on a small register (no timing is asserted)."""
import pytest

from bench.search import main
from diaspora.people import service


def test_bench_search_times_every_query_and_prints_plans(app, capsys):
    main(["--people", "150", "--repeat", "3", "--database-url", app.config["SQLALCHEMY_DATABASE_URI"]])
    output = capsys.readouterr().out
    for label in ("unfiltered page 1", "nguyen + health", "deep page 200", "Overall p95", "-- nguyen:"):
        assert label in output
    assert "people_fts" in output or "ix_people_search_text" in output or "Scan" in output


def test_bench_search_refuses_a_database_with_real_people(seeded):
    service.create_person({"full_name": "Nguyễn Văn Hùng", "country_code": "JP"})
    with pytest.raises(SystemExit) as refused:
        main(["--people", "150", "--repeat", "3", "--database-url", seeded.config["SQLALCHEMY_DATABASE_URI"]])
    assert "non-demo" in str(refused.value.code)
