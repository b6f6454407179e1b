"""Security headers on every response, no caching of anything but static files, and URLs whose arguments
hold control characters refused before any view reads them."""
from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from diaspora.text import has_control_characters

# Scripts and styles come from files of this site only: no inline script, style or event handler, so an
# injected one does nothing. Bootstrap draws its icons (select arrow, close button) with data: images.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))
# Browser features the register never uses, denied to it and to anything that might be injected.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "browsing-topics"))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def init_app(app: Flask) -> None:
    """Refuse URLs with control characters in their arguments; add the headers to every response."""
    app.before_request(refuse_control_characters_in_url)
    app.after_request(add_security_headers)


class UrlRefused(BadRequest):
    """A URL whose arguments hold a control character: the error page says why (its description), and so
    does the API's JSON answer."""


def refuse_control_characters_in_url():
    """A 400 page saying why, for a query argument or a path part holding a control character (a NUL
    reaches PostgreSQL as an error, and no link the application writes holds one)."""
    values = [text for pair in request.args.items(multi=True) for text in pair]
    values += [value for value in (request.view_args or {}).values() if isinstance(value, str)]
    if any(has_control_characters(value) for value in values):
        message = _("Địa chỉ trang có ký tự không được phép (ký tự điều khiển, ví dụ NUL). "
                    "Hãy kiểm tra lại liên kết hoặc nội dung ô tìm kiếm.")
        raise UrlRefused(message)


def add_security_headers(response):
    """The headers of HEADERS (a view may set its own), HSTS when HSTS_SECONDS is set (production), and
    `Cache-Control: no-store` on everything but static files: pages, downloads and error pages may hold
    personal data that must not stay in a browser's or a proxy's cache."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    hsts_seconds = current_app.config.get("HSTS_SECONDS")
    if hsts_seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}")
    if not _is_static_file(request.endpoint):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def _is_static_file(endpoint: str | None) -> bool:
    """The app's and its blueprints' static files (Bootstrap's included) hold nothing personal: cached."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))
