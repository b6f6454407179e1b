"""The import's phone cleaners: a number of plausible shape is kept as an UnverifiedPhone with a note
on the row; only a value that is not a phone is a cell error."""
from types import SimpleNamespace

import pytest

from diaspora.contacts import UnverifiedPhone
from diaspora.spreadsheets.cleaners import CellError, CleanContext, Lookups
from diaspora.spreadsheets.contact_cleaners import (
    clean_other_contacts,
    clean_phones,
    clean_single_phone,
    contact_cleaner,
)


@pytest.fixture
def ctx(app):
    lookups = Lookups(find_country=lambda text: None, match_hometown=lambda text: SimpleNamespace(unit=None),
                      fields={}, field_names=[], roles={}, role_names=[])
    with app.test_request_context():
        yield CleanContext(lookups, row={"country": "JP"})


def test_unverified_phones_are_kept_with_a_note(ctx):
    contacts = clean_phones("+81 90-0127-6842; 090-1234-5678", ctx)
    assert contacts == (("phone", "+81 90-0127-6842", "+819001276842"), ("phone", "090-1234-5678", "+819012345678"))
    assert [type(normalized) for _, _, normalized in contacts] == [UnverifiedPhone, str]
    assert len(ctx.notes) == 1 and "+81 90-0127-6842" in ctx.notes[0] and "chưa xác minh" in ctx.notes[0]


def test_a_resident_number_without_plus_gets_the_country_code(ctx):
    assert clean_phones("090-0127-6842", ctx) == (("phone", "090-0127-6842", "+819001276842"),)


def test_a_number_cell_that_lost_its_zero_is_kept_unverified(ctx):
    assert clean_phones(9001276842, ctx) == (("phone", "9001276842", "+819001276842"),)
    assert len(ctx.notes) == 1


@pytest.mark.parametrize("value", ["abc", "12345", "090-0127-6842; abc"])
def test_values_that_are_not_phones_are_errors_without_notes(ctx, value):
    with pytest.raises(CellError, match="không hợp lệ"):
        clean_phones(value, ctx)
    assert ctx.notes == []


def test_the_unverified_mark_of_an_export_is_dropped_on_import(ctx):
    assert clean_phones("+819001276842 (chưa xác minh)", ctx) == (("phone", "+819001276842", "+819001276842"),)


def test_a_slash_after_an_area_code_still_reads_as_one_number(ctx):
    ctx.row = {"country": "DE"}
    assert [n for _, _, n in clean_phones("0151/23456789", ctx)] == ["+4915123456789"]
    assert ctx.notes == []


def test_zalo_and_whatsapp_numbers_follow_the_same_rule(ctx):
    assert contact_cleaner("zalo")("090-0127-6842", ctx) == (("zalo", "090-0127-6842", "+819001276842"),)
    assert clean_other_contacts("WhatsApp: +81 90 0127 6842", ctx) == (
        ("whatsapp", "+81 90 0127 6842", "+819001276842"),)
    assert len(ctx.notes) == 2
    assert contact_cleaner("zalo")("an.nguyen", ctx) == (("zalo", "an.nguyen", "an.nguyen"),)


def test_a_channel_keeps_an_unverified_phone(ctx):
    assert clean_single_phone("+81 90-0127-6842", ctx) == "+819001276842"
    assert len(ctx.notes) == 1
    with pytest.raises(CellError):
        clean_single_phone("abc", ctx)
