"""The queue's buttons: "Không trùng" (with the list's filters and page, to come back to them) and "Rà soát lại"."""
from wtforms import HiddenField

from diaspora.forms import AppForm


class ReviewForm(AppForm):
    """Mark a pair "không trùng"; the hidden fields bring the reviewer back to the same filters and page."""

    reason = HiddenField()
    status = HiddenField()
    page = HiddenField()


class ScanForm(AppForm):
    """Ask for a scan of the whole register (the CSRF token only)."""
