"""Zip containers (xlsx, xlsm, ods) checked before parsing: entries, sizes, compression ratio, XML declarations."""
import struct
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from diaspora.spreadsheets.limits import (
    MB,
    Extent,
    Limits,
    SpreadsheetRejected,
    corrupt,
    format_number,
    megabytes,
    not_spreadsheet,
)

MAX_ZIP_ENTRIES = 10_000
# Deflate reaches about 1000:1 on repeated bytes; real workbook parts stay far below 100:1.
_MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM = MB
CHUNK = MB
_FORBIDDEN_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


@dataclass
class ZipFacts:
    kind: str
    sheet_parts: dict[str, str] = field(default_factory=dict)
    extents: dict[str, Extent] = field(default_factory=dict)
    style_samples: dict[str, dict[int, Counter]] = field(default_factory=dict)
    error_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    ods_tables: dict = field(default_factory=dict)  # sheet name -> ods.OdsTable (what the ODS scan found)


def check_central_directory_size(path: Path, size: int) -> None:
    """Refuse archives announcing more entries than a workbook ever has, before zipfile lists them."""
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65_557))
        tail = handle.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise corrupt()
    entries = struct.unpack_from("<H", tail, end + 10)[0]
    if MAX_ZIP_ENTRIES < entries < 0xFFFF:
        raise SpreadsheetRejected("zip_bomb", _("Tệp có cấu trúc bất thường (quá nhiều thành phần) nên không được đọc."))


def zip_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise not_spreadsheet(_("Định dạng Excel nhị phân (.xlsb) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx."))
    if "mimetype" in names:
        with archive.open("mimetype") as handle:
            mimetype = handle.read(200)
        if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet" and "content.xml" in names:
            return "ods"
    if "word/document.xml" in names or "mimetype" in names:
        raise not_spreadsheet(_("Đây là một văn bản hoặc tài liệu khác, không phải bảng tính."))
    raise not_spreadsheet()


def check_declared_sizes(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise SpreadsheetRejected("zip_bomb", _("Tệp có cấu trúc bất thường (quá nhiều thành phần) nên không được đọc."))
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise SpreadsheetRejected("zip_bomb", _(
            "Tệp khi giải nén có dung lượng %(size)s MB, vượt giới hạn %(max)s MB.",
            size=megabytes(total), max=megabytes(limits.max_uncompressed_bytes),
        ))
    for info in infos:
        if info.file_size > _RATIO_CHECK_FROM and info.file_size > _MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise SpreadsheetRejected("zip_bomb", _(
                "Tệp có phần nén bất thường (tỉ lệ nén %(ratio)s:1), có thể là tệp độc hại, nên không được đọc.",
                ratio=format_number(info.file_size // max(info.compress_size, 1)),
            ))


def xml_parts(archive: zipfile.ZipFile):
    return [info for info in archive.infolist() if info.filename.lower().endswith((".xml", ".rels", ".vml"))]


def stream_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, consumers) -> None:
    """Decompress one part in chunks cut after a '>', refusing DOCTYPE/ENTITY declarations.

    zipfile stops at the declared size and verifies the CRC, so a part that inflates beyond what the
    central directory declares is caught as corrupt with bounded memory.
    """
    carry = b""
    with archive.open(info) as handle:
        while True:
            data = handle.read(CHUNK)
            buffer = carry + data
            if data:
                cut = buffer.rfind(b">") + 1
                if 0 < cut and len(buffer) - cut < CHUNK:
                    buffer, carry = buffer[:cut], buffer[cut:]
                else:
                    carry = b""
            if (b"<!" in buffer or b"<\x00!" in buffer) and any(marker in buffer for marker in _FORBIDDEN_XML):
                raise SpreadsheetRejected("xml_entities", _(
                    "Tệp chứa khai báo XML (DOCTYPE/ENTITY) không được phép, có thể là tệp độc hại, nên không được đọc."
                ))
            for consume in consumers:
                consume(buffer)
            if not data:
                return


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def attribute(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None
