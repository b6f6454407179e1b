"""Audit trail: events, diffs and the history views."""
from flask import Blueprint

bp = Blueprint("audit", __name__)

from diaspora.audit import views  # noqa: E402,F401
