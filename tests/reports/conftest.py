"""The folder the reports of a test are written to (REPORTS_DIR, inside the test's own folder)."""
from pathlib import Path

import pytest


@pytest.fixture
def reports_folder(app) -> Path:
    """REPORTS_DIR of the test's app (the app fixture puts it in the test's temporary folder)."""
    return Path(app.config["REPORTS_DIR"])
