"""Dashboard and reports."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from diaspora.reports import views  # noqa: E402,F401
