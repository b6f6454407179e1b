"""The import pipeline, shared by the web wizard and the command line, one plain function per step.

read → find the header → map headers to columns → convert legacy TCVN3/VNI text → clean and
validate every cell → (the record kind: duplicates) → plan one action per row. The lookups cleaners
need (countries, fields…) are passed in; writing the plan is the import engine's job.
"""
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from diaspora.messages import Bilingual, Messages, in_both
from diaspora.spreadsheets import header as header_module
from diaspora.spreadsheets import read
from diaspora.spreadsheets.cleaners import (
    CellError,
    CleanContext,
    Lookups,
    UnknownWord,
    Unmapped,
    cell_text,
    clean_birth,
    clean_past_date,
    is_year_header,
    year_cell,
)
from diaspora.spreadsheets.columns import Sheet
from diaspora.spreadsheets.joined_columns import (
    date_part_columns,
    day_first,
    gender_columns,
    month_first_columns,
    name_part_columns,
    with_joined_date,
    with_joined_name,
)
from diaspora.spreadsheets.mapping import Mapping, apply_choices, auto_map
from diaspora.text import (
    LEGACY_ENCODING_NAMES,
    cell_legacy_encoding,
    detect_legacy_encoding,
    fold_key,
    legacy_encoding_for_font,
    to_unicode,
)

ON_DUPLICATE = ("skip", "update", "create")
LEGACY_SAMPLE = 300  # non-ASCII cells of a column examined to tell TCVN3 or VNI from Unicode


@contextmanager
def _collection_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def bulk_step(function):
    """Run a step over a whole file with Python's cyclic garbage collector paused.

    A step builds hundreds of thousands of small containers (cells, cleaned rows, matching blocks,
    rows to insert); each one makes the collector run, and each full run walks every object alive:
    at 50,000 rows that was a third of the import. They hold no reference cycles, so reference
    counting frees them all the same. Whoever paused the collector first enables it again.
    """
    @wraps(function)
    def step(*args, **kwargs):
        with _collection_paused():
            return function(*args, **kwargs)

    return step


@dataclass
class Problem:
    """Something wrong in one cell (or one row): Excel row, the header as written, a message (a lazy one
    is kept as its msgid and parameters and read in the reader's language, diaspora.messages)."""

    row: int
    column: str
    message: str
    index: int | None = None  # the file column, for highlighting; None for a column the file lacks

    def __post_init__(self):
        # A lazy message carries the cell's text: Messages escapes it in a page, as a plain str would be.
        if not isinstance(self.message, str | Messages):
            self.message = Messages(self.message)

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class CleanRow:
    """One data row after cleaning: values by column key, and every problem found in it."""

    row: int
    values: dict
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the user, not errors: what was done with the row

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass
class SheetLayout:
    """A sheet read and its header found: what the mapping and the error workbook work on."""

    file_name: str
    sheet_name: str
    headers: list[str]
    data_rows: list[tuple[int, list]]
    header_rows: list[tuple[int, list]]
    stt_column: int | None
    column_fonts: dict[int, str]
    skipped_rows: list[tuple[int, str]]
    titles: list[str] = field(default_factory=list)  # the texts above the header ("DANH SÁCH … TẠI NHẬT BẢN")
    # (Excel row, column): what a cell the reader gives as empty shows: an Excel error ("#N/A"), or a
    # formula without a computed value ("=HYPERLINK(…)"), as programs write them
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    # (Excel row, column): the legacy encoding a lone cell of a Unicode column was converted from
    converted_cells: dict[tuple[int, int], str] = field(default_factory=dict)

    def formula_text(self, row: int, column: int) -> str | None:
        """The formula of a cell that holds one without a computed value ("=HYPERLINK(…)"), else None."""
        text = self.error_cells.get((row, column))
        return text if text and text.startswith("=") else None


def reading_limits() -> read.Limits:
    return read.Limits.from_config(current_app.config)


def _sheet_chooser(sheet_name: str | None):
    """Picks the sheet asked for by name (case and diacritics aside), else the default one."""

    def choose(sheets: list[read.SheetInfo]) -> read.SheetInfo:
        if not sheet_name:
            return read.default_sheet(sheets)
        for wanted in (lambda s: s.name == sheet_name, lambda s: fold_key(s.name) == fold_key(sheet_name)):
            for sheet in sheets:
                if wanted(sheet):
                    return sheet
        raise read.SpreadsheetRejected("sheet_not_found", _(
            "Tệp không có trang “%(name)s”; các trang: %(names)s.", name=sheet_name,
            names=", ".join(sheet.name for sheet in sheets)))

    return choose


@bulk_step
def read_layout(path, sheet: Sheet, sheet_name: str | None = None, file_name: str | None = None) -> SheetLayout:
    """Read one sheet and find its header; raises read.SpreadsheetRejected."""
    raw = read.read_sheet(path, None, reading_limits(), original_filename=file_name,
                          choose=_sheet_chooser(sheet_name))
    layout = header_module.find_header(raw.rows, sheet.is_known_header, merged=raw.merged)
    if not any(layout.headers):
        raise read.SpreadsheetRejected("no_header", _("Không tìm thấy dòng tiêu đề trong trang “%(name)s”.",
                                                      name=raw.name))
    if not layout.data_rows:
        raise read.SpreadsheetRejected("empty", _("Tệp không có dòng dữ liệu nào: trang “%(name)s” chỉ có dòng "
                                                  "tiêu đề.", name=raw.name))
    first = layout.header_row_index
    header_rows = [(number + 1, raw.rows[number]) for number in range(first, first + layout.header_rows)]
    titles = [value for values in raw.rows[:first] for value in values if isinstance(value, str) and value.strip()]
    return SheetLayout(file_name or str(path), raw.name, list(layout.headers), layout.data_rows, header_rows,
                       layout.stt_column, raw.column_fonts, layout.skipped_rows, titles,
                       {(row + 1, column): text for (row, column), text in raw.error_cells.items()})


def country_of_titles(layout: SheetLayout, countries_named_in: Callable, find_country: Callable) -> str | None:
    """The one country, Vietnam aside, that the title rows or the sheet's name speak of ("Danh sách kiều
    bào tại Nhật Bản", a sheet named "Japan"): the country of rows that name none, as a person reads it.
    `countries_named_in(text)` gives the codes a text names, `find_country(text)` the country it is."""
    texts = list(layout.titles)
    encoding = detect_legacy_encoding(texts) if any(not text.isascii() for text in texts) else None
    if encoding:
        texts = [to_unicode(text, encoding) for text in texts]
    codes = set().union(*(countries_named_in(text) for text in texts))
    sheet_country = find_country(layout.sheet_name) if not layout.sheet_name.isupper() else None
    if sheet_country is not None:  # a sheet per country; "VN" or "MY" in capitals is no name of one
        codes.add(sheet_country.code)
    codes.discard("VN")
    return codes.pop() if len(codes) == 1 else None


def map_headers(layout: SheetLayout, sheet: Sheet, *, saved: dict[str, str] | None = None,
                choices: dict[int, str] | None = None) -> Mapping:
    """Automatic mapping, then a saved mapping's entries, then the user's choices."""
    mapping = auto_map(layout.headers, sheet, stt_column=layout.stt_column, saved=saved)
    return apply_choices(mapping, choices, sheet) if choices else mapping


def check_mapping(mapping: Mapping, sheet: Sheet, defaults: dict | None = None) -> None:
    """Refuse a mapping that leaves a required column without a source."""
    missing = mapping.missing(sheet, defaults)
    if missing:
        raise read.SpreadsheetRejected("missing_columns", _(
            "Không tìm thấy cột bắt buộc: %(columns)s.", columns=", ".join(column.header_vi for column in missing)))


def convert_legacy(layout: SheetLayout, mapping: Mapping) -> dict[int, str]:
    """Convert TCVN3/VNI text to Unicode in place, per mapped column; {column index: encoding}.

    The cell font says it when the reader saw one (.VnTime, VNI-Times); otherwise the column's text
    is examined as a whole, since one cell is too little to tell. In a Unicode column, a lone cell is
    converted when it is no Vietnamese as written and reads as Vietnamese in one encoding only (a name
    pasted from an old .VnTime list): layout.converted_cells records it, for the row's note.
    """
    encodings = {}
    for column in mapping.columns:
        if column.key is None:
            continue
        index = column.index
        encoding = legacy_encoding_for_font(layout.column_fonts.get(index))
        if encoding is None:
            texts = []
            for _, values in layout.data_rows:
                if index < len(values) and isinstance(values[index], str) and not values[index].isascii():
                    texts.append(values[index])
                    if len(texts) == LEGACY_SAMPLE:
                        break
            encoding = detect_legacy_encoding(texts) if texts else None
        if encoding is None:
            if texts:
                _convert_lone_cells(layout, index)
            continue
        encodings[index] = encoding
        for _, values in layout.data_rows:
            if index < len(values) and isinstance(values[index], str):
                values[index] = to_unicode(values[index], encoding)
    return encodings


def _convert_lone_cells(layout: SheetLayout, index: int) -> None:
    """Convert the cells of a Unicode column that are, each on its own, legacy text beyond doubt."""
    seen: dict[str, str | None] = {}
    for number, values in layout.data_rows:
        value = values[index] if index < len(values) else None
        if value.__class__ is not str or value.isascii():
            continue
        if value not in seen:
            seen[value] = cell_legacy_encoding(value)
        if seen[value]:
            values[index] = to_unicode(value, seen[value])
            layout.converted_cells[number, index] = seen[value]


_MISSING = object()


class _Memoised:
    """The column's cleaner, run once per distinct cell (and the row values it reads); returns the
    cleaned value or the CellError. For a column that reads no other value, clean_rows looks a cell
    up in `results` itself and calls only on a miss: most cells repeat, and a Python call per cell
    adds up over the 800,000 cells of 50,000 rows."""

    __slots__ = ("clean", "reads", "results")

    def __init__(self, column):
        self.clean, self.reads, self.results = column.clean, column.reads_row, {}

    def __call__(self, value, context):
        key = (value.__class__, value)
        if self.reads:  # most columns read no other value of the row: no generator to build for them
            key += tuple(context.row.get(name) for name in self.reads)
        try:
            return self.results[key]
        except KeyError:
            pass
        try:
            result = self.clean(value, context)
        except CellError as problem:
            result = problem
        self.results[key] = result
        return result


# "Năm sinh" over two columns "Nam" | "Nữ", a classic form: the column holding the year gives the gender
# (and "Giới tính" over "Nam" | "Nữ": the column holding the mark).
# Compared with their diacritics: "Năm" (year) under "Ngày tháng năm sinh" is no "Nam".
@bulk_step
def clean_rows(layout: SheetLayout, mapping: Mapping, sheet: Sheet, lookups: Lookups,
               defaults: dict | None = None) -> list[CleanRow]:
    """Clean and validate every data row; a row's problems never stop the other rows.

    `defaults` gives a value for a column the file lacks or leaves empty ({"country": "Nhật Bản"}).
    """
    defaults = defaults or {}
    plan = []
    for column in sheet.columns:
        sources = [(source.index, source.header) for source in mapping.sources(column.key)]
        if sources or defaults.get(column.key) or column.required:
            memoised = _Memoised(column)
            plan.append((column, column.key, memoised, None if column.reads_row else memoised.results, column.multi,
                         sources, defaults.get(column.key)))
    sources_of = {key: sources for _, key, _, _, _, sources, _ in plan}
    name_parts = name_part_columns(sources_of.get("full_name", []))
    date_parts = date_part_columns(sources_of.get("birth_date", []))
    genders = gender_columns(sources_of.get("birth_date", []))
    marks = gender_columns(sources_of.get("gender", []))  # "Giới tính" over "Nam" | "Nữ", ticked "x"
    context = CleanContext(lookups)
    keeps_notes = any(column.key == "notes" for column in sheet.columns)
    unmapped_keys = [column.key for column in sheet.columns if column.multi]
    error_cells = _mapped_error_cells(layout, sources_of)
    # A number under "Năm sinh" is a year (2035 is refused), never an Excel serial day (27/07/1905).
    years = set() if date_parts else {index for index, header in sources_of.get("birth_date", [])
                                      if is_year_header(header)}
    converted = _converted_cells(layout, sources_of)
    month_first = month_first_columns(layout.data_rows, [
        index for column in sheet.columns if column.clean in (clean_birth, clean_past_date)
        for index, _header in sources_of.get(column.key, ()) if index not in years])

    def clean_part(data_rows: list) -> list[CleanRow]:
        cleaned_rows = []
        for number, values in data_rows:
            if name_parts:
                values = with_joined_name(values, name_parts)
            if date_parts:
                values = with_joined_date(values, date_parts)
            row: dict = {}
            problems: list[Problem] = []
            extra: list[tuple] = []
            row_errors = dict(error_cells[number]) if error_cells and number in error_cells else None
            context.row = row
            context.notes = []
            width = len(values)
            for column, key, clean, results, multi, sources, default in plan:
                failed = False
                for index, header in sources:
                    value = values[index] if index < width else None
                    if value is None or value == "" or (value.__class__ is str and value.isspace()):
                        continue
                    if marks and key == "gender" and header in marks:
                        value = marks[header]
                    elif years and index in years:
                        value = year_cell(value)
                    elif month_first and index in month_first and value != (value := day_first(value)):
                        context.notes.append(_l("Ô %(header)s ghi ngày theo kiểu tháng/ngày/năm: đã đọc là "
                                                "%(date)s.", header=header, date=value))
                    cleaned = _MISSING if results is None else results.get((value.__class__, value), _MISSING)
                    if cleaned is _MISSING:
                        cleaned = clean(value, context)
                    if cleaned.__class__ is CellError:
                        problems.append(Problem(number, header, cleaned.message, index))
                        failed = True
                    elif cleaned.__class__ is UnknownWord:  # kept in the notes, the value left to its default
                        extra.append((column, header, None, cell_text(value)))
                    elif not multi:
                        row[key] = cleaned
                        if genders and key == "birth_date" and header in genders:
                            row.setdefault("gender", genders[header])
                        elif len(sources) > 1 and not (marks and key == "gender"):
                            extra += _other_values(values, sources, index, cleaned, clean, context, column)
                        break
                    else:
                        row[key] = row[key] + cleaned if key in row else cleaned
                if key in row or failed:
                    continue
                if column.read_from and _read_from(values, column, clean, context, sources_of):
                    continue
                if default:
                    cleaned = clean(default, context)
                    if cleaned.__class__ is CellError:
                        problems.append(Problem(number, column.header_vi, cleaned.message))
                    else:
                        row[key] = cleaned
                elif column.required:
                    header = sources[0][1] if sources else column.header_vi
                    error = row_errors.pop(header, None) if row_errors else None
                    named = Bilingual(column.header_vi, column.header_en)
                    if error is None:
                        message = _l("Thiếu %(column)s.", column=named)
                    elif error.startswith("="):
                        message = _l("Thiếu %(column)s: ô này chứa công thức %(formula)s nhưng không có giá trị đã "
                                     "tính (tệp do một chương trình ghi ra). Hãy mở tệp bằng Excel rồi lưu lại, "
                                     "hoặc ghi thẳng giá trị vào ô.", column=named, formula=error)
                    else:
                        message = _l("Thiếu %(column)s: ô này hiện lỗi công thức %(error)s.", column=named, error=error)
                    problems.append(Problem(number, header, message, sources[0][0] if sources else None))
            if len(problems) > 1:  # in the order of the file's columns, as the user reads the row
                problems.sort(key=lambda problem: (problem.index is None, problem.index or 0))
            notes = _keep_in_notes(row, extra, keeps_notes) + context.notes
            if unmapped_keys:
                notes += keep_unmapped(row, unmapped_keys, sheet)
            if row_errors:
                notes += [_l("Ô %(header)s hiện lỗi công thức %(error)s: coi là để trống.", header=header, error=text)
                          if not text.startswith("=") else
                          _l("Ô %(header)s chứa công thức %(formula)s nhưng không có giá trị đã tính: coi là để trống.",
                             header=header, formula=text) for header, text in row_errors.items()]
            if converted and number in converted:
                notes += [_l("Ô %(header)s viết bằng mã %(encoding)s, đã chuyển sang Unicode.", header=header,
                             encoding=encoding) for header, encoding in converted[number]]
            cleaned_rows.append(CleanRow(number, row, problems, notes))
        return cleaned_rows

    return clean_part(layout.data_rows)


def _converted_cells(layout: SheetLayout, sources_of: dict) -> dict[int, list[tuple[str, str]]]:
    """{Excel row: [(header, encoding name)]} of the lone legacy cells convert_legacy converted."""
    headers = {index: header for sources in sources_of.values() for index, header in sources}
    found: dict[int, list[tuple[str, str]]] = {}
    for (row, column), encoding in sorted(layout.converted_cells.items()):
        if column in headers:
            found.setdefault(row, []).append((headers[column], LEGACY_ENCODING_NAMES.get(encoding, encoding)))
    return found


def _mapped_error_cells(layout: SheetLayout, sources_of: dict) -> dict[int, dict[str, str]]:
    """{Excel row: {header: error}} of the cells of imported columns that show an Excel error."""
    headers = {index: header for sources in sources_of.values() for index, header in sources}
    found: dict[int, dict[str, str]] = {}
    for (row, column), text in sorted(layout.error_cells.items()):
        if column in headers:
            found.setdefault(row, {})[headers[column]] = text
    return found


def _other_values(values: list, sources: list, taken: int, cleaned, clean, context, column) -> list[tuple]:
    """(column, header, value taken, other value) for each later column of a one-value column that holds
    something else: "Họ và tên" over "Chồng" | "Vợ", or "Quốc gia" beside "Nước cư trú"."""
    others = []
    after = False
    for index, header in sources:
        if index == taken:
            after = True
            continue
        text = cell_text(values[index]) if after and index < len(values) else None
        if text and not _adds_nothing(clean(values[index], context), cleaned):
            others.append((column, header, cell_text(values[taken]), text))
    return others


def _adds_nothing(other, taken) -> bool:
    """The same value, or a part of it: a birth year beside the date of that year ((None, 1970) in (d, 1970))."""
    if other == taken:
        return True
    return (isinstance(other, tuple) and isinstance(taken, tuple) and len(other) == len(taken)
            and all(part is None or part == known for part, known in zip(other, taken)))


def keep_unmapped(row: dict, keys: list[str], sheet: Sheet) -> list[str]:
    """Take the words no catalogue item names (cleaners.Unmapped) out of the row's catalogue values and
    keep them as text in the attribute they name (a person's expertise); a note per word, naming the
    nearest items. Words kept elsewhere by the record kind (a channel's products) only get the nearest
    items named."""
    notes = []
    for key in keys:
        value = row.get(key)
        if value.__class__ is not tuple or not any(item.__class__ is Unmapped for item in value):
            continue
        column = sheet.column(key)
        unmapped = [item for item in value if item.__class__ is Unmapped]
        kept = [item for item in unmapped if item.keep_in and any(c.key == item.keep_in for c in sheet.columns)]
        if kept:
            row[key] = tuple(item for item in value if item.__class__ is not Unmapped or item.keep_in is None)
        for item in unmapped:
            if item in kept:
                target = item.keep_in
                if fold_key(item) not in fold_key(row.get(target) or ""):
                    row[target] = "; ".join(filter(None, [row.get(target), str(item)]))
                target_column = sheet.column(target)
                message = Messages(_l("%(column)s: “%(words)s” chưa có trong danh mục, đã ghi vào %(target)s.",
                                      column=Bilingual(column.header_vi, column.header_en), words=str(item),
                                      target=Bilingual(target_column.header_vi, target_column.header_en)))
                if item.nearest:
                    message.add(_l("Gần nhất: %(names)s.", names=in_both(item.nearest)))
            elif item.nearest:
                message = _l("%(column)s: “%(words)s” chưa có trong danh mục; gần nhất: %(names)s.",
                             column=Bilingual(column.header_vi, column.header_en), words=str(item),
                             names=in_both(item.nearest))
            else:
                continue
            notes.append(message)
    return notes


_PLACE_PARTS = re.compile(r"\s*[,;/–]\s*|\s+-\s+")


def _read_from(values: list, column, clean, context: CleanContext, sources_of: dict) -> bool:
    """A value the row lacks, read from the last (else the first) part of a cell of `column.read_from`
    ("Tokyo, Nhật Bản" under "Nơi ở hiện nay" gives the country), with a note; False when none names one."""
    for key in column.read_from:
        for index, header in sources_of.get(key, ()):
            text = cell_text(values[index]) if index < len(values) else None
            parts = [part for part in _PLACE_PARTS.split(text) if part] if text else []
            for part in dict.fromkeys(parts[-1:] + parts[:1]):
                cleaned = clean(part, context)
                if cleaned.__class__ is not CellError:
                    context.row[column.key] = cleaned
                    context.notes.append(_l("%(column)s lấy từ ô %(header)s: “%(value)s”.", header=header, value=part,
                                            column=Bilingual(column.header_vi, column.header_en)))
                    return True
    return False


def _keep_in_notes(row: dict, extra: list[tuple], keeps_notes: bool) -> list[str]:
    """Put the other values of one-value columns in the row's notes, so that nothing written is lost;
    the messages telling the user so."""
    if not extra:
        return []
    messages = []
    for column, header, taken, other in extra:
        if taken is None:
            messages.append(_l("%(column)s: không hiểu “%(other)s” (cột %(header)s), để trống và ghi vào Ghi chú.",
                               column=Bilingual(column.header_vi, column.header_en), other=other, header=header))
        elif column.key == "full_name":
            messages.append(_l("Dòng có hai họ tên: đã nhập “%(taken)s”; “%(other)s” (cột %(header)s) được ghi vào "
                               "Ghi chú. Nếu đó là một người khác, hãy thêm một dòng riêng cho người đó.",
                               taken=taken, other=other, header=header))
        else:
            messages.append(_l("%(column)s chỉ nhận một giá trị: đã lấy “%(taken)s”; “%(other)s” (cột %(header)s) "
                               "được ghi vào Ghi chú.", column=Bilingual(column.header_vi, column.header_en),
                               taken=taken, other=other, header=header))
    if keeps_notes:
        lines = [f"{header}: {other}" for _column, header, _taken, other in extra]
        row["notes"] = "\n".join([row["notes"], *lines] if row.get("notes") else lines)
    return messages


# --- plan ---------------------------------------------------------------------------------------------

@dataclass
class RowPlan:
    """What the import does with one row: create, update (a record, or the record an earlier row
    creates), skip, or nothing because of errors."""

    row: int
    action: str  # create | update | skip | error
    values: dict
    person_id: int | None = None
    target_row: int | None = None
    matches: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note: str | None = None

    @property
    def duplicate(self) -> bool:
        return bool(self.matches)


@bulk_step
def plan_rows(rows: list[CleanRow], duplicates: dict[int, list], on_duplicate: str = "skip",
              row_actions: dict[int, str] | None = None) -> list[RowPlan]:
    """One action per row. A row with an ID updates that record; a duplicate follows the user's choice
    for it, else the default for all duplicates; "update" updates the strongest match (a record in
    the register before a row of the file)."""
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(on_duplicate)
    row_actions = row_actions or {}
    plans: list[RowPlan] = []
    by_row: dict[int, RowPlan] = {}
    for row in rows:
        matches = duplicates.get(row.row, [])
        plan = RowPlan(row.row, "create", row.values, matches=matches, problems=row.problems,
                       note=Messages(*row.notes) or None)
        chosen = row_actions.get(row.row)
        if not row.valid:
            plan.action = "error"
        elif row.values.get("id"):
            plan.action, plan.person_id = ("skip", None) if chosen == "skip" else ("update", row.values["id"])
        elif matches:
            plan.action = chosen if chosen in ON_DUPLICATE else on_duplicate
            if plan.action == "update":
                _resolve_target(plan, by_row)
        plans.append(plan)
        by_row[row.row] = plan
    return plans


def _resolve_target(plan: RowPlan, by_row: dict[int, RowPlan]) -> None:
    match = plan.matches[0]
    if match.person_id is not None:
        plan.person_id = match.person_id
        return
    earlier = by_row[match.row]
    if earlier.action == "create":
        plan.target_row = earlier.row
    elif earlier.action == "update":
        plan.person_id, plan.target_row = earlier.person_id, earlier.target_row
    else:
        plan.action = "skip"
        plan.note = Messages(_l("Trùng với dòng %(row)d, dòng đó không được nhập.", row=earlier.row), plan.note)

