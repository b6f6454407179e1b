"""Countries: what a written name or code means, the countries a title names, choices and display names."""
import re

from flask_babel import gettext as _

from diaspora.locale import current_language
from diaspora.reference.index import cached_row, reference_index
from diaspora.reference.models import Country
from diaspora.text import clean_text, fold, fold_key

# Where most of Hải Phòng's community lives; offered first in country lists.
COMMON_COUNTRIES = ("JP", "KR", "TW", "US", "DE", "CZ", "RU", "FR", "AU", "CA", "PL", "GB", "CN", "LA", "KH", "TH")
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def find_country(text: str | None) -> Country | None:
    """The country a written name or code means ("Mỹ", "USA", "CHLB Đức", "nhat ban", "JPN"), else None."""
    text = clean_text(text)
    if not text:
        return None
    index = reference_index()
    code = None
    # An upper-case code means the code: "MY" is Malaysia even though "Mỹ" folds to "my".
    if text.isascii() and text.isalpha() and text.isupper():
        code = text if text in index.country_names else index.country_by_alpha3.get(text)
    if code is None:
        inside = _PARENTHESES.findall(text)
        for variant in (text, _PARENTHESES.sub(" ", text), *inside):
            code = index.country_by_alias.get(fold_key(variant))
            if code:
                break
    return cached_row(Country, code) if code else None


# Words after which a title names a place: "kiều bào tại Nhật Bản", "hội người Việt ở Đức", "in Japan".
_PLACE_MARKERS = {"tai", "o", "in", "nuoc"}


def countries_named_in(text: str | None, longest_name: int = 6) -> set[str]:
    """Codes of the countries a title names after "tại", "ở", "nước" or "in" ("Danh sách kiều bào tại Cộng
    hòa Séc" → {"CZ"}; "ở Đức và Ba Lan" → {"DE", "PL"}): the longest country name or alias, in whole
    words, after the marker, and each one listed after it. Names elsewhere are not read:
    "Anh", "Đức" and "Nga" are also given names, "và" is an ISO code."""
    words = [word.strip(",;.:-–()") for word in fold(text).split()]
    aliases = reference_index().country_by_alias
    found = set()
    position, after_country = 0, False
    while position < len(words):
        word = words[position]
        start = None
        if word in _PLACE_MARKERS or (after_country and word in ("va", "and", "")):
            start = position + 1
        elif after_country:  # a list of countries: "tại Đức, Ba Lan"
            start = position
        elif word == "quoc" and words[position + 1:position + 2] == ["gia"]:
            start = position + 2
        after_country = False
        if start is not None and words[start:start + 1] == ["the"]:
            start += 1
        if start is not None:
            for size in range(min(longest_name, len(words) - start), 0, -1):
                code = aliases.get("".join(words[start:start + size]))
                if code:
                    found.add(code)
                    position, after_country = start + size, True
                    break
            else:
                position += 1
            continue
        position += 1
    return found


def country_choices(locale: str | None = None, common_first: bool = False):
    """(code, name) of every country sorted by name, diacritics aside.

    With common_first, a dict of two option groups for a select field: the countries where most of
    the community lives, then all others.
    """
    locale = locale or current_language()
    names = [(code, en if locale == "en" else vi) for code, (vi, en) in reference_index().country_names.items()]
    names.sort(key=lambda choice: (fold(choice[1]), choice[1]))
    if not common_first:
        return names
    by_code = dict(names)
    return {
        _("Nước có nhiều kiều bào"): [(code, by_code[code]) for code in COMMON_COUNTRIES if code in by_code],
        _("Các nước khác"): [choice for choice in names if choice[0] not in COMMON_COUNTRIES],
    }


def country_in_reader_language(text: str) -> str:
    """A country's name or code as some text keeps it (the audit's Vietnamese names) in the reader's language."""
    country = find_country(text)
    return country_name(country.code) if country is not None else text


def country_name(code: str | None, locale: str | None = None) -> str:
    """The display name of a country code, or the code itself when unknown."""
    if not code:
        return ""
    names = reference_index().country_names.get(code)
    if names is None:
        return code
    return names[1] if (locale or current_language()) == "en" else names[0]
