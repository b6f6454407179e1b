"""The duplicate review benchmark: the probable duplicate pairs of a register of 100,000 people.

Fills the benchmark database (BENCH_DATABASE_URL, else instance/bench-duplicates.db) with demo people (when it
has fewer), plants known duplicates of every kind the rules know (same email; same phone; same name, birth year
and country; same name and city; a near name in the same city or with the same birth year and country; the same
name in one organisation) and records the rules must keep apart (a family's phone shared by husband and wife;
the same name and city with known birth years that differ; names that only look alike (Lâm / Nam in one city, the
same words in another order); hundreds of "Nguyễn Văn Nam" in other years and
countries), then times:
  - the floor: reading what the finder reads (people, memberships, contacts), in the same run;
  - finding every pair of the register, and storing them in the review queue (the job's work);
  - finding the pairs touching one person (what a save does before its commit), median and p95.
It checks that every planted pair is found with its reason and that none of the records kept apart pairs up.
Run: scripts/bench-duplicates (PEOPLE=N for the size), or `python -m bench.duplicates`.
"""
import statistics
import sys
import time

from sqlalchemy import delete, func, select

from bench import harness
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.people import duplicates
from diaspora.people.demo import analyze
from diaspora.people.models import Person
from diaspora.people.service import derived_columns
from diaspora.reports.duplicates import service
from diaspora.reports.duplicates.models import DuplicatePair
from diaspora.text import fold

PLANTED = "bench:duplicates"  # the source of the planted records, removed at the start of each run
FAMILIES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLES = ("Văn", "Thị", "Minh", "Quang", "Đức", "Thu", "Ngọc", "Hữu")
GIVENS = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hạnh", "Khoa", "Lâm", "Linh", "Mai", "Nga", "Phúc",
          "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Vân", "Yến")
LONG_GIVENS = ("Cường", "Giang", "Trung", "Hoàng", "Khang")
COUNTRIES = ("US", "JP", "KR", "DE", "FR", "AU", "CA", "GB", "RU", "CZ")


class Planter:
    """Planted people (demo, marked by their source), their contacts and organisations, added by the ORM."""

    def __init__(self):
        self.count = 0
        self.people: list[Person] = []

    def name(self, k: int) -> str:
        return f"{FAMILIES[k % 12]} {MIDDLES[(k // 12) % 8]} {GIVENS[(k // 96) % 20]}"

    def person(self, full_name, country="JP", city=None, birth_year=None, contacts=(), organisation=None) -> Person:
        values = {"full_name": full_name, "person_type": "overseas_vietnamese", "birth_year": birth_year}
        person = Person(full_name=full_name, country_code=country, city=city, is_demo=True, source=PLANTED,
                        **derived_columns(values, [(kind, value) for kind, value in contacts]))
        person.contacts = [Contact(kind=kind, value=value, normalized=value) for kind, value in contacts]
        if organisation is not None:
            person.memberships = [Membership(organisation=organisation, role="Hội viên")]
        db.session.add(person)
        self.people.append(person)
        return person

    def organisation(self, k: int) -> Organisation:
        name = f"Hội thử nghiệm trùng hồ sơ số {k}"
        organisation = Organisation(name=name, name_folded=fold(name), kind="association", country_code="JP",
                                    is_demo=True)
        db.session.add(organisation)
        return organisation


def remove_planted() -> None:
    ids = select(Person.id).where(Person.source == PLANTED)
    db.session.execute(delete(DuplicatePair).where(DuplicatePair.person_a_id.in_(ids) | DuplicatePair.person_b_id.in_(ids)))
    db.session.execute(delete(Contact).where(Contact.person_id.in_(ids)))
    db.session.execute(delete(Membership).where(Membership.person_id.in_(ids)))
    db.session.execute(delete(Person).where(Person.source == PLANTED))
    db.session.execute(delete(Organisation).where(Organisation.name.like("Hội thử nghiệm trùng hồ sơ số %")))
    db.session.commit()


def plant(per_kind: int) -> tuple[dict, dict]:
    """({reason: [(a, b)]} the pairs that must be found, {kind: [[ids]]} the groups that must not pair)."""
    planter = Planter()
    expected: dict[str, list] = {}
    apart: dict[str, list] = {}

    def pair(reason, first, second):
        expected.setdefault(reason, []).append((first, second))

    for k in range(per_kind):
        name, city, year, country = planter.name(k), f"Thành phố thử {k}", 1940 + k % 60, COUNTRIES[k % 10]
        family, middle, given = name.split()
        pair("email", planter.person(name, country, contacts=[("email", f"bench.dup.{k}@example.org")]),
             planter.person(f"{given} {family}", "VN", contacts=[("email", f"bench.dup.{k}@example.org")]))
        phone = f"+8190{k:08d}"
        pair("phone", planter.person(name, country, contacts=[("phone", phone)]),
             planter.person(f"{given} {family}", "US", contacts=[("phone", phone)]))
        pair("name_birth_country", planter.person(name, country, f"{city} A", year),
             planter.person(name, country, f"{city} B", year))
        pair("name_city", planter.person(name, country, city), planter.person(name.upper(), country, city.lower()))
        # A slip in a given name long enough to have one (a short name changed is another name: An / Anh).
        near = f"{family} {middle} {LONG_GIVENS[k % len(LONG_GIVENS)]}"
        pair("fuzzy_city", planter.person(near, country, f"{city} C"), planter.person(near + "g", country, f"{city} C"))
        pair("fuzzy_birth_country", planter.person(near, country, None, year),
             planter.person(near + "g", country, None, year))
        organisation = planter.organisation(k)
        pair("name_organisation", planter.person(name, "JP", organisation=organisation),
             planter.person(name, "DE", organisation=organisation))
        family_phone = f"+8180{k:08d}"
        apart.setdefault("family phone", []).append(
            [planter.person("Trần Văn Hải", country, contacts=[("phone", family_phone)]),
             planter.person("Vũ Thị Hoa", country, contacts=[("phone", family_phone)])])
        apart.setdefault("names that only look alike", []).append(
            [planter.person(f"{family} {middle} Lâm", country, f"{city} E"),
             planter.person(f"{family} {middle} Nam", country, f"{city} E")])
        apart.setdefault("the same words in another order", []).append(
            [planter.person(f"{family} Hải Trọng", country, None, year),
             planter.person(f"{family} Trọng Hải", country, None, year)])
        apart.setdefault("known years differ", []).append(
            [planter.person(name, country, f"{city} D", 1950), planter.person(name, country, f"{city} D", 1990)])
    # A common name alone: one "Nguyễn Văn Nam" in each of 300 (birth year, country).
    apart["common name"] = [[planter.person("Nguyễn Văn Nam", country, None, year)
                             for year in range(1950, 1980) for country in COUNTRIES]]
    db.session.commit()
    expected = {reason: [(a.id, b.id) for a, b in pairs] for reason, pairs in expected.items()}
    apart = {kind: [[person.id for person in group] for group in groups] for kind, groups in apart.items()}
    return expected, apart


def check(pairs: dict, expected: dict, apart: dict) -> tuple[int, list[str]]:
    """How many planted pairs were found with their reason, and what went wrong."""
    problems, found = [], 0
    for reason, planted_pairs in expected.items():
        for a, b in planted_pairs:
            reasons = pairs.get((min(a, b), max(a, b)))
            if reasons is None or reason not in reasons:
                problems.append(f"planted {reason} pair {a}-{b} found as {reasons}")
            else:
                found += 1
    for kind, groups in apart.items():
        for group in groups:
            members = set(group)
            wrong = [pair for pair in pairs if pair[0] in members and pair[1] in members]
            if wrong:
                problems.append(f"{kind}: {len(wrong)} pairs among records that must stay apart, e.g. {wrong[0]}")
    return found, problems


def run_benchmark(people: int, per_kind: int, repeat: int, echo=print) -> dict:
    harness.refuse_real_people()
    remove_planted()
    have = db.session.scalar(select(func.count()).select_from(Person))
    if have < people:
        echo(f"Adding {people - have:,} demo people…")
        _summary, seconds = harness.fill_demo_people(people - have)
        echo(f"  {seconds:.1f} s")
    expected, apart = plant(per_kind)
    analyze()
    total = db.session.scalar(select(func.count()).select_from(Person).where(Person.deleted_at.is_(None)))
    planted = sum(len(pairs) for pairs in expected.values())
    echo(f"Register: {total:,} people, {planted} planted pairs ({per_kind} of each of {len(expected)} reasons), "
         f"{sum(len(g) for groups in apart.values() for g in groups)} records that must stay apart")

    with harness.timed() as floor:
        duplicates._all_records()
    db.session.rollback()
    with harness.timed() as finding:
        pairs = duplicates.find_register_pairs()
    db.session.rollback()
    found, problems = check(pairs, expected, apart)
    db.session.execute(delete(DuplicatePair))
    db.session.commit()
    with harness.timed() as storing:
        counts = service.refresh_pairs()
        db.session.commit()
    with harness.timed() as again:
        service.refresh_pairs()
        db.session.commit()
    targets = [a for pairs_of in expected.values() for a, _b in pairs_of][:repeat]
    single = []
    for person_id in targets:
        started = time.perf_counter()
        duplicates.find_register_pairs([person_id])
        single.append(time.perf_counter() - started)
        db.session.rollback()
    figures = {
        "database": db.engine.dialect.name, "people": total, "pairs_found": len(pairs),
        "planted_pairs": planted, "planted_found": found, "problems": problems,
        "floor_read_s": round(floor.seconds, 2), "floor_read_cpu_s": round(floor.cpu, 2), "find_all_s": round(finding.seconds, 2),
        "find_all_cpu_s": round(finding.cpu, 2), "find_vs_floor": harness.ratio(finding.seconds, floor.seconds),
        "store_all_s": round(storing.seconds, 2), "store_all_cpu_s": round(storing.cpu, 2), "stored_new": counts["new"],
        "rescan_unchanged_s": round(again.seconds, 2),
        "one_person_median_ms": round(statistics.median(single) * 1000, 1),
        "one_person_p95_ms": round(harness.percentile(single, 0.95) * 1000, 1),
    }
    echo(f"Floor (read people, memberships, contacts): {figures['floor_read_s']:.2f} s "
         f"(CPU {figures['floor_read_cpu_s']:.2f} s; PostgreSQL's own work is not counted)")
    echo(f"Find every pair:          {figures['find_all_s']:.2f} s (CPU {figures['find_all_cpu_s']:.2f} s), "
         f"×{figures['find_vs_floor']} the floor; {len(pairs):,} pairs")
    echo(f"Scan into the queue:      {figures['store_all_s']:.2f} s (CPU {figures['store_all_cpu_s']:.2f} s, "
         f"{counts['new']:,} pairs stored); "
         f"again, nothing changed: {figures['rescan_unchanged_s']:.2f} s")
    echo(f"Pairs of one person:      median {figures['one_person_median_ms']} ms, "
         f"p95 {figures['one_person_p95_ms']} ms ({len(single)} people)")
    echo(f"Planted pairs found:      {found}/{planted}")
    for problem in problems[:20]:
        echo(f"  PROBLEM: {problem}")
    if not problems:
        echo("No pair among the records that must stay apart (family phone, differing birth years, names that only "
             "look alike, common name).")
    return figures


def main(argv=None) -> None:
    parser = harness.parser(__doc__, people=100_000)
    parser.add_argument("--per-kind", type=int, default=50, help="Planted pairs of each reason (default 50).")
    parser.add_argument("--repeat", type=int, default=50, help="People whose own pairs are timed (default 50).")
    options = parser.parse_args(argv)
    database_url = harness.database_url(options.database_url, harness.INSTANCE / "bench-duplicates.db")
    harness.ensure_database(database_url)
    app = harness.bench_app(database_url)
    with app.app_context():
        try:
            harness.ensure_schema()
            figures = run_benchmark(options.people, options.per_kind, options.repeat)
        except (RuntimeError, harness.RealPeople) as error:
            sys.exit(f"Error: {error}")
        finally:
            db.session.remove()
            db.engine.dispose()
    if figures["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
