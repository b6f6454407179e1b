"""The import benchmark runs end to end on a small file, each phase in its own process as on the real size (no
timing is asserted): the floor, the import and its undo print their figures."""
from bench.imports import main


def test_bench_import_runs_every_phase_and_prints_the_ratio(tmp_path, capsys):
    main(["--people", "300", "--database-url", f"sqlite:///{tmp_path / 'bench.db'}"])
    output = capsys.readouterr().out
    for label in ("Nhập: ", "Mức sàn", "Tỉ lệ nhập / mức sàn", "Hoàn tác lần nhập"):
        assert label in output
