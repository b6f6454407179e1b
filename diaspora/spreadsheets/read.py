"""Reading uploaded spreadsheets safely: the sheets of a file, the default sheet and the raw values of one."""
import re
from collections.abc import Callable
from pathlib import Path

import python_calamine
from flask_babel import gettext as _

from diaspora.spreadsheets.csv_files import read_csv
from diaspora.spreadsheets.limits import (
    Extent,
    Limits,
    SpreadsheetRejected,
    check_extent,
    corrupt,
    empty_sheet,
    encrypted,
)
from diaspora.spreadsheets.raw_cells import RawSheet, SheetInfo, majority_fonts, tidy
from diaspora.spreadsheets.sniff import Inspection, inspect_file
from diaspora.spreadsheets.xls import xls_column_fonts
from diaspora.text import fold

_INSTRUCTION_SHEETS = re.compile(
    r"^(huong ?dan|hd|instructions?|guide|readme|ghi ?chu|chu ?thich|danh ?muc|dm|lists?|notes?|tra ?cuu|ma)\b"
)


def _is_instructions(name: str) -> bool:
    return bool(_INSTRUCTION_SHEETS.match(fold(name)))


def _open_workbook(path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise encrypted() from None
    except Exception:  # calamine reports damage with several exception types
        raise corrupt() from None


def _csv_sheet_name(path, original_filename: str | None) -> str:
    return Path(original_filename or str(path)).stem or "CSV"


def list_sheets(path, limits: Limits, *, original_filename: str | None = None) -> list[SheetInfo]:
    """Validate the file (raises SpreadsheetRejected) and list its sheets in workbook order."""
    return _list_sheets(path, inspect_file(path, limits, original_filename), original_filename)


def _list_sheets(path, inspection: Inspection, original_filename: str | None) -> list[SheetInfo]:
    if inspection.kind == "csv":
        return [SheetInfo(_csv_sheet_name(path, original_filename), 0, False, False)]
    workbook = _open_workbook(path)
    try:
        return _sheet_infos(workbook)
    finally:
        workbook.close()


def _sheet_infos(workbook: python_calamine.CalamineWorkbook) -> list[SheetInfo]:
    sheets = [
        SheetInfo(
            name=sheet.name,
            index=index,
            hidden=sheet.visible != python_calamine.SheetVisibleEnum.Visible,
            instructions=_is_instructions(sheet.name),
        )
        for index, sheet in enumerate(workbook.sheets_metadata)
        if sheet.typ in (python_calamine.SheetTypeEnum.WorkSheet, python_calamine.SheetTypeEnum.MacroSheet)
    ]
    if not sheets:
        raise SpreadsheetRejected("empty", _("Tệp không có trang tính nào."))
    return sheets


def default_sheet(sheets: list[SheetInfo]) -> SheetInfo:
    """The first visible sheet that is not a guide or a lookup list (else the first visible, else the first)."""
    visible = [sheet for sheet in sheets if not sheet.hidden]
    for sheet in visible:
        if not sheet.instructions:
            return sheet
    return (visible or sheets)[0]


def _check_sheet(inspection: Inspection, sheet_name: str, limits: Limits):
    """Refuse a sheet reaching beyond the limits before it is loaded; its sampled fonts and ODS merges."""
    facts = inspection.zip_facts
    if inspection.kind == "xlsx":
        part = facts.sheet_parts.get(sheet_name)
        check_extent(sheet_name, facts.extents.get(part), limits)
        return majority_fonts(facts.style_samples.get(part, {})), [], facts.error_cells.get(part, {})
    if inspection.kind == "ods" and sheet_name in facts.ods_tables:
        table = facts.ods_tables[sheet_name]
        return majority_fonts(table.style_counts), table.merged, table.error_cells
    return {}, [], inspection.xls_errors.get(sheet_name, {})


def read_sheet(path, sheet_name: str | None, limits: Limits, *, original_filename: str | None = None,
               choose: Callable[[list[SheetInfo]], SheetInfo] | None = None) -> RawSheet:
    """Validate the file and return the raw values of one sheet (the default sheet when no name is given).

    `choose`, when given, picks the sheet from the file's list instead: a caller with its own rules
    for naming a sheet then has the file checked once, not once to list the sheets and once to read.
    """
    inspection = inspect_file(path, limits, original_filename)
    if inspection.kind == "csv":
        name = _csv_sheet_name(path, original_filename)
        if choose is not None:
            sheet_name = choose([SheetInfo(name, 0, False, False)]).name
        if sheet_name not in (None, name):
            raise _sheet_not_found(sheet_name, [name])
        return read_csv(Path(path), name, limits)
    workbook = _open_workbook(path)
    try:
        sheets = _sheet_infos(workbook)
        if choose is not None:
            sheet_name = choose(sheets).name
        if sheet_name is None:
            sheet_name = default_sheet(sheets).name
        if sheet_name not in [sheet.name for sheet in sheets]:
            raise _sheet_not_found(sheet_name, [sheet.name for sheet in sheets])
        column_fonts, merged, error_cells = _check_sheet(inspection, sheet_name, limits)
        sheet = workbook.get_sheet_by_name(sheet_name)
        end = sheet.end
        if end is not None:
            check_extent(sheet_name, Extent(end[0] + 1, end[1] + 1), limits)
        rows = tidy(sheet.to_python(skip_empty_area=False))
        if inspection.kind != "ods":
            merged = [(top, left, bottom, right) for (top, left), (bottom, right) in sheet.merged_cell_ranges or []]
    except SpreadsheetRejected:
        raise
    except python_calamine.PasswordError:
        raise encrypted() from None
    except Exception:  # damaged content surfaces only when the sheet is parsed
        raise corrupt() from None
    finally:
        workbook.close()
    if not rows:
        raise empty_sheet(sheet_name)
    if inspection.kind == "xls":
        column_fonts = xls_column_fonts(Path(path), sheet_name)
    width = len(rows[0])
    return RawSheet(
        name=sheet_name,
        rows=rows,
        column_fonts={column: font for column, font in column_fonts.items() if column < width},
        merged=[area for area in merged if area[0] < len(rows) and area[1] < width],
        kind=inspection.kind,
        error_cells={cell: text for cell, text in error_cells.items() if cell[0] < len(rows) and cell[1] < width},
    )


def _sheet_not_found(name: str, names: list[str]) -> SpreadsheetRejected:
    return SpreadsheetRejected("sheet_not_found", _(
        "Không có trang tính “%(name)s”. Các trang tính trong tệp: %(names)s.",
        name=name, names=", ".join(f"“{sheet}”" for sheet in names),
    ))
