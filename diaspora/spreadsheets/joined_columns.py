"""Columns a list splits over sub-headers, read as one value: "Giới tính" over "Nam" | "Nữ", a date
over "Ngày" | "Tháng" | "Năm", a name over "Họ và tên đệm" | "Tên"."""
import re

from diaspora.spreadsheets.cleaners import cell_text
from diaspora.text import fold_key

_GENDER_SUBHEADERS = {"nam": "male", "nữ": "female", "nu": "female"}
_DATE_SUBHEADERS = ("ngày", "tháng", "năm")
_SUBHEADER = re.compile(r"(?:\s/\s*|\(\s*)([^/()]+?)\s*\)?$")


def sub_header(header: str) -> tuple[str, str]:
    """(upper part, sub-header) of "Năm sinh / Nam" or "Năm sinh (Nữ)", lower-cased; ("", "") otherwise."""
    match = _SUBHEADER.search(header)
    if not match:
        return "", ""
    return (cell_text(header[:match.start()]) or "").lower(), (cell_text(match.group(1)) or "").lower()


def gender_columns(sources: list[tuple[int, str]]) -> dict[str, str]:
    """{header: gender} for columns headed "… / Nam" or "… (Nữ)" (not a gender column "Nam / Nữ")."""
    genders = {}
    for _, header in sources:
        upper, sub = sub_header(header)
        if sub in _GENDER_SUBHEADERS and upper not in _GENDER_SUBHEADERS:
            genders[header] = _GENDER_SUBHEADERS[sub]
    return genders


def date_part_columns(sources: list[tuple[int, str]]) -> list[int]:
    """The day, month and year columns of a birth date over "Ngày" | "Tháng" | "Năm", else []."""
    parts = {sub_header(header)[1]: index for index, header in sources}
    return [parts[part] for part in _DATE_SUBHEADERS] if all(part in parts for part in _DATE_SUBHEADERS) else []


def with_joined_date(values: list, parts: list[int]) -> list:
    """A copy of the row with the day, month and year columns joined "d/m/yyyy" in the first."""
    texts = [cell_text(values[index]) if index < len(values) else None for index in parts]
    values = list(values)
    for index in parts:
        if index < len(values):
            values[index] = None
    values[parts[0]] = "/".join(text for text in texts if text) or None
    return values


# A name split over "Họ (và tên) đệm" | "Tên" columns is joined; "Họ và tên" over "Chồng" | "Vợ" holds two.
_NAME_PARTS = {"ho", "hodem", "hovadem", "hovatendem", "hotendem", "tendem", "dem", "chudem", "hovachudem", "ten"}


def name_part_columns(sources: list[tuple[int, str]]) -> list[int]:
    """The columns of a name split in parts, left to right, else []."""
    parts = [index for index, header in sources if fold_key(header.rpartition(" / ")[2]) in _NAME_PARTS]
    return parts if 1 < len(parts) == len(sources) else []


def with_joined_name(values: list, parts: list[int]) -> list:
    """A copy of the row with a name split over columns ("Họ đệm" | "Tên") joined, left to right, in the
    first; a part the name already ends with is a copy ("Họ và tên" beside "Tên")."""
    name = ""
    for index in parts:
        text = cell_text(values[index]) if index < len(values) else None
        if text and not name.endswith(text):
            name = f"{name} {text}".strip()
    values = list(values)
    for index in parts:
        if index < len(values):
            values[index] = None
    values[parts[0]] = name or None
    return values


# A date written as text "d/m/y" (or with "." or "-"); the year of two digits is for the cleaner to judge.
_TEXT_DATE = re.compile(r"\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})\s*")


def month_first_columns(data_rows: list, indexes) -> set[int]:
    """The date columns written month first ("12/25/1996", as a program set to US English writes dates,
    LibreOffice re-saving a CSV among them): some text dates of the column read only month first and
    none only day first. A Vietnamese list writes day first; a lone "08/25/1980" in it stays an error."""
    found = set()
    for index in indexes:
        month_first = False
        for _number, values in data_rows:
            value = values[index] if index < len(values) else None
            match = _TEXT_DATE.fullmatch(value) if value.__class__ is str else None
            if match:
                first, second = int(match[1]), int(match[3])
                if first > 12 and 1 <= second <= 12:  # only day first: the column is Vietnamese
                    month_first = False
                    break
                month_first = month_first or (second > 12 and 1 <= first <= 12)
        if month_first:
            found.add(index)
    return found


def day_first(value: str) -> str:
    """"12/25/1996" written day first: "25/12/1996" (a text that is no such date as it is)."""
    match = _TEXT_DATE.fullmatch(value) if value.__class__ is str else None
    return f"{match[3]}{match[2]}{match[1]}{match[2]}{match[4]}" if match else value
