"""The error workbook: the user's own rows that could not be imported, with what is wrong, to fix and re-upload."""
from datetime import date, datetime, time

import xlsxwriter

ERRORS_HEADER = "Lỗi"


def write_error_workbook(target, headers: list[str], rows: list[tuple[int, list, list[dict]]]) -> None:
    """Write rows [(Excel row, values as read, problems [{index, column, message}])] to target (path or stream).

    Every original column is kept, in order, under its header, followed by a "Lỗi" column listing
    the problems; the cells at fault are highlighted. Text is written as text, never as a formula.
    """
    workbook = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Dòng lỗi")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    wrong = workbook.add_format({"bg_color": "#F8D7DA", "font_color": "#842029"})
    wrong_date = workbook.add_format({"bg_color": "#F8D7DA", "font_color": "#842029", "num_format": "dd/mm/yyyy"})
    plain_date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    message = workbook.add_format({"font_color": "#842029", "text_wrap": True})
    width = max([len(headers), *(len(values) for _, values, _ in rows)]) if rows else len(headers)
    names = [headers[index] if index < len(headers) else "" for index in range(width)]
    for column, header in enumerate([*names, ERRORS_HEADER]):
        sheet.write_string(0, column, header or "", bold)
    for line, (_row_number, values, problems) in enumerate(rows, start=1):
        bad = {problem.get("index") for problem in problems}
        for column, value in enumerate(values):
            _write_cell(sheet, line, column, value, wrong if column in bad else None,
                        wrong_date if column in bad else plain_date)
        sheet.write_string(line, width, "\n".join(
            f"{problem['column']}: {problem['message']}" for problem in problems), message)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), width)
    for column, header in enumerate(names):
        sheet.set_column(column, column, min(max(len(header) + 2, 12), 40))
    sheet.set_column(width, width, 60)
    workbook.close()


def _write_cell(sheet, row: int, column: int, value, cell_format, date_format) -> None:
    if value is None or value == "":
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, column, moment, date_format)
    elif isinstance(value, time):
        sheet.write_string(row, column, value.isoformat(), cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)
