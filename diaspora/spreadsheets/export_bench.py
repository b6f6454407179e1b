"""Benchmark of the people export against its floor, on SQLite or PostgreSQL (BENCH_DATABASE_URL).

The benchmark database is filled with N demo people (diaspora.people.demo), and kept for the next
run while it holds exactly those; a database holding any real person is refused. Each
measurement runs in a fresh process, which reports its time and its peak memory:
- fetch: every person read and rendered into cell values, as export does, nothing written;
- floor: the same values, fetched the same way, written with the fastest writer there is
  (XlsxWriter in constant-memory mode, no formats, no checks);
- export: export_people() to .xlsx (title, formats, safe texts, widths, filter, audit event);
- csv: export_people() to .csv.
Run: scripts/bench-export [--people N] [--fresh], or `flask bench-export`.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_RATIO = 1.5


def _app(database_url: str):
    from diaspora import create_app
    from diaspora.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "benchmark"

    return create_app(BenchConfig)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss_mb() -> float:
    """The memory the process holds now (before the measured work: the app and its libraries)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _ensure_database(database_url: str) -> None:
    """Create the PostgreSQL benchmark database when it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(database_url)
    if not target.drivername.startswith("postgresql"):
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


# --- phases, each run in its own process ---------------------------------------------------------------

def phase_setup(database_url: str, people: int, fresh: bool) -> dict:
    """Keep a database holding exactly `people` demo people; otherwise rebuild it with them."""
    from sqlalchemy import func, inspect, select

    from diaspora.extensions import db
    from diaspora.people.demo import analyze, create_demo_data
    from diaspora.people.models import Person
    from diaspora.reference.service import seed_reference_data

    _ensure_database(database_url)
    app = _app(database_url)
    with app.app_context():
        if inspect(db.engine).has_table("people"):
            real = db.session.scalar(select(func.count()).select_from(Person).where(Person.is_demo.is_(False)))
            if real:
                raise SystemExit("The database holds real (non-demo) people; run the benchmark on its own database.")
            demo = db.session.scalar(select(func.count()).select_from(Person))
            if demo == people and not fresh:
                return {"reused": True, "seconds": 0.0}
        db.session.remove()
        db.drop_all()
        db.create_all()
        seed_reference_data()
        db.session.commit()
        started = time.perf_counter()
        create_demo_data(people)
        analyze()
        return {"reused": False, "seconds": round(time.perf_counter() - started, 2)}


def _measure(database_url: str, work) -> dict:
    app = _app(database_url)
    with app.app_context():
        from diaspora.people.search import PeopleQuery

        baseline = _rss_mb()
        started = time.perf_counter()
        rows = work(PeopleQuery())
        seconds = time.perf_counter() - started
    peak = _peak_mb()
    return {"rows": rows, "seconds": round(seconds, 2), "peak_mb": peak, "baseline_mb": baseline,
            "beyond_baseline_mb": round(peak - baseline, 1)}


def phase_fetch(database_url: str) -> dict:
    """Read and render every person, write nothing: the part the floor and the export share."""
    from diaspora.spreadsheets.export import rendered_rows

    return _measure(database_url, lambda query: sum(1 for _ in rendered_rows(query)))


def phase_floor(database_url: str, out: str) -> dict:
    """The same values written with XlsxWriter in constant-memory mode, without any format."""
    import xlsxwriter

    from diaspora.spreadsheets.export import rendered_rows

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
    from diaspora.spreadsheets.export import export_people

    fmt = Path(out).suffix.lstrip(".")
    result = _measure(database_url, lambda query: export_people(query, out, fmt=fmt, user=None))
    result["file_mb"] = round(Path(out).stat().st_size / 2**20, 1)
    return result


# --- orchestration --------------------------------------------------------------------------------------

def _child(phase: str, *arguments, env=None) -> dict:
    command = [sys.executable, "-m", "diaspora.spreadsheets.export_bench", "--phase", phase, *map(str, arguments)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark phase {phase} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_benchmark(people: int = 100_000, database_url: str | None = None, fresh: bool = False, echo=print,
                  instance_path=None) -> dict:
    """Fill (or reuse) the database, then time fetch, floor, xlsx and csv export, each in a fresh process."""
    instance = Path(instance_path or Path(__file__).resolve().parents[2] / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    database_url = database_url or f"sqlite:///{instance / 'bench-export.db'}"
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    engine = database_url.split(":", 1)[0].split("+")[0]
    scratch = Path(tempfile.mkdtemp(prefix="bench-export-"))
    env = {**os.environ, "DIASPORA_INSTANCE": str(scratch / "instance")}
    echo(f"Chuẩn bị: {people} hồ sơ mẫu ({engine})…")
    setup = _child("setup", database_url, people, int(fresh), env=env)
    echo("  dùng lại cơ sở dữ liệu đã có" if setup["reused"] else f"  tạo dữ liệu mẫu: {setup['seconds']:.1f} s")
    fetch = _child("fetch", database_url, env=env)
    floor = _child("floor", database_url, scratch / "floor.xlsx", env=env)
    exported = _child("export", database_url, scratch / "export.xlsx", env=env)
    as_csv = _child("export", database_url, scratch / "export.csv", env=env)
    ratio = round(exported["seconds"] / floor["seconds"], 2)
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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=("setup", "fetch", "floor", "export"))
    parser.add_argument("arguments", nargs="*")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo data even when it could be reused")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    if options.phase is None:
        figures = run_benchmark(options.people, options.database_url, options.fresh,
                                echo=(lambda *a: None) if options.json else print)
        if options.json:
            print(json.dumps(figures, ensure_ascii=False))
        return
    arguments = options.arguments
    if options.phase == "setup":
        result = phase_setup(arguments[0], int(arguments[1]), bool(int(arguments[2])))
    elif options.phase == "fetch":
        result = phase_fetch(arguments[0])
    elif options.phase == "floor":
        result = phase_floor(arguments[0], arguments[1])
    else:
        result = phase_export(arguments[0], arguments[1])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
