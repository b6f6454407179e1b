"""Import batches: the upload wizard, history and undo."""
from flask import Blueprint

bp = Blueprint("imports", __name__)

from diaspora.imports import merging, retention, views  # noqa: E402,F401
