"""Cleaners for contacts: phone numbers, emails, accounts (Zalo, Facebook…), other contacts and web addresses."""
import re
from typing import Callable

import phonenumbers
from flask_babel import lazy_gettext as _

from diaspora.contacts import (
    InvalidContact,
    UnverifiedPhone,
    normalize_contact,
    normalize_email,
    normalize_phone,
)
from diaspora.spreadsheets.cleaners import (
    LINE_OR_SEMICOLON,
    CellError,
    cell_text,
    split_values,
)
from diaspora.text import fold_key

_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")
# Phones are also separated by a spaced dash; a note in brackets after a number is no part of it.
_PHONE_SEPARATORS = re.compile(r"(?:[;,/\n\r|]|\s[-–]\s)+")
_PHONE_SEPARATORS_BUT_SLASH = re.compile(r"(?:[;,\n\r|]|\s[-–]\s)+")
_PHONE_NOTE = re.compile(r"\([^)\d]*\)")
_NUMBER_AS_TEXT = re.compile(r"\s*\d{6,}\.0\s*")


def _phone(raw: str, region: str | None, numeric: bool):
    """E.164; an UnverifiedPhone for a number of plausible shape that no reading makes valid; else the
    InvalidContact saying why it is not a phone."""
    number = _verified_phone(raw, region, numeric)
    if not isinstance(number, InvalidContact):
        return number
    try:
        return normalize_phone(raw, region, unverified=True)
    except InvalidContact as problem:
        return problem


def _verified_phone(raw: str, region: str | None, numeric: bool):
    """E.164, or the InvalidContact saying why not."""
    if numeric and region and len(raw) >= 11 and raw.startswith(str(phonenumbers.country_code_for_region(region))):
        # A number cell that lost the "+" of the row's own country (4915112345678 in Germany) could
        # also read as a long national number there: the country code is the likelier reading.
        try:
            return normalize_phone("+" + raw, None)
        except InvalidContact:
            pass
    try:
        return normalize_phone(raw, region)
    except InvalidContact as problem:
        if numeric and not raw.startswith("0"):
            # Excel dropped the "+" of an international number stored as a number: 84912345678.
            try:
                return normalize_phone("+" + raw, None)
            except InvalidContact:
                pass
        return problem


# An everyday address: a dot-atom of common ASCII characters before the @, a host name after it.
# email-validator accepts any such local part as written; only its verdict on the domain remains,
# and that depends on the domain alone, so it is asked once per domain (a list has a few hundred
# domains for tens of thousands of addresses, and the library takes 40 µs an address).
_EVERYDAY_EMAIL = re.compile(r"([A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_EMAIL_MAX_LENGTH = 254  # RFC 5321 as email-validator applies it; a longer address goes to the library
# Domains, as written, whose everyday addresses the library returned as written (lower-cased).
_ACCEPTED_DOMAINS: set[str] = set()
_ACCEPTED_DOMAINS_MAX = 100_000


def _email(raw: str):
    everyday = _EVERYDAY_EMAIL.fullmatch(raw) if len(raw) <= _EMAIL_MAX_LENGTH else None
    if everyday is not None and everyday[2] in _ACCEPTED_DOMAINS:
        return raw.lower()
    try:
        normalized = normalize_email(raw)
    except InvalidContact as problem:
        return problem
    if everyday is not None and normalized == raw.lower():
        if len(_ACCEPTED_DOMAINS) >= _ACCEPTED_DOMAINS_MAX:
            _ACCEPTED_DOMAINS.clear()
        _ACCEPTED_DOMAINS.add(everyday[2])
    return normalized


def _normalised(result) -> str:
    if isinstance(result, InvalidContact):
        raise CellError(result.args[0] if result.args else str(result))  # the message as written (lazy)
    return result


def _note_unverified(ctx, written: str, normalized: str) -> None:
    """The row's note for a phone kept unverified (the import shows it; the row is not refused)."""
    notes = getattr(ctx, "notes", None)
    if isinstance(normalized, UnverifiedPhone) and notes is not None:
        notes.append(_("Số điện thoại “%(value)s” chưa xác minh được (không thuộc dải số nào đã biết): "
                       "đã giữ như đã ghi, đánh dấu “chưa xác minh”.", value=written))


def _score(numbers: list) -> tuple[int, int]:
    """(numbers refused, numbers unverified): the lower, the better the reading of a cell."""
    return (sum(isinstance(number, InvalidContact) for number in numbers),
            sum(isinstance(number, UnverifiedPhone) for number in numbers))


def clean_phones(value, ctx, kind: str = "phone") -> tuple[tuple[str, str, str], ...]:
    """(kind, value, E.164) per number; numbers without "+" are read in the row's country, then Vietnam.

    A number of plausible shape that the numbering plans do not accept is kept, its normalised form an
    UnverifiedPhone, and the row says so in its note; only a value that is not a phone is refused."""
    region = ctx.row.get("country")
    if value.__class__ is str and _NUMBER_AS_TEXT.fullmatch(value):
        value = int(value.strip()[:-2])  # "14085550123.0": a number cell written out by a program
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number cell lost its leading 0 (912345678) or its "+" (84912345678).
        raw = str(int(value))
        normalized = _normalised(_phone(raw, region, True))
        _note_unverified(ctx, raw, normalized)
        return ((kind, raw, normalized),)
    text = _PHONE_NOTE.sub(" ", str(value))
    parts = split_values(text, _PHONE_SEPARATORS)
    numbers = [_phone(part, region, False) for part in parts]
    if "/" in text and any(isinstance(number, InvalidContact | UnverifiedPhone) for number in numbers):
        # "0151/12345678": the slash after an area code (German lists), not between two numbers.
        whole = split_values(text, _PHONE_SEPARATORS_BUT_SLASH)
        whole_numbers = [_phone(part, region, False) for part in whole]
        if _score(whole_numbers) < _score(numbers):
            parts, numbers = whole, whole_numbers
    contacts = tuple((kind, part, _normalised(number)) for part, number in zip(parts, numbers))
    for _kind, part, normalized in contacts:
        _note_unverified(ctx, part, normalized)
    return contacts


def clean_emails(value, ctx) -> tuple[tuple[str, str, str], ...]:
    return tuple(("email", part, _normalised(_email(part)))
                 for part in split_values(value, _EMAIL_SEPARATORS))


def contact_cleaner(kind: str) -> Callable:
    """A cleaner for one kind of account (Zalo, Facebook…): several separated by ; or new lines."""

    def clean(value, ctx):
        if kind in ("zalo", "whatsapp") and isinstance(value, int | float) and not isinstance(value, bool):
            return clean_phones(value, ctx, kind)
        contacts = []
        for part in split_values(value, LINE_OR_SEMICOLON):
            try:
                normalized = normalize_contact(kind, part, ctx.row.get("country"))
            except InvalidContact as problem:
                raise CellError(problem.args[0] if problem.args else str(problem)) from None
            if isinstance(normalized, UnverifiedPhone):
                _note_unverified(ctx, part, normalized)  # short: no cut, which would lose the mark
            else:
                normalized = normalized[:300]
            contacts.append((kind, part, normalized))
        return tuple(contacts)

    return clean


_OTHER_CONTACT_KINDS = {
    "wechat": "wechat", "line": "line", "kakaotalk": "kakaotalk", "kakao": "kakaotalk",
    "whatsapp": "whatsapp", "web": "website", "website": "website", "trangweb": "website",
    "diachi": "address", "diachibuudien": "address",
}


def clean_other_contacts(value, ctx) -> tuple[tuple[str, str, str], ...]:
    """"WeChat: abc; LINE: xyz; Web: example.org" → one contact per "kind: value" part."""
    contacts = []
    for part in split_values(value, LINE_OR_SEMICOLON):
        label, colon, rest = part.partition(":")
        kind = _OTHER_CONTACT_KINDS.get(fold_key(label)) if colon else None
        if kind is None and colon and rest.startswith("//"):
            kind, rest = "website", part  # a bare URL "https://…"
        if kind is None:
            raise CellError(_("“%(value)s”: ghi dạng “loại: giá trị”, loại là một trong "
                              "WeChat, LINE, KakaoTalk, WhatsApp, Web, Địa chỉ.", value=part))
        contacts += contact_cleaner(kind)(rest, ctx)
    return tuple(contacts)


def clean_single_phone(value, ctx) -> str:
    """One phone number in E.164 (a channel keeps one); an unverified number is kept as for people (the
    row's note says so), in its normalised form: a channel has no verified mark."""
    numbers = clean_phones(value, ctx)
    if len(numbers) != 1:
        raise CellError(_("Chỉ ghi một số điện thoại cho mỗi kênh."))
    return numbers[0][2]


def clean_single_email(value, ctx) -> str:
    emails = clean_emails(value, ctx)
    if len(emails) != 1:
        raise CellError(_("Chỉ ghi một địa chỉ email cho mỗi kênh."))
    return emails[0][2]


def clean_website(value, ctx) -> str:
    """A web address; "vietmart.jp" gets "https://" (as the channel form does)."""
    text = cell_text(value).strip()
    if " " in text or "." not in text:
        raise CellError(_("“%(value)s” không phải địa chỉ trang web.", value=text))
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    if len(text) > 300:
        raise CellError(_("Dài quá %(limit)d ký tự.", limit=300))
    return text
