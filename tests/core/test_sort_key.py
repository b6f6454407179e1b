"""Names in Vietnamese alphabetical order: the sort key (text.name_sort_key) and what reads as Vietnamese."""
import random

import pytest

from diaspora.text import SORT_KEY_LENGTH, looks_vietnamese, name_sort_key


def in_order(names, **options) -> list[str]:
    return sorted(names, key=lambda name: name_sort_key(name, **options))


def assert_sorted(names, **options):
    """`names` is the order a Vietnamese reader expects; shuffled, the keys give it back."""
    shuffled = list(names)
    random.Random(7).shuffle(shuffled)
    assert in_order(shuffled, **options) == list(names)


def test_a_list_sorts_by_given_name_then_middle_names_then_family_name():
    assert_sorted([
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Phạm Thị Bình",  # the same given name: the middle names decide (Thị < Văn)
        "Lê Văn Bình",
        "Nguyễn Văn Bình",  # the same given and middle names: the family name decides (Lê < Nguyễn)
        "Đỗ Văn Cường",
        "Hoàng Văn Dũng",
        "Vũ Thị Đào",
        "Bùi Minh Đức",
        "Ngô Thị Hà",
        "Nguyễn Thị Minh Khai",
        "Đặng Văn Long",
        "Lý Thị Mai",
        "Trương Văn Nam",
        "Đinh Thị Oanh",
        "Phan Văn Sơn",
        "Lê Thị Thu",
        "Hồ Văn Thư",
        "Nguyễn Văn Thử",
        "Võ Văn Tùng",
        "Trịnh Thị Vân",
        "Lương Thị Xuân",
        "Mai Thị Yến",
    ])


def test_letters_with_marks_are_letters_of_their_own():
    # a < ă < â; d < đ; e < ê; o < ô < ơ; u < ư: every word with the plain letter comes first.
    assert_sorted(["Lê An", "Lê Anh", "Lê Ăn", "Lê Ân", "Lê Bé"])
    assert_sorted(["Lê Dung", "Lê Dương", "Lê Đào", "Lê Đức", "Lê Em"])
    assert_sorted(["Lê En", "Lê Eo", "Lê Êm", "Lê Gấm"])
    assert_sorted(["Lê On", "Lê Ong", "Lê Ôn", "Lê Ơn", "Lê Phúc"])
    assert_sorted(["Lê Tuấn", "Lê Tùng", "Lê Tư", "Lê Tường", "Lê Vân"])


def test_tones_follow_the_letters_in_the_dictionary_order():
    # No tone, huyền, hỏi, ngã, sắc, nặng — after the letters: "An" and all its tones before "Anh".
    assert_sorted(["Lê Ba", "Lê Bà", "Lê Bả", "Lê Bã", "Lê Bá", "Lê Bạ", "Lê Bác", "Lê Bách", "Lê Ban"])
    assert_sorted(["Lê An", "Lê Án", "Lê Anh", "Lê Ánh"])
    assert_sorted(["Lê Ác", "Lê Ách"])  # ac + nothing before ac + h
    assert_sorted(["Lê Hưng", "Lê Hừng", "Lê Hứng", "Lê Hựng"])


def test_each_word_compares_whole_before_the_next():
    # The given name first, tone included, then the middle name: "Thị Ánh" before "Văn Ánh", both after "An".
    assert_sorted(["Trần Văn An", "Trần Thị Án", "Trần Văn Án", "Lê Thị Anh"])
    # A shorter given name that starts a longer one comes first.
    assert_sorted(["Lê Văn Cha", "Lê Văn Chan", "Lê Văn Chanh"])


def test_case_spacing_and_composition_do_not_matter():
    key = name_sort_key("Nguyễn Văn Hùng")
    assert name_sort_key("NGUYỄN VĂN HÙNG") == key
    assert name_sort_key("nguyễn  văn hùng ") == key
    assert name_sort_key("Nguye\u0302\u0303n Va\u0306n Hu\u0300ng") == key  # decomposed (NFD) input


def test_the_key_is_plain_digits_so_every_collation_orders_it_alike():
    for name in ("Nguyễn Văn An", "Maria Müller-Lüdenscheidt", "O'Brien, Seán", "Иван Петров", "王小明", "Lê 2",
                 "Đặng Thị Ngọc Ánh " * 20):
        key = name_sort_key(name)
        assert key.isdigit() and key.isascii()
        assert len(key) <= SORT_KEY_LENGTH
    assert name_sort_key("") == name_sort_key(None) == name_sort_key("  - ") == ""


def test_foreign_names_sort_by_family_name():
    family_first = {"family_first": True}
    # The last word, else the part before a comma, else the word in capitals of a mixed-case name.
    assert name_sort_key("Maria Schmidt", **family_first) == name_sort_key("SCHMIDT, Maria", **family_first)
    assert name_sort_key("Hiroshi TANAKA", **family_first) == name_sort_key("TANAKA Hiroshi", **family_first)
    assert_sorted(["Anna Becker", "Thomas Becker", "John Paul Smith", "Jane Smithson", "Hiroshi TANAKA",
                   "Zoe Walker"], **family_first)
    # Given names in their written order after the family name.
    assert in_order(["Paul John Smith", "John Paul Smith"], **family_first) == ["John Paul Smith", "Paul John Smith"]
    # Letters of other alphabets' marks are their base letter: Müller among the M, Ødegaard among the O.
    assert_sorted(["Karl Mayer", "Jan Müller", "Ola Nordmann", "Martin Ødegaard", "Ana Ortiz"], **family_first)


def test_vietnamese_names_written_with_a_comma_keep_the_family_name_last():
    assert name_sort_key("Nguyễn, Văn An") == name_sort_key("Nguyễn Văn An")


def test_digits_come_before_letters_and_other_scripts_after():
    assert in_order(["Lê A", "Lê 2", "Lê Иван"]) == ["Lê 2", "Lê A", "Lê Иван"]


@pytest.mark.parametrize("name, expected", [
    ("Nguyễn Văn An", True),
    ("Nguyen Van An", True),
    ("Tran Thi Thuong", True),
    ("Đỗ Minh", True),
    ("Anna Schmidt", False),
    ("John Lee", False),
    ("Peter Ho", False),
    ("Kim", False),
    ("José Müller", False),
    ("", False),
    (None, False),
])
def test_which_names_read_as_vietnamese(name, expected):
    assert looks_vietnamese(name) is expected
