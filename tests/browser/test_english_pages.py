"""The English interface is English: an admin walks every page a GET route answers with HTML, on a small demo
register with a record of every kind, in English at desktop and phone width, and no text outside the records'
own values is Vietnamese (a letter with a Vietnamese diacritic) nor a number written with the Vietnamese
thousands separator ("1.990"). Records' values are the text of elements marked `data-record-value` and the
values the database holds in the records' text columns. Screenshots under artifacts/screenshots/english/.

With ENGLISH_TODO_JSON naming a JSON file {msgid: English}, the messages not yet in the catalogue are added
to a copy of it for this test (a catalogue is merged at the end of a round of work)."""
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select

from diaspora.batches.models import ImportBatch
from diaspora.extensions import db
from tests.browser.conftest import SCREENSHOTS
from diaspora.imports.running import import_file
from diaspora.people.models import Person
from tests.conftest import make_user
from tests.core.conftest import records  # noqa: F401 (a fixture: one record of every kind a route names)
from tests.core.routes import get_routes, urls_of
from tests.spreadsheets.sheets import write_workbook

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Letters only Vietnamese uses among the languages staff write names in, and every vowel with a tone mark.
VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                        "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]")
QUOTED = re.compile("“[^”]*”")
VIETNAMESE_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d,]|\.\d)")
# Every text column of the database holds what staff, files or the public wrote (a record's own values, shown
# as written: names, titles, notes, places of Vietnam), except these: the interface's own text, in Vietnamese
# (catalogue names, messages kept with their codes), which the English pages must not show.
INTERFACE_TEXT = {("countries", "name_vi"), ("fields", "name_vi"), ("community_roles", "name_vi"),
                  ("audit_events", "summary"), ("import_rows", "note")}
INTERFACE_COLUMNS = {"message", "status", "kind", "action"}
# Proper names English text writes with their marks.
PROPER_NAMES = ["Hải Phòng", "Hải Dương", "Thanh Hà", "Thanh Hải", "Tết", "30/2020/NĐ-CP"]
# Routes that are not pages: they change the session, or answer a file or JSON.
SKIPPED_ENDPOINTS = {"static", "auth.logout", "auth.set_language"}
TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const element = node.parentElement;
    if (!text || !element || element.closest("[data-record-value], script, style, template, [lang=vi]")) continue;
    texts.push(text);
  }
  for (const element of document.querySelectorAll("[placeholder], [title], [aria-label], [alt], [data-confirm], input[type=submit]")) {
    if (element.closest("[data-record-value], [lang=vi]")) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt", "data-confirm", "value"]) {
      if (name === "value" && element.type !== "submit") continue;
      if (name === "title" && element.hasAttribute("data-record-title")) continue;
      const text = (element.getAttribute(name) || "").trim();
      if (text) texts.push(text);
    }
  }
  // Charts are drawn from JSON the server renders: their labels are text of the page too.
  const strings = (value) => typeof value === "string" ? [value]
    : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];
  for (const element of document.querySelectorAll("[data-chart]")) {
    if (!element.closest("[data-record-value]")) texts.push(...strings(JSON.parse(element.dataset.chart)));
  }
  texts.push(document.title);
  return texts;
}"""


@pytest.fixture
def english_catalogue(app, tmp_path):
    """The catalogue, with the English of messages waiting to be merged into it when ENGLISH_TODO_JSON names them."""
    todo = os.environ.get("ENGLISH_TODO_JSON")
    if not todo:
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = Path(app.root_path) / "translations"
    target = tmp_path / "translations"
    shutil.copytree(source, target)
    folder = target / "en" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale="en")
    for msgid, msgstr in json.loads(Path(todo).read_text()).items():
        plural = isinstance(msgstr, list)  # a plural: [msgid_plural, [singular, plural]]
        existing = catalogue.get(msgid)
        if existing is not None:
            existing.string = tuple(msgstr[1]) if plural else msgstr
            existing.flags.discard("fuzzy")
        elif plural:
            catalogue.add((msgid, msgstr[0]), tuple(msgstr[1]))
        else:
            catalogue.add(msgid, msgstr)
    with (folder / "messages.mo").open("wb") as file:
        write_mo(file, catalogue)
    babel = app.extensions["babel"]
    babel.translation_directories = [str(target)]
    babel.instance.domain_instance.cache.clear()


@pytest.fixture
def demo_register(seeded, runner, records, tmp_path):  # noqa: F811 (the fixture imported above)
    """A small demo register, a record of every kind a route names, an import whose rows have errors, notes and
    duplicates (written in Vietnamese, as a worker writes), a file for the wizard, and an admin to walk it."""
    result = runner.invoke(args=["demo-data", "--people", "30"])
    assert result.exit_code == 0, result.output
    admin = make_user("admin", email="quan.tri@haiphong.example")
    import_file(_awkward_list(tmp_path / "danh-sach-kho.xlsx"), user=admin)
    awkward = db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id.desc()).limit(1))
    other = db.session.scalar(select(Person.id).where(Person.id != records["person_id"]).order_by(Person.id))
    values = _record_values()
    db.session.remove()  # the live server writes next: this session must hold no SQLite lock
    return {**records, "other_id": other, "awkward_batch": awkward}, values


def _awkward_list(path: Path) -> Path:
    """A list with a row of every kind of message: refused cells, a note, a duplicate, an unknown field."""
    return write_workbook(path, ["Họ và tên", "Quốc gia", "Email", "Điện thoại", "Lĩnh vực", "Năm sinh"], [
        ["Lê Văn Cường", "Nhật Bản", "cuong@example.jp", "+81 90-0127-6842", "nghề gốm sứ", 1980],
        ["Lê Văn Cường", "Nhật Bản", "cuong@example.jp", "", "Y tế", 1980],
        ["Phạm Thị Dung", "Atlantis", "dung@", "", "", 2090],
        ["", "Đức", "", "", "", ""],
    ])


def _record_values() -> list[str]:
    """Every Vietnamese text the records hold, longest first (a shorter one may be part of a longer)."""
    found = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if (not isinstance(column.type, String | Text) or column.name in INTERFACE_COLUMNS
                    or (table.name, column.name) in INTERFACE_TEXT):
                continue
            for value in db.session.scalars(select(column).distinct()):
                if value and VIETNAMESE.search(value):
                    found.update(part.strip() for part in [value, *value.splitlines()] if part.strip())
    found.update(PROPER_NAMES)
    return sorted(found, key=len, reverse=True)


def _foreign_text(texts: list[str], values: list[str]) -> list[str]:
    """The texts left Vietnamese once the records' values, and what a file or a user wrote quoted in a message
    (“nghề gốm”), are taken out of them."""
    left = []
    for text in dict.fromkeys(texts):
        rest = text
        if VIETNAMESE.search(rest) or VIETNAMESE_NUMBER.search(rest):
            for value in values:
                if value in rest:
                    rest = rest.replace(value, " ")
            rest = QUOTED.sub(" ", rest)
        if VIETNAMESE.search(rest) or VIETNAMESE_NUMBER.search(rest):
            left.append(text[:160])
    return left


def _sign_in_in_english(page):
    page.goto("/language/en")
    page.goto("/login")
    page.fill("input[name=email]", "quan.tri@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def _draft_through_the_wizard(page, folder: Path) -> int:
    """Upload the awkward list in the wizard; the draft batch's id (its sheet, mapping and preview pages)."""
    page.goto("/imports/new")
    page.set_input_files("input[name=file]", str(_awkward_list(folder / "danh-sach-nhap.xlsx")))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/"))
    return int(re.search(r"/imports/(\d+)/", page.url).group(1))


def _pages(app, ids: dict) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET route, with ids that exist."""
    pages = []
    for rule in get_routes(app):
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.rule.startswith("/api/"):
            continue
        pages.append((rule.endpoint, urls_of(rule, ids)[0]))
    return pages


@pytest.mark.parametrize("width", VIEWPORTS)
def test_every_page_in_english_is_english(app, english_catalogue, demo_register, browser, live_server, width,
                                          tmp_path):
    ids, values = demo_register
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport=VIEWPORTS[width],
                                  accept_downloads=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    folder = SCREENSHOTS / "english"
    folder.mkdir(parents=True, exist_ok=True)
    failures, walked = [], []
    try:
        page.goto("/language/en")
        for url in ("/login", "/people/"):  # before signing in: the sign-in page (a list sends there)
            page.goto(url)
            failures += [f"{url} (signed out): {text}" for text in _foreign_text(page.evaluate(TEXTS), values)]
        _sign_in_in_english(page)
        draft = _draft_through_the_wizard(page, tmp_path)
        pages = [*_pages(app, ids), ("errors-404", "/people/999999999"),
                 ("imports-show-awkward", f"/imports/{ids['awkward_batch']}"),
                 *((f"imports-{step}-draft", f"/imports/{draft}/{step}") for step in ("sheet", "mapping", "preview"))]
        for endpoint, url in pages:
            answer = page.request.get(url, max_redirects=0)
            kind = answer.headers.get("content-type", "")
            if answer.status != 200 or not kind.startswith("text/html"):
                continue
            page.goto(url)
            if "/login" in page.url:
                failures.append(f"{url}: signed out")
                _sign_in_in_english(page)
                continue
            walked.append(url)
            page.screenshot(path=str(folder / f"{endpoint.replace('.', '-')}-{width}.png"), full_page=True)
            failures += [f"{url}: {text}" for text in _foreign_text(page.evaluate(TEXTS), values)]
    finally:
        context.close()
    assert len(walked) > 40, walked
    assert not failures, f"{len(failures)} Vietnamese texts on {len(walked)} pages:\n" + "\n".join(failures)
