"""Synthetic demo records: people, contacts, organisations and memberships, marked as demo.

The names, countries and contacts follow the shape of the real community (Nguyễn is about
38% of family names; most people live in the US, Japan, Korea, Taiwan, Australia and Europe),
so lists, filters and search behave on demo data as they will on the register. Names, streets,
phones and email domains come from Faker (pinned in requirements.txt): vi_VN for the community,
each country's own locale for its addresses, phones and foreign experts; every phone and email
goes through the import's own cleaners and a value they would refuse or only keep unverified is
drawn again (or left out), so demo contacts are valid input. Rows go in
the way the import writes them (diaspora.bulk: ids allocated ahead, COPY or executemany in
chunks, the search index filled in one statement), with name_folded and search_text computed
by the same functions the application uses.
"""
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import phonenumbers
from faker import Faker
from sqlalchemy import select

from diaspora.bulk import allocate_ids, begin_writing, chunks, insert_rows, sqlite_cache
from diaspora.contacts import Contact
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.people.models import (
    CONTRIBUTION_KINDS,
    Person,
    PersonOffer,
    person_fields,
    person_roles,
)
from diaspora.people.search import search_index_in_bulk, search_words
from diaspora.people.service import person_sort_key
from diaspora.reference.models import CommunityRole, Country, Field, LegacyCommune, Unit
from diaspora.spreadsheets.cleaners import CellError, CleanContext
from diaspora.spreadsheets.contact_cleaners import clean_emails, clean_phones
from diaspora.text import clean_text, fold, fold_words

DEMO_SOURCE = "Dữ liệu mẫu (demo)"

FAMILY_NAMES = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0), ("Huỳnh", 1.5),
    ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đào", 0.8), ("Đoàn", 0.7), ("Trịnh", 0.6),
    ("Mai", 0.5), ("Cao", 0.5), ("Lương", 0.4), ("Đinh", 0.5), ("Lâm", 0.3), ("Tạ", 0.3), ("Hà", 0.4),
    ("Tô", 0.3), ("Vương", 0.2), ("Phùng", 0.3), ("Quách", 0.1), ("Kiều", 0.1), ("Lưu", 0.2),
    ("Chu", 0.2), ("Thái", 0.1), ("Triệu", 0.1), ("Khúc", 0.05), ("Văn", 0.1),
)
MIDDLE_NAMES = {
    "male": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc",
             "Hoàng", "Tiến", "Mạnh", "Duy", "Trọng", "Anh", "Thế", "Quốc", "Hải"),
    "female": ("Thị", "Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Kim", "Thùy", "Hồng",
               "Phương", "Bích", "Mai", "Thúy", "Lan", "Hải", "Diệu", "Khánh", "Quỳnh"),
}
GIVEN_NAMES = {
    "male": ("Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Sơn", "Thắng", "Long", "Cường", "Quân",
             "Huy", "Phong", "Trung", "Đức", "Khoa", "Hiếu", "Bình", "An", "Tâm", "Việt", "Thành",
             "Hoàng", "Tùng", "Kiên", "Đạt", "Hưng", "Vinh", "Lâm", "Phúc", "Khánh", "Toàn", "Quang",
             "Thịnh", "Nghĩa", "Lộc", "Tú", "Duy", "Hòa", "Chiến"),
    "female": ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Hằng", "Hà", "Ngọc", "Nga",
               "Yến", "Vân", "Thủy", "Huyền", "Phương", "Anh", "Dung", "Nhung", "Oanh", "Quỳnh",
               "Nhi", "Trâm", "Giang", "Loan", "Hạnh", "My", "Châu", "Thư", "Uyên", "Hiền", "Thúy"),
}
# Names the community uses abroad, prepended to the name written the Western way.
WESTERN_NAMES = {
    "male": ("Peter", "David", "John", "Michael", "Thomas", "Kevin", "Tony", "Daniel", "Paul", "Eric"),
    "female": ("Anna", "Linda", "Mary", "Jenny", "Lisa", "Julie", "Helen", "Christine", "Nancy", "Sophie"),
}
# Faker's locale of each country: its streets, phones, email domains and foreign experts' names.
LOCALES = {
    "US": "en_US", "JP": "ja_JP", "KR": "ko_KR", "TW": "zh_TW", "AU": "en_AU", "CA": "en_CA", "DE": "de_DE",
    "FR": "fr_FR", "CZ": "cs_CZ", "RU": "ru_RU", "PL": "pl_PL", "GB": "en_GB", "UA": "uk_UA", "TH": "th_TH",
    "NL": "nl_NL", "SE": "sv_SE", "CH": "de_CH", "NO": "no_NO", "DK": "da_DK", "FI": "fi_FI", "BE": "nl_BE",
    "IT": "it_IT", "SK": "sk_SK", "HU": "hu_HU", "NZ": "en_NZ", "CN": "zh_CN",
}
# Locales whose city names are real places written in Latin letters (others' are invented or in
# another script): a fifth of the people there live in one of them rather than in the main cities.
REAL_CITY_LOCALES = {"de_DE", "cs_CZ", "pl_PL", "nl_NL", "sv_SE", "da_DK", "fi_FI", "it_IT", "sk_SK", "de_CH"}
# Locales whose street addresses are written in Latin letters, as the office writes an address abroad.
LATIN_ADDRESS_LOCALES = {"en_US", "en_AU", "en_CA", "en_GB", "en_NZ", "de_DE", "de_CH", "fr_FR", "cs_CZ",
                         "pl_PL", "nl_NL", "nl_BE", "sv_SE", "no_NO", "da_DK", "fi_FI", "it_IT", "sk_SK", "hu_HU"}
# Countries whose foreign experts the city works with. Korean names are romanised by hand: Faker's ko_KR
# has no romanised names.
EXPERT_COUNTRIES = ("US", "JP", "KR", "DE", "FR", "AU", "CZ", "GB", "CA", "PL", "RU", "TW", "NL", "SE", "IT")
KOREAN_EXPERT_NAMES = ("Kim Min-jun", "Lee Seo-yeon", "Park Ji-hoon", "Choi Hye-jin", "Jung Woo-sung",
                       "Kang Dong-hyun", "Yoon Ji-woo", "Han Seung-ho", "Lim Soo-bin", "Shin Eun-ji")
# Russian names in Latin letters, as a passport writes them (ICAO 9303).
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia"), strict=True))
# Letters an ASCII fold does not reach by removing accents.
_ASCII_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "æ": "ae", "Æ": "Ae",
                                "œ": "oe", "Œ": "Oe", "ı": "i", "þ": "th", "ð": "d"})

# (ISO code, weight, cities): roughly where Hải Phòng's community lives.
COUNTRIES = (
    ("US", 20.0, ("San Jose", "Houston", "Westminster", "Garden Grove", "Seattle", "Philadelphia",
                  "Boston", "Washington", "New York", "Atlanta", "Dallas", "Orlando")),
    ("JP", 14.0, ("Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka", "Saitama", "Kobe")),
    ("KR", 9.0, ("Seoul", "Busan", "Incheon", "Ansan", "Suwon", "Daegu")),
    ("TW", 7.0, ("Taipei", "Taoyuan", "Taichung", "Kaohsiung", "Tainan")),
    ("AU", 6.0, ("Sydney", "Melbourne", "Brisbane", "Adelaide", "Perth")),
    ("CA", 4.5, ("Toronto", "Montreal", "Vancouver", "Calgary", "Ottawa")),
    ("DE", 5.5, ("Berlin", "Leipzig", "Hamburg", "Frankfurt am Main", "München", "Dresden", "Köln")),
    ("FR", 4.0, ("Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux")),
    ("CZ", 4.0, ("Praha", "Brno", "Cheb", "Plzeň", "Ostrava", "Karlovy Vary")),
    ("RU", 3.0, ("Moskva", "Sankt-Peterburg", "Kazan", "Vladivostok")),
    ("PL", 2.5, ("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Łódź")),
    ("GB", 2.0, ("London", "Birmingham", "Manchester", "Leeds")),
    ("UA", 1.2, ("Kyiv", "Kharkiv", "Odesa")),
    ("LA", 1.5, ("Viêng Chăn", "Savannakhet", "Pakse")),
    ("KH", 1.5, ("Phnôm Pênh", "Siem Reap")),
    ("TH", 1.5, ("Bangkok", "Udon Thani", "Nakhon Phanom")),
    ("SG", 0.8, ("Singapore",)),
    ("MY", 0.8, ("Kuala Lumpur", "Penang")),
    ("NL", 0.7, ("Amsterdam", "Rotterdam")),
    ("SE", 0.6, ("Stockholm", "Göteborg")),
    ("CH", 0.5, ("Zürich", "Genève")),
    ("NO", 0.6, ("Oslo", "Bergen")),
    ("DK", 0.5, ("København", "Aarhus")),
    ("FI", 0.4, ("Helsinki",)),
    ("BE", 0.5, ("Bruxelles", "Antwerpen")),
    ("IT", 0.3, ("Roma", "Milano")),
    ("SK", 0.4, ("Bratislava",)),
    ("HU", 0.4, ("Budapest",)),
    ("NZ", 0.4, ("Auckland", "Wellington")),
    ("AE", 0.3, ("Dubai", "Abu Dhabi")),
    ("CN", 0.4, ("Quảng Châu", "Bắc Kinh")),
    ("SA", 0.2, ("Riyadh",)),
)
EMAIL_DOMAINS = ("gmail.com",) * 6 + ("yahoo.com", "outlook.com", "hotmail.com")
LOCAL_EMAIL_DOMAINS = {
    "JP": ("yahoo.co.jp", "docomo.ne.jp"), "KR": ("naver.com", "daum.net"), "DE": ("gmx.de", "web.de"),
    "CZ": ("seznam.cz", "email.cz"), "PL": ("wp.pl", "o2.pl"), "RU": ("mail.ru", "yandex.ru"),
    "FR": ("orange.fr", "free.fr"), "TW": ("yahoo.com.tw",), "AU": ("bigpond.com",), "GB": ("btinternet.com",),
}
ACADEMIC_TITLES = (
    ("ThS.", 38), ("TS.", 30), ("PGS. TS.", 7), ("PGS.TS.", 3), ("GS. TS.", 4), ("GS.TS.", 1),
    ("TSKH.", 1), ("BS.", 6), ("KS.", 8), ("BSCKII.", 1),
)
OCCUPATIONS = (
    "Kỹ sư phần mềm", "Bác sĩ", "Giảng viên đại học", "Nghiên cứu viên", "Chủ nhà hàng", "Kinh doanh tự do",
    "Công nhân", "Du học sinh", "Kế toán", "Điều dưỡng", "Đầu bếp", "Kỹ thuật viên làm móng", "Kỹ sư cơ khí",
    "Luật sư", "Nhà báo", "Họa sĩ", "Nhạc công", "Giáo viên", "Dược sĩ", "Chủ doanh nghiệp xuất nhập khẩu",
    "Thực tập sinh kỹ năng", "Kiến trúc sư", "Chuyên viên tài chính", "Hướng dẫn viên du lịch",
)
# Academic titles an occupation may carry; the senior ones (PGS., GS., TSKH.) only from SENIOR_BORN_BY back.
DOCTOR_TITLES = ("BS.", "BSCKII.", "ThS.", "TS.")
ENGINEER_TITLES = ("KS.", "ThS.", "TS.")
MASTER_TITLES = ("ThS.", "TS.")
SCHOLAR_TITLES = ("ThS.", "TS.", "PGS. TS.", "PGS.TS.", "GS. TS.", "GS.TS.", "TSKH.")
SENIOR_TITLES = ("PGS. TS.", "PGS.TS.", "GS. TS.", "GS.TS.", "TSKH.")
SENIOR_BORN_BY = 1985
# What each occupation makes likely: (community roles, fields, the academic titles it may carry, born in or after).
OCCUPATION_PROFILES = {
    "Kỹ sư phần mềm": (("intellectual",), ("it",), ENGINEER_TITLES, None),
    "Bác sĩ": (("doctor", "intellectual"), ("health",), DOCTOR_TITLES, None),
    "Giảng viên đại học": (("teacher", "intellectual", "scientist"), ("education", "science_technology"),
                           SCHOLAR_TITLES, None),
    "Nghiên cứu viên": (("scientist", "intellectual"), ("science_technology", "agriculture_fisheries", "engineering"),
                        SCHOLAR_TITLES, None),
    "Chủ nhà hàng": (("business",), ("business_trade", "tourism"), (), None),
    "Kinh doanh tự do": (("business",), ("business_trade",), (), None),
    "Công nhân": (("worker",), ("engineering", "other"), (), None),
    "Du học sinh": (("student",), ("education", "it", "business_trade", "engineering"), (), 1996),
    "Kế toán": ((), ("finance",), (), None),
    "Điều dưỡng": (("worker",), ("health",), (), None),
    "Đầu bếp": (("worker",), ("tourism", "business_trade"), (), None),
    "Kỹ thuật viên làm móng": (("worker",), ("other",), (), None),
    "Kỹ sư cơ khí": (("intellectual",), ("engineering",), ENGINEER_TITLES, None),
    "Luật sư": (("intellectual",), ("law",), MASTER_TITLES, None),
    "Nhà báo": (("intellectual",), ("media",), (), None),
    "Họa sĩ": (("artist",), ("culture_arts",), (), None),
    "Nhạc công": (("artist",), ("culture_arts",), (), None),
    "Giáo viên": (("teacher",), ("education",), (), None),
    "Dược sĩ": (("intellectual",), ("health",), MASTER_TITLES, None),
    "Chủ doanh nghiệp xuất nhập khẩu": (("business",), ("business_trade", "agriculture_fisheries"), (), None),
    "Thực tập sinh kỹ năng": (("worker",), ("engineering", "agriculture_fisheries"), (), 1990),
    "Kiến trúc sư": (("intellectual",), ("engineering",), ENGINEER_TITLES, None),
    "Chuyên viên tài chính": (("intellectual",), ("finance",), (), None),
    "Hướng dẫn viên du lịch": ((), ("tourism",), (), None),
}
# Employers of people whose occupation may carry an academic title, and of the others.
EMPLOYERS = (
    "Đại học Quốc gia", "Bệnh viện Đa khoa", "Viện Nghiên cứu Khoa học", "Tập đoàn Công nghệ",
)
OTHER_EMPLOYERS = (
    "Công ty TNHH Thương mại Á Châu", "Nhà hàng Phở Việt", "Siêu thị Châu Á", "Công ty Xuất nhập khẩu Hải Phòng",
)
POSITIONS = ("Giám đốc", "Phó giám đốc", "Trưởng phòng", "Chuyên viên", "Giáo sư", "Trưởng nhóm", "Nhân viên")
# Expertise written in free text, by the field it belongs to.
EXPERTISE = {
    "it": ("Trí tuệ nhân tạo, học máy", "An ninh mạng", "Phát triển phần mềm nhúng"),
    "health": ("Phẫu thuật tim mạch", "Y học cổ truyền", "Dược lý lâm sàng"),
    "education": ("Giáo dục mầm non", "Đào tạo giáo viên tiếng Việt", "Giáo dục đại học"),
    "science_technology": ("Vật liệu mới", "Năng lượng tái tạo", "Công nghệ sinh học"),
    "engineering": ("Đóng tàu", "Logistics và chuỗi cung ứng", "Kết cấu cầu cảng"),
    "agriculture_fisheries": ("Nuôi trồng thủy sản", "Xuất nhập khẩu nông sản"),
    "business_trade": ("Quản trị doanh nghiệp", "Xuất nhập khẩu nông sản"),
    "law": ("Luật thương mại quốc tế", "Luật lao động"),
    "culture_arts": ("Âm nhạc truyền thống", "Ẩm thực Việt Nam"),
    "finance": ("Tài chính doanh nghiệp", "Kiểm toán"),
}
ASSOCIATION_NAMES = (
    "Hội người Việt Nam tại {place}", "Hội đồng hương Hải Phòng tại {place}",
    "Hội doanh nhân Việt Nam tại {place}", "Hội trí thức Việt Nam tại {place}",
    "Hội sinh viên Việt Nam tại {place}", "Hội phụ nữ Việt Nam tại {place}",
)
BUSINESS_NAMES = (
    "Công ty TNHH Thương mại {family} {city}", "Nhà hàng Phở Hải Phòng {city}", "Siêu thị Châu Á {family}",
    "Công ty Xuất nhập khẩu {family} Việt", "Nhà hàng Bánh đa cua {family}", "Công ty Du lịch Hạ Long {city}",
)
MEMBER_ROLES = ("Hội viên",) * 12 + ("Phó Chủ tịch", "Ủy viên BCH", "Tổng thư ký")
EMPLOYEE_ROLES = ("Nhân viên",) * 4 + ("Đồng sáng lập", "Quản lý")


@dataclass
class DemoSummary:
    """What demo_data() created."""

    people: int = 0
    organisations: int = 0
    contacts: int = 0
    memberships: int = 0
    seconds: float = 0.0


class MissingReferenceData(RuntimeError):
    """Countries, fields or units are not loaded; demo people need them."""


def _weighted(items):
    """(values, cumulative weights) for random.choices."""
    values, cumulative, total = [], [], 0.0
    for value, weight in items:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, cumulative


class PhoneMaker:
    """Valid, unique mobile numbers of a country: the library's example number with a new tail."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.templates: dict[str, tuple] = {}

    def _template(self, region: str):
        if region not in self.templates:
            example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
            if example is None:
                self.templates[region] = None
            else:
                formats = (
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL),
                )
                self.templates[region] = (example.country_code, str(example.national_number), formats)
        return self.templates[region]

    def make(self, region: str, national: bool = True) -> tuple[str, str] | None:
        """(value as written, E.164), or None when the country has no example number.

        Numbers of another country than the person's are written internationally, as a
        national form could be read as a number of the country of residence.
        """
        template = self._template(region)
        if template is None:
            return None
        country_code, example, formats = template
        tail = min(6, len(example) - 2)
        for _ in range(20):
            digits = example[:-tail] + "".join(self.rng.choices("0123456789", k=tail))
            e164 = f"+{country_code}{digits}"
            if e164 in self.used:
                continue
            number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(digits))
            if phonenumbers.is_valid_number(number):
                self.used.add(e164)
                return _reformat(self.rng.choice(formats if national else formats[:1]), digits), e164
        return None


def _reformat(written: str, national: str) -> str:
    """The example number as written, with its last digits replaced by another number's."""
    chars = list(written)
    remaining = list(national)
    for index in range(len(chars) - 1, -1, -1):
        if not remaining:
            break
        if chars[index].isdigit():
            chars[index] = remaining.pop()
    return "".join(chars)


def ascii_words(text: str) -> list[str]:
    """The words of a name folded to ASCII letters and digits ("Łukasz Müller" → ["lukasz", "muller"])."""
    return fold_words(text.translate(_ASCII_LETTERS))


def _latin(cyrillic: str) -> str:
    """A Russian or Ukrainian name in Latin letters."""
    return "".join(_CYRILLIC.get(char.lower(), char) if char.islower() or char.lower() not in _CYRILLIC
                   else _CYRILLIC[char.lower()].title() for char in cyrillic)


_CLEANING = CleanContext(lookups=None)
# Valid numbers of a country's locale new numbers are made from, and the digits changed at their end.
PHONE_PATTERNS = 40
PHONE_TAIL = 4
EXAMPLE_TAIL = 6  # the numbering plan's single example varies more, or its numbers would look alike
# The parts of Faker demo people need: loading only these makes a locale ready five times sooner.
FAKER_PROVIDERS = ["faker.providers.address", "faker.providers.internet", "faker.providers.person",
                   "faker.providers.phone_number"]


def checked_email(address: str) -> str | None:
    """The address as the import stores it, or None when the import would refuse it."""
    try:
        cleaned = clean_emails(address, _CLEANING)
    except CellError:
        return None
    return cleaned[0][2] if len(cleaned) == 1 else None


def _plausible(written: str, country: str) -> bool:
    """Whether the numbering plans accept the number as one of the country's: a draw that fails here is
    not worth the cleaner's several readings."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(written, country))
    except phonenumbers.NumberParseException:
        return False


def checked_phone(written: str, country: str) -> str | None:
    """The E.164 form the import reads from a number written in a country, or None when the import would
    refuse it or keep it only as unverified."""
    context = CleanContext(lookups=None, row={"country": country})
    try:
        cleaned = clean_phones(written, context)
    except CellError:
        return None
    if len(cleaned) != 1 or context.notes:  # a note: kept unverified, not a number the plans know
        return None
    e164 = cleaned[0][2]
    # The cleaner also reads a number as Vietnamese when it is none of the country's: not this country's.
    return e164 if e164.startswith(f"+{phonenumbers.country_code_for_region(country)}") else None


class DemoMaker:
    """Generates demo rows from the reference data in the database, reproducibly for a seed."""

    def __init__(self, seed: int, now: datetime):
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.phones = PhoneMaker(self.rng)
        self.emails: set[str] = set()
        self.fakers: dict[str, Faker] = {}
        self.phone_patterns: dict[str, list] = {}
        self.families = _weighted(FAMILY_NAMES)
        self._load_reference()

    def _load_reference(self) -> None:
        session = db.session
        names = dict(session.execute(select(Country.code, Country.name_vi)).all())
        if not names:
            raise MissingReferenceData("countries")
        present = [entry for entry in COUNTRIES if entry[0] in names]
        self.country_names = names
        self.countries = _weighted((code, weight) for code, weight, _ in present)
        self.cities = {code: cities for code, _, cities in present}
        self.field_ids = list(session.scalars(select(Field.id).where(Field.active.is_(True)).order_by(Field.id)))
        self.role_ids = list(
            session.scalars(select(CommunityRole.id).where(CommunityRole.active.is_(True)).order_by(CommunityRole.id))
        )
        self.field_keys = dict(session.execute(select(Field.key, Field.id).where(Field.active.is_(True))).all())
        self.field_key_of = {field_id: key for key, field_id in self.field_keys.items()}
        self.role_keys = dict(session.execute(select(CommunityRole.key, CommunityRole.id)
                                              .where(CommunityRole.active.is_(True))).all())
        self.unit_codes = list(session.scalars(select(Unit.code).order_by(Unit.code)))
        self.legacy = session.execute(
            select(LegacyCommune.commune_type, LegacyCommune.name, LegacyCommune.district_name,
                   LegacyCommune.province, LegacyCommune.new_unit_code).order_by(LegacyCommune.old_code)
        ).all()

    def _moment(self, days_back: int) -> datetime:
        return self.now - timedelta(days=self.rng.random() * days_back)

    def faker(self, locale: str) -> Faker:
        """Faker of a locale, seeded from the maker's seed (the same seed, the same values)."""
        if locale not in self.fakers:
            faker = Faker(locale, providers=FAKER_PROVIDERS)
            faker.seed_instance(f"{self.seed}:{locale}")
            self.fakers[locale] = faker
        return self.fakers[locale]

    def _phone_patterns(self, country: str) -> list[tuple[str, str, str, int]]:
        """Up to PHONE_PATTERNS numbers of the country's locale that the import's cleaner reads as valid
        numbers there: (written nationally as Faker wrote it, written internationally, E.164, the digits
        a new number changes at its end). Faker draws
        area codes at random, so half its numbers or more are no number; new numbers are made from these
        by changing their last digits. A country without a locale has the numbering plan's example."""
        if country in self.phone_patterns:
            return self.phone_patterns[country]
        patterns, seen = [], set()
        locale = "vi_VN" if country == "VN" else LOCALES.get(country)
        if locale is not None:
            faker = self.faker(locale)
            for _ in range(PHONE_PATTERNS * 8):
                written = clean_text(faker.phone_number())
                # An extension ("x4110") is a switchboard's, not a person's number.
                if not written or "x" in written or not _plausible(written, country):
                    continue
                e164 = checked_phone(written, country)
                if e164 is not None and e164 not in seen:
                    seen.add(e164)
                    international = phonenumbers.format_number(phonenumbers.parse(e164),
                                                               phonenumbers.PhoneNumberFormat.INTERNATIONAL)
                    patterns.append((written, international, e164, PHONE_TAIL))
                    if len(patterns) == PHONE_PATTERNS:
                        break
        if not patterns:
            example = self.phones._template(country)
            if example is not None:
                country_code, digits, (international, written) = example
                patterns.append((written, international, f"+{country_code}{digits}",
                                 min(EXAMPLE_TAIL, len(digits) - 2)))
        self.phone_patterns[country] = patterns
        return patterns

    def phone(self, country: str, national: bool = True) -> tuple[str, str] | None:
        """(as written, E.164) of a new number of the country, made from one of its locale's valid numbers
        with new last digits, and read by the import's cleaner as that number; None when none is found.
        `national=False` writes it internationally (a Vietnamese number of someone living abroad)."""
        patterns = self._phone_patterns(country)
        if not patterns:
            return None
        rng = self.rng
        for _ in range(5):
            written, international, e164, size = rng.choice(patterns)
            tail = "".join(rng.choices("0123456789", k=size))
            e164 = e164[:-size] + tail
            written = _reformat(written if national else international, tail)
            if e164 in self.phones.used or checked_phone(written, country) != e164:
                continue
            self.phones.used.add(e164)
            return written, e164
        return None

    # Organisations

    def organisations(self, count: int) -> list[dict]:
        """Associations in every demo country (and main cities), then businesses; without ids."""
        rng = self.rng
        rows: list[dict] = []
        seen: set[str] = set()
        codes, cumulative = self.countries
        places = [(code, self.country_names[code]) for code in codes]
        places += [(code, city) for code in codes[:10] for city in self.cities[code][:3]]
        candidates = [(code, template.format(place=place), "association", place)
                      for template in ASSOCIATION_NAMES[:2] for code, place in places]
        candidates += [(code, template.format(place=self.country_names[code]), "association", None)
                       for template in ASSOCIATION_NAMES[2:] for code in codes[:12]]
        while len(candidates) < count:
            code = rng.choices(codes, cum_weights=cumulative)[0]
            family = rng.choices(self.families[0], cum_weights=self.families[1])[0]
            name = rng.choice(BUSINESS_NAMES).format(family=family, city=rng.choice(self.cities[code]))
            candidates.append((code, name, "business", None))
            if len(candidates) > count * 4:
                break
        for code, name, kind, place in candidates:
            if name in seen or len(rows) >= count:
                continue
            seen.add(name)
            created = self._moment(1500)
            rows.append({
                "name": name, "name_folded": fold(name), "kind": kind,
                "country_code": code,
                "city": place if place in self.cities[code] else rng.choice(self.cities[code]),
                "address": None, "notes": DEMO_SOURCE, "is_demo": True,
                "created_at": created, "updated_at": created, "version": 1, "deleted_at": None,
                "created_by_id": None, "updated_by_id": None,
            })
        return rows

    # People

    def _given_name(self, gender: str) -> str:
        """Half from Faker's vi_VN names (its gendered and unisex given names), half from the community's."""
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(GIVEN_NAMES[gender])
        faker = self.faker("vi_VN")
        if rng.random() < 0.25:
            return faker.first_name_unisex()
        return faker.first_name_male() if gender == "male" else faker.first_name_female()

    def _name(self, gender: str) -> tuple[str, str, str]:
        """(family, middle, given): family names weighted as the community's (Faker's vi_VN draws ten
        alike), middle names by gender ("Văn" a man's, "Thị" a woman's), given names from _given_name."""
        rng = self.rng
        family = rng.choices(self.families[0], cum_weights=self.families[1])[0]
        middle = rng.choice(MIDDLE_NAMES[gender])
        given = self._given_name(gender)
        while given == middle:
            given = self._given_name(gender)
        if rng.random() < 0.15:
            second = rng.choice([name for name in MIDDLE_NAMES[gender] if name not in (middle, given)])
            given = f"{second} {given}"
        return family, middle, given

    def _other_names(self, family: str, middle: str, given: str, gender: str) -> str | None:
        roll = self.rng.random()
        plain = " ".join(fold(part).title() for part in (given, middle, family))
        if roll < 0.30:
            return plain
        if roll < 0.40:
            return f"{self.rng.choice(WESTERN_NAMES[gender])} {fold(family).title()}"
        return None

    def _email(self, family: str, middle: str, given: str, country: str) -> str | None:
        """A new address made of the name folded to ASCII at a real provider (the country's own, from its
        locale, or a worldwide one), as the import stores it; None when no draw passes its cleaner."""
        rng = self.rng
        f, m, g = ("".join(ascii_words(part)) for part in (family, middle, given))
        locale = LOCALES.get(country)
        for _ in range(3):
            local = rng.choice((f"{g}.{f}", f"{f}{g}", f"{g}{m[:1]}{f}", ".".join(filter(None, (f, m, g))),
                                f"{g}_{f}"))
            if rng.random() < 0.5:
                local += str(rng.randint(60, 2005) % 100).zfill(2)
            if locale is not None and rng.random() < 0.4:
                domain = self.faker(locale).free_email_domain()
            else:
                domain = rng.choice(EMAIL_DOMAINS + LOCAL_EMAIL_DOMAINS.get(country, ()))
            address, suffix = checked_email(f"{local}@{domain}"), 1
            while address is not None and address in self.emails:
                suffix += 1
                address = checked_email(f"{local}{suffix}@{domain}")
            if address is not None:
                self.emails.add(address)
                return address
        return None

    def _expert_name(self, country: str, gender: str) -> tuple[str, str]:
        """(given, family) of a foreign expert, from the country's locale, in Latin letters."""
        if country == "KR":
            family, given = self.rng.choice(KOREAN_EXPERT_NAMES).split(" ", 1)
            return given, family
        faker = self.faker(LOCALES[country])
        if country == "JP":
            given = faker.first_romanized_name_male() if gender == "male" else faker.first_romanized_name_female()
            return given, faker.last_romanized_name()
        if country == "TW":
            family, given = faker.romanized_name_male().title().split(" ", 1) if gender == "male" else \
                faker.romanized_name_female().title().split(" ", 1)
            return given, family
        given = faker.first_name_male() if gender == "male" else faker.first_name_female()
        last = getattr(faker, f"last_name_{gender}", faker.last_name)
        family = last()
        if country == "RU":
            given, family = _latin(given), _latin(family)
        return given, family

    def _contacts(self, person_id: int, family: str, middle: str, given: str, country: str) -> list[dict]:
        rng = self.rng
        contacts: list[tuple[str, str, str]] = []
        phone = self.phone(country) if rng.random() < 0.75 else None
        if phone:
            contacts.append(("phone", *phone))
        if rng.random() < 0.2:
            zalo = phone if phone and rng.random() < 0.3 else self.phone("VN", national=False)
            if zalo:
                contacts.append(("zalo", *zalo))
        if rng.random() < 0.12:
            home = self.phone("VN", national=False)
            if home:
                contacts.append(("phone", *home))
        if rng.random() < 0.6:
            email = self._email(family, middle, given, country)
            if email is not None:
                contacts.append(("email", email, email))
        if rng.random() < 0.1:
            handle = f"facebook.com/{ascii_words(given)[-1]}.{ascii_words(family)[0]}.{rng.randint(1, 9999)}"
            contacts.append(("facebook", handle, handle))
        if country in ("JP", "TW", "TH") and rng.random() < 0.1:
            handle = f"{ascii_words(given)[-1]}{ascii_words(family)[0]}{rng.randint(10, 99)}"
            contacts.append(("line", handle, handle))
        if country == "KR" and rng.random() < 0.15:
            handle = f"{ascii_words(given)[-1]}{ascii_words(family)[0]}{rng.randint(10, 99)}"
            contacts.append(("kakaotalk", handle, handle))
        rows, primary_kinds = [], set()
        for kind, value, normalized in contacts:
            group = "phone" if kind in ("phone", "zalo") else kind
            rows.append({
                "person_id": person_id, "organisation_id": None, "kind": kind, "value": value,
                "normalized": normalized, "is_primary": group not in primary_kinds,
            })
            primary_kinds.add(group)
        return rows

    def _hometown(self) -> tuple[str | None, str | None]:
        rng = self.rng
        roll = rng.random()
        if self.legacy and roll < 0.4:
            commune_type, name, district, province, unit_code = rng.choice(self.legacy)
            province = province.removeprefix("Tỉnh ").removeprefix("Thành phố ")
            text = f"{commune_type.lower()} {name}, {district[:1].lower()}{district[1:]}, {province}"
            return (unit_code if rng.random() < 0.7 else None), text
        if self.unit_codes and roll < 0.75:
            return rng.choice(self.unit_codes), None
        return None, None

    def _occupation(self, birth_year: int) -> tuple[str | None, list[int], list[int], tuple]:
        """(occupation, field ids, role ids, academic titles it may carry) that go together: a doctor works
        in health, a student is young; 40% of people have no occupation recorded and random fields."""
        rng = self.rng
        if rng.random() >= 0.6:
            fields = rng.sample(self.field_ids, k=min(len(self.field_ids), rng.choice((0, 1, 1, 1, 2))))
            keys = ["business", "worker", "association_leader", "other"] + (["student"] if birth_year >= 1996 else [])
            roles = [self.role_keys[key] for key in rng.sample(keys, k=rng.choice((0, 1, 1)))
                     if key in self.role_keys]
            return None, fields, roles, ()
        occupation = rng.choice(OCCUPATIONS)
        while (OCCUPATION_PROFILES[occupation][3] or 0) > birth_year:
            occupation = rng.choice(OCCUPATIONS)
        role_keys, field_keys, titles, _born = OCCUPATION_PROFILES[occupation]
        fields = [self.field_keys[key] for key in rng.sample(field_keys, k=rng.choice((1, 1, 2)) if len(field_keys) > 1
                                                              else 1) if key in self.field_keys]
        roles = [self.role_keys[key] for key in role_keys[:rng.choice((1, 1, 2))] if key in self.role_keys]
        if rng.random() < 0.05 and "association_leader" in self.role_keys:
            roles.append(self.role_keys["association_leader"])
        return occupation, list(dict.fromkeys(fields)), list(dict.fromkeys(roles)), titles

    def _title(self, allowed: tuple, birth_year: int) -> str | None:
        """One of the allowed academic titles, as often as the community holds each; a senior one only for
        people born by SENIOR_BORN_BY, none before 23."""
        if birth_year > self.now.year - 23:
            return None
        allowed = [title for title in allowed if birth_year <= SENIOR_BORN_BY or title not in SENIOR_TITLES]
        weights = [weight for title, weight in ACADEMIC_TITLES if title in allowed]
        return self.rng.choices([title for title, _weight in ACADEMIC_TITLES if title in allowed], weights=weights)[0]

    def _expertise(self, field_ids: list[int]) -> str | None:
        """A specialty in one of the person's fields."""
        choices = [phrase for field_id in field_ids for phrase in EXPERTISE.get(self.field_key_of.get(field_id), ())]
        return self.rng.choice(choices) if choices else None

    def _residence(self, country: str) -> tuple[str, str | None]:
        """(city, street address or None): mostly the community's main cities; in countries whose locale
        knows real towns, a fifth in one of them; a third with a street of the locale."""
        rng = self.rng
        locale = LOCALES.get(country)
        city = rng.choice(self.cities[country])
        if locale in REAL_CITY_LOCALES and rng.random() < 0.2:
            city = clean_text(self.faker(locale).city())
        address = None
        if locale in LATIN_ADDRESS_LOCALES and rng.random() < 0.35:
            address = clean_text(self.faker(locale).street_address().replace("\n", ", "))
        return city, address

    def person(self, person_id: int, memberships_by_country: dict) -> dict:
        """One person's row with its contacts, fields, roles, offers and memberships."""
        rng = self.rng
        country = rng.choices(self.countries[0], cum_weights=self.countries[1])[0]
        gender = "male" if rng.random() < 0.51 else "female"
        foreign_expert = country in EXPERT_COUNTRIES and rng.random() < 0.03
        if foreign_expert:
            given, family = self._expert_name(country, gender)
            middle, full_name = "", clean_text(f"{given} {family}")
            other_names = None
        else:
            family, middle, given = self._name(gender)
            full_name = f"{family} {middle} {given}"
            other_names = self._other_names(family, middle, given, gender)
        birth_year = min(2006, max(1935, int(rng.gauss(1979, 13))))
        birth_date = None
        if rng.random() < 0.4:
            birth_date = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
        unit_code, hometown_text = self._hometown()
        city, address = self._residence(country)
        created = self._moment(1100)
        updated = created + (self.now - created) * rng.random() ** 3
        contacts = self._contacts(person_id, family, middle, given, country)
        occupation, fields, roles, titles = self._occupation(birth_year)
        academic = bool(titles)
        offers = rng.sample(CONTRIBUTION_KINDS, k=rng.choice((0, 0, 0, 0, 1, 1, 2)))
        memberships = []
        organisations = memberships_by_country.get(country) or []
        joined_from = max(1995, min(2024, birth_year + 18))  # an adult member
        if organisations and rng.random() < 0.3:
            for organisation_id, name, kind in rng.sample(organisations, k=min(len(organisations), rng.choice((1, 1, 2)))):
                role = rng.choice(MEMBER_ROLES if kind == "association" else EMPLOYEE_ROLES)
                memberships.append({
                    "person_id": person_id, "organisation_id": organisation_id, "role": role,
                    "start_date": date(rng.randint(joined_from, 2024), rng.randint(1, 12), 1),
                    "end_date": None,
                    "_name": name,
                })
        if occupation is None and rng.random() < 0.08:
            titles = MASTER_TITLES
        title = self._title(titles, birth_year) if titles and rng.random() < (0.45 if academic else 1) else None
        consent = rng.choices(("unknown", "given", "refused", "withdrawn"), weights=(50, 40, 5, 5))[0]
        status = rng.choices(("active", "unreachable", "deceased"), weights=(92, 6, 2))[0]
        deleted = updated if rng.random() < 0.005 else None
        row = {
            "id": person_id, "full_name": full_name, "name_folded": fold(full_name), "other_names": other_names,
            "gender": gender, "birth_date": birth_date, "birth_year": birth_year,
            "person_type": "foreign_expert" if foreign_expert else "overseas_vietnamese",
            "nationality_status": "foreign" if foreign_expert else rng.choices(
                ("vietnamese", "dual", "foreign", "unknown"), weights=(45, 25, 20, 10))[0],
            "hometown_unit_code": None if foreign_expert else unit_code,
            "hometown_text": None if foreign_expert else hometown_text,
            "country_code": country, "city": city, "address": address,
            "occupation": occupation,
            "academic_title": title,
            "employer": rng.choice(EMPLOYERS if academic else OTHER_EMPLOYERS) if occupation and rng.random() < 0.4
            else None,
            "position": rng.choice(POSITIONS) if rng.random() < 0.2 else None,
            "expertise": self._expertise(fields) if academic and rng.random() < 0.5 else None,
            "source": DEMO_SOURCE, "collected_on": (created - timedelta(days=rng.randrange(400))).date(),
            "consent_status": consent,
            "consent_date": (created - timedelta(days=rng.randrange(60))).date() if consent != "unknown" else None,
            "consent_scope": None, "status": status, "notes": None, "is_demo": True,
            "search_text": search_words(
                full_name=full_name, other_names=other_names,
                contacts=[(contact["kind"], contact["normalized"]) for contact in contacts],
                organisation_names=[membership["_name"] for membership in memberships],
            ),
            "created_at": created, "updated_at": updated, "version": 1, "deleted_at": deleted,
            "created_by_id": None, "updated_by_id": None,
        }
        return {
            "person": row, "contacts": contacts, "memberships": memberships,
            "fields": [{"person_id": person_id, "field_id": field_id} for field_id in fields],
            "roles": [{"person_id": person_id, "role_id": role_id} for role_id in roles],
            "offers": [{"person_id": person_id, "kind": kind} for kind in offers],
        }

    def organisation_contacts(self, organisation: dict) -> list[dict]:
        slug = "".join(ascii_words(organisation["name"]))[:40]
        email = checked_email(f"lienhe@{slug}.org")
        rows = [{
            "person_id": None, "organisation_id": organisation["id"], "kind": "email",
            "value": email, "normalized": email, "is_primary": True,
        }] if email else []
        phone = self.phone(organisation["country_code"])
        if phone:
            rows.append({
                "person_id": None, "organisation_id": organisation["id"], "kind": "phone",
                "value": phone[0], "normalized": phone[1], "is_primary": True,
            })
        return rows


def create_demo_data(people: int, seed: int = 1, organisations: int | None = None) -> DemoSummary:
    """Add `people` demo people (and organisations with members) in one transaction."""
    started = time.perf_counter()
    maker = DemoMaker(seed, datetime.now(UTC))
    summary = DemoSummary()
    organisation_count = organisations if organisations is not None else max(20, min(2000, people // 100))
    connection = db.session.connection()
    begin_writing(connection)  # new ids are allocated ahead: on SQLite this transaction must be the writer
    organisation_rows = maker.organisations(organisation_count)
    for row, organisation_id in zip(organisation_rows, allocate_ids(connection, Organisation.__table__,
                                                                    len(organisation_rows)), strict=True):
        row["id"] = organisation_id
    organisation_contacts = [row for org in organisation_rows for row in maker.organisation_contacts(org)]
    insert_rows(connection, Organisation.__table__, organisation_rows)
    insert_rows(connection, Contact.__table__, organisation_contacts)
    by_country: dict[str, list] = {}
    for org in organisation_rows:
        by_country.setdefault(org["country_code"], []).append((org["id"], org["name"], org["kind"]))
    summary.organisations = len(organisation_rows)
    summary.contacts = len(organisation_contacts)

    person_ids = allocate_ids(connection, Person.__table__, people)
    with sqlite_cache(connection), search_index_in_bulk(connection, person_ids):
        for chunk in chunks(person_ids):
            _insert_people(connection, maker, chunk, by_country, summary)
    db.session.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _insert_people(connection, maker, person_ids: list[int], by_country, summary) -> None:
    batch = [maker.person(person_id, by_country) for person_id in person_ids]
    for item in batch:  # where the name sorts, computed as for every record (service.derived_columns)
        item["person"]["sort_key"] = person_sort_key(item["person"]["full_name"], item["person"]["person_type"])
    contacts = [row for item in batch for row in item["contacts"]]
    memberships = [{k: v for k, v in row.items() if k != "_name"} for item in batch for row in item["memberships"]]
    for table, rows in (
        (Person.__table__, [item["person"] for item in batch]),
        (Contact.__table__, contacts),
        (Membership.__table__, memberships),
        (person_fields, [row for item in batch for row in item["fields"]]),
        (person_roles, [row for item in batch for row in item["roles"]]),
        (PersonOffer.__table__, [row for item in batch for row in item["offers"]]),
    ):
        insert_rows(connection, table, rows)
    summary.people += len(batch)
    summary.contacts += len(contacts)
    summary.memberships += len(memberships)


def analyze() -> None:
    """Refresh the planner's statistics after a large load so it picks the right indexes.

    On PostgreSQL VACUUM also marks the new pages all-visible, which index-only scans need.
    """
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE")
