"""Contacts of people and organisations: the model, and the one check of contact values (phones to
E.164, emails lower-cased) that forms, services, the import and the API share."""
import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaspora.extensions import db
from diaspora.text import clean_text

CONTACT_KINDS = ("phone", "email", "zalo", "facebook", "wechat", "line", "kakaotalk", "whatsapp", "website", "address")
PHONE_KINDS = ("phone", "zalo", "whatsapp")
CONTACT_KIND_LABELS = {
    "phone": _l("Điện thoại"),
    "email": _l("Email"),
    "zalo": _l("Zalo"),
    "facebook": _l("Facebook"),
    "wechat": _l("WeChat"),
    "line": _l("LINE"),
    "kakaotalk": _l("KakaoTalk"),
    "whatsapp": _l("WhatsApp"),
    "website": _l("Trang web"),
    "address": _l("Địa chỉ bưu chính"),
}
_PHONE_JUNK = re.compile(r"[\s\-().\u00a0/]")
# A phone's shape once spaces, dashes, brackets, dots and slashes are gone: 6 to 15 digits (E.164's
# longest), "+" or "00" before them for an international number. Anything else is not a phone.
_PHONE_SHAPE = re.compile(r"\+?\d{6,15}")


class InvalidContact(ValueError):
    """A contact value that cannot be stored; the message is for the user, in Vietnamese."""


class UnverifiedPhone(str):
    """The normalised form of a phone of plausible shape that the numbering plans (phonenumbers) do not
    accept: an unallocated range ("+81 90-0127-6842"), a length the country does not use.

    Stored with Contact.verified False. The value is "+" and the digits when the number is written with
    "+" or "00"; written without, it is read in the row's or form's country as phonenumbers reads a
    national number (its trunk prefix dropped, the country code added: "090-0127-6842" in Japan is
    "+819001276842", the same contact as "+81 90-0127-6842"), and stays the digits as written
    ("09001276842") when no country is known or phonenumbers cannot read it at all. A str, so the
    cleaned (kind, written, normalized) tuples keep their shape; the class carries the mark through
    the import's steps (and its pickled preparation)."""

    __slots__ = ()


def phone_verified(normalized: str) -> bool:
    """False for the normalised form of an unverified phone (see UnverifiedPhone)."""
    return not isinstance(normalized, UnverifiedPhone)


def _unverified_phone(compact: str, default_region: str | None) -> UnverifiedPhone:
    if compact.startswith("+") or not default_region:
        return UnverifiedPhone(compact)
    try:
        number = phonenumbers.parse(compact, default_region.upper())
    except phonenumbers.NumberParseException:
        return UnverifiedPhone(compact)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return UnverifiedPhone(e164 if _PHONE_SHAPE.fullmatch(e164) else compact)


def normalize_phone(value: str, default_region: str | None = None, *, unverified: bool = False) -> str:
    """E.164 form of a phone number written in any usual way; region guides numbers without "+".

    With `unverified`, a number of plausible shape that the numbering plans do not accept is kept as
    an UnverifiedPhone instead of refused; only a value that is not a phone at all (letters, fewer than
    6 digits) raises InvalidContact."""
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
    if unverified and _PHONE_SHAPE.fullmatch(compact):
        return _unverified_phone(compact, default_region)
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
    """The normalised form of a contact of the given kind; raises InvalidContact.

    A phone the numbering plans do not accept but of plausible shape is an UnverifiedPhone."""
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value, default_region, unverified=True)
    if kind in PHONE_KINDS:
        # Zalo and WhatsApp accounts are usually phone numbers, but may be user names.
        try:
            return normalize_phone(value, default_region, unverified=True)
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
    if not e164.startswith("+"):
        # An unverified phone written without "+" in no known country: its digits as written, and
        # without the leading zeros of a national prefix.
        national = digits.lstrip("0")
        return [digits, national] if national and national != digits else [digits]
    for length in (1, 2, 3):
        if digits[:length].isdigit() and int(digits[:length]) in COUNTRY_CODE_TO_REGION_CODE:
            rest = digits[length:]
            if rest.isdigit():
                national = str(int(rest))  # as phonenumbers keeps it: an Italian leading zero is not part of it
                return [digits, national, "0" + national]
            break
    return [digits]


class Contact(db.Model):
    """A way to reach a person or an organisation: the value as entered and its normalised form."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # False for a phone of plausible shape that the numbering plans do not know (an unallocated range,
    # an unusual length): kept as written, shown "chưa xác minh", found by its digits.
    verified: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())

    person = relationship("Person", back_populates="contacts")
    organisation = relationship("Organisation", back_populates="contacts")


class ContactErrors(ValueError):
    """Contact rows that cannot be stored: {row index: message in Vietnamese}."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def clean_contacts(rows, default_region: str | None) -> tuple[list[dict], dict[int, str]]:
    """Validated, normalised contacts from rows of kind, value, is_primary; blank rows are skipped.

    Phones become E.164 (numbers without "+" read in `default_region`), emails lower-case; a phone of
    plausible shape the numbering plans do not know is kept with "verified" False (see UnverifiedPhone).
    Returns the contacts and {row index: message} for rows that cannot be stored. At most one
    primary per kind; when none is chosen, the first contact of a kind is its primary.
    """
    cleaned: list[dict] = []
    errors: dict[int, str] = {}
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(rows):
        value = clean_text(row.get("value"))
        if not value:
            continue
        kind = row.get("kind")
        if kind not in CONTACT_KINDS:
            errors[index] = _("Loại liên hệ không hợp lệ.")
            continue
        if len(value) > 300:
            errors[index] = _("Liên hệ dài quá 300 ký tự.")
            continue
        try:
            normalized = normalize_contact(kind, value, default_region)
        except InvalidContact as error:
            errors[index] = str(error)
            continue
        if (kind, normalized) in seen:
            errors[index] = _("Liên hệ “%(value)s” bị nhập hai lần.", value=value)
            continue
        primary = bool(row.get("is_primary"))
        if primary and any(c["is_primary"] and c["kind"] == kind for c in cleaned):
            errors[index] = _("Mỗi loại liên hệ chỉ có một liên hệ chính (%(kind)s).",
                              kind=CONTACT_KIND_LABELS[kind])
            continue
        seen.add((kind, normalized))
        cleaned.append({"kind": kind, "value": value, "normalized": normalized, "is_primary": primary,
                        "verified": phone_verified(normalized)})
    for kind in {c["kind"] for c in cleaned} - {c["kind"] for c in cleaned if c["is_primary"]}:
        next(c for c in cleaned if c["kind"] == kind)["is_primary"] = True
    return cleaned, errors


def apply_contacts(owner, contacts: list[dict]) -> None:
    """Make owner.contacts equal the cleaned contacts, keeping the rows that did not change."""
    existing = {(c.kind, c.normalized): c for c in owner.contacts}
    result = []
    for item in contacts:
        contact = existing.pop((item["kind"], item["normalized"]), None) or Contact()
        contact.kind, contact.value = item["kind"], item["value"]
        contact.normalized, contact.is_primary = item["normalized"], item["is_primary"]
        contact.verified = item.get("verified", phone_verified(item["normalized"]))
        result.append(contact)
    owner.contacts = result


def describe_contact(contact: Contact) -> str:
    """"Điện thoại: 090-1234-5678 (chính)", the form a contact takes in the history."""
    text = f"{CONTACT_KIND_LABELS[contact.kind]}: {contact.value}"
    return text + " (" + _("chính") + ")" if contact.is_primary else text


def checked_contacts(values: dict, region: str | None) -> list[dict] | None:
    """The cleaned contacts of a form's or an API's values (None: the values leave contacts alone);
    raises ContactErrors."""
    if "contacts" not in values:
        return None
    contacts, errors = clean_contacts(values["contacts"] or (), region)
    if errors:
        raise ContactErrors(errors)
    return contacts
