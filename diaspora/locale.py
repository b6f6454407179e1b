"""The reader's language, written once: Vietnamese (the source language) or English."""
from flask import has_app_context, has_request_context, session
from flask_babel import get_locale

LANGUAGES = ("vi", "en")


def select_locale() -> str:
    """The language chosen in the session, else Vietnamese (Flask-Babel's locale selector)."""
    # Commands and background work have no session: they speak the source language.
    chosen = session.get("locale") if has_request_context() else None
    return chosen if chosen in LANGUAGES else "vi"


def current_language() -> str:
    """"vi" or "en": the language the current request (or forced block) renders in."""
    locale = get_locale() if has_app_context() else None
    return locale.language if locale is not None and locale.language in LANGUAGES else "vi"


def is_english() -> bool:
    return current_language() == "en"
