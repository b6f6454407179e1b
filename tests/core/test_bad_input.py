"""Bad input never gives a server error: every GET route of the app, walked as each role with ids that
exist, 0, 2^31 and 10^30, and with every URL argument a view reads set to NUL, other control characters,
huge numbers, long strings and values of the wrong type. A control character in a URL is refused with a
page that says why."""
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from diaspora.audit.forms import AuditFilterForm
from tests.core.routes import HUGE, get_routes, urls_of

SOURCE = Path(__file__).resolve().parents[2] / "diaspora"
# Every URL argument a view reads: found in the source, so a parameter added later is walked too.
READ_ARGUMENT = re.compile(r"""(?:args|request\.values)\.get(?:list)?\(\s*["'](\w+)["']"""
                           r"""|\w+\(\s*(?:request\.)?args\s*,\s*["'](\w+)["']""")
PARAMETERS = sorted({name for path in SOURCE.rglob("*.py") for match in READ_ARGUMENT.finditer(path.read_text())
                     for name in match.groups() if name} | {field.name for field in AuditFilterForm()})
# Each value is given to every parameter at once; NUL and control characters are refused before any view
# reads them, the others reach the views.
BAD_VALUES = ["\x00", "a\x00b", "\x01\x1b[31m\x7f", "\u0085", HUGE, "-" + HUGE, "9" * 5000, "1e308", "x" * 5000,
              "abc", "1.5", "", " ", "-1", "0", "[]", "%", "'\"<>;--", "\t\n", "Nguyễn\u0301"]
ROLES = ["anonymous", "viewer", "editor", "admin"]


def test_the_walk_knows_the_arguments_views_read():
    assert {"q", "page", "per_page", "sort", "country", "person", "organisation", "year", "month", "next",
            "date_from"} <= set(PARAMETERS)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_route_fails_on_bad_input(app, client, login, records, role):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is a 500 response, listed with the others
    if role != "anonymous":
        login(role)
        assert client.get("/people/").status_code == 200  # the walk sees the pages, not the login form
    failures = []
    for rule in get_routes(app):
        urls = urls_of(rule, records)
        for url in urls:
            for query in [""] + ["?" + urlencode({name: value for name in PARAMETERS}) for value in BAD_VALUES]:
                response = client.get(url + query)
                response.close()
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {url[:80]}{query[:60]}")
        # Each parameter alone, on the route's URL with existing ids: a view that reads one argument
        # before another still meets each bad value.
        for name in PARAMETERS:
            for value in (HUGE, "9" * 5000, "x" * 5000, "abc", "\x00"):
                response = client.get(urls[0] + "?" + urlencode({name: value}))
                response.close()
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {urls[0][:80]}?{name}={value[:20]!r}")
    assert not failures, "\n".join(failures[:40])


@pytest.mark.parametrize("url", ["/people/?country=%00", "/people/?q=a%00b", "/outreach/channels/?q=%01",
                                 "/people/?q=an&q=%00", "/people/?%00=1",
                                 "/audit/?date_from=%1b", "/login?next=%00", "/exports/templates/%00.xlsx"])
def test_a_control_character_in_a_url_is_refused_with_a_page_saying_why(client, login, url):
    login("admin")
    response = client.get(url)
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.text


@pytest.mark.parametrize(("url", "shown"), [
    ("/people/", "Nguyễn Văn Hùng"), ("/organisations/", "Hội người Việt Nam tại Nhật Bản"),
    ("/outreach/channels/", "Cửa hàng Sen Việt"), ("/outreach/activities/", "Gặp mặt kiều bào tại Tokyo"),
    ("/imports/", "danh-sach.xlsx"), ("/audit/", "owner@example.org"),
])
def test_a_page_beyond_the_last_shows_the_last(client, login, records, url, shown):
    login("admin")
    for page in ("2", "99", HUGE):
        response = client.get(f"{url}?page={page}&per_page=500")
        assert response.status_code == 200 and shown in response.text, page
