"""Legacy binary workbooks (.xls): the OLE container, encryption, the reach and errors of each sheet, fonts."""
import io
import struct
from collections import Counter
from pathlib import Path

import xlrd
from flask_babel import gettext as _
from xlrd.compdoc import CompDoc

from diaspora.spreadsheets.limits import (
    MAX_ERROR_CELLS,
    Extent,
    corrupt,
    encrypted,
    not_spreadsheet,
)
from diaspora.spreadsheets.raw_cells import FONT_SAMPLE_ROWS, majority_fonts
from diaspora.text import legacy_encoding_for_font


def inspect_ole(path: Path) -> bytes:
    """The BIFF workbook stream of an .xls file, after refusing encrypted and non-Excel containers."""
    data = path.read_bytes()
    try:
        document = CompDoc(data, logfile=io.StringIO())
    except Exception:  # xlrd raises bare CompDocError and struct/index errors on damaged containers
        raise corrupt() from None
    names = {entry.name for entry in document.dirlist}
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        raise encrypted()
    stream_name = "Workbook" if "Workbook" in names else "Book" if "Book" in names else None
    if stream_name is None:
        raise not_spreadsheet(_("Đây là một tài liệu Office khác, không phải bảng tính."))
    try:
        stream = document.get_named_stream(stream_name)
    except Exception:
        raise corrupt() from None
    if stream is None or _biff_is_encrypted(stream):
        raise encrypted() if stream is not None else corrupt()
    return stream


def _biff_is_encrypted(stream: bytes) -> bool:
    """True when the workbook globals carry a FILEPASS record (an .xls saved with a password)."""
    position = 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        if record == 0x002F:
            return True
        if record in (0x000A, 0x0085):  # end of globals, or the sheet list that follows FILEPASS
            return False
        position += 4 + length
    return False


_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6, 0x00BD}
_BIFF_ROW_LISTS = 0x00BD  # MULRK: one row, a run of columns ending with the last column number


_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A"}


def _biff_error(record: int, body: bytes) -> str | None:
    """The error a BOOLERR or FORMULA cell record shows (#N/A…), else None."""
    if record == 0x0205 and len(body) >= 8 and body[7] == 1:
        return _BIFF_ERRORS.get(body[6], "#?")
    if record == 0x0006 and len(body) >= 14 and body[12:14] == b"\xff\xff" and body[6] == 2:
        return _BIFF_ERRORS.get(body[8], "#?")
    return None


def xls_extents(stream: bytes) -> list[tuple[str, Extent, dict]]:
    """How far the content cells of each sheet reach, walking the BIFF records (blank cells excluded), and
    the cells showing an error: (name, extent, {(row, column): "#N/A"})."""
    sheets, position = [], 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        if record == 0x0085 and length >= 8:
            sheets.append((_biff_sheet_name(stream[position + 10:position + 4 + length]),
                           struct.unpack_from("<I", stream, position + 4)[0]))
        elif record == 0x000A:
            break
        position += 4 + length
    extents = []
    unpack = struct.unpack_from
    for name, offset in sheets:
        extent, depth, position, errors = Extent(), 0, offset, {}
        while position + 4 <= len(stream):
            record, length = unpack("<HH", stream, position)
            if record in _BIFF_CELLS and length >= 4:
                row, column = unpack("<HH", stream, position + 4)
                if record in (0x0205, 0x0006) and len(errors) < MAX_ERROR_CELLS:
                    error = _biff_error(record, stream[position + 4:position + 4 + min(length, 14)])
                    if error:
                        errors[row, column] = error
                if record == _BIFF_ROW_LISTS and length >= 6:
                    column = unpack("<H", stream, position + 4 + length - 2)[0]
                if row >= extent.rows:
                    extent.rows = row + 1
                if column >= extent.columns:
                    extent.columns = column + 1
            elif record == 0x0809:
                depth += 1
            elif record == 0x000A:
                depth -= 1
                if depth <= 0:
                    break
            position += 4 + length
        extents.append((name, extent, errors))
    return extents


def _biff_sheet_name(data: bytes) -> str:
    """Sheet name from a BIFF8 BOUNDSHEET record body after its offset and flags."""
    if len(data) < 2:
        return ""
    length, options = data[0], data[1]
    if options & 1:
        return data[2:2 + 2 * length].decode("utf-16-le", errors="replace")
    return data[2:2 + length].decode("latin-1")


def xls_column_fonts(path: Path, sheet_name: str) -> dict[int, str]:
    """Fonts of the first rows of an .xls sheet, read only when the workbook uses a legacy Vietnamese font."""
    try:
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception:  # fonts are a best-effort extra: the values were read by calamine already
        return {}
    try:
        if not any(legacy_encoding_for_font(font.name) for font in book.font_list):
            return {}
        sheet = book.sheet_by_name(sheet_name)
        counts: dict[int, Counter] = {}
        for row in range(min(sheet.nrows, FONT_SAMPLE_ROWS)):
            for column in range(sheet.ncols):
                if sheet.cell_type(row, column) in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                font = book.font_list[book.xf_list[sheet.cell_xf_index(row, column)].font_index].name
                counts.setdefault(column, Counter())[font] += 1
        return majority_fonts(counts)
    except Exception:
        return {}
    finally:
        book.release_resources()
