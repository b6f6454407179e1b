"""Choosing the interface language."""
import pytest

from tests.conftest import make_user


def test_language_is_kept_in_the_session_and_next_followed(client):
    make_user("viewer")
    response = client.get("/language/en", query_string={"next": "/login?x=1"})
    assert response.status_code == 302
    assert response.location == "/login?x=1"
    with client.session_transaction() as session:
        assert session["locale"] == "en"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
    client.get("/language/vi")
    with client.session_transaction() as session:
        assert session["locale"] == "vi"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_language_switch_never_leaves_the_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_unknown_language_is_404(client):
    assert client.get("/language/fr").status_code == 404
    with client.session_transaction() as session:
        assert "locale" not in session
