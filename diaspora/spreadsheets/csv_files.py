"""Reading CSV and text files: the encoding (UTF-8, UTF-16, Windows-1258, TCVN3, VNI) and the delimiter."""
import codecs
import csv
import io
import unicodedata
from collections import Counter
from pathlib import Path

from diaspora.spreadsheets.limits import (
    Limits,
    corrupt,
    empty_sheet,
    too_many_columns,
    too_many_rows,
)
from diaspora.spreadsheets.raw_cells import RawSheet, tidy
from diaspora.text import (
    count_vietnamese_words,
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
)

_TEXT_SAMPLE = 256 * 1024


def utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for text in UTF-16 written without its byte-order mark (some programs
    export so): the high byte of nearly every character of a list is 0, the low byte almost never."""
    sample = head[:4096 - 4096 % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(even)
    for encoding, zeros, letters in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= half * 0.6 and letters.count(0) <= half // 100:
            return encoding
    return None


def _decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    UTF-8 (with or without BOM) and UTF-16 (with BOM, or without when the text is mostly Latin) are
    recognised exactly; anything else is 8-bit:
    Windows-1258 (combining tone marks, hence NFC), or TCVN3/VNI text from old Vietnamese fonts.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if utf16 := utf16_without_bom(data):
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    windows = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    legacy_view = data.decode("cp1252", errors="replace")
    legacy = detect_legacy_encoding(legacy_view[:_TEXT_SAMPLE].splitlines())
    if legacy:
        decoded = decode_tcvn3(legacy_view) if legacy == "tcvn3" else decode_vni(legacy_view)
        if count_vietnamese_words(decoded[:_TEXT_SAMPLE].splitlines()) > count_vietnamese_words(
            windows[:_TEXT_SAMPLE].splitlines()
        ):
            return decoded, legacy
    return windows, "cp1258"


def _sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon or tab) that splits the first lines most consistently."""
    sample = text[:_TEXT_SAMPLE].splitlines()[:50]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if any(cell.strip() for cell in row)]
        common = Counter(width for width in widths if width > 1).most_common(1)
        score = (common[0][1], common[0][0]) if common else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path, name: str, limits: Limits) -> RawSheet:
    text, encoding = _decode_text(path.read_bytes())
    delimiter = _sniff_delimiter(text)
    rows, count = [], 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            count += 1
            if len(row) > limits.max_columns:
                raise too_many_columns(name, len(row), limits)
            if count <= limits.max_rows:
                rows.append(row)
    except csv.Error:
        raise corrupt() from None
    if count > limits.max_rows:
        raise too_many_rows(name, count, limits)
    rows = tidy(rows)
    if not rows:
        raise empty_sheet(name)
    return RawSheet(name=name, rows=rows, kind="csv", encoding=encoding)
