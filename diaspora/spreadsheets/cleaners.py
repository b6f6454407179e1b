"""Cell cleaners: the cleaning contract, free text, person attributes, birth dates, catalogues and channel cells."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

from flask_babel import lazy_gettext as _

from diaspora.text import (
    clean_paragraphs,
    clean_text,
    fold,
    fold_key,
    fold_words,
    proper_name,
)

# A cleaner takes one non-empty cell (str, int, float, date, datetime or bool, as the reader gives
# it) and a CleanContext, and returns the cleaned value or raises CellError with a Vietnamese
# message; a renderer (renderers.py) turns a record back into cell text that the cleaner reads again.
# Columns are cleaned in declaration order, so a cleaner may read values cleaned before it in the
# same row (phones read the row's country to know how to read a number without "+"); the column
# declares it (Column.reads_row). Cleaners are pure otherwise: the pipeline cleans each distinct
# cell value once per import (lists repeat countries, cities and phone numbers).

EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST_BIRTH_YEAR = 1900
_MULTI_SEPARATORS = re.compile(r"[;,/\n\r|]+")
LINE_OR_SEMICOLON = re.compile(r"[;\n\r]+")
_COMMAS = re.compile(r",")
_DIGIT_GROUPS = re.compile(r"\d+")
# Exported lists write birth dates with a time ("30/04/1975 00:00:00") or an English month ("30-Apr-75").
_TIME_OF_DAY = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS) + r")[a-z]*\.?", re.IGNORECASE)


class CellError(ValueError):
    """A cell that cannot be imported; str() is the message for the user, `message` the message as written
    (a lazy one is kept as its msgid and parameters and read in the reader's language)."""

    @property
    def message(self):
        return self.args[0] if self.args else ""


@dataclass
class Lookups:
    """Reference data a cleaner needs, loaded once per import (lookups by folded key, not by query)."""

    find_country: Callable[[str], object]  # text -> Country | None
    match_hometown: Callable[[str], object]  # text -> HometownMatch
    fields: dict[str, int] = field(default_factory=dict)  # fold_key of key / name_vi / name_en -> id
    field_names: list[str] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)
    role_names: list[str] = field(default_factory=list)
    products: dict[str, int] = field(default_factory=dict)  # fold_key of the name or a synonym -> id
    product_names: list[str] = field(default_factory=list)
    # The office's own words for a contribution offer (synonyms), fold_key -> code; the labels are the cleaner's.
    offers: dict[str, str] = field(default_factory=dict)

    def country_code(self, text: str) -> str | None:
        country = self.find_country(text)
        return country.code if country is not None else None

    def hometown(self, text: str) -> tuple[str | None, str]:
        """(unit code or None, text as written)."""
        match = self.match_hometown(text)
        return match.unit.code if match.unit is not None else None, text


@dataclass
class CleanContext:
    """What a cleaner sees: the reference lookups and the values already cleaned in this row."""

    lookups: Lookups
    row: dict = field(default_factory=dict)
    # What a cleaner did with a value it kept, for the row's note ("Số điện thoại … chưa xác minh được");
    # emptied for each row. Only cleaners that read the row (never memoised) may add to it.
    notes: list = field(default_factory=list)


# --- generic text -----------------------------------------------------------------------------------

# Invisible characters pasted from the web, Word or a phone's contacts (zero-width spaces, byte-order
# mark, direction marks): never part of a value, and they break emails, phone numbers and matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                    "\u2060\u2066\u2067\u2068\u2069\ufeff"))


def _visible(value):
    return value.translate(_INVISIBLE) if value.__class__ is str and not value.isascii() else value


def cell_text(value) -> str | None:
    """The cell as NFC text without invisible characters: numbers without a spurious ".0", dates as dd/mm/yyyy."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return clean_text(_visible(value))


def text_cleaner(max_length: int, paragraphs: bool = False) -> Callable:
    """A cleaner for free text stored as written, at most max_length characters.

    A leading = + - @ is kept as text: the reader never evaluates formulas and export writes text cells.
    With `paragraphs` the line breaks of the cell are kept, as the person form keeps them (notes).
    """

    def clean(value, ctx):
        text = clean_paragraphs(value) if paragraphs and isinstance(value, str) else cell_text(value)
        if text and len(text) > max_length:
            raise CellError(_("Dài quá %(limit)d ký tự.", limit=max_length))
        return text

    return clean


_name_text = text_cleaner(200)
_hometown_text = text_cleaner(300)


def split_values(value, separators=_MULTI_SEPARATORS, known=None) -> list[str]:
    """The non-empty parts of a multi-valued cell, de-duplicated in order. With `known` (folded labels
    of a catalogue), parts that together spell a label are one value: the export writes “Về thăm, làm
    việc” and “Giáo viên / giảng viên” whole."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(_visible(value))
    pieces = _joined_labels(text, separators, known) if known else separators.split(text)
    parts = (clean_text(part) for part in pieces)
    return list(dict.fromkeys(part for part in parts if part))


_MOST_JOINED = 4  # a label spans at most this many parts ("A, B / C, D")


def _joined_labels(text: str, separators, known) -> list[str]:
    """The parts of `text` between separators, a run of parts that spells a known label kept whole."""
    spans, start = [], 0
    for match in separators.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    parts, i = [], 0
    while i < len(spans):
        end = i
        for j in range(min(len(spans) - 1, i + _MOST_JOINED - 1), i, -1):
            if fold_key(text[spans[i][0]:spans[j][1]]) in known:
                end = j
                break
        parts.append(text[spans[i][0]:spans[end][1]])
        i = end + 1
    return parts


class UnknownWord(CellError):
    """A coded value (gender, status, consent…) written in words no code is known by: never a reason to
    refuse the row. The import leaves the value unset (its default), keeps the words in the record's
    notes and says so on the row."""


def code_for(value, table: dict[str, str], valid: str):
    """The code `table` gives the cell (by its folded text), else an UnknownWord listing the `valid` values."""
    key = fold_key(cell_text(value))
    if key not in table:
        raise UnknownWord(_("Không hiểu “%(value)s”; dùng một trong: %(valid)s.", value=cell_text(value), valid=valid))
    return table[key]


# --- person attributes -------------------------------------------------------------------------------

_GENDERS = {
    **dict.fromkeys(("nam", "m", "male", "trai", "ong", "mr", "namgioi", "anh"), "male"),
    **dict.fromkeys(("nu", "f", "female", "gai", "ba", "mrs", "ms", "nugioi", "chi"), "female"),
    **dict.fromkeys(("khac", "other"), "other"),
}


def clean_gender(value, ctx) -> str:
    return code_for(value, _GENDERS, "Nam, Nữ, Khác")


_PERSON_TYPES = {
    **dict.fromkeys(("kieubao", "nguoivietnamonuocngoai", "nguoivietonuocngoai", "overseasvietnamese", "kb",
                     "vietkieu", "nguoigocviet"),
                    "overseas_vietnamese"),
    **dict.fromkeys(("chuyengia", "chuyengianuocngoai", "foreignexpert", "expert", "cg"), "foreign_expert"),
}


def clean_person_type(value, ctx) -> str:
    return code_for(value, _PERSON_TYPES, "Kiều bào, Chuyên gia nước ngoài")


_CONSENTS = {
    **dict.fromkeys(("dongy", "co", "x", "yes", "y", "given", "1", "true", "codongy", "dadongy"), "given"),
    **dict.fromkeys(("khongdongy", "khong", "tuchoi", "no", "n", "refused", "0", "false"), "refused"),
    **dict.fromkeys(("rutlai", "darutlai", "darutlaidongy", "withdrawn"), "withdrawn"),
    **dict.fromkeys(("chuahoi", "chuahoiykien", "chuaro", "unknown", "chua", "khongro"), "unknown"),
}


def clean_consent(value, ctx) -> str:
    return code_for(value, _CONSENTS, "Đồng ý, Từ chối, Đã rút lại, Chưa hỏi")


def clean_id(value, ctx) -> int:
    """The ID of an existing record (exported files carry it for round trips)."""
    text = cell_text(value) or ""
    if not text.isdigit() or int(text) <= 0:
        raise CellError(_("ID “%(value)s” không hợp lệ (phải là số nguyên dương).", value=text))
    return int(text)


def clean_full_name(value, ctx) -> str:
    """The name as written, without invisible characters; a name typed in capitals gets proper case
    ("NGUYỄN VĂN HÙNG" → "Nguyễn Văn Hùng"), as records and letters show names, and so does one typed
    all in small letters; a name in mixed case is kept ("Maria de la Cruz")."""
    name = _name_text(value, ctx)
    if not name or not any(ch.isalpha() for ch in name):
        raise CellError(_("Họ tên “%(value)s” không chứa chữ cái.", value=name or ""))
    return proper_name(name)


# "Mỹ - bang California", "Đức, Berlin": the country first, then a place in it.
_PLACE_AFTER_COUNTRY = re.compile(r"\s[-–]\s|,")


def clean_country(value, ctx) -> str:
    text = cell_text(value)
    code = ctx.lookups.country_code(text) or ctx.lookups.country_code(_PLACE_AFTER_COUNTRY.split(text)[0])
    if code is None:
        raise CellError(_("Không nhận ra quốc gia “%(value)s”; ghi tên nước (Nhật Bản, Japan) hoặc mã ISO (JP).",
                          value=text))
    return code


def clean_hometown(value, ctx) -> tuple[str | None, str]:
    """(today's unit code when recognised, the text as written); an unrecognised hometown is kept as text."""
    text = _hometown_text(value, ctx)
    return ctx.lookups.hometown(text)


# --- birth dates --------------------------------------------------------------------------------------

_INTEGRAL_NUMBER = re.compile(r"[0-9]{4,7}\.0+")


def _birth_year_checked(year: int) -> int:
    if not EARLIEST_BIRTH_YEAR <= year <= date.today().year:
        raise CellError(_("Năm sinh %(year)d không hợp lệ.", year=year))
    return year


def _birth_date_checked(day: int, month: int, year: int) -> date:
    _birth_year_checked(year)
    try:
        born = date(year, month, day)
    except ValueError:
        raise CellError(_("Ngày %(day)d/%(month)d/%(year)d không tồn tại; ghi theo dạng ngày/tháng/năm.",
                          day=day, month=month, year=year)) from None
    if born > date.today():
        raise CellError(_("Ngày sinh ở tương lai."))
    return born


def _four_digit_year(text: str, recent: bool = False) -> int:
    """A year written with two digits only when the century is certain (never in the future); for a
    `recent` date (a consent given on…, never before 2000) "24" is 2024 when that is not to come."""
    year = int(text)
    if len(text) == 4:
        return year
    if len(text) == 2 and recent and year <= date.today().year % 100:
        return 2000 + year
    if len(text) == 2 and year > date.today().year % 100:
        return 1900 + year
    raise CellError(_("Năm “%(value)s” không rõ thế kỷ; hãy ghi đủ bốn chữ số.", value=text))


_DATE_WORDS = {"ngày", "ngay", "tháng", "thang", "date", "day", "month", "dob", "birthday"}


def is_year_header(header: str | None) -> bool:
    """True for a birth column whose header speaks of the year alone ("Năm sinh", "Sinh năm", "Year of
    birth", "Năm sinh / Nam"), not of a whole date ("Ngày tháng năm sinh", "Date of birth")."""
    words = set(re.findall(r"\w+", (clean_text(header) or "").lower()))
    if words & _DATE_WORDS:
        return False
    return bool(words & {"năm", "year", "yob"}) or fold_words(header)[:2] in (["nam", "sinh"], ["sinh", "nam"])


def year_cell(value):
    """A whole number in a year column as the year it is written ("2035"), so that clean_birth reads it
    as a year (refused when in the future or before 1900), never as an Excel serial day."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    return value


def clean_birth(value, ctx, recent: bool = False) -> tuple[date | None, int | None]:
    """(birth date, birth year) from a date cell, an Excel serial, "dd/mm/yyyy", "mm/yyyy" or "yyyy"; a
    day and month left unknown ("00/00/1960", "../../1960", "xx/xx/1960") give the year alone."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        born = _birth_date_checked(value.day, value.month, value.year)
        return born, born.year
    if isinstance(value, str) and _INTEGRAL_NUMBER.fullmatch(value.strip()):
        value = int(float(value))  # "1975.0": a number column written out as text (CSV from other programs)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number != value:
            raise CellError(_("Ngày sinh “%(value)s” không hợp lệ.", value=value))
        if EARLIEST_BIRTH_YEAR <= number <= date.today().year:
            return None, number
        # An Excel serial day number from a cell not formatted as a date; a smaller number is an age or
        # a day, not a date in 1900–1905.
        born = EXCEL_EPOCH + timedelta(days=number) if EARLIEST_BIRTH_YEAR < number < 2_958_466 else None
        if born is None:
            raise CellError(_("Ngày sinh “%(value)s” không hợp lệ.", value=number))
        born = _birth_date_checked(born.day, born.month, born.year)
        return born, born.year
    text = _TIME_OF_DAY.sub("", cell_text(value))
    groups = _DIGIT_GROUPS.findall(text)
    month = _MONTH_NAME.search(text)
    if month and len(groups) == 2:  # "30-Apr-1975" as Excel shows dates in CSV, "April 30, 1975"
        day, year = sorted(groups, key=len)
        born = _birth_date_checked(int(day), _MONTHS.index(month.group(1).lower()) + 1, _four_digit_year(year, recent))
        return born, born.year
    if len(groups) == 1 and len(groups[0]) in (4, 8) and re.fullmatch(r"\D*\d+\D*", text):
        if len(groups[0]) == 4:
            return None, _birth_year_checked(int(groups[0]))
        digits = groups[0]  # ddmmyyyy written without separators
        born = _birth_date_checked(int(digits[:2]), int(digits[2:4]), int(digits[4:]))
        return born, born.year
    if len(groups) == 2 and len(groups[0]) <= 2 and len(groups[1]) == 4:  # mm/yyyy: only the year is kept
        if not 1 <= int(groups[0]) <= 12:
            raise CellError(_("Tháng %(month)s không hợp lệ.", month=groups[0]))
        return None, _birth_year_checked(int(groups[1]))
    if len(groups) == 3:
        if len(groups[0]) == 4:  # ISO yyyy-mm-dd
            year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
        else:
            day, month, year = int(groups[0]), int(groups[1]), _four_digit_year(groups[2], recent)
        if day == 0 and 0 <= month <= 12:  # "00/00/1960", "00/05/1960": forms mark an unknown day this way
            return None, _birth_year_checked(year)
        born = _birth_date_checked(day, month, year)
        return born, born.year
    raise CellError(_("Không đọc được ngày sinh “%(value)s”; ghi dd/mm/yyyy hoặc chỉ năm sinh.", value=text))


def clean_past_date(value, ctx) -> date:
    """A whole date, not in the future (a consent given on…): as a date cell, a serial or dd/mm/yyyy."""
    try:
        day, _year = clean_birth(value, ctx, recent=True)
    except CellError:
        day = None
    if day is None:
        raise CellError(_("Không đọc được ngày “%(value)s”; ghi đủ ngày/tháng/năm (dd/mm/yyyy).",
                          value=cell_text(value)))
    return day


# --- taxonomies and organisations --------------------------------------------------------------------

class Unmapped(str):
    """Words of a catalogue cell that name no item of the catalogue: the import keeps them as text (in
    the record's `keep_in` attribute, or, for a channel's products, in its notes) and tells the row so,
    naming the `nearest` items. Never a reason to refuse the row."""

    keep_in: str | None = None
    nearest: tuple[str, ...] = ()

    @classmethod
    def of(cls, words: str, names, keep_in: str | None) -> "Unmapped":
        item = cls(words)
        item.keep_in, item.nearest = keep_in, nearest_names(words, names)
        return item


# Where the words of a field, role or offer the catalogues lack go: the person's free-text expertise.
KEPT_IN = "expertise"
_NEAR_SPELLING = 90  # RapidFuzz ratio (0–100) of folded texts from which a word is a misspelt label
_NEAREST = 50  # ... from which an item is worth naming in a note


def nearest_names(words: str, names, limit: int = 3) -> tuple[str, ...]:
    """The catalogue names closest to `words` (diacritics and case aside), best first."""
    from rapidfuzz import fuzz, process

    choices = {name: fold(name) for name in names}
    found = process.extract(fold(words), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=_NEAREST)
    return tuple(name for _folded, _score, name in found)


def _catalogue_id(text: str, table: dict[str, int]) -> int | None:
    """The catalogue item a name means: the whole name (Vietnamese, English, key or a synonym of the
    office), a part that fits one item alone ("Giáo dục" → "Giáo dục – đào tạo", "Vải thiều" → "Vải thiều
    Thanh Hà"), or a near spelling of one item alone ("Cong nghe thong tn")."""
    key = fold_key(text)
    found = table.get(key)
    if found is None and len(key) >= 4:
        candidates = {item_id for name, item_id in table.items() if key in name}
        if len(candidates) > 1:
            return None  # a part of several items: the user must say which
        found = candidates.pop() if candidates else None
    if found is None and len(key) >= 6:
        found = near_spelling(key, table)
    return found


def near_spelling(key: str, table: dict):
    """The item of `table` whose folded name `key` misspells, when only one item is that close."""
    from rapidfuzz import fuzz, process

    found = process.extract(key, list(table), scorer=fuzz.ratio, limit=None, score_cutoff=_NEAR_SPELLING)
    items = {table[name] for name, _score, _index in found}
    return items.pop() if len(items) == 1 else None


def _taxonomy_ids(value, table: dict[str, int], names: list[str]) -> tuple:
    """Ids of fields or roles by name, a synonym, a part or a near spelling; words that name no item
    come as Unmapped (kept in the person's expertise by the import, with a note)."""
    items: list = []
    for part in split_values(value, known=table):
        found = _catalogue_id(part, table)
        item = Unmapped.of(part, names, KEPT_IN) if found is None else found
        if item not in items:
            items.append(item)
    return tuple(items)


def clean_fields(value, ctx) -> tuple:
    """Field ids from names, keys or synonyms separated by ; , / or new lines (a label holding one of
    them stays whole); words of no field are Unmapped."""
    return _taxonomy_ids(value, ctx.lookups.fields, ctx.lookups.field_names)


def clean_roles(value, ctx) -> tuple:
    return _taxonomy_ids(value, ctx.lookups.roles, ctx.lookups.role_names)


def clean_organisations(value, ctx) -> tuple[str, ...]:
    """Organisation names separated by ; or new lines (names themselves contain commas)."""
    names = split_values(value, LINE_OR_SEMICOLON)
    for name in names:
        if len(name) > 300:
            raise CellError(_("Tên tổ chức dài quá %(limit)d ký tự.", limit=300))
    return tuple(names)


def clean_organisation_name(value, ctx) -> str:
    """One organisation's name (a channel's); it may contain commas and semicolons."""
    name = cell_text(value)
    if len(name) > 300:
        raise CellError(_("Tên tổ chức dài quá %(limit)d ký tự.", limit=300))
    return name


# --- channel cells -----------------------------------------------------------------------------------

_PERSON_ID = re.compile(r"(?:\(\s*)?(?:id|mã|ma)?\s*:?\s*#?(\d+)\s*\)?$", re.IGNORECASE)


def clean_person_reference(value, ctx) -> tuple[str, object, str]:
    """("id", n, text) for a record ID, alone or after the name ("Nguyễn Văn An (ID 12)"); else
    ("name", text, text), which the channel import looks up among the people of the register."""
    text = cell_text(value) or ""
    match = _PERSON_ID.search(text)
    if match and (match.start() == 0 or text[match.start() - 1].isspace() or text[match.start()] == "("):
        return "id", int(match.group(1)), text
    if not any(ch.isalpha() for ch in text):
        raise CellError(_("“%(value)s” không phải họ tên hay ID hồ sơ.", value=text))
    return "name", text, text


def clean_products(value, ctx) -> tuple[int | str, ...]:
    """Typical products of the catalogue by name or synonym, separated by ; or new lines, or by commas
    when the whole part is no product name (two names hold commas); a name may be written in part when
    it fits one product alone ("Vải thiều" → "Vải thiều Thanh Hà"), or misspelt. A product the catalogue
    lacks stays as its text, Unmapped (the channel import keeps it in the notes): a product id or the
    text as written, per product."""
    table = ctx.lookups.products
    names = ctx.lookups.product_names
    items: list[int | str] = []
    for part in split_values(value, LINE_OR_SEMICOLON, known=table):
        found = _catalogue_id(part, table)
        if found is not None:
            pieces = [(found, part)]
        else:
            pieces = [(_catalogue_id(piece, table), piece)
                      for piece in split_values(part, _COMMAS, known=table)] or [(None, part)]
        for product_id, text in pieces:
            item = Unmapped.of(text, names, None) if product_id is None else product_id
            if item not in items:
                items.append(item)
    return tuple(items)
