"""The API benchmark: every person of a 100,000-people register listed through /api/v1/people page by page.

Fills the benchmark database (BENCH_DATABASE_URL, else instance/bench-api.db) with demo people (when it has
fewer), then, as an outside client with a token would, walks the whole list with the cursor
(`cursor=0`, then each page's `next_cursor`) while records are renamed between pages, and prints the time
per page (median, p95, max), the whole walk, and whether any person was missed or repeated; then times a
few page-number pages (first, middle, last) and a text search for comparison. Every request is complete:
token check, rate counting, query, serialisation and the access log. It refuses a database with real
(non-demo) people.
Run: scripts/bench-api [--per-page N] (PEOPLE=N for the size), or `python -m bench.api`.
"""
import statistics
import sys
import time

from sqlalchemy import func, select

from bench import harness
from diaspora.api.tokens import issue_token
from diaspora.auth.models import User
from diaspora.extensions import db
from diaspora.people import service
from diaspora.people.models import Person
from diaspora.people.privacy import outreach_allowed

BENCH_EDITOR = "bench-api@example.org"
EDITS_PER_PAGE = 2
CLIENT: dict = {}


def _editor() -> User:
    user = db.session.scalar(select(User).where(User.email == BENCH_EDITOR))
    if user is None:
        user = User(email=BENCH_EDITOR, name="Benchmark API", role="editor", active=True,
                    password_hash="!bench-only-not-for-login")
        db.session.add(user)
        db.session.commit()
    return user


def _edit_some(page_number: int, ids: list[int]) -> None:
    """Rename a few people between two pages: some already listed, some still ahead (their place in the
    name order moves; the cursor's id order does not)."""
    behind = ids[(page_number * 7) % len(ids)]
    ahead = ids[-1 - (page_number * 13) % len(ids)]
    for person_id in (behind, ahead)[:EDITS_PER_PAGE]:
        person = db.session.get(Person, person_id)
        name = person.full_name
        service.update_person(person, {"full_name": name[2:] if name.startswith("Ả ") else "Ả " + name})


def run_benchmark(people: int, per_page: int, seed: int, echo=print) -> dict:
    dialect = db.engine.dialect.name
    harness.refuse_real_people()
    missing = people - harness.count_people()
    if missing > 0:
        echo(f"Đang tạo {missing} người mẫu…")
        harness.fill_demo_people(missing, seed)
    expected = db.session.scalar(select(func.count()).select_from(Person)
                                 .where(Person.deleted_at.is_(None), outreach_allowed()))
    all_ids = list(db.session.scalars(select(Person.id).where(Person.deleted_at.is_(None)).order_by(Person.id)))
    _token, secret = issue_token(_editor(), "benchmark", days=1)
    headers = {"Authorization": f"Bearer {secret}"}
    client = CLIENT["client"]
    echo(f"\n{dialect}: {len(all_ids)} người trong sổ, {expected} người API được trả về "
         f"(không gồm người từ chối/hạn chế); {per_page} người mỗi trang.")
    seen, times, cursor, page_number, edits = [], [], "0", 0, 0
    started = time.perf_counter()
    while cursor is not None:
        began = time.perf_counter()
        response = client.get("/api/v1/people/", query_string={"cursor": cursor, "per_page": per_page},
                              headers=headers)
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"page {page_number + 1}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        body = response.get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        page_number += 1
        _edit_some(page_number, all_ids)
        edits += 2
    walk = time.perf_counter() - started
    repeated = len(seen) - len(set(seen))
    missed = expected - len(set(seen))
    echo(f"Con trỏ: {page_number} trang, {len(seen)} người trong {walk:.1f} s (kể cả {edits} lần sửa hồ sơ giữa "
         f"các trang); mỗi trang median {statistics.median(times):.1f} ms, p95 "
         f"{harness.percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms; "
         f"{len(seen) / sum(times) * 1000:.0f} người/s tính riêng thời gian các trang.")
    echo(f"Bỏ sót: {missed}; lặp lại: {repeated}.")
    numbered = {}
    last = max(1, -(-expected // per_page))
    for label, page in (("page 1", 1), ("middle page", last // 2), ("last page", last)):
        samples = []
        for _ in range(5):
            began = time.perf_counter()
            response = client.get("/api/v1/people/", query_string={"page": page, "per_page": per_page}, headers=headers)
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        numbered[label] = statistics.median(samples)
    for label, query in (("search 'nguyen van'", {"q": "nguyen van"}), ("country=JP", {"country": "JP"})):
        samples = []
        for _ in range(5):
            began = time.perf_counter()
            response = client.get("/api/v1/people/", query_string={**query, "per_page": per_page}, headers=headers)
            samples.append((time.perf_counter() - began) * 1000)
        numbered[label] = statistics.median(samples)
    echo("Trang theo số (median của 5 lần): " + "; ".join(f"{label} {ms:.1f} ms" for label, ms in numbered.items()))
    return {"pages": page_number, "people": len(seen), "expected": expected, "missed": missed, "repeated": repeated,
            "walk_seconds": walk, "page_median_ms": statistics.median(times),
            "page_p95_ms": harness.percentile(times, 0.95), "page_max_ms": max(times), "numbered_ms": numbered}


def main(argv=None) -> None:
    parser = harness.parser(__doc__, people=100_000)
    parser.add_argument("--per-page", type=int, default=500, help="Số người mỗi trang (1–500, mặc định 500).")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    if options.people < 100 or not 1 <= options.per_page <= 500:
        parser.error("--people must be at least 100 and --per-page between 1 and 500")
    database_url = harness.database_url(options.database_url, harness.INSTANCE / "bench-api.db")
    harness.ensure_database(database_url)
    # One client lists the whole register: no per-token rate limit in this run (each page is still logged).
    app = harness.bench_app(database_url, API_RATE_PER_MINUTE=0)
    CLIENT["client"] = app.test_client()
    with app.app_context():
        try:
            harness.ensure_schema()
            result = run_benchmark(people=options.people, per_page=options.per_page, seed=options.seed)
        except RuntimeError as error:
            sys.exit(f"Error: {error}")
        finally:
            db.session.remove()
            db.engine.dispose()
    if result["missed"] or result["repeated"]:
        sys.exit("Error: the cursor missed or repeated people")


if __name__ == "__main__":
    main()
