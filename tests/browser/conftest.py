"""A live server and headless Chromium (Debian's package) driven by Playwright.

Browser tests are skipped when /usr/bin/chromium is missing, unless REQUIRE_TEST_TOOLS=1 (CI),
in which case they fail.
"""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from diaspora.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


class _ClosingHandler(WSGIRequestHandler):
    """The development server leaves a response's file open when the browser drops the connection (it navigated
    on before a script finished downloading): its clean-up reads the socket first and fails there. Close it here,
    so the file is not left to the garbage collector (a ResourceWarning, an error in the tests)."""

    def connection_dropped(self, error, environ=None):
        body = (environ or {}).get(_RESPONSE)
        if hasattr(body, "close"):
            body.close()


_RESPONSE = "tests.response"


def _keeping_response(app):
    """The app, keeping each response's body in its environ for _ClosingHandler."""
    def wsgi(environ, start_response):
        environ[_RESPONSE] = body = app(environ, start_response)
        return body
    return wsgi


@pytest.fixture
def live_server(app):
    """Serve the test app on a free local port for the duration of one test."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, _keeping_response(app), threaded=True, request_handler=_ClosingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The test's own session must not hold SQLite locks while the server writes.
    db.session.remove()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_TEST_TOOLS") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} and REQUIRE_TEST_TOOLS=1 (CI)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Assertions wait as long as actions do: a shared CI machine under load can take seconds to draw a page.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    yield page
    context.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-width browser with touch, as the community and staff at an event's door use it."""
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
