"""Every route is protected on the server: POSTs carry a role, anonymous users go to login, lower roles get 403.

The routes are read from the application's URL map, so routes added later are covered automatically.
"""
import pytest
from flask import g, url_for
from werkzeug.routing import AnyConverter

from diaspora import create_app
from diaspora.permissions import ROLE_RANK, ROLES
from diaspora.config import TestConfig
from tests.conftest import make_user

# The community's public pages: the registration form and an event's sign-up (its link holds an unguessable token).
PUBLIC_PAGES = {"community.register", "community.event_register"}
OPEN_POSTS = {"auth.login", "auth.login_code", "auth.setup", "auth.logout", "auth.set_language"} | PUBLIC_PAGES
OPEN_GETS = {"auth.login", "auth.login_code", "auth.setup", "auth.set_language", "community.thanks",
             "community.event_ticket", "community.event_ticket_qr", "api-docs.openapi_json"} | PUBLIC_PAGES
# The JSON API authenticates each call by its bearer token (tests/api checks its 401s and 403s per operation).
TOKEN_BLUEPRINTS = ("api_people", "api_organisations", "api_channels", "api_activities", "api_reference")


def _rules(method: str, exempt: set[str]) -> list[str]:
    app = create_app(TestConfig)
    return sorted({
        rule.endpoint for rule in app.url_map.iter_rules()
        if method in rule.methods and rule.endpoint not in exempt
        and rule.endpoint != "static" and not rule.endpoint.endswith(".static")
        and rule.endpoint.partition(".")[0] not in TOKEN_BLUEPRINTS
    })


def _url(app, endpoint: str) -> str:
    """The endpoint's URL with every argument 1 (or the first allowed word of an `any(...)` argument)."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {
        name: sorted(converter.items)[0] if isinstance(converter, AnyConverter) else 1
        for name, converter in rule._converters.items()
    }
    with app.test_request_context():
        return url_for(endpoint, **values)


def _sign_in_as(login, role: str) -> None:
    login(role)
    # The test's app context outlives each request, so Flask-Login's per-request user cache must go.
    g.pop("_login_user", None)


def _sent_to_login(response) -> bool:
    return response.status_code == 401 or (
        response.status_code == 302 and response.location.startswith("/login"))


@pytest.mark.parametrize("endpoint", _rules("POST", OPEN_POSTS))
def test_every_post_route_requires_its_role(app, client, login, endpoint):
    view = app.view_functions[endpoint]
    role = getattr(view, "required_role", None)
    assert role in ROLES, f"{endpoint} has no role_required(...)"
    url = _url(app, endpoint)

    assert _sent_to_login(client.post(url)), f"anonymous POST {url} was not sent to login"
    for lower in ROLES[:ROLE_RANK[role]]:
        _sign_in_as(login, lower)
        assert client.post(url).status_code == 403, f"{lower} could POST {url}"


@pytest.mark.parametrize("endpoint", _rules("GET", OPEN_GETS))
def test_every_get_route_requires_login(app, client, endpoint):
    make_user("admin")  # past first-run setup, so login is the only way in
    url = _url(app, endpoint)
    assert _sent_to_login(client.get(url)), f"anonymous GET {url} was not sent to login"


def test_the_open_routes_are_really_open(client):
    make_user("admin")
    assert client.get("/login").status_code == 200
    # The second step of a sign-in is open, but only to someone who has just given the right password.
    assert _sent_to_login(client.get("/login/code"))
    assert client.get("/language/en").status_code == 302
    assert client.post("/logout").status_code == 302
    assert client.get("/register").status_code == 200
