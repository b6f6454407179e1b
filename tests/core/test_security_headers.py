"""Security headers on pages, files and error pages; nothing but static files cached; HSTS in production
only; and templates that the Content-Security-Policy leaves working (no inline script, handler or style)."""
import re
from pathlib import Path

import pytest

from diaspora import create_app
from diaspora.config import ProductionConfig, TestConfig
from diaspora.extensions import db
from diaspora.security import CONTENT_SECURITY_POLICY
from tests.core.routes import get_routes, urls_of

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# The one page that may use the camera (for its own origin only): the check-in's QR scan.
CAMERA_ENDPOINTS = {"community.checkin_scan"}


def assert_secure_headers(response, endpoint: str | None = None):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    camera = "camera=(self)" if endpoint in CAMERA_ENDPOINTS and response.status_code == 200 else "camera=()"
    assert camera in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]


def test_the_policy_allows_no_inline_script_or_style_and_no_framing():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == directives["form-action"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_every_page_and_file_has_the_headers_and_nothing_personal_is_cached(app, client, login, records):
    app.config["EXPORT_BACKGROUND_ROWS"] = 10_000  # lists are written while the request waits: files
    login("admin")
    seen = set()
    for rule in get_routes(app):
        for url in urls_of(rule, records)[:2]:  # a record that exists, and one that does not (404)
            response = client.get(url)
            response.close()
            assert_secure_headers(response, rule.endpoint)
            seen.add(response.status_code)
            if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
                assert "no-store" not in response.headers.get("Cache-Control", ""), url
            else:
                assert response.headers["Cache-Control"] == "no-store", url
    assert {200, 302, 404} <= seen


@pytest.mark.parametrize("url", ["/exports/people.xlsx", "/exports/channels.csv", "/exports/templates/people.xlsx"])
def test_exports_and_downloads_are_not_cached(client, login, records, url):
    login("editor")
    response = client.get(url)
    response.close()
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    assert_secure_headers(response)


def test_static_files_keep_their_caching(client):
    for url in ("/static/app.js", "/static/app.css", "/bootstrap/static/css/bootstrap.min.css"):
        response = client.get(url)
        response.close()
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers.get("ETag") or response.headers.get("Last-Modified")
        assert_secure_headers(response)


def test_error_pages_have_the_headers(app, client, login):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    for url, code in (("/no-such-page", 404), ("/people/?q=%00", 400), ("/boom", 500)):
        response = client.get(url)
        assert response.status_code == code
        assert_secure_headers(response)
        assert response.headers["Cache-Control"] == "no-store"
    login("viewer")
    response = client.get("/users")
    assert response.status_code == 403
    assert_secure_headers(response)


def test_hsts_in_production_only(app, client, postgres_schema, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/login").headers

    class Production(ProductionConfig):
        TESTING = True
        SECRET_KEY = "production-test-key"
        SQLALCHEMY_DATABASE_URI = postgres_schema or f"sqlite:///{tmp_path / 'production.db'}"

    production = create_app(Production)
    with production.app_context():
        if not postgres_schema:
            db.create_all()
        response = production.test_client().get("/login", base_url="https://register.example")
        assert response.headers["Strict-Transport-Security"] == f"max-age={365 * 24 * 3600}"
        assert_secure_headers(response)
        db.session.remove()
        db.engine.dispose()
    assert TestConfig.HSTS_SECONDS == 0


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_templates_hold_no_inline_script_handler_or_style(path):
    """What the policy would block in a browser: an inline <script> or <style>, an on…= handler, a
    javascript: URL, a style="…" attribute. Pages load scripts from diaspora/static/ and say what they
    need in data-* attributes; sizes are classes of app.css."""
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "<style> element"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text.lower(), "javascript: URL"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
