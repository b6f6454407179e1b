"""Legacy Vietnamese text: TCVN3 (ABC) and VNI-Windows decoding, detection and conversion."""
import unicodedata

import pytest

from diaspora.text import (
    count_vietnamese_words,
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    legacy_encoding_for_font,
    to_unicode,
)

# Published TCVN3 codes (cp1252 view), tones in the order: none, grave, hook, tilde, acute, dot.
TCVN3_LETTERS = {
    "aàảãáạ": "aµ¶·¸¹",
    "ăằẳẵắặ": "¨»¼½¾Æ",
    "âầẩẫấậ": "©ÇÈÉÊË",
    "eèẻẽéẹ": "eÌÎÏÐÑ",
    "êềểễếệ": "ªÒÓÔÕÖ",
    "iìỉĩíị": "i×ØÜÝÞ",
    "oòỏõóọ": "oßáâãä",
    "ôồổỗốộ": "«åæçèé",
    "ơờởỡớợ": "¬êëìíî",
    "uùủũúụ": "uïñòóô",
    "ưừửữứự": "\xadõö÷øù",
    "yỳỷỹýỵ": "yúûüýþ",
}
# VNI-Windows: base letter + mark bytes; grave ø, hook û, tilde õ, acute ù, dot ï (capitals Ø Û Õ Ù Ï).
VNI_PAIRS = [
    ("à", "aø"), ("ả", "aû"), ("ã", "aõ"), ("á", "aù"), ("ạ", "aï"),
    ("ă", "aê"), ("ằ", "aè"), ("ẳ", "aú"), ("ẵ", "aü"), ("ắ", "aé"), ("ặ", "aë"),
    ("â", "aâ"), ("ầ", "aà"), ("ẩ", "aå"), ("ẫ", "aã"), ("ấ", "aá"), ("ậ", "aä"),
    ("è", "eø"), ("ẻ", "eû"), ("ẽ", "eõ"), ("é", "eù"), ("ẹ", "eï"),
    ("ê", "eâ"), ("ề", "eà"), ("ể", "eå"), ("ễ", "eã"), ("ế", "eá"), ("ệ", "eä"),
    ("ì", "ì"), ("ỉ", "æ"), ("ĩ", "ó"), ("í", "í"), ("ị", "ò"),
    ("ò", "oø"), ("ỏ", "oû"), ("õ", "oõ"), ("ó", "où"), ("ọ", "oï"),
    ("ô", "oâ"), ("ồ", "oà"), ("ổ", "oå"), ("ỗ", "oã"), ("ố", "oá"), ("ộ", "oä"),
    ("ơ", "ô"), ("ờ", "ôø"), ("ở", "ôû"), ("ỡ", "ôõ"), ("ớ", "ôù"), ("ợ", "ôï"),
    ("ù", "uø"), ("ủ", "uû"), ("ũ", "uõ"), ("ú", "uù"), ("ụ", "uï"),
    ("ư", "ö"), ("ừ", "öø"), ("ử", "öû"), ("ữ", "öõ"), ("ứ", "öù"), ("ự", "öï"),
    ("ỳ", "yø"), ("ỷ", "yû"), ("ỹ", "yõ"), ("ý", "yù"), ("ỵ", "î"),
    ("đ", "ñ"),
]


@pytest.mark.parametrize("font, encoding", [
    (".VnTime", "tcvn3"),
    (".VnArial", "tcvn3"),
    (".VnTimeH", "tcvn3-upper"),
    (".VnArialH", "tcvn3-upper"),
    (" .vntime ", "tcvn3"),
    ("VNI-Times", "vni"),
    ("VNI-Helve", "vni"),
    ("Times New Roman", None),
    ("Arial", None),
    ("Calibri", None),
    (None, None),
    ("", None),
])
def test_legacy_encoding_for_font(font, encoding):
    assert legacy_encoding_for_font(font) == encoding


def test_tcvn3_phrases_from_published_facts():
    assert decode_tcvn3("TÝnh to¸n, m« pháng") == "Tính toán, mô phỏng"
    assert decode_tcvn3("vµ") == "và"
    assert decode_tcvn3("NguyÔn V¨n Hïng") == "Nguyễn Văn Hùng"
    assert decode_tcvn3("§Æng ThÞ Thu Hµ") == "Đặng Thị Thu Hà"
    assert decode_tcvn3("Héi ng\xadêi ViÖt Nam t¹i NhËt B¶n") == "Hội người Việt Nam tại Nhật Bản"
    assert decode_tcvn3("Thµnh phè H¶i Phßng") == "Thành phố Hải Phòng"


@pytest.mark.parametrize("letters, codes", TCVN3_LETTERS.items())
def test_tcvn3_every_vowel_with_every_tone(letters, codes):
    assert decode_tcvn3(codes) == letters
    assert unicodedata.is_normalized("NFC", decode_tcvn3(codes))


def test_tcvn3_capitals_and_d():
    assert decode_tcvn3("®") == "đ"
    assert decode_tcvn3("§") == "Đ"
    assert decode_tcvn3("¡¢£¤¥¦§") == "ĂÂÊÔƠƯĐ"
    # A toned capital written as the capital followed by the toned small letter.
    assert decode_tcvn3("Aµ") == "À"
    assert decode_tcvn3("¢Ê") == "Ấ"


def test_tcvn3_h_fonts_draw_capitals():
    assert decode_tcvn3("DANH S¸CH KIÒU BµO", upper=True) == "DANH SÁCH KIỀU BÀO"
    assert decode_tcvn3("hµ néi", upper=True) == "HÀ NỘI"


def test_vni_phrases_from_published_facts():
    assert decode_vni("Xin chaøo caùc baïn") == "Xin chào các bạn"
    assert decode_vni("Nguyeãn Vaên Huøng") == "Nguyễn Văn Hùng"
    assert decode_vni("Ñaëng Thò Thu Haø") == "Đặng Thị Thu Hà"
    assert decode_vni("Hoäi ngöôøi Vieät Nam taïi Nhaät Baûn") == "Hội người Việt Nam tại Nhật Bản"
    assert decode_vni("Thaønh phoá Haûi Phoøng") == "Thành phố Hải Phòng"
    assert decode_vni("Tính toaùn, moâ phoûng") == "Tính toán, mô phỏng"


@pytest.mark.parametrize("letter, code", VNI_PAIRS)
def test_vni_every_vowel_with_every_tone(letter, code):
    assert decode_vni(code) == letter
    assert decode_vni(code.upper()) == letter.upper()


def test_vni_capitals():
    assert decode_vni("NGUYEÃN VAÊN HUØNG") == "NGUYỄN VĂN HÙNG"
    assert decode_vni("ÑAËNG THÒ THU HAØ") == "ĐẶNG THỊ THU HÀ"
    assert decode_vni("BAÙC SÓ") == "BÁC SĨ"


@pytest.mark.parametrize("values, expected", [
    (["TÝnh to¸n, m« pháng", "NguyÔn V¨n Hïng", "§Æng ThÞ Thu Hµ"], "tcvn3"),
    (["Héi ng\xadêi ViÖt Nam t¹i NhËt B¶n"], "tcvn3"),
    (["Xin chaøo caùc baïn", "Nguyeãn Vaên Huøng"], "vni"),
    (["Hoäi ngöôøi Vieät Nam taïi Nhaät Baûn", "NGUYEÃN VAÊN HUØNG"], "vni"),
    (["Nguyễn Văn Hùng", "Đặng Thị Thu Hà", "Hội người Việt Nam tại Nhật Bản"], None),
    (["Hà Nội", "Hùng", "Tính toán, mô phỏng", "Xin chào các bạn"], None),
    ([unicodedata.normalize("NFD", "Nguyễn Văn Hùng, Đặng Thị Thu Hà")], None),
    (["Nguyen Van Hung", "hung.nguyen@example.jp", "+81 90-1234-5678"], None),
    (["José Müller", "François Lefèvre", "Bjørn Ødegård", "Zoë Grüße", "Ángel Núñez"], None),
    (["müller@example.de", "søren@example.dk"], None),
    ([None, 12, 3.5], None),
    ([], None),
])
def test_detect_legacy_encoding(values, expected):
    assert detect_legacy_encoding(values) == expected


def test_detection_needs_a_clear_majority():
    # One legacy-looking word among many genuine Unicode words is not enough.
    values = ["Nguyễn Văn Hùng", "Trần Quốc Toản", "Lê Thị Mai", "Phạm Minh Đức", "vµ"]
    assert detect_legacy_encoding(values) is None


def test_to_unicode_decodes_and_normalises():
    assert to_unicode("  NguyÔn  V¨n Hïng ", "tcvn3") == "Nguyễn Văn Hùng"
    assert to_unicode("DANH S¸CH", "tcvn3-upper") == "DANH SÁCH"
    assert to_unicode("Ñaëng Thò Thu Haø", "vni") == "Đặng Thị Thu Hà"
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Hùng")
    assert to_unicode(nfd, None) == "Nguyễn Văn Hùng"
    assert to_unicode("   ", None) is None


def test_to_unicode_keeps_text_that_is_already_unicode():
    # Cells of a .VnTime column that were typed or pasted in Unicode stay as they are.
    assert to_unicode("Nguyễn Văn Hùng", "tcvn3") == "Nguyễn Văn Hùng"
    assert to_unicode("Ghi chú", "tcvn3") == "Ghi chú"
    assert to_unicode("Hội người Việt", "vni") == "Hội người Việt"
    assert to_unicode("hung.nguyen@example.jp", "tcvn3") == "hung.nguyen@example.jp"


def test_to_unicode_passes_other_values_through():
    assert to_unicode(912345678, "tcvn3") == 912345678
    assert to_unicode(None, "vni") is None


def test_count_vietnamese_words():
    assert count_vietnamese_words(["Nguyễn Văn Hùng", "Hội người Việt"]) == 6
    assert count_vietnamese_words(["TÝnh to¸n", "Xin chaøo"]) <= 1
    assert count_vietnamese_words(["plain ascii"]) == 0
