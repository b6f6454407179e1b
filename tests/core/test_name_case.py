"""Full names as the office writes them: capitals or small letters become Vietnamese title case."""
import unicodedata

import pytest

from diaspora.text import proper_name, title_case


@pytest.mark.parametrize("written, stored", [
    ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
    ("nguyễn văn an", "Nguyễn Văn An"),
    ("ĐẶNG THỊ ĐÀO", "Đặng Thị Đào"),
    ("đỗ  thị   ánh", "Đỗ Thị Ánh"),
    ("LÊ-NGUYỄN ƯNG", "Lê-Nguyễn Ưng"),
    # Decomposed (NFD) text as some programs write it: no capital after a tone mark.
    (unicodedata.normalize("NFD", "NGUYỄN ĐỨC HUỲNH"), "Nguyễn Đức Huỳnh"),
    # A letter and a mark with no precomposed form: the mark belongs to the word.
    ("HOA\u0300NG J\u0301AN", "Hoàng J\u0301an"),
    ("McDonald", "McDonald"),
    ("Nguyễn Văn An", "Nguyễn Văn An"),
    ("Maria de la Cruz", "Maria de la Cruz"),
])
def test_proper_name(written, stored):
    assert proper_name(written) == stored
    assert unicodedata.is_normalized("NFC", proper_name(written))


def test_proper_name_of_nothing():
    assert proper_name(None) is None
    assert proper_name("   ") is None


def test_title_case_capitalises_the_first_letter_of_each_word():
    assert title_case("ĐINH ỨNG") == "Đinh Ứng"
    assert title_case("o'neil") == "O'Neil"
    assert title_case("nguye\u0302\u0303n") == "Nguyễn"
