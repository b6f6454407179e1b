"""WTForms' own messages (a choice not offered, a value too long, a number expected) are shown in Vietnamese on
the Vietnamese interface, and as WTForms writes them on the English one."""
import html
import re

import pytest

from diaspora.forms import WTFORMS_MESSAGES

BAD = {"full_name": "Trần Văn An", "country_code": "JP", "gender": "không-có", "consent_text_version": "v" * 50}


def _errors(response) -> list[str]:
    return [html.unescape(text).strip() for text in re.findall(r'invalid-feedback[^>]*>([^<]+)', response.text)]


def test_a_refused_choice_and_a_long_value_are_explained_in_vietnamese(client, login, seeded):
    login("editor")
    response = client.post("/people/new", data=BAD)
    assert response.status_code == 422
    errors = _errors(response)
    assert "Lựa chọn không hợp lệ; hãy chọn một mục trong danh sách." in errors
    assert "Tối đa 40 ký tự." in errors
    assert not [error for error in errors if error.isascii()], errors


def test_the_english_interface_keeps_wtforms_english(client, login, seeded):
    login("editor")
    client.get("/language/en")
    errors = _errors(client.post("/people/new", data=BAD))
    assert "Not a valid choice." in errors
    assert "Field cannot be longer than 40 characters." in errors


@pytest.mark.parametrize("english", sorted(WTFORMS_MESSAGES))
def test_each_message_keeps_the_placeholders_wtforms_fills(english):
    assert set(re.findall(r"%\(\w+\)[sd]", english)) >= set(re.findall(r"%\(\w+\)[sd]", str(WTFORMS_MESSAGES[english])))
