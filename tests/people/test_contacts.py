import phonenumbers
import pytest

from diaspora.contacts import normalize_phone, phone_search_tokens


@pytest.mark.parametrize("written, region", [
    ("0912 345 678", "VN"), ("+1 (212) 555-0123", None), ("090-1234-5678", "JP"), ("+39 06 1234 5678", None),
    ("+44 20 7946 0958", None), ("+886 912 345 678", None), ("+420 601 123 456", None), ("+7 912 345-67-89", None),
])
def test_a_phone_is_found_by_its_international_and_national_digits(written, region):
    e164 = normalize_phone(written, region)
    national = str(phonenumbers.parse(e164).national_number)
    assert phone_search_tokens(e164) == [e164[1:], national, "0" + national]


def test_an_italian_number_keeps_its_leading_zero_only_in_the_international_form():
    assert phone_search_tokens("+390612345678") == ["390612345678", "612345678", "0612345678"]


@pytest.mark.parametrize("value", ["+", "+999", "+84abc"])
def test_digits_without_a_known_country_code_are_found_as_written(value):
    assert phone_search_tokens(value) == [value.lstrip("+")]
