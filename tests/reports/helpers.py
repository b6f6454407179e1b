"""Reading the annual report back: the tables of the Word document and the sheets of its annex, as values."""
import re

import openpyxl
from docx import Document

from diaspora.reports.annex import HEADER_ROW

_NUMBER = re.compile(r"[+−]?\d{1,3}(?:\.\d{3})*(?:,\d+)?")


def value(text: str):
    """A cell of the document as the annex holds it: 1.989 → 1989, +12 → 12, −5 → -5, 51,2 → 51.2, — → None."""
    text = text.strip()
    if text == "—":
        return None
    if not _NUMBER.fullmatch(text):
        return text
    sign = -1 if text.startswith("−") else 1
    digits = text.lstrip("+−").replace(".", "")
    return sign * (float(digits.replace(",", ".")) if "," in digits else int(digits))


def document_tables(path) -> list[list[list]]:
    """The figures tables of the document (without the heading and signature layout tables): rows of values,
    the header row first."""
    document = Document(path)
    return [[[value(cell.text) for cell in row.cells] for row in table.rows] for table in document.tables[1:-1]]


def annex_tables(path) -> dict[str, list[list]]:
    """{sheet name: rows of values, the header row first} of the annex's table sheets."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    tables = {}
    for sheet in workbook.worksheets[1:]:
        rows = [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
        # the rows of the table end at the first empty row (the note follows it)
        end = next((index for index, row in enumerate(rows) if all(cell is None for cell in row)), len(rows))
        tables[sheet.title] = rows[:end]
    workbook.close()
    return tables


def row_of(table: list[list], label: str) -> list:
    """The row of a table whose first cell is `label`."""
    return next(row for row in table if row[0] == label)
