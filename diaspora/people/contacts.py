"""Validation and normalisation of contact values (phones to E.164, emails lower-cased)."""
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from diaspora.text import clean_text

PHONE_KINDS = ("phone", "zalo", "whatsapp")
_PHONE_JUNK = re.compile(r"[\s\-().\u00a0/]")
# The national numbers of the E.164 forms normalize_phone returned lately: search_words needs them
# for every phone it indexes, and parsing a number again costs as much as normalising it (an
# import normalises 50,000 phones, then indexes them). Bounded: emptied when full.
_NATIONAL_NUMBERS: dict[str, str] = {}
_NATIONAL_NUMBERS_MAX = 200_000


class InvalidContact(ValueError):
    """A contact value that cannot be stored; the message is for the user, in Vietnamese."""


def normalize_phone(value: str, default_region: str | None = None) -> str:
    """E.164 form of a phone number written in any usual way; region guides numbers without "+"."""
    raw = clean_text(value) or ""
    compact = _PHONE_JUNK.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not compact:
        raise InvalidContact(_l("Số điện thoại trống."))
    regions = [default_region.upper()] if default_region and not compact.startswith("+") else [None]
    if not compact.startswith("+"):
        # Lists from Vietnam often omit the country of residence; try Vietnam too.
        regions.append("VN")
    for region in regions:
        try:
            number = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if len(_NATIONAL_NUMBERS) >= _NATIONAL_NUMBERS_MAX:
                _NATIONAL_NUMBERS.clear()
            _NATIONAL_NUMBERS[e164] = str(number.national_number)
            return e164
    raise InvalidContact(_l("Số điện thoại “%(value)s” không hợp lệ.", value=raw))


def normalize_email(value: str) -> str:
    """Lower-cased, syntactically valid email address (no network look-up)."""
    raw = clean_text(value) or ""
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidContact(_l("Địa chỉ email “%(value)s” không hợp lệ.", value=raw)) from None
    return result.normalized.lower()


def normalize_contact(kind: str, value: str, default_region: str | None = None) -> str:
    """The normalised form of a contact of the given kind; raises InvalidContact."""
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value, default_region)
    if kind in PHONE_KINDS:
        # Zalo and WhatsApp accounts are usually phone numbers, but may be user names.
        try:
            return normalize_phone(value, default_region)
        except InvalidContact:
            pass
    cleaned = clean_text(value)
    if not cleaned:
        raise InvalidContact(_l("Giá trị liên hệ trống."))
    return cleaned.lower() if kind != "address" else cleaned


def phone_search_tokens(e164: str) -> list[str]:
    """Digit strings under which a stored phone is found: international and national forms."""
    digits = e164.lstrip("+")
    tokens = [digits]
    national = _NATIONAL_NUMBERS.get(e164)
    if national is None:
        try:
            national = str(phonenumbers.parse(e164).national_number)
        except phonenumbers.NumberParseException:
            return tokens
    return tokens + [national, "0" + national]
