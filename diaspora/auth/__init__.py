"""Staff accounts, roles, login and first-run setup."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from diaspora.auth import views  # noqa: E402,F401
