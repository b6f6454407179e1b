"""Benchmark of the people export against its floor, on SQLite or PostgreSQL (BENCH_DATABASE_URL).

The benchmark database is filled with N demo people (diaspora.people.demo), and kept for the next
run while it holds exactly those; a database holding any real person is refused. Each
measurement runs in a fresh process, which reports its time and its peak memory:
- fetch: every person read and rendered into cell values, as export does, nothing written;
- floor: the same values, fetched the same way, written with the fastest writer there is
  (XlsxWriter in constant-memory mode, no formats, no checks);
- export: export_people() to .xlsx (title, formats, safe texts, widths, filter, audit event);
- csv: export_people() to .csv.
Run: scripts/bench-export [--people N] [--fresh] [--json], or `python -m bench.export`.
"""
from datetime import date
from pathlib import Path

import xlsxwriter

from bench import harness
from diaspora.people.exports import export_people, rendered_rows
from diaspora.people.search import PeopleQuery

MODULE = "bench.export"
PHASES = ("setup", "fetch", "floor", "export")
TARGET_RATIO = 1.5


def _peak_mb() -> float:
    return round(harness.peak_mb(), 1)


# --- phases, each run in its own process ---------------------------------------------------------------

def phase_setup(database_url: str, people: int, fresh: bool) -> dict:
    """Keep a database holding exactly `people` demo people; otherwise rebuild it with them."""
    harness.ensure_database(database_url)
    app = harness.bench_app(database_url)
    with app.app_context():
        try:
            harness.refuse_real_people()
        except harness.RealPeople as refused:
            raise SystemExit(str(refused)) from None
        if harness.count_people() == people and not fresh:
            return {"reused": True, "seconds": 0.0}
        harness.rebuild_schema()
        _, seconds = harness.fill_demo_people(people)
        return {"reused": False, "seconds": round(seconds, 2)}


def _measure(database_url: str, work) -> dict:
    app = harness.bench_app(database_url)
    with app.app_context(), harness.timed() as timing:
        rows = work(PeopleQuery())
    peak = _peak_mb()
    return {"rows": rows, "seconds": round(timing.seconds, 2), "peak_mb": peak, "baseline_mb": timing.baseline_mb,
            "beyond_baseline_mb": round(peak - timing.baseline_mb, 1)}


def phase_fetch(database_url: str) -> dict:
    """Read and render every person, write nothing: the part the floor and the export share."""
    return _measure(database_url, lambda query: sum(1 for _ in rendered_rows(query)))


def phase_floor(database_url: str, out: str) -> dict:
    """The same values written with XlsxWriter in constant-memory mode, without any format."""
    def work(query) -> int:
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
        count = 0
        for count, values in enumerate(rendered_rows(query), start=1):
            for column, value in enumerate(values):
                if value is None:
                    continue
                if type(value) is str:
                    write_string(count, column, value)
                elif isinstance(value, date):
                    write_datetime(count, column, value)
                else:
                    write_number(count, column, value)
        workbook.close()
        return count

    result = _measure(database_url, work)
    result["file_mb"] = round(Path(out).stat().st_size / 2**20, 1)
    return result


def phase_export(database_url: str, out: str) -> dict:
    """export_people() itself, with everything it does (including its audit event)."""
    fmt = Path(out).suffix.lstrip(".")
    result = _measure(database_url, lambda query: export_people(query, out, fmt=fmt, user=None))
    result["file_mb"] = round(Path(out).stat().st_size / 2**20, 1)
    return result


# --- orchestration --------------------------------------------------------------------------------------

def run_benchmark(people: int = 100_000, database_url: str | None = None, fresh: bool = False, echo=print) -> dict:
    """Fill (or reuse) the database, then time fetch, floor, xlsx and csv export, each in a fresh process."""
    database_url = harness.database_url(database_url, harness.INSTANCE / "bench-export.db")
    engine = database_url.split(":", 1)[0].split("+")[0]
    scratch, env = harness.scratch("bench-export-")
    echo(f"Chuẩn bị: {people} hồ sơ mẫu ({engine})…")
    setup = harness.run_phase(MODULE, "setup", database_url, people, int(fresh), env=env)
    echo("  dùng lại cơ sở dữ liệu đã có" if setup["reused"] else f"  tạo dữ liệu mẫu: {setup['seconds']:.1f} s")
    fetch = harness.run_phase(MODULE, "fetch", database_url, env=env)
    floor = harness.run_phase(MODULE, "floor", database_url, scratch / "floor.xlsx", env=env)
    exported = harness.run_phase(MODULE, "export", database_url, scratch / "export.xlsx", env=env)
    as_csv = harness.run_phase(MODULE, "export", database_url, scratch / "export.csv", env=env)
    ratio = harness.ratio(exported["seconds"], floor["seconds"])
    figures = {"engine": engine, "people": people, "setup": setup, "fetch": fetch, "floor": floor,
               "export": exported, "csv": as_csv, "ratio": ratio}

    def line(label: str, result: dict) -> str:
        rate = result["rows"] / result["seconds"] if result["seconds"] else 0
        size = f", {result['file_mb']} MB" if "file_mb" in result else ""
        return (f"{label:<52} {result['seconds']:7.2f} s {rate:9,.0f} dòng/s  bộ nhớ đỉnh {result['peak_mb']:6.1f} MB "
                f"(+{result['beyond_baseline_mb']:.1f} MB ngoài ứng dụng){size}")

    echo(line("Đọc và dựng giá trị (không ghi)", fetch))
    echo(line("Mức sàn: XlsxWriter constant_memory, không định dạng", floor))
    echo(line("Xuất .xlsx (export_people)", exported))
    echo(line("Xuất .csv (export_people)", as_csv))
    echo(f"Tỉ lệ xuất .xlsx / mức sàn: {ratio:.2f} (mục tiêu ≤ {TARGET_RATIO}) — "
         f"{'đạt' if ratio <= TARGET_RATIO else 'CHƯA ĐẠT'}")
    for path in scratch.glob("*.*"):
        path.unlink()
    return figures


def _phase(name: str, arguments: list[str]) -> dict:
    if name == "setup":
        return phase_setup(arguments[0], int(arguments[1]), bool(int(arguments[2])))
    if name == "fetch":
        return phase_fetch(arguments[0])
    if name == "floor":
        return phase_floor(arguments[0], arguments[1])
    return phase_export(arguments[0], arguments[1])


def main(argv=None) -> None:
    parser = harness.parser(__doc__, people=100_000, phases=PHASES)
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo data even when it could be reused")
    options = parser.parse_args(argv)
    harness.main(options, lambda echo: run_benchmark(options.people, options.database_url, options.fresh, echo=echo),
                 _phase)


if __name__ == "__main__":
    main()
