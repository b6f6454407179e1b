"""Downloads seen from outside: a CSV export names its character set once (a repeated parameter is malformed and
some clients then guess the encoding)."""
import pytest


@pytest.mark.parametrize("url", ["/exports/people.csv", "/exports/channels.csv"])
def test_a_csv_export_names_its_character_set_once(client, login, records, url):
    login("editor")
    response = client.get(url)
    data = response.data
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert data.startswith("\ufeff".encode())
