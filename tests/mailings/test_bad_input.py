"""The mailing pages never fail on bad input (the core walk, on this feature's routes only, with a draft and a
sent campaign)."""
from urllib.parse import urlencode

import pytest

from diaspora.extensions import db
from diaspora.mailings.models import CampaignMessage
from tests.core.routes import get_routes, urls_of
from tests.core.test_bad_input import BAD_VALUES, PARAMETERS
from tests.mailings.helpers import make_people
from tests.mailings.test_mailings import _compose


@pytest.mark.parametrize("draft", [True, False])
def test_no_mailing_page_fails_on_bad_input(app, client, login, seeded, draft):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login("editor")
    make_people(10)
    campaign = _compose(client, channel="email")
    if not draft:
        client.post(f"/mailings/{campaign.id}/send")
    message_id = db.session.scalar(db.select(CampaignMessage.id)) or 1
    ids = {"campaign_id": campaign.id, "message_id": message_id}
    failures = []
    for rule in (rule for rule in get_routes(app) if rule.rule.startswith("/mailings")):
        for url in urls_of(rule, ids):
            for query in [""] + ["?" + urlencode({name: value for name in PARAMETERS}) for value in BAD_VALUES]:
                response = client.get(url + query)
                response.close()
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {url[:80]}{query[:60]}")
    assert not failures, "\n".join(failures[:40])
