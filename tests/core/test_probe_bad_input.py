"""Bad input on the pages of an unfinished import: the walk of every GET route (test_bad_input) meets a
committed batch, whose wizard pages only redirect; a draft's pages read more arguments (a saved mapping,
a page of the preview), each given huge numbers, long values and wrong types."""
from urllib.parse import urlencode

import pytest

from tests.core.routes import HUGE
from tests.core.test_bad_input import PARAMETERS
from tests.core.test_form_input import _draft_import

VALUES = [HUGE, "-" + HUGE, "9" * 5000, "x" * 5000, "-1", "0", "abc", "1.5", "' OR 1=1--"]


@pytest.mark.parametrize("page", ["sheet", "mapping", "preview", ""])
def test_a_drafts_pages_take_any_argument_without_a_server_error(app, client, login, seeded, tmp_path, page):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login("editor")
    draft = _draft_import(client, tmp_path)
    url = f"/imports/{draft}/{page}".rstrip("/")
    assert client.get(url).status_code in (200, 302)
    failures = []
    for name in PARAMETERS:
        for value in VALUES:
            response = client.get(f"{url}?{urlencode({name: value})}")
            response.close()
            if response.status_code >= 500:
                failures.append(f"{url}?{name}={value[:20]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_saved_mapping_beyond_any_id_is_no_saved_mapping(client, login, seeded, tmp_path):
    login("editor")
    draft = _draft_import(client, tmp_path)
    response = client.get(f"/imports/{draft}/mapping?saved={HUGE}")
    assert response.status_code == 200
