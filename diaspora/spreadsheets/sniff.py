"""Checking an uploaded file before any parser sees it: its size, its real type by content, its format's scans."""
import codecs
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from diaspora.spreadsheets.archives import (
    ZipFacts,
    check_central_directory_size,
    check_declared_sizes,
    zip_kind,
)
from diaspora.spreadsheets.csv_files import utf16_without_bom
from diaspora.spreadsheets.limits import (
    Limits,
    SpreadsheetRejected,
    check_extent,
    corrupt,
    megabytes,
    not_spreadsheet,
)
from diaspora.spreadsheets.ods import scan_ods
from diaspora.spreadsheets.xls import inspect_ole, xls_extents
from diaspora.spreadsheets.xlsx import scan_xlsx

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_EXTENSIONS = {".csv", ".txt", ".tsv"}


@dataclass
class Inspection:
    kind: str
    zip_facts: ZipFacts | None = None
    xls_errors: dict[str, dict] = field(default_factory=dict)  # sheet name -> {(row, column): "#N/A"}


def _describe_text(head: bytes) -> str | None:
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        return _("Tệp ở định dạng XML Spreadsheet 2003: hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    if sample.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in sample[:1000]:
        return _("Tệp là trang web (HTML) được đặt đuôi bảng tính: hãy mở bằng Excel và lưu lại dưới dạng .xlsx.")
    return None


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(head):
        return True
    return b"\x00" not in head and sum(byte < 9 or 13 < byte < 32 for byte in head) <= len(head) // 100


def inspect_file(path, limits: Limits, original_filename: str | None) -> Inspection:
    """What a file really is, after refusing it when it breaks a limit or looks hostile.

    Every file is checked before a parser sees it: size, real type by content (not by extension),
    encryption, zip structure (declared and real decompressed size, compression ratio), XML
    DOCTYPE/ENTITY declarations (refused, never resolved) and the extent of the sheets, since the
    cell reader allocates the whole rectangle from A1 to the last cell at once.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetRejected("empty", _("Tệp rỗng, không có dữ liệu."))
    if size > limits.max_bytes:
        raise SpreadsheetRejected("too_large", _(
            "Tệp quá lớn (%(size)s MB); giới hạn là %(max)s MB.", size=megabytes(size), max=megabytes(limits.max_bytes)
        ))
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_ZIP_MAGIC):
        facts = _inspect_zip(path, size, limits)
        return Inspection(facts.kind, facts)
    if head.startswith(_OLE_MAGIC):
        # The .xls reader expands every sheet when it opens the file: check them all first.
        errors = {}
        for name, extent, sheet_errors in xls_extents(inspect_ole(path)):
            check_extent(name, extent, limits)
            errors[name] = sheet_errors
        return Inspection("xls", xls_errors=errors)
    extension = Path(original_filename or path.name).suffix.lower()
    if head.startswith(b"%PDF"):
        raise not_spreadsheet()
    if _looks_like_text(head):
        detail = _describe_text(head)
        if detail:
            raise not_spreadsheet(detail)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise not_spreadsheet()
        if extension in _TEXT_EXTENSIONS:
            return Inspection("csv")
        raise not_spreadsheet(_(
            "Tệp có đuôi %(extension)s nhưng thực chất là văn bản (CSV): hãy đổi đuôi thành .csv hoặc lưu lại dưới dạng .xlsx.",
            extension=extension or "?",
        ))
    raise not_spreadsheet()


def _inspect_zip(path: Path, size: int, limits: Limits) -> ZipFacts:
    check_central_directory_size(path, size)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise corrupt() from None
    with archive:
        kind = zip_kind(archive)
        check_declared_sizes(archive, limits)
        facts = ZipFacts(kind)
        try:
            if kind == "xlsx":
                scan_xlsx(archive, facts, limits)
            else:
                scan_ods(archive, facts, limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError, SyntaxError):
            raise corrupt() from None
    return facts
