"""Merge fields of a letter: which placeholders a text may hold, what each becomes for a person, and the
suggested texts of each kind of letter.

A placeholder is a name in braces, {ho_ten}. A text naming one that is not known (or an activity's field when
no activity is chosen) is refused, with the names and the list of the known ones; a brace that does not
enclose a name ("{", "{ }") is plain text. Replacing is a plain substitution, never str.format.

The form of address ({xung_ho}), from the person's gender and age in the year of the letter:
a man "Ông" from 40 years old, or when his age is unknown, "Anh" below 40; a woman "Bà" from 40 or when her
age is unknown, "Chị" below 40; anyone else, or a gender not recorded, "Quý vị". In an English letter:
"Mr.", "Ms." and "Sir/Madam".
"""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from diaspora.reference.countries import country_name
from diaspora.text import fold

PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
PERSON_FIELDS = {
    "ho_ten": _l("họ và tên"),
    "xung_ho": _l("cách xưng hô: Ông, Bà, Anh, Chị hoặc Quý vị"),
    "quoc_gia": _l("nước cư trú, theo ngôn ngữ của thư"),
    "thanh_pho": _l("thành phố cư trú"),
}
ACTIVITY_FIELDS = {
    "ngay": _l("ngày diễn ra hoạt động (dd/mm/yyyy)"),
    "dia_diem": _l("địa điểm của hoạt động"),
    "ten_hoat_dong": _l("tên hoạt động"),
}
FIELDS = {**PERSON_FIELDS, **ACTIVITY_FIELDS}
ELDER_AGE = 40
ADDRESS_FORMS = {
    "vi": {"elder_male": "Ông", "male": "Anh", "elder_female": "Bà", "female": "Chị", "unknown": "Quý vị"},
    "en": {"elder_male": "Mr.", "male": "Mr.", "elder_female": "Ms.", "female": "Ms.", "unknown": "Sir/Madam"},
}

SUGGESTED = {
    "greeting": {
        "subject": _l("Thư chúc Tết gửi {xung_ho} {ho_ten}"),
        "body": _l(
            "Kính gửi {xung_ho} {ho_ten},\n\n"
            "Nhân dịp Xuân mới, Sở Ngoại vụ thành phố Hải Phòng trân trọng gửi tới {xung_ho} và gia đình lời chúc "
            "mừng năm mới an khang, thịnh vượng, hạnh phúc và thành công.\n\n"
            "Dù đang sinh sống, làm việc tại {thanh_pho}, {quoc_gia}, {xung_ho} luôn hướng về quê hương Hải Phòng. "
            "Thành phố trân trọng những đóng góp của {xung_ho} và mong tiếp tục nhận được sự đồng hành của {xung_ho} "
            "trong năm mới.\n\n"
            "Trân trọng."
        ),
    },
    "invitation": {
        "subject": _l("Thư mời tham dự {ten_hoat_dong}"),
        "body": _l(
            "Kính gửi {xung_ho} {ho_ten},\n\n"
            "Sở Ngoại vụ thành phố Hải Phòng trân trọng kính mời {xung_ho} tới dự {ten_hoat_dong}, "
            "tổ chức ngày {ngay} tại {dia_diem}.\n\n"
            "Sự hiện diện của {xung_ho} là niềm vinh hạnh cho chúng tôi. Xin {xung_ho} vui lòng xác nhận tham dự "
            "trước ngày diễn ra.\n\n"
            "Trân trọng kính mời."
        ),
    },
    "thanks": {
        "subject": _l("Thư cảm ơn gửi {xung_ho} {ho_ten}"),
        "body": _l(
            "Kính gửi {xung_ho} {ho_ten},\n\n"
            "Sở Ngoại vụ thành phố Hải Phòng xin chân thành cảm ơn {xung_ho} đã dành thời gian, tâm huyết đồng "
            "hành cùng thành phố. Những đóng góp của {xung_ho} từ {quoc_gia} là nguồn động viên quý báu đối với "
            "quê hương.\n\n"
            "Kính chúc {xung_ho} sức khỏe, hạnh phúc và thành công.\n\n"
            "Trân trọng."
        ),
    },
}


class UnknownPlaceholders(ValueError):
    """A text names placeholders that are not known (or an activity's without an activity)."""

    def __init__(self, names: list[str], activity_names: list[str]):
        super().__init__(", ".join(names + activity_names))
        self.names, self.activity_names = names, activity_names


def placeholders(text: str) -> list[str]:
    """The names of the placeholders in a text, in order, each once."""
    return list(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(text or "")))


def check_placeholders(text: str, with_activity: bool) -> None:
    """Raise UnknownPlaceholders when the text names one that is not known, or an activity's field while no
    activity is chosen."""
    names = placeholders(text)
    unknown = [name for name in names if name not in FIELDS]
    need_activity = [] if with_activity else [name for name in names if name in ACTIVITY_FIELDS]
    if unknown or need_activity:
        raise UnknownPlaceholders(unknown, need_activity)


def form_of_address(gender: str | None, birth_year: int | None, on: date, language: str = "vi") -> str:
    """Ông, Bà, Anh, Chị or Quý vị (the rule in this module's docstring)."""
    forms = ADDRESS_FORMS.get(language, ADDRESS_FORMS["vi"])
    if gender not in ("male", "female"):
        return forms["unknown"]
    younger = birth_year is not None and on.year - birth_year < ELDER_AGE
    return forms[gender if younger else f"elder_{gender}"]


@dataclass(frozen=True)
class Recipient:
    """What a letter needs of a person."""

    id: int
    full_name: str
    gender: str | None = None
    birth_year: int | None = None
    country_code: str | None = None
    city: str | None = None
    address: str | None = None  # the postal address, one line
    email: str | None = None


def postal_address(address: str | None, city: str | None, country_code: str | None) -> str | None:
    """The address line of a letter posted abroad: the address as written, then the city and the country (in
    English, for the foreign post) when the address does not already name them."""
    if not address:
        return None
    parts, folded = [address.strip()], fold(address)
    country = country_name(country_code, "en") if country_code else None
    for part in (city, country):
        if part and fold(part) not in folded:
            parts.append(part.strip())
    return ", ".join(parts)


def values_for(person: Recipient, activity, language: str, on: date) -> dict[str, str]:
    """The value of every placeholder for a person (and the activity, when there is one)."""
    values = {
        "ho_ten": person.full_name,
        "xung_ho": form_of_address(person.gender, person.birth_year, on, language),
        "quoc_gia": country_name(person.country_code, language) if person.country_code else "",
        "thanh_pho": person.city or "",
    }
    if activity is not None:
        values.update(ngay=activity.start_date.strftime("%d/%m/%Y"),
                      dia_diem=", ".join(part for part in (activity.place, activity.city) if part),
                      ten_hoat_dong=activity.title)
    return values


def merge(text: str, values: dict[str, str]) -> str:
    """The text with each known placeholder replaced by its value (unknown ones are left as written)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text or "")
