"""Reference data: countries, fields, community roles, administrative units."""
from flask import Blueprint

bp = Blueprint("reference", __name__)

from diaspora.reference import views  # noqa: E402,F401
