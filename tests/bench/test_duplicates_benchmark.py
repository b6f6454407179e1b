"""The duplicate review benchmark runs end to end on a small register (no timing is asserted): every planted pair
found, nothing kept apart paired up."""
import pytest

from bench.duplicates import main
from diaspora.people import service


def test_bench_duplicates_finds_every_planted_pair(app, capsys):
    main(["--people", "300", "--per-kind", "5", "--repeat", "5", "--database-url",
          app.config["SQLALCHEMY_DATABASE_URI"]])
    output = capsys.readouterr().out
    assert "Planted pairs found:      35/35" in output
    assert "No pair among the records that must stay apart" in output
    for label in ("Floor (read people", "Find every pair", "Scan into the queue", "Pairs of one person"):
        assert label in output


def test_bench_duplicates_refuses_a_database_with_real_people(seeded):
    service.create_person({"full_name": "Nguyễn Văn Hùng", "country_code": "JP"})
    with pytest.raises(SystemExit) as refused:
        main(["--people", "300", "--database-url", seeded.config["SQLALCHEMY_DATABASE_URI"]])
    assert "non-demo" in str(refused.value.code)
