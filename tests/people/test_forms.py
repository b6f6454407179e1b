"""Dates typed as dd/mm/yyyy, birth years, multi-line text."""
from datetime import date

import pytest
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.people.forms import parse_dmy
from diaspora.people.models import Person
from diaspora.text import clean_paragraphs
from tests.people.factories import person_form


@pytest.mark.parametrize(("text", "expected"), [
    ("25/12/1980", date(1980, 12, 25)),
    ("1/2/1980", date(1980, 2, 1)),
    (" 29/02/2024 ", date(2024, 2, 29)),
])
def test_parse_dmy_accepts_day_month_year(text, expected):
    assert parse_dmy(text) == expected


@pytest.mark.parametrize("text", ["1980-12-25", "12/25/1980", "29/02/2023", "25/12/80", "25.12.1980", "hôm qua"])
def test_parse_dmy_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_dmy(text)


@pytest.mark.parametrize(("birth", "message"), [
    ("1850", "Năm sinh 1850 không hợp lý."),
    ("01/01/2999", "Ngày này còn ở tương lai."),
    ("80", "“80” không hợp lệ"),
])
def test_implausible_birth_is_refused(client, login, seeded, birth, message):
    login("editor")
    response = client.post("/people/new", data=person_form(birth=birth))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Person.id)) is None


def test_notes_keep_their_lines(client, login, seeded):
    login("editor")
    client.post("/people/new", data=person_form(notes="Dòng  một\r\n\r\n\r\n  Dòng hai  \r\n"))
    assert db.session.scalar(select(Person.notes)) == "Dòng một\n\nDòng hai"


def test_clean_paragraphs_normalises_each_line():
    assert clean_paragraphs("Nguye\u0302\u0303n\n\n\n\nA") == "Nguyễn\n\nA"
    assert clean_paragraphs(" \n ") is None
