"""A campaign runs as a job of the real queue: the page says it waits, a worker process produces the letters,
the state the page polls goes from queued to done."""
import time

from diaspora.extensions import db
from diaspora.mailings import service
from diaspora.mailings.models import Campaign
from tests.mailings.helpers import expected_recipients, make_people
from tests.mailings.test_mailings import _compose


def _status(campaign_id: int) -> str:
    db.session.expire_all()
    status = db.session.get(Campaign, campaign_id).status
    db.session.remove()
    return status


def test_a_worker_process_produces_the_letters(app, client, login, seeded, worker):
    login("editor")
    make_people(100)
    campaign = _compose(client)
    campaign_id = campaign.id
    client.post(f"/mailings/{campaign_id}/send")
    assert client.get(f"/mailings/{campaign_id}/state").json["status"] == "queued"
    assert "data-poll" in client.get(f"/mailings/{campaign_id}").text
    db.session.remove()  # the requests share the test's session: it must not keep rows the worker changes
    worker.start()
    deadline = time.monotonic() + 120
    while _status(campaign_id) in ("queued", "running"):
        assert worker.process.poll() is None, f"the worker stopped: {worker.messages()}"
        assert time.monotonic() < deadline, worker.messages()
        time.sleep(0.2)
    worker.stop()
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign.status == "done", (campaign.message, worker.messages())
    assert campaign.worker and campaign.progress == 100
    assert service.message_counts(campaign_id) == {"produced": expected_recipients(100)}
    assert client.get(f"/mailings/{campaign_id}/state").json == {"status": "done", "progress": 100}
    download = client.get(f"/mailings/{campaign_id}/letters")
    assert download.status_code == 200
    download.close()
