"""The load benchmark: the app under gunicorn on PostgreSQL, used by many staff at once through its pages.

Prepares its database (BENCH_DATABASE_URL, else diaspora_bench_load on BENCH_POSTGRES): the migrations
(`flask db upgrade`), reference data and demo people (`flask demo-data`, only those missing, so a filled
database is reused) and one account per simulated user (`flask users create`), editors and viewers. Then
starts gunicorn on a free local port with its own instance folder and secret key, CSRF on, and runs the
users, each a thread with its own cookies: it signs in through the login form, then, request after
request (each kind once first, then picked by weight), browses the people list, searches without
diacritics, filters by country and field, opens person pages and (editors) opens a person's edit form
and posts it back as a browser would (hidden version and CSRF token included) with a marker of its own
appended to the notes. Editors edit a small
set of people, so two of them sometimes save the same person at once: the later save is answered 409
and counted apart. Afterwards every save answered as successful must be in the record (its marker in
the notes, the version raised by exactly the number of successful saves); a save that is not is a lost
update. Prints requests, errors, p50/p95/p99 per kind of page, requests per second and lost updates,
and exits non-zero after an error or a lost update. It refuses a database with real (non-demo) people.
Run: scripts/bench-load [--users 20] [--seconds 60] [--people 20000] [--json] [--smoke].
"""
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench import harness
from diaspora.auth.models import User
from diaspora.extensions import db
from diaspora.people.demo import COUNTRIES, FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES
from diaspora.people.models import Person
from diaspora.reference.models import Field
from diaspora.text import fold

ROOT = harness.INSTANCE.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE = "diaspora_bench_load"
# The benchmark's own accounts, on its own database of demo people.
PASSWORD = "bench-load-password"
SMOKE = {"users": 2, "seconds": 3.0, "people": 200}
KINDS = ("login form", "login", "list", "search", "filter", "person", "edit form", "save")
# What a user does next, by weight: viewers only read; editors also edit and save.
VIEWER_MIX = {"open_list": 25, "search": 25, "filter_list": 20, "open_person": 30}
EDITOR_MIX = {"open_list": 15, "search": 15, "filter_list": 10, "open_person": 20, "edit": 40}
REQUEST_TIMEOUT = (5, 120)  # seconds to connect, to answer: bounds every request, never the measure
SERVER_START_SECONDS = 120
# A browser sends its next request on the connection it kept and, should the server have closed that
# connection meanwhile, sends it again; the simulated users do not retry, so gunicorn keeps an idle
# connection longer than any pause of theirs (its default, 2 s, is shorter than a pause on a busy machine).
KEEP_ALIVE_SECONDS = 75
ERROR_SAMPLES = 10
PERSON_LINK = re.compile(r'href="/people/(\d+)"')


# --- the database, its people and its staff ----------------------------------------------------------------

def default_database_url() -> str:
    """diaspora_bench_load on BENCH_POSTGRES (default: the local server), when no URL is given."""
    server = os.environ.get("BENCH_POSTGRES") or DEFAULT_SERVER
    return f"{server.rstrip('/')}/{DATABASE}"


def account(role: str, number: int) -> str:
    """The email of the benchmark's `number`th account of `role`."""
    return f"load-{role}-{number:02d}@bench.example.org"


def app_environment(database_url: str, instance: Path) -> dict:
    """The environment of the app's commands and server: the benchmark database, a scratch instance
    folder, a secret key of this run and no ceiling on browsing (the simulated staff read far more
    people an hour than a person does)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DIASPORA_INSTANCE": str(instance),
           "SECRET_KEY": secrets.token_hex(32), "BROWSE_MAX_PEOPLE_PER_HOUR": "0"}
    env.pop("DIASPORA_ENV", None)  # production's Secure cookies would not come back over plain http
    return env


def flask(env: dict, *arguments: str, stdin: str | None = None) -> str:
    """Run `flask --app wsgi <arguments>` as an operator would; its output."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)}:\n{result.stderr[-4000:]}")
    return result.stdout


def prepare(database_url: str, env: dict, people: int, editors: int, viewers: int, echo) -> None:
    """Migrate the database and fill it with the missing demo people and benchmark accounts."""
    harness.ensure_database(database_url)
    flask(env, "db", "upgrade")
    app = harness.bench_app(database_url)
    with app.app_context():
        harness.refuse_real_people()
        present = harness.count_people()
        emails = set(db.session.scalars(select(User.email)))
        db.session.remove()
        db.engine.dispose()
    if people > present:
        echo(f"Tạo {people - present} người mẫu (flask demo-data)…")
        flask(env, "demo-data", "--people", str(people - present), "--seed", str(present + 1))
    wanted = [("editor", number) for number in range(1, editors + 1)]
    wanted += [("viewer", number) for number in range(1, viewers + 1)]
    for role, number in wanted:
        if account(role, number) not in emails:
            flask(env, "users", "create", account(role, number), "--role", role,
                  "--name", f"Load {role} {number:02d}", stdin=PASSWORD + "\n")


def targets(hot: int, rng: random.Random) -> dict:
    """What the users pick from: every person's id, the people editors edit with their versions now,
    and the field keys."""
    people = list(db.session.scalars(select(Person.id).where(Person.deleted_at.is_(None)).order_by(Person.id)))
    edited = rng.sample(people, min(hot, len(people)))
    versions = dict(db.session.execute(select(Person.id, Person.version).where(Person.id.in_(edited))).all())
    fields = list(db.session.scalars(select(Field.key).order_by(Field.key)))
    return {"people": people, "edited": edited, "versions": versions, "fields": fields}


def check_saves(saved: dict[int, list[str]], refused: dict[int, list[str]], versions: dict[int, int]) -> dict:
    """The records against the answers: saves answered as successful whose marker is not in the notes
    (lost updates), people whose version did not rise by exactly their successful saves, and saves
    answered 409 whose marker is in the notes all the same."""
    touched = set(saved) | set(refused)
    stored = {person_id: (notes or "", version) for person_id, notes, version in db.session.execute(
        select(Person.id, Person.notes, Person.version).where(Person.id.in_(touched)))}
    missing = ("", None)
    lost = sum(marker not in stored.get(person_id, missing)[0]
               for person_id, markers in saved.items() for marker in markers)
    drifted = sum(stored.get(person_id, missing)[1] != versions[person_id] + len(saved.get(person_id, ()))
                  for person_id in touched)
    written = sum(marker in stored.get(person_id, missing)[0]
                  for person_id, markers in refused.items() for marker in markers)
    return {"saves": sum(map(len, saved.values())), "lost_updates": lost, "version_mismatches": drifted,
            "refused_saves_written": written}


# --- the server --------------------------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port nothing listens on at this moment, on the loopback address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict, workers: int, threads: int):
    """The app under gunicorn on a free local port until the block ends; yields its base URL."""
    port = free_port()
    log = Path(env["DIASPORA_INSTANCE"]) / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
               "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
               "--keep-alive", str(KEEP_ALIVE_SECONDS), "--error-logfile", str(log), "--capture-output"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


def server_problems(log: Path) -> list[str]:
    """The last lines gunicorn and the app logged beyond routine [INFO] (warnings, errors, tracebacks)."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if "[INFO]" not in line][-40:]


def _wait_until_serving(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {process.returncode}):\n{_log_tail(log)}")
        try:
            if requests.get(f"{base}/login", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still loading the app
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START_SECONDS} s:\n{_log_tail(log)}")


# --- the simulated staff -----------------------------------------------------------------------------------

class FormReader(HTMLParser):
    """The fields a browser would post from the page's first POST form (or the one whose action ends
    with `action`): checked boxes only, the selected options, text areas without their first newline."""

    def __init__(self, action: str | None = None):
        super().__init__(convert_charrefs=True)
        self.wanted, self.action, self.fields = action, None, []
        self._inside = self._done = False
        self._select = self._textarea = None
        self._options, self._text = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and not self._done:
            self._inside = (attributes.get("method") or "").lower() == "post" and (
                self.wanted is None or (attributes.get("action") or "").endswith(self.wanted))
            self.action = attributes.get("action") if self._inside else None
        if not self._inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((name, attributes.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attributes), []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value") or "", "selected" in attributes))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self._inside:
            self._inside, self._done = False, True
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not multiple:  # a single select posts its selected option, else its first
                chosen = chosen[-1:] or [value for value, _ in self._options[:1]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[2:] if text.startswith("\r\n") else text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def read_form(html: str, action: str | None = None) -> tuple[str | None, list[tuple[str, str]]]:
    """The action and the fields a browser would post from the page's form (see FormReader)."""
    reader = FormReader(action)
    reader.feed(html)
    reader.close()
    return reader.action, reader.fields


class Tally:
    """What every user's requests gave, gathered under one lock: timings and errors per kind, 409s,
    and the markers of saves answered as successful or refused."""

    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.conflicts = 0
        self.saved: dict[int, list[str]] = defaultdict(list)
        self.refused: dict[int, list[str]] = defaultdict(list)

    def request(self, kind: str, milliseconds: float, error: str | None = None) -> None:
        """Count a request of `kind` that took `milliseconds`, and its error if it had one."""
        with self.lock:
            self.timings[kind].append(milliseconds)
        if error is not None:
            self.fail(kind, error)

    def fail(self, kind: str, error: str) -> None:
        """Count an error of a request of `kind` (already timed)."""
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < ERROR_SAMPLES:
                self.samples.append(error)

    def save(self, person_id: int, marker: str, conflict: bool) -> None:
        """Remember a save answered as successful, or refused with 409 (`conflict`), by its marker."""
        with self.lock:
            (self.refused if conflict else self.saved)[person_id].append(marker)
            self.conflicts += conflict


class Clock:
    """The measured period: it starts when every user has signed in."""

    def __init__(self, seconds: float):
        self.seconds, self.started, self.deadline = seconds, None, None

    def start(self) -> None:
        """Start the measured period now."""
        self.started = time.perf_counter()
        self.deadline = self.started + self.seconds


class StaffUser:
    """One member of staff in a browser: signs in, then reads (and, as an editor, saves) until the clock stops."""

    def __init__(self, base: str, email: str, editor: bool, choices: dict, tally: Tally, run_id: str):
        self.base, self.email, self.editor = base, email, editor
        self.choices, self.tally, self.run_id = choices, tally, run_id
        self.session = requests.Session()
        self.rng = random.Random(email + run_id)
        self.mix = EDITOR_MIX if editor else VIEWER_MIX
        self.seen: list[int] = []  # people on the last list page, opened next as a person would
        self.saves = 0

    def run(self, barrier: threading.Barrier, clock: Clock) -> None:
        """Sign in, wait for the others, then do each thing of the role once (so even a short run on a busy
        machine visits every kind of page) and then things picked by weight until the deadline."""
        try:
            signed_in = self.sign_in()
        finally:
            barrier.wait()
        first = self.rng.sample(list(self.mix), len(self.mix))
        while signed_in and (first or time.perf_counter() < clock.deadline):
            action = first.pop() if first else self.rng.choices(list(self.mix), weights=list(self.mix.values()))[0]
            getattr(self, action)()
        self.session.close()

    def send(self, kind: str, method: str, path: str, expected: tuple[int, ...] = (200,), **options):
        """One request, timed and tallied; the response, or None when it did not answer as expected."""
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, allow_redirects=False,
                                            timeout=REQUEST_TIMEOUT, **options)
        except requests.RequestException as failure:
            self.tally.request(kind, (time.perf_counter() - started) * 1000, f"{method} {path}: {failure}")
            return None
        elapsed = (time.perf_counter() - started) * 1000
        location = response.headers.get("Location", "")
        if response.status_code not in expected or "/login" in location:
            self.tally.request(kind, elapsed, f"{method} {path}: HTTP {response.status_code} {location}".rstrip())
            return None
        self.tally.request(kind, elapsed)
        return response

    def sign_in(self) -> bool:
        """Sign in through the login form (its CSRF token included); True when the app let us in."""
        page = self.send("login form", "GET", "/login")
        if page is None:
            return False
        _, fields = read_form(page.text)
        values = dict(fields) | {"email": self.email, "password": PASSWORD}
        return self.send("login", "POST", "/login", expected=(302,), data=values) is not None

    def _browse(self, kind: str, arguments: dict) -> None:
        page = self.send(kind, "GET", "/people/", params=arguments)
        if page is not None:
            self.seen = [int(found) for found in PERSON_LINK.findall(page.text)]

    def open_list(self) -> None:
        """The people list, mostly its first pages, sometimes any page."""
        pages = max(1, len(self.choices["people"]) // 50)
        page = self.rng.choice((1, 1, 1, 2, 3, self.rng.randint(1, pages)))
        self._browse("list", {"page": page} if page > 1 else {})

    def search(self) -> None:
        """A name typed without diacritics, as most staff type it: a family name, often with more."""
        gender = self.rng.choice(("male", "female"))
        words = [self.rng.choices([name for name, _ in FAMILY_NAMES], [w for _, w in FAMILY_NAMES])[0]]
        if self.rng.random() < 0.6:
            words.append(self.rng.choice(MIDDLE_NAMES[gender]))
        if self.rng.random() < 0.5:
            words.append(self.rng.choice(GIVEN_NAMES[gender]))
        self._browse("search", {"q": fold(" ".join(words))})

    def filter_list(self) -> None:
        """The list filtered by country of residence (weighted as the register is), by field, or both."""
        arguments = {}
        if self.rng.random() < 0.7:
            arguments["country"] = self.rng.choices([c for c, _, _ in COUNTRIES], [w for _, w, _ in COUNTRIES])[0]
        if not arguments or self.rng.random() < 0.5:
            arguments["field"] = self.rng.choice(self.choices["fields"])
        self._browse("filter", arguments)

    def open_person(self) -> None:
        """A person's page: one from the last list shown, else anyone."""
        person_id = self.rng.choice(self.seen or self.choices["people"])
        self.send("person", "GET", f"/people/{person_id}")

    def edit(self) -> None:
        """Open a person's edit form and post it back with this user's marker added to the notes."""
        person_id = self.rng.choice(self.choices["edited"])
        path = f"/people/{person_id}/edit"
        page = self.send("edit form", "GET", path)
        if page is None:
            return
        action, fields = read_form(page.text, path)
        if not any(name == "notes" for name, _ in fields):
            self.tally.fail("edit form", f"{path}: the edit form has no notes field")
            return
        self.saves += 1
        marker = f"[load {self.run_id} {self.email.split('@')[0]} #{self.saves}]"
        fields = [(name, f"{value}\n{marker}".strip() if name == "notes" else value) for name, value in fields]
        response = self.send("save", "POST", action or path, expected=(302, 409), data=fields)
        if response is None:
            return
        if response.status_code == 302 and not response.headers["Location"].endswith(f"/people/{person_id}"):
            self.tally.fail("save", f"{path}: saved, then sent to {response.headers['Location']}")
            return
        self.tally.save(person_id, marker, conflict=response.status_code == 409)


def drive(base: str, editors: int, viewers: int, seconds: float, choices: dict,
          run_id: str) -> tuple[Tally, float, float]:
    """Run the users at once for `seconds` after they have all signed in; the tally, the seconds measured
    and the CPU seconds the simulated users took (they share the machine with the server)."""
    tally, clock, cpu = Tally(), Clock(seconds), time.process_time()
    users = [StaffUser(base, account("editor", n), True, choices, tally, run_id) for n in range(1, editors + 1)]
    users += [StaffUser(base, account("viewer", n), False, choices, tally, run_id) for n in range(1, viewers + 1)]
    barrier = threading.Barrier(len(users), action=clock.start)
    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        for running in [pool.submit(user.run, barrier, clock) for user in users]:
            running.result()
    return tally, time.perf_counter() - clock.started, time.process_time() - cpu


# --- figures -----------------------------------------------------------------------------------------------

def percentiles(values: list[float]) -> dict[str, float | None]:
    """p50, p95 and p99 of the milliseconds (None when there are none)."""
    shares = {"p50": 0.50, "p95": 0.95, "p99": 0.99}
    return {name: round(harness.percentile(values, share), 1) if values else None for name, share in shares.items()}


def figures(tally: Tally, elapsed: float, checked: dict, setting: dict) -> dict:
    """Everything the run measured, as one dictionary (the --json output)."""
    pages = {}
    for kind in KINDS:
        values = tally.timings.get(kind, [])
        pages[kind] = {"requests": len(values), "errors": tally.errors.get(kind, 0), **percentiles(values)}
    measured = sum(len(values) for kind, values in tally.timings.items() if not kind.startswith("login"))
    return {**setting, "seconds_measured": round(elapsed, 1),
            "requests": sum(page["requests"] for page in pages.values()),
            "errors": sum(tally.errors.values()), "conflicts": tally.conflicts,
            "requests_per_second": round(measured / elapsed, 1), "pages": pages, **checked,
            "error_samples": tally.samples}


def report(result: dict, echo) -> None:
    """The figures as a table and a few lines."""
    echo(f"\nPostgreSQL, {result['people']} người; gunicorn {result['workers']} worker × {result['threads']} "
         f"luồng; {result['users']} người dùng ({result['editors']} biên tập, {result['viewers']} xem) "
         f"trong {result['seconds_measured']} giây.")
    echo(f"\n{'page':<11} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, page in result["pages"].items():
        cells = "".join(f" {page[name]:>8.1f}" if page[name] is not None else f" {'—':>8}"
                        for name in ("p50", "p95", "p99"))
        echo(f"{kind:<11} {page['requests']:>8} {page['errors']:>6}{cells}")
    echo(f"\nRequests: {result['requests']}; {result['requests_per_second']} per second after sign-in. "
         f"Errors: {result['errors']}. Expected conflicts (409): {result['conflicts']}.")
    echo(f"Saves answered as successful: {result['saves']}; lost updates: {result['lost_updates']}; "
         f"versions not raised by exactly the saves: {result['version_mismatches']}; "
         f"refused saves found in the record: {result['refused_saves_written']}.")
    echo(f"The simulated users themselves took {result['driver_cpu_seconds']} CPU seconds; the machine's load "
         f"average before the run was {result['load_average_before']} on {result['cores']} cores.")
    for sample in result["error_samples"]:
        echo(f"  error: {sample}")
    if result["server_log"]:
        echo("Server log (beyond [INFO]):\n  " + "\n  ".join(result["server_log"]))


def failed(result: dict) -> bool:
    """An error or a save that is not exactly in the record fails the run."""
    return any(result[name] for name in ("errors", "lost_updates", "version_mismatches", "refused_saves_written"))


def run_benchmark(database_url: str, people: int, editors: int, viewers: int, seconds: float, hot: int,
                  workers: int, threads: int, echo=print) -> dict:
    """Prepare, serve, drive, check; returns the figures."""
    scratch, _ = harness.scratch("bench-load-")
    env = app_environment(database_url, scratch / "instance")
    run_id = secrets.token_hex(3)
    try:
        echo(f"Chuẩn bị {make_url(database_url).database}: migrations, {people} người mẫu, tài khoản…")
        prepare(database_url, env, people, editors, viewers, echo)
        app = harness.bench_app(database_url)
        with app.app_context():
            choices = targets(hot, random.Random(run_id))
        echo(f"gunicorn: {workers} worker × {threads} luồng; {editors + viewers} người dùng trong {seconds:g} giây…")
        load_before = os.getloadavg()[0]  # the machine may be shared: how busy it was already
        with gunicorn(env, workers, threads) as base:
            tally, elapsed, driver_cpu = drive(base, editors, viewers, seconds, choices, run_id)
        problems = server_problems(scratch / "instance" / "gunicorn.log")
        with app.app_context():
            checked = check_saves(tally.saved, tally.refused, choices["versions"])
            people_now = harness.count_people()
            db.engine.dispose()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    setting = {"database": "postgresql", "people": people_now, "users": editors + viewers, "editors": editors,
               "viewers": viewers, "seconds": seconds, "workers": workers, "threads": threads, "edited_people": hot,
               "driver_cpu_seconds": round(driver_cpu, 1), "load_average_before": round(load_before, 2),
               "cores": os.cpu_count(), "server_log": problems}
    return figures(tally, elapsed, checked, setting)


def main(argv=None) -> None:
    """The command line: scripts/bench-load [options]."""
    parser = harness.parser(__doc__, people=20_000)
    parser.add_argument("--users", type=int, default=20, help="Simulated staff at once (default 20).")
    parser.add_argument("--editors", type=int, help="How many of them edit (default: half).")
    parser.add_argument("--seconds", type=float, default=60.0, help="Length of the measured period (default 60).")
    parser.add_argument("--hot", type=int, default=100, help="People the editors edit (default 100).")
    # Two processes let Python use both cores (one process runs Python on one core at a time); eight threads
    # each keep a request that waits for PostgreSQL from holding up the others, 16 in progress for 20 users.
    # On the shared 2-core machine this did twice the requests of 2 x 4 or 4 x 2, and somewhat more than 1 x 8.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2).")
    parser.add_argument("--threads", type=int, default=8, help="Threads per gunicorn worker (default 8).")
    parser.add_argument("--smoke", action="store_true", help="A quick run: 2 users for 3 s on 200 people.")
    parser.add_argument("--json", action="store_true", help="Print only the figures, as one JSON object.")
    options = parser.parse_args(argv)
    if options.smoke:
        options.users, options.seconds, options.people = SMOKE["users"], SMOKE["seconds"], SMOKE["people"]
    editors = options.users // 2 if options.editors is None else options.editors
    if options.users < 1 or not 0 <= editors <= options.users or options.seconds <= 0 or options.people < 1:
        parser.error("--users ≥ 1, 0 ≤ --editors ≤ --users, --seconds > 0 and --people ≥ 1")
    if options.hot < 1 or options.workers < 1 or options.threads < 1:
        parser.error("--hot, --workers and --threads must be at least 1")
    database_url = harness.database_url(options.database_url or default_database_url(), harness.INSTANCE / "bench.db")
    if make_url(database_url).get_backend_name() != "postgresql":
        parser.error("the load benchmark runs on PostgreSQL: give a postgresql+psycopg:// URL")
    echo = (lambda *a: None) if options.json else print
    try:
        result = run_benchmark(database_url, options.people, editors, options.users - editors, options.seconds,
                               options.hot, options.workers, options.threads, echo)
    except RuntimeError as error:  # a command, the server or the database refused (harness.RealPeople too)
        sys.exit(f"Error: {error}")
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        report(result, echo)
    if failed(result):
        sys.exit(1)


if __name__ == "__main__":
    main()
