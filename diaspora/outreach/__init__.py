"""Typical products, distribution channels and engagement activities."""
from flask import Blueprint

bp = Blueprint("outreach", __name__)

from diaspora.outreach import views  # noqa: E402,F401
