"""Vietnamese text: NFC cleaning, diacritic folding for search and matching, legacy font decoding."""
import functools
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss"})


def clean_text(value) -> str | None:
    """Trim, collapse inner whitespace and normalise to NFC; empty becomes None."""
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", str(value)).split()) or None


def title_case(text: str) -> str:
    """NFC text with the first letter of each word capital and the others small: "ĐẶNG THỊ ĐÀO" → "Đặng Thị Đào".

    A word starts after anything that is neither a letter, a digit nor a combining mark (str.title()
    starts one after a mark that has no precomposed letter: "J́AN" → "J́An").
    """
    text = unicodedata.normalize("NFC", text)
    letters = []
    in_word = False
    for char in text:
        if char.isalpha():
            letters.append(char.lower() if in_word else (char.title() if len(char.title()) == 1 else char.upper()))
            in_word = True
        else:
            letters.append(char)
            in_word = char.isdigit() or (in_word and unicodedata.combining(char) > 0)
    return unicodedata.normalize("NFC", "".join(letters))


def proper_name(value) -> str | None:
    """A full name as records show it: clean_text, and title case when written all in capitals or all in
    small letters ("NGUYỄN VĂN AN", "nguyễn văn an" → "Nguyễn Văn An"); a name in mixed case stays as
    written ("McDonald", "Maria de la Cruz")."""
    name = clean_text(value)
    if name and (name.isupper() or name.islower()):
        return title_case(name)
    return name


# The combining marks of Latin scripts (U+034F, the grapheme joiner, is not one); Vietnamese needs
# only these, so folding it takes one regex pass instead of a Python loop over characters.
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")


def fold(value: str | None) -> str:
    """Lower-case ASCII form with diacritics removed and đ→d: "Nguyễn Đặng" → "nguyen dang"."""
    if not value:
        return ""
    text = str(value)
    if not text.isascii():
        text = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text)).translate(_FOLD_EXTRA)
        if not text.isascii():
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


def fold_words(value: str | None) -> list[str]:
    """The folded alphanumeric words of a text, in order."""
    return [word for word in _NON_ALNUM.split(fold(value)) if word]


def fold_key(value: str | None) -> str:
    """Folded text with punctuation and spacing removed, for comparing headers and codes."""
    return "".join(fold_words(value))


# Legacy 8-bit Vietnamese. Excel and Word keep text typed in a .VnTime or VNI-Times font as if it
# were Windows-1252, so each character of the stored string stands for one legacy byte.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_TONE_MARKS = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)


def _with_tone(letter: str, tone: str) -> str:
    return unicodedata.normalize("NFC", letter + tone)


def _tcvn3_table() -> dict[str, str]:
    # One code per lowercase letter, tones in the order grave, hook, tilde, acute, dot;
    # the .Vn fonts have no toned capitals (the .Vn…H fonts draw these codes as capitals).
    toned = {
        "a": "µ¶·¸¹", "ă": "»¼½¾Æ", "â": "ÇÈÉÊË", "e": "ÌÎÏÐÑ", "ê": "ÒÓÔÕÖ", "i": "×ØÜÝÞ",
        "o": "ßáâãä", "ô": "åæçèé", "ơ": "êëìíî", "u": "ïñòóô", "ư": "õö÷øù", "y": "úûüýþ",
    }
    table = {"¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\xad": "ư", "®": "đ",
             "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}
    for letter, codes in toned.items():
        for code, tone in zip(codes, _TONE_MARKS):
            table[code] = _with_tone(letter, tone)
    return table


def _vni_table() -> dict[str, str]:
    # A base letter followed by a mark byte; the capital letters take the capital mark bytes.
    table = {}
    for case in (str.lower, str.upper):
        tones = dict(zip(_TONE_MARKS, case("øûõùï")))
        with_circumflex = dict(zip(_TONE_MARKS, case("àåãáä")))
        with_breve = dict(zip(_TONE_MARKS, case("èúüéë")))
        table[case("ô")] = case("ơ")
        table[case("ö")] = case("ư")
        table[case("ñ")] = case("đ")
        table[case("a") + case("ê")] = case("ă")
        for base, letter in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y"), ("ô", "ơ"), ("ö", "ư")):
            for tone, mark in tones.items():
                table[case(base) + mark] = case(_with_tone(letter, tone))
        for base in "aeo":
            table[case(base) + case("â")] = case(_with_tone(base, "\u0302"))
            for tone, mark in with_circumflex.items():
                table[case(base) + mark] = case(_with_tone(_with_tone(base, "\u0302"), tone))
        for tone, mark in with_breve.items():
            table[case("a") + mark] = case(_with_tone("ă", tone))
        # i and the dotted y have letters of their own.
        for code, tone in zip(case("ìæóíò"), _TONE_MARKS):
            table[code] = case(_with_tone("i", tone))
        table[case("î")] = case("ỵ")
    return table


_TCVN3 = _tcvn3_table()
_VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))
_LEGACY_VIEW = set(bytes(range(256)).decode("cp1252", errors="ignore")) | {chr(c) for c in range(256)}
# "Aµ": a .VnTime text writes a toned capital as the capital followed by the toned small letter.
_TCVN3_CAPITAL_PAIR = re.compile("([AĂÂEÊIOÔƠUƯY])([^\\W\\d_])")


def legacy_encoding_for_font(font_name: str | None) -> str | None:
    """"tcvn3" for .Vn fonts, "tcvn3-upper" for the .Vn…H capital fonts, "vni" for VNI fonts, else None."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return "tcvn3-upper" if name.endswith("h") else "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def _merge_tcvn3_capital(match: re.Match) -> str:
    capital, small = match.groups()
    decomposed = unicodedata.normalize("NFD", small)
    base = unicodedata.normalize("NFC", decomposed.rstrip("".join(_TONE_MARKS)))
    tone = decomposed[len(unicodedata.normalize("NFD", base)):]
    if tone and base == capital.lower():
        return _with_tone(capital, tone)
    return match.group(0)


def decode_tcvn3(text: str, upper: bool = False) -> str:
    """Unicode NFC text from TCVN3 (ABC) text; upper=True for the .Vn…H fonts, which draw capitals."""
    decoded = "".join(_TCVN3.get(char, char) for char in text)
    decoded = _TCVN3_CAPITAL_PAIR.sub(_merge_tcvn3_capital, decoded)
    return unicodedata.normalize("NFC", decoded.upper() if upper else decoded)


def decode_vni(text: str) -> str:
    """Unicode NFC text from VNI-Windows text (base letters followed by mark bytes)."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda match: _VNI[match.group(0)], text))


_INITIAL = "(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
_NUCLEUS = "(?:uyê|uya|oa|oă|oe|uê|uy|uâ|uơ|iê|yê|ia|ya|ua|ưa|uô|ươ|oo|[aăâeêioôơuưy])"
_SYLLABLE = re.compile(f"{_INITIAL}({_NUCLEUS})(ch|ng|nh|[cmnpt]|[iyou])?")
_WORD_SPLIT = re.compile(r"[\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")


def _is_vietnamese_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [char for char in decomposed if char in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONE_MARKS))
    match = _SYLLABLE.fullmatch(bare)
    if not match:
        return False
    initial, nucleus, final = match.groups()
    if initial == "qu" and nucleus[0] in "ou":
        return False
    if final in ("c", "ch", "p", "t") and tones and tones[0] not in (_ACUTE, _DOT):
        return False
    if final in ("ch", "nh") and nucleus not in ("a", "ê", "i", "uy", "oa", "uê"):
        return False
    if nucleus == "y" and not re.fullmatch("(?:th|qu|[hklmnstv])?y.*", bare):
        return False
    return not (nucleus[-1] in "ăâ" and not final)


def _is_legacy_view(word: str) -> bool:
    return all(char in _LEGACY_VIEW for char in word)


def _decoder(encoding: str | None):
    return {
        None: lambda text: text,
        "tcvn3": decode_tcvn3,
        "tcvn3-upper": lambda text: decode_tcvn3(text, upper=True),
        "vni": decode_vni,
    }[encoding]


def _valid_words(words: list[str], encoding: str | None) -> int:
    decode = _decoder(encoding)
    return sum(
        1 for word in words
        if (encoding is None or _is_legacy_view(word)) and _is_vietnamese_syllable(decode(word))
    )


_DETECTION_SAMPLE = 3000


def _non_ascii_words(values) -> list[str]:
    words = []
    for value in values:
        if isinstance(value, str):
            words.extend(word for word in _WORD_SPLIT.split(value) if word and not word.isascii())
            if len(words) >= _DETECTION_SAMPLE:
                break
    return words


def count_vietnamese_words(values) -> int:
    """How many of the accented words in the texts are valid Vietnamese syllables."""
    return _valid_words(_non_ascii_words(values), None)


def detect_legacy_encoding(values) -> str | None:
    """"tcvn3" or "vni" when the texts read as Vietnamese only once decoded; None when unsure or Unicode."""
    words = _non_ascii_words(values)
    if not words:
        return None
    as_is = _valid_words(words, None)
    best = max(("tcvn3", "vni"), key=lambda encoding: _valid_words(words, encoding))
    decoded = _valid_words(words, best)
    if decoded >= 0.6 * len(words) and decoded - as_is >= max(1, 0.2 * len(words)):
        return best
    return None


def to_unicode(text, encoding: str | None):
    """Decode legacy text when an encoding is given, then clean to NFC; non-text values pass through.

    Text that cannot be legacy (characters outside the Windows-1252 view), or that reads better as
    it is, is kept: a column in a .VnTime font often has a Unicode header or pasted Unicode cells.
    """
    if not isinstance(text, str):
        return text
    if encoding and _is_legacy_view(text) and not text.isascii():
        decoded = _decoder(encoding)(text)
        words = [word for word in _WORD_SPLIT.split(text) if word and not word.isascii()]
        decoded_words = [word for word in _WORD_SPLIT.split(decoded) if word and not word.isascii()]
        as_is = sum(map(_is_vietnamese_syllable, words))
        if sum(map(_is_vietnamese_syllable, decoded_words)) >= as_is:
            text = decoded
    return clean_text(text)


def clean_paragraphs(value) -> str | None:
    """clean_text for each line of a multi-line text, keeping line breaks (one blank line at most)."""
    if value is None:
        return None
    lines = [clean_text(line) or "" for line in str(value).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") or None


# Control characters (C0, DEL, C1) and lone surrogates: no one types them, PostgreSQL refuses NUL in text,
# spreadsheets cannot hold them and a terminal or another program may act on them. A multi-line text keeps
# its tabs and line breaks.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_PARAGRAPHS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether a text holds a character no one types (NUL, other controls); `multiline` allows tab, CR, LF."""
    return (_CONTROL_IN_PARAGRAPHS if multiline else _CONTROL).search(value) is not None


LEGACY_ENCODING_NAMES = {"tcvn3": "TCVN3", "tcvn3-upper": "TCVN3", "vni": "VNI"}


def cell_legacy_encoding(text) -> str | None:
    """"tcvn3" or "vni" when one cell on its own is legacy text beyond doubt, else None: some accented word
    is no Vietnamese as written, every accented word is Vietnamese once decoded, and one encoding only
    does that ("Lª V¨n §øc" → "tcvn3"); a foreign name ("José Müller", "Søren") decodes to nothing."""
    if not isinstance(text, str) or text.isascii() or not _is_legacy_view(text):
        return None
    words = [word for word in _WORD_SPLIT.split(text) if word and not word.isascii()]
    if not words or all(map(_is_vietnamese_syllable, words)):
        return None
    fitting = []
    for encoding in ("tcvn3", "vni"):
        decoded = _non_ascii_words([_decoder(encoding)(text)])
        if decoded and all(map(_is_vietnamese_syllable, decoded)):
            fitting.append(encoding)
    return fitting[0] if len(fitting) == 1 else None


# --- names in Vietnamese alphabetical order -----------------------------------------------------------------------
# The order of Vietnamese dictionaries, as the Vietnam Lexicography Centre (Vietlex) writes it down in "Quy tắc sắp
# xếp ABC" (Vũ Xuân Lương; vietunicode.sourceforge.net/charset/quytacABC.html), which Unicode CLDR's Vietnamese
# collation (vi.xml) follows too:
#   1. letters in the order a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z (f j w z, absent from
#      Vietnamese words, where the Latin alphabet has them); the digraphs ch, gi, ng… are no letters of their own;
#   2. tones in the order: none (ngang), huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ);
#   3. syllable by syllable from the left, each compared by its letters first ("ác" before "ách": ac + nothing comes
#      before ac + h), then by its tone when the letters are the same ("ba" < "bà" < "bả"); a syllable that is the
#      start of a longer one comes first ("cha" < "chan").
# Capitals and small letters sort alike (the record's id decides between two names spelt alike).
#
# A key is made of digits only, so that every collation of SQLite and PostgreSQL (C, en_US.UTF-8, ICU…) orders
# it as its bytes: each letter is two digits (a digit of the name 10-19, a letter 20-52, a letter of another
# script 9 and its code point in seven), each syllable ends with 00, lower than any letter, then its tone digit.
_SORT_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_SORT_CODES = {letter: f"{20 + index:02d}" for index, letter in enumerate(_SORT_ALPHABET)}
_SORT_CODES.update({str(digit): f"{10 + digit:02d}" for digit in range(10)})
_SORT_TONES = {_GRAVE: "1", _HOOK: "2", _TILDE: "3", _ACUTE: "4", _DOT: "5"}
# Breve, circumflex and horn make letters of their own (ă â ê ô ơ ư); other marks (ü, ç, å) are ignored.
_LETTER_MARKS = ("\u0306", "\u0302", "\u031b")
_SORT_SPELLED = {"ð": "d", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"}
SORT_KEY_LENGTH = 200
# A Vietnamese syllable written without its marks ("nguyen", "thuong").
_FOLDED_SYLLABLE = re.compile("(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?"
                              "(?:uye|uya|oa|oe|ue|uy|ua|uo|ie|ye|ia|ya|oo|[aeiouy])(?:ch|ng|nh|[cmnpt]|[iyou])?")
_FOLDED_PARTS = re.compile("(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?"
                           "(uye|uya|oa|oe|ue|uy|ua|uo|ie|ye|ia|ya|oo|[aeiouy])(ch|ng|nh|[cmnpt]|[iyou])?")


def is_folded_syllable(word: str) -> bool:
    """Whether a word written without marks can be a Vietnamese syllable ("huong", "thanh"; not "hunh",
    "hungg", "schneider"): an initial, a vowel and a final that Vietnamese spelling puts together."""
    match = _FOLDED_PARTS.fullmatch(word)
    if match is None:
        return False
    _initial, nucleus, final = match.groups()
    return final not in ("ch", "nh") or nucleus in ("a", "e", "i", "y", "uy", "oa", "ue")


# Family names common in Vietnam, folded: a name in plain letters starting with one reads as Vietnamese.
VIETNAMESE_FAMILY_NAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh dao doan lam luong mai trinh truong "
    "cao ha kieu la luu ta thai tang ton chu chau quach giang khuc vuong thach van kim lai luc mac nghiem ong phung "
    "quan tong ung vi nong lo tieu diep banh cu an au".split()
)


@functools.lru_cache(maxsize=65536)
def _syllable_sort_key(word: str) -> str:
    """A word's letters, 00 and its tone ("" when it holds no letter nor digit)."""
    letters: list[str] = []
    tone = "0"
    for char in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(char):
            if char in _SORT_TONES:
                tone = tone if tone != "0" else _SORT_TONES[char]
            elif char in _LETTER_MARKS and letters:
                combined = unicodedata.normalize("NFC", letters[-1] + char)
                if combined in _SORT_CODES:
                    letters[-1] = combined
        elif char in _SORT_CODES:
            letters.append(char)
        elif char in _SORT_SPELLED:
            letters.extend(_SORT_SPELLED[char])
        elif char.isalnum():
            letters.append(char)
    if not letters:
        return ""
    return "".join(_SORT_CODES.get(letter) or f"9{ord(letter):07d}" for letter in letters) + "00" + tone


def _name_words(text: str) -> list[str]:
    return [word for word in text.split() if _syllable_sort_key(word)]


def _family_first_words(text: str) -> list[str]:
    """A foreign name's words, family name first: "FAMILY, Given" as written; else the words in capitals of a name
    in mixed case ("Hiroshi TANAKA", "TANAKA Hiroshi"); else the last word ("Maria Schmidt")."""
    family, comma, given = text.partition(",")
    if comma and _name_words(family) and _name_words(given):
        return _name_words(family) + _name_words(given)
    words = _name_words(text)
    capitals = [word for word in words if word.isupper() and sum(char.isalpha() for char in word) > 1]
    if capitals and len(capitals) < len(words):
        return capitals + [word for word in words if word not in capitals]
    return words[-1:] + words[:-1]


def _given_first_words(text: str) -> list[str]:
    """A Vietnamese name's words as they sort: the given name, the middle names, then the family name
    ("Nguyễn Thị Minh Khai" → Khai, Thị, Minh, Nguyễn). "FAMILY, Middle Given" is read as written."""
    family, comma, given = text.partition(",")
    if comma and _name_words(family) and _name_words(given):
        words = _name_words(family) + _name_words(given)
    else:
        words = _name_words(text)
    if len(words) < 2:
        return words
    return words[-1:] + words[1:-1] + words[:1]


def name_sort_key(name: str | None, *, family_first: bool = False) -> str:
    """A key in digits whose plain (byte) order is the Vietnamese alphabetical order of names.

    A Vietnamese name sorts by its given name (the last word), then its middle names, then its family name
    (the first word): "Nguyễn Văn An" < "Trần Thị Ánh" < "Lê Văn Bình". With `family_first` (a foreign name)
    it sorts by its family name, then its given names: the family name is the part before a comma
    ("SCHMIDT, Maria"), else the word(s) in capitals of a name written in mixed case ("TANAKA Hiroshi"),
    else the last word ("Maria Schmidt"). Each word compares by its letters, then by its tone (see above).
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    words = _family_first_words(text) if family_first else _given_first_words(text)
    return "".join(_syllable_sort_key(word) for word in words)[:SORT_KEY_LENGTH]


def looks_vietnamese(name: str | None) -> bool:
    """Whether a name reads as a Vietnamese one: two words or more, each a Vietnamese syllable, and either
    written with Vietnamese letters or tones or starting with a common family name ("Nguyen Van An").
    "Anna Schmidt", "John Lee" and "Kim" alone do not."""
    words = [word for word in _WORD_SPLIT.split(clean_text(name) or "") if word]
    if len(words) < 2:
        return False
    if not (name or "").isascii():
        return all(_is_vietnamese_syllable(word) for word in words)
    folded = [word.lower() for word in words]
    return folded[0] in VIETNAMESE_FAMILY_NAMES and all(_FOLDED_SYLLABLE.fullmatch(word) for word in folded)
