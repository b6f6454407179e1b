"""Demo phones and emails that are valid input: made from each country's numbering plan and Faker's locales,
and checked by the import's own cleaners (a value the import would refuse or keep unverified is drawn again)."""
import random

import phonenumbers

from diaspora.people.demo_catalogue import ASCII_LETTERS, CYRILLIC_TO_LATIN
from diaspora.spreadsheets.cleaners import CellError, CleanContext
from diaspora.spreadsheets.contact_cleaners import clean_emails, clean_phones
from diaspora.text import fold_words

class PhoneMaker:
    """Valid, unique mobile numbers of a country: the library's example number with a new tail."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.templates: dict[str, tuple] = {}

    def _template(self, region: str):
        if region not in self.templates:
            example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
            if example is None:
                self.templates[region] = None
            else:
                formats = (
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL),
                )
                self.templates[region] = (example.country_code, str(example.national_number), formats)
        return self.templates[region]

    def make(self, region: str, national: bool = True) -> tuple[str, str] | None:
        """(value as written, E.164), or None when the country has no example number.

        Numbers of another country than the person's are written internationally, as a
        national form could be read as a number of the country of residence.
        """
        template = self._template(region)
        if template is None:
            return None
        country_code, example, formats = template
        tail = min(6, len(example) - 2)
        for _ in range(20):
            digits = example[:-tail] + "".join(self.rng.choices("0123456789", k=tail))
            e164 = f"+{country_code}{digits}"
            if e164 in self.used:
                continue
            number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(digits))
            if phonenumbers.is_valid_number(number):
                self.used.add(e164)
                return reformat_phone(self.rng.choice(formats if national else formats[:1]), digits), e164
        return None


def reformat_phone(written: str, national: str) -> str:
    """The example number as written, with its last digits replaced by another number's."""
    chars = list(written)
    remaining = list(national)
    for index in range(len(chars) - 1, -1, -1):
        if not remaining:
            break
        if chars[index].isdigit():
            chars[index] = remaining.pop()
    return "".join(chars)


def ascii_words(text: str) -> list[str]:
    """The words of a name folded to ASCII letters and digits ("Łukasz Müller" → ["lukasz", "muller"])."""
    return fold_words(text.translate(ASCII_LETTERS))


def latin(cyrillic: str) -> str:
    """A Russian or Ukrainian name in Latin letters."""
    return "".join(CYRILLIC_TO_LATIN.get(char.lower(), char) if char.islower() or char.lower() not in CYRILLIC_TO_LATIN
                   else CYRILLIC_TO_LATIN[char.lower()].title() for char in cyrillic)


_CLEANING = CleanContext(lookups=None)
# Valid numbers of a country's locale new numbers are made from, and the digits changed at their end.
PHONE_PATTERNS = 40
PHONE_TAIL = 4
EXAMPLE_TAIL = 6  # the numbering plan's single example varies more, or its numbers would look alike
# The parts of Faker demo people need: loading only these makes a locale ready five times sooner.
FAKER_PROVIDERS = ["faker.providers.address", "faker.providers.internet", "faker.providers.person",
                   "faker.providers.phone_number"]


def checked_email(address: str) -> str | None:
    """The address as the import stores it, or None when the import would refuse it."""
    try:
        cleaned = clean_emails(address, _CLEANING)
    except CellError:
        return None
    return cleaned[0][2] if len(cleaned) == 1 else None


def plausible_phone(written: str, country: str) -> bool:
    """Whether the numbering plans accept the number as one of the country's: a draw that fails here is
    not worth the cleaner's several readings."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(written, country))
    except phonenumbers.NumberParseException:
        return False


def checked_phone(written: str, country: str) -> str | None:
    """The E.164 form the import reads from a number written in a country, or None when the import would
    refuse it or keep it only as unverified."""
    context = CleanContext(lookups=None, row={"country": country})
    try:
        cleaned = clean_phones(written, context)
    except CellError:
        return None
    if len(cleaned) != 1 or context.notes:  # a note: kept unverified, not a number the plans know
        return None
    e164 = cleaned[0][2]
    # The cleaner also reads a number as Vietnamese when it is none of the country's: not this country's.
    return e164 if e164.startswith(f"+{phonenumbers.country_code_for_region(country)}") else None
