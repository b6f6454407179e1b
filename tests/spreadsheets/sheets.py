"""Building sheets for import tests: in memory (a layout as the reader returns it) or as real workbooks."""
from pathlib import Path

import xlsxwriter

from diaspora.spreadsheets.pipeline import SheetLayout


def layout(headers: list[str], rows: list[list], first_data_row: int = 2) -> SheetLayout:
    """A sheet already read: the header on Excel row first_data_row - 1, data below it."""
    return SheetLayout(
        file_name="danh-sach.xlsx", sheet_name="Sheet1", headers=list(headers),
        data_rows=[(first_data_row + offset, list(values)) for offset, values in enumerate(rows)],
        header_rows=[(first_data_row - 1, list(headers))], stt_column=None, column_fonts={}, skipped_rows=[],
    )


def write_workbook(path: Path, headers: list[str], rows: list[list], *, title: str | None = None,
                   sheet_name: str = "Danh sách", extra_sheets: dict | None = None) -> Path:
    """An .xlsx written with XlsxWriter: optional title row, header, rows (dates as real dates)."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, (sheet_headers, sheet_rows) in {sheet_name: (headers, rows), **(extra_sheets or {})}.items():
        sheet = workbook.add_worksheet(name)
        top = 0
        if title:
            sheet.write_string(0, 0, title)
            top = 2
        for column, header in enumerate(sheet_headers):
            sheet.write_string(top, column, header)
        for offset, values in enumerate(sheet_rows, start=1):
            for column, value in enumerate(values):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write_datetime(top + offset, column, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(top + offset, column, value)
                else:
                    sheet.write_number(top + offset, column, value)
    workbook.close()
    return path
