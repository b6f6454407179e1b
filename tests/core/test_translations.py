"""The English catalog covers every interface string, keeps its placeholders and is served by /language/en."""
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from diaspora.config import PROJECT_ROOT

CATALOG_DIR = PROJECT_ROOT / "diaspora" / "translations" / "en" / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / "messages.po"
MO_FILE = CATALOG_DIR / "messages.mo"
# The same keywords as the extraction command: Babel's defaults plus the lazy alias used in models and forms.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
EXTRACTED_DIRS = ("diaspora", "templates")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple, whether it has plural forms or not."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def english_catalog():
    with PO_FILE.open("rb") as po:
        return read_po(po, locale="en")


def extracted_messages() -> dict[str, tuple[str, int]]:
    """msgid -> (file, line) of its first use, from a fresh extraction as babel.cfg describes it."""
    with (PROJECT_ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)

    def only_sources(dirpath: str) -> bool:
        relative = Path(dirpath).relative_to(PROJECT_ROOT)
        inside = relative.parts and relative.parts[0] in EXTRACTED_DIRS
        return bool(inside) and not relative.name.startswith((".", "_"))

    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=only_sources
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, (filename, lineno))
    return found


def compile_catalog_if_stale() -> None:
    """Write the .mo from the .po when it is missing or older, as `pybabel compile` would."""
    if MO_FILE.exists() and MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime:
        return
    # Written beside and renamed, so a concurrent test run never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=CATALOG_DIR, suffix=".mo")
    with os.fdopen(handle, "wb") as mo:
        write_mo(mo, english_catalog())
    os.chmod(temporary, 0o644)  # mkstemp makes it private; the web server's user must read it
    os.replace(temporary, MO_FILE)


def test_every_interface_string_has_an_english_translation():
    catalog = english_catalog()
    missing = []
    for msgid, (filename, lineno) in sorted(extracted_messages().items(), key=lambda item: item[1]):
        message = catalog.get(msgid)
        if message is None or "fuzzy" in message.flags or not all(forms(message.string)):
            missing.append(f"{filename}:{lineno}: {msgid!r}")
    assert not missing, "Untranslated strings (re-extract, pybabel update, translate):\n" + "\n".join(missing)


def shape(text: str) -> tuple[set[str], int]:
    """The placeholders of a message and its other % signs (templates always apply % to translations)."""
    return set(PLACEHOLDER.findall(text)), PLACEHOLDER.sub("", text).count("%")


def test_translations_keep_the_placeholders_of_the_source():
    mismatched = []
    for message in english_catalog():
        if not message.id or not message.string:
            continue
        ids, strings = forms(message.id), forms(message.string)
        # msgstr[0] answers the singular msgid, the other forms the plural one.
        mismatched += [
            f"{ids[0]!r} -> {string!r}"
            for index, string in enumerate(strings)
            if shape(string) != shape(ids[min(index, len(ids) - 1)])
        ]
    assert not mismatched, "\n".join(mismatched)


def test_catalog_has_two_english_plural_forms():
    catalog = english_catalog()
    assert catalog.num_plurals == 2
    plurals = [message for message in catalog if isinstance(message.id, tuple)]
    assert plurals and all(len(message.string) == 2 and all(message.string) for message in plurals)


@pytest.fixture
def english_catalog_compiled():
    compile_catalog_if_stale()


def switch_language(client, code: str, next_url: str = "/people/"):
    """GET /language/<code>, then drop the locale Flask-Babel cached on the shared app context."""
    from flask import g

    response = client.get(f"/language/{code}?next={next_url}")
    g.pop("_flask_babel", None)
    return response


def test_language_switch_shows_the_interface_in_english(english_catalog_compiled, client, login):
    login("admin")

    response = switch_language(client, "en")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Sign out" in page and "Đăng xuất" not in page  # gettext in the layout
    assert "Overseas Vietnamese and experts" in page  # page heading
    assert "0 results" in page  # ngettext plural
    form = client.get("/people/new").get_data(as_text=True)
    assert "Full name" in form and "Họ và tên" not in form  # lazy_gettext form label

    switch_language(client, "vi")
    assert "Đăng xuất" in client.get("/people/").get_data(as_text=True)
