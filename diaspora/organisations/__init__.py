"""The organisation register."""
from flask import Blueprint

bp = Blueprint("organisations", __name__)

from diaspora.organisations import views  # noqa: E402,F401
