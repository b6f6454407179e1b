"""The search benchmark command runs end to end on a small register (no timing is asserted)."""
from diaspora.people import service


def test_bench_search_times_every_query_and_prints_plans(seeded, runner):
    result = runner.invoke(args=["bench-search", "--people", "150", "--repeat", "3"])
    assert result.exit_code == 0, result.output
    for label in ("unfiltered page 1", "nguyen + health", "deep page 200", "Overall p95", "-- nguyen:"):
        assert label in result.output
    assert "people_fts" in result.output or "ix_people_search_text" in result.output or "Scan" in result.output


def test_bench_search_refuses_a_database_with_real_people(seeded, runner):
    service.create_person({"full_name": "Nguyễn Văn Hùng", "country_code": "JP"})
    result = runner.invoke(args=["bench-search", "--people", "150", "--repeat", "3"])
    assert result.exit_code != 0
    assert "non-demo" in result.output
