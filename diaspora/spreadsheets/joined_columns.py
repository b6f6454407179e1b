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
