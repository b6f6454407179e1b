"""Cell cleaners and renderers: what staff type into Excel ↔ the values stored on a Person.

A cleaner takes one non-empty cell (str, int, float, date, datetime or bool, as the reader gives
it) and a CleanContext, and returns the cleaned value or raises CellError with a Vietnamese
message. A renderer turns a Person back into cell text that the cleaner reads again.
Columns are cleaned in declaration order, so a cleaner may read values cleaned before it in the
same row (phones read the row's country to know how to read a number without "+"); the column
declares it (Column.reads_row). Cleaners are pure otherwise: the pipeline cleans each distinct
cell value once per import (lists repeat countries, cities and phone numbers).
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

import phonenumbers
from flask_babel import gettext as _

from diaspora.contacts import InvalidContact, normalize_contact, normalize_email, normalize_phone
from diaspora.text import clean_paragraphs
from diaspora.text import clean_text, fold_key

EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST_BIRTH_YEAR = 1900
_MULTI_SEPARATORS = re.compile(r"[;,/\n\r|]+")
_LINE_OR_SEMICOLON = re.compile(r"[;\n\r]+")
_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")
_COMMAS = re.compile(r",")
# Phones are also separated by a spaced dash; a note in brackets after a number is no part of it.
_PHONE_SEPARATORS = re.compile(r"(?:[;,/\n\r|]|\s[-–]\s)+")
_PHONE_SEPARATORS_BUT_SLASH = re.compile(r"(?:[;,\n\r|]|\s[-–]\s)+")
_PHONE_NOTE = re.compile(r"\([^)\d]*\)")
_NUMBER_AS_TEXT = re.compile(r"\s*\d{6,}\.0\s*")
_DIGIT_GROUPS = re.compile(r"\d+")
# Exported lists write birth dates with a time ("30/04/1975 00:00:00") or an English month ("30-Apr-75").
_TIME_OF_DAY = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS) + r")[a-z]*\.?", re.IGNORECASE)


class CellError(ValueError):
    """A cell that cannot be imported; str() is the message for the user, in Vietnamese."""


@dataclass
class Lookups:
    """Reference data a cleaner needs, loaded once per import (lookups by folded key, not by query)."""

    find_country: Callable[[str], object]  # text -> Country | None
    match_hometown: Callable[[str], object]  # text -> HometownMatch
    fields: dict[str, int] = field(default_factory=dict)  # fold_key of key / name_vi / name_en -> id
    field_names: list[str] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)
    role_names: list[str] = field(default_factory=list)
    products: dict[str, int] = field(default_factory=dict)  # fold_key of the name -> id
    product_names: list[str] = field(default_factory=list)

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


def split_values(value, separators=_MULTI_SEPARATORS) -> list[str]:
    """The non-empty parts of a multi-valued cell, de-duplicated in order."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    parts = (clean_text(part) for part in separators.split(str(_visible(value))))
    return list(dict.fromkeys(part for part in parts if part))


def _choice(value, table: dict[str, str], valid: str):
    key = fold_key(cell_text(value))
    if key not in table:
        raise CellError(_("Không hiểu “%(value)s”; dùng một trong: %(valid)s.", value=cell_text(value), valid=valid))
    return table[key]


# --- person attributes -------------------------------------------------------------------------------

_GENDERS = {
    **dict.fromkeys(("nam", "m", "male", "trai", "ong", "mr", "namgioi", "anh"), "male"),
    **dict.fromkeys(("nu", "f", "female", "gai", "ba", "mrs", "ms", "nugioi", "chi"), "female"),
    **dict.fromkeys(("khac", "other"), "other"),
}


def clean_gender(value, ctx) -> str:
    return _choice(value, _GENDERS, "Nam, Nữ, Khác")


_PERSON_TYPES = {
    **dict.fromkeys(("kieubao", "nguoivietnamonuocngoai", "nguoivietonuocngoai", "overseasvietnamese", "kb"),
                    "overseas_vietnamese"),
    **dict.fromkeys(("chuyengia", "chuyengianuocngoai", "foreignexpert", "expert", "cg"), "foreign_expert"),
}


def clean_person_type(value, ctx) -> str:
    return _choice(value, _PERSON_TYPES, "Kiều bào, Chuyên gia nước ngoài")


_CONSENTS = {
    **dict.fromkeys(("dongy", "co", "x", "yes", "y", "given", "1", "true", "codongy"), "given"),
    **dict.fromkeys(("khongdongy", "khong", "tuchoi", "no", "n", "refused", "0", "false"), "refused"),
    **dict.fromkeys(("rutlai", "darutlai", "darutlaidongy", "withdrawn"), "withdrawn"),
    **dict.fromkeys(("chuahoi", "chuahoiykien", "chuaro", "unknown"), "unknown"),
}


def clean_consent(value, ctx) -> str:
    return _choice(value, _CONSENTS, "Đồng ý, Từ chối, Đã rút lại, Chưa hỏi")


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
    return name.title() if name.isupper() or name.islower() else name


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


def _four_digit_year(text: str) -> int:
    """A year written with two digits only when the century is certain (never in the future)."""
    year = int(text)
    if len(text) == 4:
        return year
    if len(text) == 2 and year > date.today().year % 100:
        return 1900 + year
    raise CellError(_("Năm “%(value)s” không rõ thế kỷ; hãy ghi đủ bốn chữ số.", value=text))


def clean_birth(value, ctx) -> tuple[date | None, int | None]:
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
        born = _birth_date_checked(int(day), _MONTHS.index(month.group(1).lower()) + 1, _four_digit_year(year))
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
            day, month, year = int(groups[0]), int(groups[1]), _four_digit_year(groups[2])
        if day == 0 and 0 <= month <= 12:  # "00/00/1960", "00/05/1960": forms mark an unknown day this way
            return None, _birth_year_checked(year)
        born = _birth_date_checked(day, month, year)
        return born, born.year
    raise CellError(_("Không đọc được ngày sinh “%(value)s”; ghi dd/mm/yyyy hoặc chỉ năm sinh.", value=text))


# --- taxonomies and organisations --------------------------------------------------------------------

def _catalogue_id(text: str, table: dict[str, int]) -> int | None:
    """The catalogue item a name means: the whole name (Vietnamese, English or key), or a part that fits
    one item alone ("Giáo dục" → "Giáo dục – đào tạo", "Vải thiều" → "Vải thiều Thanh Hà")."""
    key = fold_key(text)
    found = table.get(key)
    if found is None and len(key) >= 4:
        candidates = {item_id for name, item_id in table.items() if key in name}
        found = candidates.pop() if len(candidates) == 1 else None
    return found


def _taxonomy_ids(value, table: dict[str, int], names: list[str]) -> tuple[int, ...]:
    """Ids of fields or roles by name; a name may be written in part when it fits one item alone."""
    ids, unknown = [], []
    for part in split_values(value):
        found = _catalogue_id(part, table)
        if found is None:
            unknown.append(part)
        elif found not in ids:
            ids.append(found)
    if unknown:
        raise CellError(_("Không có “%(value)s” trong danh mục; giá trị hợp lệ: %(valid)s.",
                          value="; ".join(unknown), valid="; ".join(names)))
    return tuple(ids)


def clean_fields(value, ctx) -> tuple[int, ...]:
    """Field ids from names or keys separated by ; , / or new lines."""
    return _taxonomy_ids(value, ctx.lookups.fields, ctx.lookups.field_names)


def clean_roles(value, ctx) -> tuple[int, ...]:
    return _taxonomy_ids(value, ctx.lookups.roles, ctx.lookups.role_names)


def clean_organisations(value, ctx) -> tuple[str, ...]:
    """Organisation names separated by ; or new lines (names themselves contain commas)."""
    names = split_values(value, _LINE_OR_SEMICOLON)
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


# --- channels ------------------------------------------------------------------------------------------

def _label_table(labels: dict, words: dict[str, str] | None) -> Callable[[], dict[str, str]]:
    """{folded label, code or other word: code}, built on first use (the labels are lazy texts): the
    Vietnamese and English labels, the codes and the other words staff use (`words`, folded)."""
    table: dict[str, str] = {}

    def get() -> dict[str, str]:
        if not table:
            from flask_babel import force_locale

            for locale in ("en", "vi"):
                with force_locale(locale):
                    table.update((fold_key(str(label)), code) for code, label in labels.items())
            table.update((fold_key(code), code) for code in labels)
            table.update(words or {})
        return table

    return get


def label_cleaner(labels: dict, words: dict[str, str] | None = None, contains: bool = False) -> Callable:
    """A cleaner for a coded value written by its label, in Vietnamese or English (the export writes the
    Vietnamese label), by its code, or by one of the other words staff use for it. With `contains`, a
    text holding one of them is read as it ("Siêu thị mini châu Á" is a supermarket), longest first."""
    table = _label_table(labels, words)

    def clean(value, ctx):
        key = fold_key(cell_text(value))
        if contains and key not in table():
            for known in sorted(table(), key=len, reverse=True):
                if len(known) >= 4 and known in key:
                    return table()[known]
        return _choice(value, table(), ", ".join(str(label) for label in labels.values()))

    return clean


def labels_cleaner(labels: dict, words: dict[str, str] | None = None) -> Callable:
    """label_cleaner for a cell holding several values separated by ; , / or new lines: a tuple of codes."""
    table = _label_table(labels, words)

    def clean(value, ctx):
        codes = []
        for part in split_values(value):
            code = _choice(part, table(), ", ".join(str(label) for label in labels.values()))
            if code not in codes:
                codes.append(code)
        return tuple(codes)

    return clean


_NATIONALITY_SEPARATORS = re.compile(r"\s*(?:[;,/&+\n]|\s-\s|\svà\s|\sand\s)\s*", re.IGNORECASE)


def nationality_cleaner(labels: dict) -> Callable:
    """A cleaner for nationality written as a label ("Hai quốc tịch") or as the countries themselves:
    "Việt Nam" → Vietnamese, "Nhật Bản" → foreign, "Việt Nam, Đức" → dual."""
    table = _label_table(labels, NATIONALITY_WORDS)

    def clean(value, ctx):
        text = cell_text(value)
        if fold_key(text) in table():
            return table()[fold_key(text)]
        countries = {ctx.lookups.country_code(part) for part in _NATIONALITY_SEPARATORS.split(text) if part}
        if not countries or None in countries:
            return _choice(value, table(), ", ".join(str(label) for label in labels.values()))
        if "VN" in countries:
            return "dual" if len(countries) > 1 else "vietnamese"
        return "foreign"

    return clean


def clean_past_date(value, ctx) -> date:
    """A whole date, not in the future (a consent given on…): as a date cell, a serial or dd/mm/yyyy."""
    try:
        day, _year = clean_birth(value, ctx)
    except CellError:
        day = None
    if day is None:
        raise CellError(_("Không đọc được ngày “%(value)s”; ghi đủ ngày/tháng/năm (dd/mm/yyyy).",
                          value=cell_text(value)))
    return day


STATUS_WORDS = {
    **dict.fromkeys(("conlienlac", "lienlacduoc", "binhthuong"), "active"),
    **dict.fromkeys(("khonglienlacduoc", "mattin", "khongconlienlac"), "unreachable"),
    **dict.fromkeys(("quadoi", "tutran", "mat", "chet"), "deceased"),
}
NATIONALITY_WORDS = {
    **dict.fromkeys(("vietnam", "vn", "vietnamese", "quoctichvn"), "vietnamese"),
    **dict.fromkeys(("songtich", "2quoctich", "haiquoctichvietnamvanuocngoai", "vietnamvanuocngoai"), "dual"),
    **dict.fromkeys(("nuocngoai", "quoctichkhac", "dathoiquoctichvietnam"), "foreign"),
    **dict.fromkeys(("khongro", "chuaxacdinh"), "unknown"),
}
CONTRIBUTION_WORDS = {
    **dict.fromkeys(("tuvan", "tuvantructuyen", "tuvanonline", "advice"), "remote_advice"),
    **dict.fromkeys(("vetham", "velamviec", "vethamquehuong", "visit"), "visits"),
    **dict.fromkeys(("gopvon", "dautuvequehuong"), "investment"),
    **dict.fromkeys(("daotao", "dayhoc", "thinhgiang", "giangdaytructuyen"), "teaching"),
}


CHANNEL_TYPE_WORDS = {
    **dict.fromkeys(("cuahang", "cuahangtaphoa", "tiemtaphoa", "taphoa", "tiem", "store", "grocery", "minimart",
                     "chuoicuahang", "banle", "retail"), "shop"),
    **dict.fromkeys(("sieuthimini", "chuoisieuthi", "market", "supermarket", "hypermarket"), "supermarket"),
    **dict.fromkeys(("quanan", "nhahangviet", "quanpho", "restaurant", "cafe"), "restaurant"),
    **dict.fromkeys(("nhapkhau", "doanhnghiepnhapkhau", "congtynhapkhau", "import", "importer"), "importer"),
    **dict.fromkeys(("phanphoi", "nhaphanphoi", "banbuon", "daily", "tongdaily", "distributor", "wholesale"),
                    "wholesaler"),
    **dict.fromkeys(("online", "trangthuongmaidientu", "thuongmaidientu", "santhuongmaidientu", "website",
                     "cuahangtructuyen", "sangiaodich", "tmdt", "ecommerce", "amazon", "shopee", "lazada"),
                    "ecommerce"),
    **dict.fromkeys(("hoicho", "hoichotrienlam", "trienlam", "exhibition", "fair", "expo"), "fair"),
}
CHANNEL_STATUS_WORDS = {
    **dict.fromkeys(("moi", "chualienhe", "tiemnang"), "potential"),
    **dict.fromkeys(("dangtraodoi", "dangdamphan", "lienhe"), "contacted"),
    **dict.fromkeys(("doitac", "danghoptac", "hoptac", "dangphanphoi"), "partner"),
    **dict.fromkeys(("ngunghoptac", "tamdung", "dung"), "inactive"),
}
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
    """Typical products of the catalogue by name, separated by ; or new lines, or by commas when the
    whole part is no product name (two names hold commas); a name may be written in part when it fits
    one product alone ("Vải thiều" → "Vải thiều Thanh Hà"). A product the catalogue lacks stays as its
    text (the channel import keeps it in the notes): a product id or the text as written, per product."""
    table = ctx.lookups.products
    items: list[int | str] = []
    for part in split_values(value, _LINE_OR_SEMICOLON):
        found = _catalogue_id(part, table)
        if found is not None:
            pieces = [(found, part)]
        else:
            pieces = [(_catalogue_id(piece, table), piece) for piece in split_values(part, _COMMAS)] or [(None, part)]
        for product_id, text in pieces:
            item = text if product_id is None else product_id
            if item not in items:
                items.append(item)
    return tuple(items)


def clean_single_phone(value, ctx) -> str:
    """One phone number in E.164 (a channel keeps one)."""
    numbers = clean_phones(value, ctx)
    if len(numbers) != 1:
        raise CellError(_("Chỉ ghi một số điện thoại cho mỗi kênh."))
    return numbers[0][2]


def clean_single_email(value, ctx) -> str:
    emails = clean_emails(value, ctx)
    if len(emails) != 1:
        raise CellError(_("Chỉ ghi một địa chỉ email cho mỗi kênh."))
    return emails[0][2]


def clean_website(value, ctx) -> str:
    """A web address; "vietmart.jp" gets "https://" (as the channel form does)."""
    text = cell_text(value).strip()
    if " " in text or "." not in text:
        raise CellError(_("“%(value)s” không phải địa chỉ trang web.", value=text))
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    if len(text) > 300:
        raise CellError(_("Dài quá %(limit)d ký tự.", limit=300))
    return text


# --- contacts ----------------------------------------------------------------------------------------

def _phone(raw: str, region: str | None, numeric: bool):
    """E.164, or the InvalidContact saying why not."""
    if numeric and region and len(raw) >= 11 and raw.startswith(str(phonenumbers.country_code_for_region(region))):
        # A number cell that lost the "+" of the row's own country (4915112345678 in Germany) could
        # also read as a long national number there: the country code is the likelier reading.
        try:
            return normalize_phone("+" + raw, None)
        except InvalidContact:
            pass
    try:
        return normalize_phone(raw, region)
    except InvalidContact as problem:
        if numeric and not raw.startswith("0"):
            # Excel dropped the "+" of an international number stored as a number: 84912345678.
            try:
                return normalize_phone("+" + raw, None)
            except InvalidContact:
                pass
        return problem


# An everyday address: a dot-atom of common ASCII characters before the @, a host name after it.
# email-validator accepts any such local part as written; only its verdict on the domain remains,
# and that depends on the domain alone, so it is asked once per domain (a list has a few hundred
# domains for tens of thousands of addresses, and the library takes 40 µs an address).
_EVERYDAY_EMAIL = re.compile(r"([A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_EMAIL_MAX_LENGTH = 254  # RFC 5321 as email-validator applies it; a longer address goes to the library
# Domains, as written, whose everyday addresses the library returned as written (lower-cased).
_ACCEPTED_DOMAINS: set[str] = set()
_ACCEPTED_DOMAINS_MAX = 100_000


def _email(raw: str):
    everyday = _EVERYDAY_EMAIL.fullmatch(raw) if len(raw) <= _EMAIL_MAX_LENGTH else None
    if everyday is not None and everyday[2] in _ACCEPTED_DOMAINS:
        return raw.lower()
    try:
        normalized = normalize_email(raw)
    except InvalidContact as problem:
        return problem
    if everyday is not None and normalized == raw.lower():
        if len(_ACCEPTED_DOMAINS) >= _ACCEPTED_DOMAINS_MAX:
            _ACCEPTED_DOMAINS.clear()
        _ACCEPTED_DOMAINS.add(everyday[2])
    return normalized


def _normalised(result) -> str:
    if isinstance(result, InvalidContact):
        raise CellError(str(result))
    return result


def clean_phones(value, ctx, kind: str = "phone") -> tuple[tuple[str, str, str], ...]:
    """(kind, value, E.164) per number; numbers without "+" are read in the row's country, then Vietnam."""
    region = ctx.row.get("country")
    if value.__class__ is str and _NUMBER_AS_TEXT.fullmatch(value):
        value = int(value.strip()[:-2])  # "14085550123.0": a number cell written out by a program
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number cell lost its leading 0 (912345678) or its "+" (84912345678).
        raw = str(int(value))
        return ((kind, raw, _normalised(_phone(raw, region, True))),)
    text = _PHONE_NOTE.sub(" ", str(value))
    parts = split_values(text, _PHONE_SEPARATORS)
    numbers = [_phone(part, region, False) for part in parts]
    if "/" in text and any(isinstance(number, InvalidContact) for number in numbers):
        # "0151/12345678": the slash after an area code (German lists), not between two numbers.
        whole = split_values(text, _PHONE_SEPARATORS_BUT_SLASH)
        whole_numbers = [_phone(part, region, False) for part in whole]
        if not any(isinstance(number, InvalidContact) for number in whole_numbers):
            parts, numbers = whole, whole_numbers
    return tuple((kind, part, _normalised(number)) for part, number in zip(parts, numbers))


def clean_emails(value, ctx) -> tuple[tuple[str, str, str], ...]:
    return tuple(("email", part, _normalised(_email(part)))
                 for part in split_values(value, _EMAIL_SEPARATORS))


def contact_cleaner(kind: str) -> Callable:
    """A cleaner for one kind of account (Zalo, Facebook…): several separated by ; or new lines."""

    def clean(value, ctx):
        if kind in ("zalo", "whatsapp") and isinstance(value, int | float) and not isinstance(value, bool):
            return clean_phones(value, ctx, kind)
        contacts = []
        for part in split_values(value, _LINE_OR_SEMICOLON):
            try:
                normalized = normalize_contact(kind, part, ctx.row.get("country"))
            except InvalidContact as problem:
                raise CellError(str(problem)) from None
            contacts.append((kind, part, normalized[:300]))
        return tuple(contacts)

    return clean


_OTHER_CONTACT_KINDS = {
    "wechat": "wechat", "line": "line", "kakaotalk": "kakaotalk", "kakao": "kakaotalk",
    "whatsapp": "whatsapp", "web": "website", "website": "website", "trangweb": "website",
    "diachi": "address", "diachibuudien": "address",
}


def clean_other_contacts(value, ctx) -> tuple[tuple[str, str, str], ...]:
    """"WeChat: abc; LINE: xyz; Web: example.org" → one contact per "kind: value" part."""
    contacts = []
    for part in split_values(value, _LINE_OR_SEMICOLON):
        label, colon, rest = part.partition(":")
        kind = _OTHER_CONTACT_KINDS.get(fold_key(label)) if colon else None
        if kind is None and colon and rest.startswith("//"):
            kind, rest = "website", part  # a bare URL "https://…"
        if kind is None:
            raise CellError(_("“%(value)s”: ghi dạng “loại: giá trị”, loại là một trong "
                              "WeChat, LINE, KakaoTalk, WhatsApp, Web, Địa chỉ.", value=part))
        contacts += contact_cleaner(kind)(rest, ctx)
    return tuple(contacts)


# --- renderers ---------------------------------------------------------------------------------------

def render_attribute(key: str, paragraphs: bool = False) -> Callable:
    """A renderer showing one attribute as text (with its line breaks when `paragraphs`)."""

    def render(person) -> str:
        value = getattr(person, key)
        return (clean_paragraphs(value) if paragraphs and isinstance(value, str) else cell_text(value)) or ""

    return render


def render_label(key: str, labels: dict) -> Callable:
    """A renderer showing a coded attribute by its label (Nam, Nữ…), which the cleaner reads back."""

    def render(person) -> str:
        code = getattr(person, key)
        return str(labels[code]) if code in labels else ""

    return render


def render_birth(person) -> str:
    if person.birth_date:
        return person.birth_date.strftime("%d/%m/%Y")
    return str(person.birth_year) if person.birth_year else ""


def render_country(person) -> str:
    return person.country.name_vi if person.country is not None else (person.country_code or "")


def render_hometown(person) -> str:
    if person.hometown_text:
        return person.hometown_text
    return person.hometown_unit.full_name if person.hometown_unit is not None else ""


def render_names(relation: str) -> Callable:
    """A renderer joining the Vietnamese names of a taxonomy relation with "; "."""

    def render(person) -> str:
        return "; ".join(item.name_vi for item in getattr(person, relation))

    return render


def render_organisations(person) -> str:
    return "; ".join(m.organisation.name for m in person.memberships if m.organisation is not None)


def render_contacts(*kinds: str, labelled: bool = False) -> Callable:
    """A renderer joining a person's contacts of the given kinds with "; " (normalised form)."""

    def render(person) -> str:
        values = []
        for contact in person.contacts:
            if contact.kind in kinds:
                shown = contact.normalized if contact.kind in ("phone", "email") else contact.value
                values.append(f"{_OTHER_LABELS[contact.kind]}: {shown}" if labelled else shown)
        return "; ".join(values)

    return render


_OTHER_LABELS = {"wechat": "WeChat", "line": "LINE", "kakaotalk": "KakaoTalk", "whatsapp": "WhatsApp",
                 "website": "Web", "address": "Địa chỉ"}


def render_person_reference(channel) -> str:
    """The person behind a channel as "Name (ID n)", which the import reads back to the same record."""
    person = channel.person
    return f"{person.full_name} (ID {person.id})" if person is not None else ""


def render_channel_organisation(channel) -> str:
    return channel.organisation.name if channel.organisation is not None else ""


def render_products(status: str) -> Callable:
    """A renderer joining the names of a channel's products with the given status."""

    def render(channel) -> str:
        return "; ".join(link.product.name for link in channel.products if link.status == status)

    return render


def render_offers(labels: dict) -> Callable:
    """A renderer joining the labels of a person's contribution offers with "; "."""

    def render(person) -> str:
        return "; ".join(str(labels[offer.kind]) for offer in person.offers if offer.kind in labels)

    return render
