"""Synthetic demo records: people, contacts, organisations and memberships, marked as demo.

The names, countries and contacts follow the shape of the real community (Nguyễn is about
38% of family names; most people live in the US, Japan, Korea, Taiwan, Australia and Europe),
so lists, filters and search behave on demo data as they will on the register. Rows go in
the way the import writes them (diaspora.bulk: ids allocated ahead, COPY or executemany in
chunks, the search index filled in one statement), with name_folded and search_text computed
by the same functions the application uses.
"""
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import phonenumbers
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
from diaspora.reference.models import CommunityRole, Country, Field, LegacyCommune, Unit
from diaspora.text import fold, fold_words

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
FOREIGN_EXPERT_NAMES = {
    "US": ("John Smith", "Robert Johnson", "Emily Davis", "Sarah Miller", "James Wilson"),
    "JP": ("Tanaka Hiroshi", "Suzuki Yuki", "Sato Kenji", "Watanabe Aiko", "Yamamoto Takeshi"),
    "KR": ("Kim Min-jun", "Lee Seo-yeon", "Park Ji-hoon", "Choi Hye-jin", "Jung Woo-sung"),
    "DE": ("Thomas Müller", "Andreas Schneider", "Katrin Fischer", "Jürgen Weber", "Sabine Wagner"),
    "FR": ("Pierre Dubois", "Marie Laurent", "Jean Lefèvre", "Claire Moreau", "Philippe Girard"),
    "AU": ("Jack Thompson", "Olivia Brown", "William Taylor", "Charlotte White", "Liam Martin"),
    "CZ": ("Petr Novák", "Jana Svobodová", "Tomáš Dvořák", "Lucie Černá", "Martin Procházka"),
}

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
EMPLOYERS = (
    "Đại học Quốc gia", "Bệnh viện Đa khoa", "Viện Nghiên cứu Khoa học", "Công ty TNHH Thương mại Á Châu",
    "Tập đoàn Công nghệ", "Nhà hàng Phở Việt", "Siêu thị Châu Á", "Công ty Xuất nhập khẩu Hải Phòng",
)
POSITIONS = ("Giám đốc", "Phó giám đốc", "Trưởng phòng", "Chuyên viên", "Giáo sư", "Trưởng nhóm", "Nhân viên")
EXPERTISE = (
    "Trí tuệ nhân tạo, học máy", "Phẫu thuật tim mạch", "Logistics và chuỗi cung ứng", "Vật liệu mới",
    "Nuôi trồng thủy sản", "Năng lượng tái tạo", "Quản trị doanh nghiệp", "Giáo dục mầm non", "Đóng tàu",
    "Xuất nhập khẩu nông sản", "Ẩm thực Việt Nam", "Âm nhạc truyền thống",
)
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


class DemoMaker:
    """Generates demo rows from the reference data in the database, reproducibly for a seed."""

    def __init__(self, seed: int, now: datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.phones = PhoneMaker(self.rng)
        self.emails: set[str] = set()
        self.families = _weighted(FAMILY_NAMES)
        self.titles = _weighted(ACADEMIC_TITLES)
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
        self.unit_codes = list(session.scalars(select(Unit.code).order_by(Unit.code)))
        self.legacy = session.execute(
            select(LegacyCommune.commune_type, LegacyCommune.name, LegacyCommune.district_name,
                   LegacyCommune.province, LegacyCommune.new_unit_code).order_by(LegacyCommune.old_code)
        ).all()

    def _moment(self, days_back: int) -> datetime:
        return self.now - timedelta(days=self.rng.random() * days_back)

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

    def _name(self, gender: str) -> tuple[str, str, str]:
        rng = self.rng
        family = rng.choices(self.families[0], cum_weights=self.families[1])[0]
        middle = rng.choice(MIDDLE_NAMES[gender])
        given = rng.choice([name for name in GIVEN_NAMES[gender] if name != middle])
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

    def _email(self, family: str, middle: str, given: str, country: str) -> str:
        rng = self.rng
        f, m, g = ("".join(fold_words(part)) for part in (family, middle, given))
        # A foreign expert has no middle name: "davis..emily" would not be a valid address.
        local = rng.choice((f"{g}.{f}", f"{f}{g}", f"{g}{m[:1]}{f}", ".".join(filter(None, (f, m, g))), f"{g}_{f}"))
        if rng.random() < 0.5:
            local += str(rng.randint(60, 2005) % 100).zfill(2)
        domains = EMAIL_DOMAINS + LOCAL_EMAIL_DOMAINS.get(country, ())
        domain = rng.choice(domains)
        address, suffix = f"{local}@{domain}", 1
        while address in self.emails:
            suffix += 1
            address = f"{local}{suffix}@{domain}"
        self.emails.add(address)
        return address

    def _contacts(self, person_id: int, family: str, middle: str, given: str, country: str) -> list[dict]:
        rng = self.rng
        contacts: list[tuple[str, str, str]] = []
        phone = self.phones.make(country) if rng.random() < 0.75 else None
        if phone:
            contacts.append(("phone", *phone))
        if rng.random() < 0.2:
            zalo = phone if phone and rng.random() < 0.3 else self.phones.make("VN", national=False)
            if zalo:
                contacts.append(("zalo", *zalo))
        if rng.random() < 0.12:
            home = self.phones.make("VN", national=False)
            if home:
                contacts.append(("phone", *home))
        if rng.random() < 0.6:
            email = self._email(family, middle, given, country)
            contacts.append(("email", email, email))
        if rng.random() < 0.1:
            handle = f"facebook.com/{fold_words(given)[-1]}.{fold_words(family)[0]}.{rng.randint(1, 9999)}"
            contacts.append(("facebook", handle, handle))
        if country in ("JP", "TW", "TH") and rng.random() < 0.1:
            handle = f"{fold_words(given)[-1]}{fold_words(family)[0]}{rng.randint(10, 99)}"
            contacts.append(("line", handle, handle))
        if country == "KR" and rng.random() < 0.15:
            handle = f"{fold_words(given)[-1]}{fold_words(family)[0]}{rng.randint(10, 99)}"
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

    def person(self, person_id: int, memberships_by_country: dict) -> dict:
        """One person's row with its contacts, fields, roles, offers and memberships."""
        rng = self.rng
        country = rng.choices(self.countries[0], cum_weights=self.countries[1])[0]
        gender = "male" if rng.random() < 0.51 else "female"
        foreign_expert = country in FOREIGN_EXPERT_NAMES and rng.random() < 0.03
        if foreign_expert:
            full_name = rng.choice(FOREIGN_EXPERT_NAMES[country])
            words = full_name.split()
            family, middle, given = words[-1], "", words[0]
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
        created = self._moment(1100)
        updated = created + (self.now - created) * rng.random() ** 3
        contacts = self._contacts(person_id, family, middle, given, country)
        fields = rng.sample(self.field_ids, k=min(len(self.field_ids), rng.choice((0, 1, 1, 1, 2, 2, 3))))
        roles = rng.sample(self.role_ids, k=min(len(self.role_ids), rng.choice((0, 1, 1, 1, 2))))
        offers = rng.sample(CONTRIBUTION_KINDS, k=rng.choice((0, 0, 0, 0, 1, 1, 2)))
        memberships = []
        organisations = memberships_by_country.get(country) or []
        if organisations and rng.random() < 0.3:
            for organisation_id, name, kind in rng.sample(organisations, k=min(len(organisations), rng.choice((1, 1, 2)))):
                role = rng.choice(MEMBER_ROLES if kind == "association" else EMPLOYEE_ROLES)
                memberships.append({
                    "person_id": person_id, "organisation_id": organisation_id, "role": role,
                    "start_date": date(rng.randint(1995, 2024), rng.randint(1, 12), 1), "end_date": None,
                    "_name": name,
                })
        titled = rng.random() < 0.12
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
            "country_code": country, "city": rng.choice(self.cities[country]), "address": None,
            "occupation": rng.choice(OCCUPATIONS) if rng.random() < 0.6 else None,
            "academic_title": rng.choices(self.titles[0], cum_weights=self.titles[1])[0] if titled else None,
            "employer": rng.choice(EMPLOYERS) if rng.random() < 0.3 else None,
            "position": rng.choice(POSITIONS) if rng.random() < 0.2 else None,
            "expertise": rng.choice(EXPERTISE) if rng.random() < 0.2 else None,
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
        slug = "".join(fold_words(organisation["name"]))[:40]
        rows = [{
            "person_id": None, "organisation_id": organisation["id"], "kind": "email",
            "value": f"lienhe@{slug}.org", "normalized": f"lienhe@{slug}.org", "is_primary": True,
        }]
        phone = self.phones.make(organisation["country_code"])
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
