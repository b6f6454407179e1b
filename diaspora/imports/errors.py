"""The workbook of the rows an import could not take, to fix in Excel and upload again.

It is read from the batch's file. Once the file is gone (retention, or the erase of a person it held), a
finished batch's workbook is rebuilt from its stored rows: each row's number and problems, under the file's
headers, with the cells left empty; a draft, or a batch that never stored its rows, has none (FileExpired).
"""
import io

from sqlalchemy import select

from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.messages import render
from diaspora.imports.kinds import kind_of
from diaspora.imports.storage import has_upload
from diaspora.imports.wizard import batch_preparation, draft_layout, int_keys
from diaspora.spreadsheets import pipeline
from diaspora.spreadsheets.errors_workbook import write_error_workbook


class FileExpired(Exception):
    """The batch's file is no longer kept and its stored rows cannot give its error workbook."""


ROW_HEADER = "Dòng trong tệp gốc"


def error_workbook(batch: ImportBatch) -> io.BytesIO:
    """The rows that cannot be (or were not) imported, as a workbook to fix and upload again; raises
    FileExpired (see the module)."""
    if not has_upload(batch.file_sha256):
        return _rebuilt_workbook(batch)
    if batch.status == "draft":
        preparation = batch_preparation(batch)
        layout = preparation.layout
        problems = {row.row: [{"index": p.index, "column": p.column, "message": str(p.message)} for p in row.problems]
                    for row in preparation.rows if row.problems}
    else:
        layout = draft_layout(batch)
        pipeline.convert_legacy(layout, pipeline.map_headers(layout, kind_of(batch.sheet_key).sheet,
                                                             choices=int_keys(batch.mapping_choices)))
        problems = {number: [_readable(problem) for problem in stored or ()] for number, stored in db.session.execute(
            select(ImportRow.row_number, ImportRow.problems)
            .where(ImportRow.batch_id == batch.id, ImportRow.action == "error")).all()}
    stream = io.BytesIO()
    rows = [(number, _formulas_given_back(layout, number, values), problems[number])
            for number, values in layout.data_rows if number in problems]
    write_error_workbook(stream, layout.headers, rows)
    stream.seek(0)
    return stream


def _rebuilt_workbook(batch: ImportBatch) -> io.BytesIO:
    """The error workbook of a finished batch whose file is gone: the row numbers first, then the file's
    columns (empty, the cells at fault marked), then the problems, all from the batch's stored rows."""
    if batch.status == "draft" or not batch.mapping:
        raise FileExpired(batch.id)
    width = max((entry["index"] + 1 for entry in batch.mapping), default=0)
    headers = [ROW_HEADER] + [""] * width
    for entry in batch.mapping:
        headers[entry["index"] + 1] = entry.get("header") or ""
    stored = db.session.execute(
        select(ImportRow.row_number, ImportRow.problems)
        .where(ImportRow.batch_id == batch.id, ImportRow.action == "error").order_by(ImportRow.row_number))
    rows = [(number, [number] + [None] * width, [_shifted(_readable(problem)) for problem in problems or ()])
            for number, problems in stored]
    stream = io.BytesIO()
    write_error_workbook(stream, headers, rows)
    stream.seek(0)
    return stream


def _readable(problem: dict) -> dict:
    """A stored problem with its message in the reader's language (from its code, when it has one)."""
    return {**problem, "message": render(problem["code"])} if problem.get("code") else problem


def _shifted(problem: dict) -> dict:
    """A stored problem with its column moved one to the right, past the row numbers."""
    index = problem.get("index")
    return {**problem, "index": None if index is None else index + 1}


def _formulas_given_back(layout: pipeline.SheetLayout, number: int, values: list) -> list:
    """The row as read, with the text of each formula that had no computed value ("=HYPERLINK(…)") in its
    cell instead of a blank: the user sees what to replace (the workbook writes it as text, never runs it)."""
    if not layout.error_cells:
        return values
    return [layout.formula_text(number, index) or value if value is None else value
            for index, value in enumerate(values)]
