"""The search benchmark: the people list page timed at the size of a real register.

Fills the benchmark database (BENCH_DATABASE_URL, else instance/bench.db) with demo people (when it
has fewer), then requests the list page through the test client as a signed-in viewer — the whole
request, template included — for text searches, filters, both together, sorts and a deep page, and
prints median and p95 per query next to a baseline measured in the same run, and the query plans
that show the indexes. It refuses a database with real (non-demo) people.
Run: scripts/bench-search [--repeat N] [--seed N] (PEOPLE=N for the size), or `python -m bench.search`.
"""
import statistics
import sys
import time
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import event, func, select, text

from bench import harness
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.people.models import Person
from diaspora.people.search import PeopleQuery, search_people
from diaspora.reference.models import CommunityRole, Field

EXPLAINED = ("unfiltered page 1", "nguyen", "nguyen van hung", "phone", "JP", "health", "nguyen + JP",
             "nguyen + health", "deep page 200", "nguyen van thu", "name as written")


def _first(statement, default=None):
    value = db.session.scalar(statement.limit(1))
    return default if value is None else value


def benchmark_queries() -> list[tuple[str, dict]]:
    """(label, URL arguments) of the timed list pages, with names, phones and ids taken from the data."""
    active = Person.deleted_at.is_(None)
    rare_name = _first(
        select(Person.full_name).where(active, Person.name_folded.like("khuc %")).order_by(Person.id),
        _first(select(Person.full_name).where(active).order_by(Person.id.desc()), "Khúc Thị Lan"),
    )
    person_contact = select(Contact.value).join(Person, Person.id == Contact.person_id).where(active)
    phone = _first(person_contact.where(Contact.kind == "phone", Contact.normalized.like("+81%")).order_by(Contact.id),
                   "+81 90-1234-5678")
    email = _first(person_contact.where(Contact.kind == "email").order_by(Contact.id.desc()), "hung.nguyen@gmail.com")
    organisation = _first(
        select(Membership.organisation_id).join(Organisation)
        .where(Organisation.kind == "association", Organisation.deleted_at.is_(None))
        .group_by(Membership.organisation_id).order_by(func.count().desc(), Membership.organisation_id), 1,
    )
    field = _first(select(Field.key).where(Field.key == "health"), _first(select(Field.key), "health"))
    role = _first(select(CommunityRole.key).where(CommunityRole.key == "business"),
                  _first(select(CommunityRole.key), "business"))
    return [
        ("unfiltered page 1", {}),
        ("nguyen", {"q": "nguyen"}),
        ("rare full name", {"q": rare_name}),
        ("nguyen van hung", {"q": "nguyen van hung"}),
        ("nguyen van thu", {"q": "nguyen van thu"}),
        ("Nguyễn Văn Thử (accents)", {"q": "Nguyễn Văn Thử"}),
        ("picker: thi lan, 10", {"q": "thi lan", "per_page": 10}),
        ("prefix dang", {"q": "dang"}),
        ("phone", {"q": phone}),
        ("email", {"q": email}),
        ("JP", {"country": "JP"}),
        ("health", {"field": field}),
        ("role", {"role": role}),
        ("organisation", {"organisation": organisation}),
        ("offer investment", {"offer": "investment"}),
        ("title ts", {"title": "ts"}),
        ("nguyen + JP", {"q": "nguyen", "country": "JP"}),
        ("nguyen + health", {"q": "nguyen", "field": field}),
        ("JP + health + role", {"country": "JP", "field": field, "role": role}),
        ("dang + US, by birth year desc", {"q": "dang", "country": "US", "sort": "-birth_year"}),
        ("nguyen, name desc", {"q": "nguyen", "sort": "-name"}),
        ("updated desc", {"sort": "-updated"}),
        ("name as written", {"sort": "written"}),
        ("JP by birth year desc", {"country": "JP", "sort": "-birth_year"}),
        ("deep page 200", {"page": 200}),
        ("nguyen deep page 100", {"q": "nguyen", "page": 100}),
    ]


def _fill(people: int, seed: int, echo) -> None:
    missing = people - harness.count_people()
    if missing > 0:
        echo(f"Tạo {missing} người mẫu…")
    summary, _ = harness.fill_demo_people(missing, seed)
    if summary is not None:
        echo(f"  {summary.people} người, {summary.organisations} tổ chức, {summary.contacts} liên hệ "
             f"trong {summary.seconds:.1f} giây")


def _time_pages(queries, repeat: int) -> dict[str, list[float]]:
    """Milliseconds per request of each list page, the queries interleaved so noise spreads evenly."""
    client = harness.viewer_client(current_app)
    urls = [(label, "/people/?" + urlencode(args)) for label, args in queries]
    timings: dict[str, list[float]] = {label: [] for label, _ in urls}
    for round_number in range(repeat + 2):
        for label, url in urls:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            db.session.remove()  # each request starts from an empty session, as in production
            if round_number >= 2:  # the first two rounds warm the caches
                timings[label].append(elapsed)
    return timings


def _time_search(queries, repeat: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Milliseconds of search_people() alone, and the number of matches, per query."""
    timings: dict[str, list[float]] = {label: [] for label, _ in queries}
    totals = {}
    for round_number in range(repeat + 1):
        for label, args in queries:
            query = PeopleQuery.from_args(args)
            started = time.perf_counter()
            page = search_people(query)
            elapsed = (time.perf_counter() - started) * 1000
            db.session.remove()
            totals[label] = page.total
            if round_number:
                timings[label].append(elapsed)
    return timings, totals


def _time_bare_count(repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        db.session.execute(text("SELECT count(*) FROM people")).scalar()
        timings.append((time.perf_counter() - started) * 1000)
    db.session.remove()
    return timings


def _plans(queries, echo) -> None:
    """The plan of every statement search_people() runs on people for the main queries."""
    dialect = db.engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (COSTS OFF) "
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    for label, args in queries:
        if label not in EXPLAINED:
            continue
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            search_people(PeopleQuery.from_args(args))
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        echo(f"\n-- {label}: {args}")
        connection = db.session.connection()
        for statement, parameters in list(statements):
            if "people" not in statement or "max(people.id)" in statement:
                continue
            echo("   " + " ".join(statement.split())[:160])
            for row in connection.exec_driver_sql(prefix + statement, parameters):
                echo("      " + (row[-1] if dialect == "sqlite" else row[0]))
        db.session.remove()


def run_benchmark(people: int, repeat: int, seed: int, echo=print) -> dict:
    """Fill, time and print; returns the figures ({label: (matches, median, p95)} and baselines)."""
    dialect = db.engine.dialect.name
    harness.refuse_real_people()
    _fill(people, seed, echo)
    queries = benchmark_queries()
    count = harness.count_people()
    echo(f"\n{dialect}: {count} người trong cơ sở dữ liệu; {repeat} lần đo mỗi truy vấn.")
    pages = _time_pages(queries, repeat)
    searches, totals = _time_search(queries, repeat)
    bare = _time_bare_count(repeat)
    baseline_page = statistics.median(pages["unfiltered page 1"])
    width = max(len(label) for label, _ in queries)
    echo(f"\n{'query':{width}}  {'matches':>7}  {'page med':>8}  {'page p95':>8}  {'search med':>10}  "
         f"{'search p95':>10}  {'p95/base':>8}")
    results = {}
    for label, _ in queries:
        median, p95 = statistics.median(pages[label]), harness.percentile(pages[label], 0.95)
        results[label] = (totals[label], median, p95)
        echo(f"{label:{width}}  {totals[label]:>7}  {median:8.1f}  {p95:8.1f}  "
             f"{statistics.median(searches[label]):10.1f}  {harness.percentile(searches[label], 0.95):10.1f}  "
             f"{p95 / baseline_page:8.2f}")
    everything = [value for values in pages.values() for value in values]
    overall = harness.percentile(everything, 0.95)
    echo(f"\nOverall p95 of the list page: {overall:.1f} ms (target ≤ 100 ms).")
    echo(f"Baselines in this run: unfiltered page 1 median {baseline_page:.1f} ms; "
         f"bare SELECT count(*) FROM people median {statistics.median(bare):.2f} ms. "
         f"Overall p95 / unfiltered page = {overall / baseline_page:.2f}.")
    _plans(queries, echo)
    return {"queries": results, "overall_p95": overall, "baseline_page": baseline_page,
            "bare_count": statistics.median(bare)}


def main(argv=None) -> None:
    parser = harness.parser(__doc__, people=100_000)
    parser.add_argument("--repeat", type=int, default=30, help="Số lần đo mỗi truy vấn (mặc định 30).")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    if options.people < 100 or options.repeat < 3:
        parser.error("--people must be at least 100 and --repeat at least 3")
    database_url = harness.database_url(options.database_url, harness.INSTANCE / "bench.db")
    harness.ensure_database(database_url)
    # One viewer requests thousands of list pages: no ceiling on bulk browsing (each page is still logged).
    app = harness.bench_app(database_url, BROWSE_MAX_PEOPLE_PER_HOUR=0)
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
