"""Values of the wrong type in every form: a JSON body (numbers, lists, objects) or a file sent for a text field
is refused like an empty answer, never a server error, and nothing is stored."""
import io

import pytest

from tests.core.test_form_input import _draft_import, _every_form, _snapshot

JSON_VALUES = [1, 10**30, [1, "x"], {"a": None}, None, True, 1.5]


@pytest.fixture
def forms(app, client, login, records, tmp_path):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is a 500 response, listed with the others
    login("admin")
    draft = _draft_import(client, tmp_path)
    return _every_form(app, client, {**records, "batch_id": draft})


def test_no_form_fails_on_a_json_body(client, forms):
    failures = []
    for action, fields in forms.items():
        names = [name for name in fields if name != "csrf_token"] or ["name"]
        for value in JSON_VALUES:
            before = _snapshot()
            response = client.post(action, json={name: value for name in names})
            response.close()
            if response.status_code >= 500:
                failures.append(f"{action} {value!r}: {response.status_code}")
            elif _snapshot() != before and response.status_code != 302:
                failures.append(f"{action} {value!r}: stored with {response.status_code}")
    assert not failures, "\n".join(failures)


def test_no_form_fails_on_a_file_sent_for_a_text_field(client, forms):
    failures = []
    for action, fields in forms.items():
        data = {name: value for name, (kind, value) in fields.items()}
        texts = [name for name, (kind, _value) in fields.items() if name != "csrf_token" and kind != "file"]
        for name in texts:
            response = client.post(action, data={**data, name: (io.BytesIO(b"\x00\xff"), "a.txt")},
                                   content_type="multipart/form-data")
            response.close()
            if response.status_code >= 500:
                failures.append(f"{action} {name}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_json_body_on_a_page_form_asks_for_the_values_again(client, login, seeded):
    login("editor")
    response = client.post("/people/new", json={"full_name": {"họ": "Trần"}, "country_code": 1})
    assert response.status_code == 422
    assert "Hãy nhập họ và tên." in response.text


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "12", "null", "[[\"full_name\", \"An\"]]", "{bad json"])
def test_a_json_body_that_is_no_object_is_refused_without_a_server_error(app, client, login, seeded, body):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login("editor")
    response = client.post("/people/new", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
