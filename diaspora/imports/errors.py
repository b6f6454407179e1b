"""The workbook of the rows an import could not take, to fix in Excel and upload again."""
import io

from sqlalchemy import select

from diaspora.batches.models import ImportBatch, ImportRow
from diaspora.extensions import db
from diaspora.imports.kinds import kind_of
from diaspora.imports.wizard import batch_preparation, draft_layout, int_keys
from diaspora.spreadsheets import pipeline
from diaspora.spreadsheets.errors_workbook import write_error_workbook


def error_workbook(batch: ImportBatch) -> io.BytesIO:
    """The rows that cannot be (or were not) imported, as a workbook to fix and upload again."""
    if batch.status == "draft":
        preparation = batch_preparation(batch)
        layout = preparation.layout
        problems = {row.row: [{"index": p.index, "column": p.column, "message": p.message} for p in row.problems]
                    for row in preparation.rows if row.problems}
    else:
        layout = draft_layout(batch)
        pipeline.convert_legacy(layout, pipeline.map_headers(layout, kind_of(batch.sheet_key).sheet,
                                                             choices=int_keys(batch.mapping_choices)))
        problems = dict(db.session.execute(
            select(ImportRow.row_number, ImportRow.problems)
            .where(ImportRow.batch_id == batch.id, ImportRow.action == "error")).all())
    stream = io.BytesIO()
    rows = [(number, _formulas_given_back(layout, number, values), problems[number])
            for number, values in layout.data_rows if number in problems]
    write_error_workbook(stream, layout.headers, rows)
    stream.seek(0)
    return stream


def _formulas_given_back(layout: pipeline.SheetLayout, number: int, values: list) -> list:
    """The row as read, with the text of each formula that had no computed value ("=HYPERLINK(…)") in its
    cell instead of a blank: the user sees what to replace (the workbook writes it as text, never runs it)."""
    if not layout.error_cells:
        return values
    return [layout.formula_text(number, index) or value if value is None else value
            for index, value in enumerate(values)]
