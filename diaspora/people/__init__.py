"""The people register: people, contacts, memberships, search."""
from flask import Blueprint

bp = Blueprint("people", __name__)

from diaspora.people import views  # noqa: E402,F401
