"""Vietnamese text: NFC cleaning, diacritic folding for search and matching."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss"})


def clean_text(value) -> str | None:
    """Trim, collapse inner whitespace and normalise to NFC; empty becomes None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = _SPACES.sub(" ", text).strip()
    return text or None


def fold(value: str | None) -> str:
    """Lower-case ASCII form with diacritics removed and đ→d: "Nguyễn Đặng" → "nguyen dang"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", str(value).translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_FOLD_EXTRA).lower()).strip()


def fold_words(value: str | None) -> list[str]:
    """The folded alphanumeric words of a text, in order."""
    return [word for word in _NON_ALNUM.split(fold(value)) if word]


def fold_key(value: str | None) -> str:
    """Folded text with punctuation and spacing removed, for comparing headers and codes."""
    return "".join(fold_words(value))


def legacy_encoding_for_font(font_name: str | None) -> str | None:
    """"tcvn3", "tcvn3-upper" or "vni" for a legacy Vietnamese font name, else None."""
    raise NotImplementedError


def decode_tcvn3(text: str, upper: bool = False) -> str:
    """Unicode text from TCVN3 (ABC) text as stored by Excel/Word."""
    raise NotImplementedError


def decode_vni(text: str) -> str:
    """Unicode text from VNI-Windows text as stored by Excel/Word."""
    raise NotImplementedError


def detect_legacy_encoding(values) -> str | None:
    """"tcvn3", "vni" or None judged by content."""
    raise NotImplementedError


def to_unicode(text: str, encoding: str | None) -> str | None:
    """Decode legacy text when an encoding is given, then clean to NFC."""
    raise NotImplementedError
