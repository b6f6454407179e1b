"""API tokens: made on a page (shown once, stored hashed) or by `flask users token`, revoked by their owner or
an admin; and what the API shows of an activity's participants."""
import re

from sqlalchemy import select

from diaspora.api.models import ApiToken
from diaspora.api.tokens import token_hash
from diaspora.extensions import db
from diaspora.people import service
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_person


def _secret(text: str) -> str:
    return re.search(r"kbhp_[A-Za-z0-9_\-]{40,}", text).group(0)


def test_a_token_made_on_the_page_is_shown_once_and_stored_hashed(client, login):
    user = login("viewer")
    response = client.post("/api/tokens", data={"name": "Bản tin hằng tháng", "days": "30", "read_only": "y"})
    assert response.status_code == 200
    secret = _secret(response.text)
    token = db.session.scalar(select(ApiToken))
    assert token.user_id == user.id and token.read_only and token.token_hash == token_hash(secret)
    assert secret not in str(db.session.execute(select(ApiToken.__table__)).all())
    page = client.get("/api/tokens").text
    assert secret not in page and token.prefix in page and "Bản tin hằng tháng" in page
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/reference/countries", headers=headers).status_code == 200
    assert client.post(f"/api/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/reference/countries", headers=headers).status_code == 401


def test_the_token_form_refuses_bad_values(client, login):
    login("editor")
    for data in ({"name": ""}, {"name": "x", "days": "0"}, {"name": "x", "days": "99999999999999999999"},
                 {"name": "a\x00b"}):
        assert client.post("/api/tokens", data=data).status_code == 422
    assert db.session.scalar(select(ApiToken)) is None


def test_staff_see_and_revoke_their_own_tokens_and_admins_everyones(client, login, app):
    from diaspora.api.tokens import issue_token

    other = make_user("editor", email="other@example.org")
    theirs, _secret_text = issue_token(other, "Của người khác")
    login("editor")
    assert "Của người khác" not in client.get("/api/tokens").text
    assert client.post(f"/api/tokens/{theirs.id}/revoke").status_code == 404
    login("admin", email="boss@example.org")
    assert "Của người khác" in client.get("/api/tokens").text
    assert client.post(f"/api/tokens/{theirs.id}/revoke").status_code == 302
    assert db.session.get(ApiToken, theirs.id).revoked_at is not None


def test_the_command_prints_a_token(client, runner, app):
    make_user("editor", email="an@example.org")
    result = runner.invoke(args=["users", "token", "an@example.org", "--read-only", "--days", "5"])
    assert result.exit_code == 0, result.output
    headers = {"Authorization": f"Bearer {result.output.strip()}"}
    assert client.get("/api/v1/people/", headers=headers).status_code == 200
    assert client.post("/api/v1/people/", headers=headers, json={}).status_code == 403
    token = db.session.scalar(select(ApiToken))
    assert token.read_only and 4 <= (token.expires_at.replace(tzinfo=None) - token.created_at.replace(tzinfo=None)).days <= 5
    assert runner.invoke(args=["users", "token", "nobody@example.org"]).exit_code != 0


def test_an_activity_leaves_out_participants_who_said_no(client, seeded, api_tokens):
    kept = make_person("Nguyễn Văn An")
    refused = service.create_person({"full_name": "Trần Văn Từ", "country_code": "JP", "consent_status": "refused"})
    activity = make_activity(people=[kept, refused])
    headers = api_tokens.bearer("viewer")
    shown = client.get(f"/api/v1/activities/{activity.id}", headers=headers).json
    assert [part["person_id"] for part in shown["participants"]] == [kept.id]
    listed = client.get("/api/v1/activities/", headers=headers).json["items"]
    assert [part["person_id"] for part in listed[0]["participants"]] == [kept.id]


def test_calls_need_no_csrf_token_but_the_token_pages_do(app, client, login, seeded, api_tokens):
    app.config["WTF_CSRF_ENABLED"] = True
    headers = api_tokens.bearer("editor")
    response = client.post("/api/v1/organisations/", headers=headers, json={"name": "Hội doanh nhân Việt Nam tại Nhật",
                                                                            "kind": "association", "country_code": "JP"})
    assert response.status_code == 201, response.json
    login("editor", email="page@example.org")
    assert client.post("/api/tokens", data={"name": "Không có mã CSRF"}).status_code == 400
    assert db.session.scalar(select(ApiToken).where(ApiToken.name == "Không có mã CSRF")) is None
