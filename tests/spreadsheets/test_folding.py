"""fold, sped up for the import's hot path, gives exactly what the character-by-character version gave."""
import random
import re
import unicodedata

from diaspora.text import fold

_SPACES = re.compile(r"\s+")
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss"})


def reference_fold(value):
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", str(value).translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_EXTRA).lower()).strip()


def test_fold_matches_the_reference_on_every_character_and_on_mixed_text():
    for code in range(0x30000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        for text in (char, f" Đ{char}\u0301  x\u3000", f"{char}\u034f\u0300"):
            assert fold(text) == reference_fold(text), hex(code)
    rng = random.Random(5)
    pool = [chr(code) for code in [*range(0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), 0x410, 0x5B0,
                                   0x2000, 0x3000, 0x85]]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert fold(text) == reference_fold(text)


def test_fold_examples():
    assert fold("  Nguyễn  ĐẶNG\tThị ") == "nguyen dang thi"
    assert fold("Москва") == "москва"
    assert fold(None) == "" and fold("") == ""


def test_clean_text_collapses_the_same_whitespace_as_before():
    from diaspora.text import clean_text

    for code in range(0x3100):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f" a{char}{char}b {char}"
        expected = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip() or None
        assert clean_text(text) == expected, hex(code)
    assert clean_text("  Nguye\u0302\u0303n\u00a0\u00a0Văn \n") == "Nguyễn Văn"
    assert clean_text("   ") is None and clean_text(None) is None
