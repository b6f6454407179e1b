"""Downloads of personal data and templates: the people list as .xlsx or .csv, import templates."""
from flask import Blueprint

bp = Blueprint("exports", __name__)

from diaspora.exports import views  # noqa: E402,F401
