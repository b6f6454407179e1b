"""What the benchmarks share: their database, the app on it, demo people, timing, memory and figures.

A benchmark runs on its own database: BENCH_DATABASE_URL (or --database-url), else a SQLite file
of its own. It fills that database with demo people and refuses one holding real (non-demo) people.
Measurements that must not share a process run as phases: the benchmark runs itself again as
`python -m <module> --phase <name> <arguments…>`, which prints its figures as one JSON line.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from diaspora import create_app
from diaspora.auth import sessions
from diaspora.auth.models import User
from diaspora.config import Config
from diaspora.extensions import db
from diaspora.people.demo import analyze, create_demo_data
from diaspora.people.models import Person
from diaspora.reference.models import Country
from diaspora.reference.seed import seed_reference_data

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class RealPeople(RuntimeError):
    """The benchmark database holds real (non-demo) people."""


# --- the database and the app on it ----------------------------------------------------------------------

def database_url(url: str | None, default: Path) -> str:
    """The URL given (BENCH_DATABASE_URL), else the SQLite file `default`; postgres:// is spoken with psycopg 3.

    A SQLite file's directory (instance/ in a fresh checkout) is created when missing."""
    url = url or f"sqlite:///{default}"
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    target = make_url(url)
    if target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:"):
        Path(target.database).parent.mkdir(parents=True, exist_ok=True)
    return url


def ensure_database(url: str) -> None:
    """Create the PostgreSQL benchmark database when it does not exist yet (SQLite creates its file)."""
    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


def bench_app(url: str, **settings):
    """The app on the benchmark database, with `settings` over the usual configuration."""
    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark", **settings})
    return create_app(config)


def scratch(prefix: str) -> tuple[Path, dict]:
    """A new scratch directory, and the environment for phases that keeps the app's files in it."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    return directory, {**os.environ, "DIASPORA_INSTANCE": str(directory / "instance")}


# --- demo people -----------------------------------------------------------------------------------------

def refuse_real_people() -> None:
    """Raise RealPeople when the database holds any person who is not demo data."""
    if not inspect(db.engine).has_table("people"):
        return
    if db.session.scalar(select(func.count()).select_from(Person).where(Person.is_demo.is_(False))):
        raise RealPeople("The database holds real (non-demo) people; run the benchmark on its own database.")


def count_people() -> int:
    """The number of people in the database (0 when it has no tables yet)."""
    if not inspect(db.engine).has_table("people"):
        return 0
    return db.session.scalar(select(func.count()).select_from(Person))


def rebuild_schema() -> None:
    """Every table dropped and created again, with the reference data and no people."""
    db.session.remove()
    db.drop_all()
    db.create_all()
    seed_reference_data()
    db.session.commit()


def ensure_schema(echo=print) -> None:
    """The tables, and the reference data demo people need (countries, fields, roles, units), when missing."""
    if not inspect(db.engine).has_table("people"):
        db.create_all()
    if not db.session.scalar(select(func.count()).select_from(Country)):
        seed_reference_data()
        db.session.commit()
        echo("Đã nạp dữ liệu danh mục (quốc gia, lĩnh vực, vai trò, đơn vị hành chính).")


def fill_demo_people(count: int, seed: int = 1):
    """Add `count` demo people (none when count ≤ 0), then refresh the planner's statistics.

    Returns the demo summary (None when nobody was added) and the seconds both took."""
    started = time.perf_counter()
    summary = create_demo_data(count, seed=seed) if count > 0 else None
    analyze()
    return summary, time.perf_counter() - started


# --- timing and memory -----------------------------------------------------------------------------------

def peak_mb(children: bool = False) -> float:
    """Peak memory of this process or, with `children`, of the largest process it forked if that was larger."""
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) if children else (resource.RUSAGE_SELF,)
    return max(resource.getrusage(one).ru_maxrss for one in who) / 1024


def rss_mb() -> float:
    """The memory the process holds now (before the measured work: the app and its libraries)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds() -> float:
    """CPU seconds of this process and the processes it forked: steadier than wall time on a shared
    machine (SQLite runs in-process; PostgreSQL's own work is not counted)."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


@dataclass
class Timing:
    seconds: float = 0.0
    cpu: float = 0.0
    baseline_mb: float = 0.0


@contextmanager
def timed():
    """Wall and CPU seconds of the block, and the memory held before it; read them after the block."""
    timing = Timing(baseline_mb=rss_mb())
    started, cpu = time.perf_counter(), cpu_seconds()
    yield timing
    timing.seconds, timing.cpu = time.perf_counter() - started, cpu_seconds() - cpu


def percentile(values: list[float], share: float) -> float:
    """The value `share` of the way up the sorted values (nearest rank): 0.5 the median, 0.95 the p95."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- a signed-in viewer requesting pages -----------------------------------------------------------------

BENCH_VIEWER = "bench-viewer@example.org"


def bench_viewer():
    """The benchmarks' viewer account, created the first time (it cannot sign in with a password)."""
    user = db.session.scalar(select(User).where(User.email == BENCH_VIEWER))
    if user is None:
        user = User(email=BENCH_VIEWER, name="Benchmark", role="viewer", active=True,
                    password_hash=generate_password_hash("bench-only-not-for-login"))
        db.session.add(user)
        db.session.commit()
    return user


def viewer_client(app):
    """A test client of the app signed in as the benchmarks' viewer, as a sign-in through the form leaves it."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = bench_viewer().get_id(), True
        sessions.stamp(session)
    return client


def ratio(measured: float, baseline: float) -> float:
    """A measurement against the baseline measured in the same run (only ratios compare across runs)."""
    return round(measured / baseline, 2)


# --- phases and the command line -------------------------------------------------------------------------

def run_phase(module: str, phase: str, *arguments, env: dict, flags: tuple = (), show_stderr: bool = False) -> dict:
    """Run one phase of the benchmark `module` in a fresh process; its figures."""
    command = [sys.executable, "-m", module, "--phase", phase, *map(str, arguments), *flags]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if show_stderr:
        sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark phase {phase} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def parser(doc: str, people: int, phases: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    """--people and --database-url (default BENCH_DATABASE_URL); with `phases`, --phase and --json too."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    if phases:
        parser.add_argument("--phase", choices=phases)
        parser.add_argument("arguments", nargs="*")
    parser.add_argument("--people", type=int, default=people)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    if phases:
        parser.add_argument("--json", action="store_true")
    return parser


def main(options, benchmark: Callable[..., dict], phase: Callable[[str, list[str]], dict]) -> None:
    """With --phase, run that phase and print its figures as JSON; else run the whole benchmark,
    printing as it goes or, with --json, printing only its figures as one JSON object."""
    if options.phase is not None:
        print(json.dumps(phase(options.phase, options.arguments), default=str))  # a message is read as text
        return
    figures = benchmark(echo=(lambda *a: None) if options.json else print)
    if options.json:
        print(json.dumps(figures, ensure_ascii=False, default=str))
