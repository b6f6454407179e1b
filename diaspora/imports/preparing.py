"""Preparing an import: read, map, convert legacy text, clean, match and plan; nothing is written.

The web wizard, the command line and the worker all call prepare_import → build_changes; the
record kind (its feature's importing.py) supplies what differs: duplicates and the changes.
"""
from diaspora.batches.kinds import ChangeSet, Preparation, RecordKind
from diaspora.batches.models import ImportBatch
from diaspora.imports.kinds import kind_of
from diaspora.reference.countries import countries_named_in, find_country
from diaspora.reference.lookups import import_lookups
from diaspora.spreadsheets import pipeline, read

# Why a sheet is not the list: another visible sheet of the workbook is tried when none was named.
_NOT_THE_LIST = ("missing_columns", "no_header", "empty")


def prepare_import(path, *, file_name: str | None = None, sheet_name: str | None = None,
                   kind: RecordKind | None = None, **choices) -> Preparation:
    """Read a sheet, then prepare_layout; raises SpreadsheetRejected. Without a sheet named, the default
    sheet, else the first other visible sheet that holds the list (a summary sheet often comes first)."""
    kind = kind or kind_of(None)
    try:
        return prepare_layout(pipeline.read_layout(path, kind.sheet, sheet_name, file_name), kind=kind, **choices)
    except read.SpreadsheetRejected as rejected:
        if sheet_name is not None or rejected.reason not in _NOT_THE_LIST:
            raise
        first = rejected
    sheets = read.list_sheets(path, pipeline.reading_limits(), original_filename=file_name)
    default = read.default_sheet(sheets)
    for other in sheets:
        if other.hidden or other.instructions or other.name == default.name:
            continue
        try:
            return prepare_layout(pipeline.read_layout(path, kind.sheet, other.name, file_name), kind=kind, **choices)
        except read.SpreadsheetRejected as rejected:
            if rejected.reason not in _NOT_THE_LIST:
                raise
    raise first


def list_sheet(path, kind: RecordKind, sheets: list, file_name: str | None = None):
    """The sheet the wizard opens on: the default one, unless another visible sheet holds the list and it
    does not (a summary by country before the list); read only when the workbook has several sheets."""
    default = read.default_sheet(sheets)
    others = [sheet for sheet in sheets if not (sheet.hidden or sheet.instructions or sheet.name == default.name)]
    for sheet in [default, *others] if others else ():
        try:
            layout = pipeline.read_layout(path, kind.sheet, sheet.name, file_name)
            defaults = {}
            if "country" in kind.sheet.header_index.values():
                defaults["country"] = pipeline.country_of_titles(layout, countries_named_in, find_country)
            pipeline.check_mapping(pipeline.map_headers(layout, kind.sheet), kind.sheet, defaults)
        except read.SpreadsheetRejected as rejected:
            if rejected.reason not in _NOT_THE_LIST:
                raise
            continue
        return sheet
    return default


def prepare_layout(layout: pipeline.SheetLayout, *, kind: RecordKind | None = None, saved: dict | None = None,
                   choices: dict | None = None, defaults: dict | None = None, on_duplicate: str = "skip",
                   row_actions: dict | None = None, activity_id: int | None = None) -> Preparation:
    """Map, convert legacy text, clean, validate, match and plan a sheet already read."""
    kind = kind or kind_of(None)
    sheet = kind.sheet
    country_from_titles = None
    if not (defaults or {}).get("country") and "country" in sheet.header_index.values():
        country_from_titles = pipeline.country_of_titles(layout, countries_named_in, find_country)
        if country_from_titles:
            defaults = {**(defaults or {}), "country": country_from_titles}
    mapping = pipeline.map_headers(layout, sheet, saved=saved, choices=choices)
    pipeline.check_mapping(mapping, sheet, defaults)
    encodings = pipeline.convert_legacy(layout, mapping)
    rows = pipeline.clean_rows(layout, mapping, sheet, import_lookups(), defaults)
    duplicates = kind.find_duplicates(rows, mapping)
    plans = pipeline.plan_rows(rows, duplicates, on_duplicate, row_actions)
    return Preparation(layout, mapping, rows, duplicates, plans, encodings, kind, activity_id, country_from_titles)


def build_changes(preparation: Preparation) -> ChangeSet:
    """What the plan writes, compared with the stored records (reads only)."""
    return preparation.kind.build(preparation)


def report(changes: ChangeSet, batch: ImportBatch | None = None, dry_run: bool = False) -> dict:
    """The outcome as `import-people --json` prints it (1-based Excel rows, headers as written)."""
    preparation = changes.preparation
    summary = changes.summary
    return {
        "status": "ok",
        "dry_run": dry_run,
        "batch_id": batch.id if batch is not None else None,
        "sheet": preparation.layout.sheet_name,
        "rows_total": summary["rows_total"],
        "rows_valid": summary["rows_valid"],
        "created": summary["created"],
        "updated": summary["updated"],
        "unchanged": summary["unchanged"],
        "skipped": summary["skipped"],
        "errors": [problem.to_json() for problem in preparation.problems],
        "notes": [{"row": row, "message": str(result["note"])} for row, result in sorted(changes.results.items())
                  if result.get("note")],
        "duplicates": [{"row": row, "matches": [match.to_json(changes.kind.id_argument) for match in matches]}
                       for row, matches in sorted(preparation.duplicates.items())],
        "unmapped_columns": [column.header for column in preparation.mapping.unmapped],
        "legacy_columns": {preparation.mapping.header_of(index): encoding
                           for index, encoding in preparation.encodings.items()},
        "country_from_titles": preparation.country_from_titles,
        **changes.extra_report,
    }
