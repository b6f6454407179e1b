"""Benchmark of the people import against its floor, on SQLite or PostgreSQL (BENCH_DATABASE_URL).

The register is filled with N demo people, then a realistic workbook of N rows is written (16
columns, Vietnamese names, phones as numbers and as text, dates as date cells, serials, text and
bare years, countries in Vietnamese, English and ISO codes, some rows already in the register,
some repeated in the file, a few errors). Each measurement runs in a fresh process:
- floor: read the sheet with python-calamine and insert its rows with one Core bulk insert into a
  scratch table (no normalisation, no checks, no matching);
- import: the whole import (read, map, normalise, validate, match against the register, plan,
  commit in one transaction), stage by stage, as configured (on a machine with two cores, a file this
  large is cleaned by two processes, and on SQLite its rows are prepared for writing by a second
  process), with the peak memory of the largest process;
- undo of that import.
Run: scripts/bench-import [--people N] [--profile] [--json], or `python -m bench.imports`.
"""
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert, select

from bench import harness
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.batches.kinds import Preparation
from diaspora.imports.preparing import build_changes
from diaspora.imports.running import commit_changes
from diaspora.imports.storage import store_file
from diaspora.imports.undo import undo_batch
from diaspora.imports.wizard import create_batch
from diaspora.people.importing import PEOPLE_KIND
from diaspora.people.columns import PEOPLE
from diaspora.people.demo import (
    ACADEMIC_TITLES,
    COUNTRIES,
    EMAIL_DOMAINS,
    EMPLOYERS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    OCCUPATIONS,
    PhoneMaker,
)
from diaspora.people.duplicates import check_ids, find_duplicates
from diaspora.people.models import Person
from diaspora.reference.lookups import import_lookups
from diaspora.reference.models import Country, Field, LegacyCommune
from diaspora.spreadsheets import pipeline
from diaspora.text import fold_words

MODULE = "bench.imports"
PHASES = ("setup", "floor", "import", "undo")
HEADERS = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Quốc gia", "Thành phố", "Địa chỉ", "Quê quán",
           "Nghề nghiệp", "Học hàm, học vị", "Đơn vị công tác", "Lĩnh vực", "Số điện thoại", "Email", "Hội đoàn",
           "Ghi chú"]
COUNTRY_WRITINGS = {"US": ("Mỹ", "Hoa Kỳ", "USA", "US"), "JP": ("Nhật Bản", "Nhật", "Japan", "JP"),
                    "KR": ("Hàn Quốc", "Korea", "KR"), "DE": ("Đức", "CHLB Đức", "Germany"),
                    "CZ": ("Séc", "CH Séc", "Czech Republic"), "TW": ("Đài Loan", "Taiwan")}


def _app(database_url: str):
    return harness.bench_app(database_url, IMPORT_MAX_ROWS=1_000_000)


def _peak_mb() -> int:
    """Peak memory of this process, or of the largest process it forked to clean rows if that was larger."""
    return round(harness.peak_mb(children=True))


# --- phases, each run in its own process ---------------------------------------------------------------

def phase_setup(database_url: str, people: int, workbook: str) -> dict:
    """Fresh schema, reference data, `people` demo people, then the workbook to import."""
    app = _app(database_url)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS bench_floor")
        harness.rebuild_schema()
        _, seconds = harness.fill_demo_people(people)
        write_workbook(Path(workbook), people)
    return {"seed_seconds": round(seconds, 2)}


def phase_floor(database_url: str, workbook: str) -> dict:
    """Read with calamine and insert the same rows with one Core bulk insert into a scratch table."""
    engine = create_engine(database_url)
    metadata = MetaData()
    table = Table("bench_floor", metadata, Column("id", Integer, primary_key=True),
                  *(Column(f"c{index}", Text) for index in range(len(HEADERS))))
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with harness.timed() as timing:
        rows = CalamineWorkbook.from_path(workbook).get_sheet_by_index(0).to_python()
        header = next(index for index, row in enumerate(rows) if row and row[0] == "STT")
        records = [{f"c{index}": (str(value) if value != "" else None) for index, value in enumerate(row)}
                   for row in rows[header + 1:]]
        with engine.begin() as connection:
            connection.execute(insert(table), records)
    metadata.drop_all(engine)
    return {"seconds": round(timing.seconds, 3), "cpu": round(timing.cpu, 3), "rows": len(records),
            "peak_mb": _peak_mb()}


def phase_import(database_url: str, workbook: str, profile: bool = False) -> dict:
    """The whole import, stage by stage, as `import-people` runs it."""
    app = _app(database_url)
    stages: dict[str, float] = {}
    with app.app_context():
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        with harness.timed() as timing:
            mark = time.perf_counter()

            def stage(name):
                nonlocal mark
                now = time.perf_counter()
                stages[name] = round(now - mark, 3)
                mark = now

            layout = pipeline.read_layout(workbook, PEOPLE, None, Path(workbook).name)
            stage("read")
            mapping = pipeline.map_headers(layout, PEOPLE)
            pipeline.check_mapping(mapping, PEOPLE)
            encodings = pipeline.convert_legacy(layout, mapping)
            stage("map_legacy")
            rows = pipeline.clean_rows(layout, mapping, PEOPLE, import_lookups())
            stage("normalise_validate")
            check_ids(rows)
            duplicates = find_duplicates(rows)
            stage("match")
            plans = pipeline.plan_rows(rows, duplicates, "skip")
            preparation = Preparation(layout, mapping, rows, duplicates, plans, encodings, PEOPLE_KIND)
            changes = build_changes(preparation)
            stage("plan")
            sha, size = store_file(workbook)
            batch = create_batch(sha=sha, size=size, file_name=Path(workbook).name, source="cli", status="running")
            batch = commit_changes(changes, batch.id)
            stage("commit")
        if profiler is not None:
            import pstats

            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(30)
        return {"seconds": round(timing.seconds, 3), "cpu": round(timing.cpu, 3), "stages": stages,
                "peak_mb": _peak_mb(), "batch_id": batch.id, "summary": changes.summary}


def phase_undo(database_url: str, batch_id: int) -> dict:
    """The undo of the import's batch."""
    app = _app(database_url)
    with app.app_context():
        with harness.timed() as timing:
            outcome = undo_batch(batch_id)
        return {"seconds": round(timing.seconds, 3), **outcome, "peak_mb": _peak_mb()}


# --- the workbook ---------------------------------------------------------------------------------------

def write_workbook(path: Path, count: int, seed: int = 7) -> None:
    """N rows the way lists arrive: mixed spellings and cell types, some duplicates, a few errors."""
    rng = random.Random(seed)
    phones = PhoneMaker(rng)
    names_vi = dict(db.session.execute(select(Country.code, Country.name_vi)).all())
    countries = [(code, weight, cities) for code, weight, cities in COUNTRIES if code in names_vi]
    fields = list(db.session.scalars(select(Field.name_vi)))
    communes = db.session.execute(select(LegacyCommune.commune_type, LegacyCommune.name,
                                         LegacyCommune.district_name, LegacyCommune.province)).all()
    existing = db.session.execute(
        select(Person.full_name, Person.birth_year, Person.country_code, Contact.kind, Contact.value)
        .join(Contact, Contact.person_id == Person.id).where(Contact.kind.in_(("phone", "email")))
        .order_by(Person.id).limit(count // 10)
    ).all()
    families = [name for name, _ in FAMILY_NAMES]
    family_weights = [weight for _, weight in FAMILY_NAMES]
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "DANH SÁCH KIỀU BÀO HẢI PHÒNG (SỐ LIỆU THỬ NGHIỆM)")
    for column, header in enumerate(HEADERS):
        sheet.write_string(2, column, header)
    earlier: list[list] = []
    for number in range(1, count + 1):
        code, _, cities = rng.choices(countries, weights=[weight for _, weight, _ in countries])[0]
        gender = rng.choice(("male", "female"))
        family = rng.choices(families, weights=family_weights)[0]
        full_name = f"{family} {rng.choice(MIDDLE_NAMES[gender])} {rng.choice(GIVEN_NAMES[gender])}"
        year = min(2006, max(1935, int(rng.gauss(1979, 13))))
        born = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        roll = rng.random()
        birth = born if roll < 0.35 else (born - date(1899, 12, 30)).days if roll < 0.45 else \
            born.strftime("%d/%m/%Y") if roll < 0.7 else year
        phone = phones.make(code)
        phone_cell = None
        if phone:
            written, _ = phone
            digits = "".join(ch for ch in written if ch.isdigit())
            phone_cell = int(digits.lstrip("0")) if rng.random() < 0.3 else written
        local = ".".join(fold_words(full_name)[::-1][:2])
        email = f"{local}{number}@{rng.choice(EMAIL_DOMAINS)}" if rng.random() < 0.6 else None
        commune = rng.choice(communes) if communes and rng.random() < 0.6 else None
        hometown = f"{commune[0].lower()} {commune[1]}, {commune[2]}, {commune[3]}" if commune else "Hải Phòng"
        row = [number, full_name, "Nam" if gender == "male" else "Nữ", birth,
               rng.choice(COUNTRY_WRITINGS.get(code, (names_vi[code],))), rng.choice(cities),
               f"{rng.randint(1, 300)} {rng.choice(cities)} Street" if rng.random() < 0.3 else None, hometown,
               rng.choice(OCCUPATIONS), rng.choices([t for t, _ in ACADEMIC_TITLES], [w for _, w in ACADEMIC_TITLES])[0]
               if rng.random() < 0.3 else None, rng.choice(EMPLOYERS) if rng.random() < 0.5 else None,
               "; ".join(rng.sample(fields, rng.randint(1, 2))) if fields else None, phone_cell, email,
               f"Hội người Việt Nam tại {names_vi[code]}" if rng.random() < 0.3 else None,
               "Danh sách từ Đại sứ quán" if rng.random() < 0.1 else None]
        roll = rng.random()
        if roll < 0.03 and existing:  # already in the register: same email or phone
            name, birth_year, country, kind, value = rng.choice(existing)
            row[1], row[3], row[4] = name, birth_year, country
            row[12 if kind == "phone" else 13] = value
        elif roll < 0.04 and earlier:  # repeated further down the same file
            row = list(rng.choice(earlier))
            row[0] = number
        elif roll < 0.05:  # a mistake a person has to fix
            row[13 if rng.random() < 0.5 else 4] = rng.choice(("nguyen@", "Atlantis", "an@@mail"))
        if len(earlier) < 2000:
            earlier.append(row)
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(2 + number, column, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(2 + number, column, value)
            else:
                sheet.write_number(2 + number, column, value)
    workbook.close()


# --- orchestration --------------------------------------------------------------------------------------

def run_benchmark(people: int = 50_000, database_url: str | None = None, echo=print, profile: bool = False) -> dict:
    """Set up, measure the floor and the import (each in a fresh process), print and return the figures."""
    scratch, env = harness.scratch("bench-import-")
    database_url = harness.database_url(database_url, scratch / "bench.db")
    workbook = scratch / f"kieu-bao-{people}.xlsx"
    engine = database_url.split(":", 1)[0]
    echo(f"Chuẩn bị: {people} hồ sơ có sẵn và tệp {people} dòng ({engine})…")
    setup = harness.run_phase(MODULE, "setup", database_url, people, workbook, env=env)
    floor = harness.run_phase(MODULE, "floor", database_url, workbook, env=env)
    imported = harness.run_phase(MODULE, "import", database_url, workbook, env=env,
                                 flags=("--profile",) if profile else (), show_stderr=profile)
    undo = harness.run_phase(MODULE, "undo", database_url, imported["batch_id"], env=env)
    figures = {"engine": engine, "rows": people, "existing": people,
               "file_mb": round(workbook.stat().st_size / 2**20, 1),
               "setup": setup, "floor": floor, "import": imported, "undo": undo,
               "ratio": harness.ratio(imported["seconds"], floor["seconds"]),
               "cpu_ratio": harness.ratio(imported["cpu"], floor["cpu"])}
    summary = imported["summary"]
    echo(f"Tệp: {people} dòng × {len(HEADERS)} cột, {figures['file_mb']} MB; {people} hồ sơ có sẵn.")
    echo(f"Nhập: {imported['seconds']:.2f} s ({people / imported['seconds']:,.0f} dòng/s), "
         f"bộ nhớ đỉnh {imported['peak_mb']} MB")
    echo("  " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in imported["stages"].items()))
    echo(f"  kết quả: {summary['created']} thêm mới, {summary['skipped']} bỏ qua (trùng), {summary['errors']} lỗi, "
         f"{summary['duplicates']} dòng trùng")
    echo(f"Mức sàn (calamine + một lệnh chèn Core): {floor['seconds']:.2f} s, bộ nhớ đỉnh {floor['peak_mb']} MB")
    echo(f"Thời gian CPU của tiến trình: nhập {imported['cpu']:.2f} s, mức sàn {floor['cpu']:.2f} s "
         f"(tỉ lệ {figures['cpu_ratio']:.2f})")
    echo(f"Tỉ lệ nhập / mức sàn: {figures['ratio']:.2f} (mục tiêu ≤ 4); "
         f"bộ nhớ {'đạt' if imported['peak_mb'] < 500 else 'VƯỢT'} mục tiêu < 500 MB")
    echo(f"Hoàn tác lần nhập: {undo['seconds']:.2f} s ({undo['removed']} hồ sơ xoá)")
    return figures


def _phase(name: str, arguments: list[str], profile: bool) -> dict:
    if name == "setup":
        return phase_setup(arguments[0], int(arguments[1]), arguments[2])
    if name == "floor":
        return phase_floor(arguments[0], arguments[1])
    if name == "import":
        return phase_import(arguments[0], arguments[1], profile)
    return phase_undo(arguments[0], int(arguments[1]))


def main(argv=None) -> None:
    parser = harness.parser(__doc__, people=50_000, phases=PHASES)
    parser.add_argument("--profile", action="store_true", help="cProfile of the import on stderr")
    options = parser.parse_args(argv)
    harness.main(options,
                 lambda echo: run_benchmark(options.people, options.database_url, echo=echo, profile=options.profile),
                 lambda name, arguments: _phase(name, arguments, options.profile))


if __name__ == "__main__":
    main()
