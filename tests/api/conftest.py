"""Fixtures of the API tests: tokens per role and a small register to call the API on."""
from datetime import timedelta

import pytest

from diaspora.api import tokens
from diaspora.extensions import db
from diaspora.people import service as people_service
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_channel, make_organisation, make_person, make_product


class Tokens:
    """bearer("editor") → headers of a token of a new (or the same) user of that role."""

    def __init__(self):
        self.users = {}

    def user(self, role: str):
        if role not in self.users:
            self.users[role] = make_user(role, email=f"api-{role}@example.org")
        return self.users[role]

    def bearer(self, role: str = "editor", *, read_only: bool = False, days: int | None = 30) -> dict:
        _token, secret = tokens.issue_token(self.user(role), f"test {role}", read_only=read_only, days=days)
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_tokens(app):
    return Tokens()


@pytest.fixture
def register(seeded):
    """A person in Japan with a membership, an organisation, a product, a channel and an activity: {name: id}."""
    person = make_person("Nguyễn Văn An", fields=("health",), email="an.nguyen@example.jp")
    organisation = make_organisation()
    people_service.add_membership(person, {"organisation_id": organisation.id, "role": "Phó Chủ tịch"})
    product = make_product()
    channel = make_channel(products=[(product, "distributing")], person=person)
    activity = make_activity(people=[person], organisations=[organisation])
    return {"person_id": person.id, "organisation_id": organisation.id, "channel_id": channel.id,
            "activity_id": activity.id, "product_id": product.id}


def expire(headers: dict) -> None:
    """Make the token of these headers expired."""
    token = tokens.authenticate(headers["Authorization"])
    token.expires_at = tokens.utcnow() - timedelta(minutes=1)
    db.session.commit()
