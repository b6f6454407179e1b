"""The access log benchmark: the people list page with and without its access log, measured in one run.

Fills the benchmark database (BENCH_DATABASE_URL, else instance/bench.db, the search benchmark's) with
demo people when it has fewer, then requests the people list page through the test client as a signed-in
viewer, at 50 and 500 people a page, unfiltered and for a text search: each page alternately with the
access log (the ceiling checked, the event and the people shown inserted, the commit) and without it,
so noise falls on both alike. Prints the median and p95 of each and their difference, the median CPU time
of this process per request (steadier than wall time on a shared machine; SQLite's work is in it,
PostgreSQL's is not), and the time of record_access alone. It refuses a database with real (non-demo)
people.
Run: python -m bench.access [--people N] [--repeat N] [--database-url URL].
"""
import statistics
import sys
import time
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from bench import harness
from diaspora.audit import access
from diaspora.extensions import db
from diaspora.people import views
from diaspora.people.models import Person

PAGES = (
    ("unfiltered, 50 a page", {}),
    ("unfiltered, 500 a page", {"per_page": 500}),
    ("nguyen, 50 a page", {"q": "nguyen"}),
    ("nguyen, 500 a page", {"q": "nguyen", "per_page": 500}),
)
# High enough never to stop the benchmark's viewer, so that the ceiling's query runs on every page.
NO_STOP = 10**9


@contextmanager
def without_access_log():
    """The list page as it was before the access log: no ceiling checked, no event written."""
    with mock.patch.object(views, "check_browse_ceiling", lambda *args, **kwargs: None), \
            mock.patch.object(views, "record_access", lambda *args, **kwargs: None):
        yield


def _get(client, url: str) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    db.session.remove()  # each request starts from an empty session, as in production
    return elapsed


def _time_pages(repeat: int) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Wall and CPU milliseconds per request of each page, with and without the access log, interleaved."""
    client = harness.viewer_client(current_app)
    timings = {label: {"with": [], "without": []} for label, _ in PAGES}
    for round_number in range(repeat + 2):
        for label, args in PAGES:
            url = "/people/?" + urlencode(args)
            # Alternate which goes first, so neither always finds the caches the other warmed.
            order = ("with", "without") if round_number % 2 else ("without", "with")
            for mode in order:
                if mode == "with":
                    elapsed = _get(client, url)
                else:
                    with without_access_log():
                        elapsed = _get(client, url)
                if round_number >= 2:  # the first two rounds warm the caches
                    timings[label][mode].append(elapsed)
    return timings


def _time_record_access(repeat: int) -> dict[int, list[float]]:
    """Milliseconds of record_access alone for a list of 50 and of 500 people."""
    user = harness.bench_viewer()
    ids = list(db.session.scalars(select(Person.id).order_by(Person.id).limit(500)))
    timings = {50: [], 500: []}
    for _ in range(repeat):
        for size in timings:
            started = time.perf_counter()
            access.record_access("list", people_ids=ids[:size], entity_type="people", filters={"page": 1},
                                 user=user)
            timings[size].append((time.perf_counter() - started) * 1000)
    db.session.remove()
    return timings


def run_benchmark(people: int, repeat: int, seed: int, echo=print) -> dict:
    """Fill, time and print; returns {page: {without, with, difference, …}} in milliseconds (medians, p95s, CPU)."""
    harness.refuse_real_people()
    missing = people - harness.count_people()
    if missing > 0:
        echo(f"Tạo {missing} người mẫu…")
    harness.fill_demo_people(missing, seed)
    echo(f"\n{db.engine.dialect.name}: {harness.count_people()} người; {repeat} lần đo mỗi trang và cách đo.")
    pages = _time_pages(repeat)
    alone = _time_record_access(repeat)
    width = max(len(label) for label, _ in PAGES)
    echo(f"\n{'page':{width}}  {'without med':>11}  {'with med':>8}  {'diff med':>8}  "
         f"{'without p95':>11}  {'with p95':>8}  {'diff p95':>8}  {'cpu without':>11}  {'cpu with':>8}")
    figures = {}
    for label, _ in PAGES:
        without = [wall for wall, _cpu in pages[label]["without"]]
        with_log = [wall for wall, _cpu in pages[label]["with"]]
        medians = statistics.median(without), statistics.median(with_log)
        p95s = harness.percentile(without, 0.95), harness.percentile(with_log, 0.95)
        cpu = [statistics.median(cpu for _wall, cpu in pages[label][mode]) for mode in ("without", "with")]
        figures[label] = {"without": medians[0], "with": medians[1], "difference": medians[1] - medians[0],
                          "without_p95": p95s[0], "with_p95": p95s[1], "cpu_without": cpu[0], "cpu_with": cpu[1]}
        echo(f"{label:{width}}  {medians[0]:11.1f}  {medians[1]:8.1f}  {medians[1] - medians[0]:+8.1f}  "
             f"{p95s[0]:11.1f}  {p95s[1]:8.1f}  {p95s[1] - p95s[0]:+8.1f}  {cpu[0]:11.1f}  {cpu[1]:8.1f}")
    for size, values in alone.items():
        figures[f"record_access {size}"] = statistics.median(values)
        echo(f"record_access alone, {size} people: median {statistics.median(values):.2f} ms, "
             f"p95 {harness.percentile(values, 0.95):.2f} ms")
    return figures


def main(argv=None) -> None:
    parser = harness.parser(__doc__, people=100_000)
    parser.add_argument("--repeat", type=int, default=30, help="Số lần đo mỗi trang (mặc định 30).")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    if options.people < 600 or options.repeat < 3:
        parser.error("--people must be at least 600 and --repeat at least 3")
    database_url = harness.database_url(options.database_url, harness.INSTANCE / "bench.db")
    harness.ensure_database(database_url)
    app = harness.bench_app(database_url, BROWSE_MAX_PEOPLE_PER_HOUR=NO_STOP)
    with app.app_context():
        try:
            harness.ensure_schema()
            run_benchmark(people=options.people, repeat=options.repeat, seed=options.seed)
        except RuntimeError as error:
            sys.exit(f"Error: {error}")
        finally:
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
