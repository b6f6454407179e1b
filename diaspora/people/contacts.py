"""Validation and normalisation of contact values (phones to E.164, emails lower-cased)."""
import re

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from diaspora.text import clean_text

PHONE_KINDS = ("phone", "zalo", "whatsapp")
_PHONE_JUNK = re.compile(r"[\s\-().\u00a0/]")


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
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
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
    """Digit strings under which a stored phone is found: international and national forms.

    Country calling codes are prefix-free, so the national number is what follows the one code that
    starts the digits: no parsing, which would cost as much as normalising the number again (an
    import indexes 50,000 phones)."""
    digits = e164.lstrip("+")
    for length in (1, 2, 3):
        if digits[:length].isdigit() and int(digits[:length]) in COUNTRY_CODE_TO_REGION_CODE:
            rest = digits[length:]
            if rest.isdigit():
                national = str(int(rest))  # as phonenumbers keeps it: an Italian leading zero is not part of it
                return [digits, national, "0" + national]
            break
    return [digits]
