"""Demo outreach records: distribution channels abroad and activities with participants.

Created by `flask demo-data` after the demo people, from the demo people and organisations
living in each country, so the outreach pages of a new installation show a working pipeline.
Every demo channel and activity is marked is_demo (what `flask demo-data --remove` removes) and
carries DEMO_MARK in its notes or description, which staff see. Rows go in the way the import writes them (diaspora.bulk), with the
folded and normalised columns computed by the same functions the outreach service uses.
"""
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from diaspora.bulk import allocate_ids, begin_writing, insert_rows
from diaspora.contacts import normalize_email, normalize_phone
from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.outreach.common import today
from diaspora.outreach.models import (
    Activity,
    ActivityParticipant,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
    Product,
)
from diaspora.people.demo import PhoneMaker
from diaspora.people.models import Person
from diaspora.reference.models import Country
from diaspora.reference.products import seed_products
from diaspora.text import clean_text, fold, fold_words

DEMO_MARK = "[Dữ liệu mẫu]"

# (ISO code, weight, cities, local currency, legal suffix of a company): where the channels are.
CHANNEL_COUNTRIES = (
    ("JP", 16.0, ("Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka"), "JPY", "Co., Ltd."),
    ("KR", 10.0, ("Seoul", "Busan", "Incheon", "Ansan"), "KRW", "Co., Ltd."),
    ("DE", 10.0, ("Berlin", "Leipzig", "Hamburg", "Frankfurt am Main", "München"), "EUR", "GmbH"),
    ("CZ", 9.0, ("Praha", "Brno", "Cheb", "Plzeň"), "CZK", "s.r.o."),
    ("US", 14.0, ("San Jose", "Houston", "Westminster", "Seattle", "New York"), "USD", "LLC"),
    ("AU", 6.0, ("Sydney", "Melbourne", "Brisbane"), "AUD", "Pty Ltd"),
    ("PL", 5.0, ("Warszawa", "Kraków", "Wrocław"), "PLN", "Sp. z o.o."),
    ("RU", 5.0, ("Moskva", "Sankt-Peterburg", "Vladivostok"), "RUB", "OOO"),
    ("FR", 5.0, ("Paris", "Lyon", "Marseille"), "EUR", "SARL"),
    ("TW", 6.0, ("Taipei", "Taoyuan", "Kaohsiung"), "TWD", "Co., Ltd."),
    ("GB", 3.0, ("London", "Birmingham", "Manchester"), "GBP", "Ltd"),
    ("CA", 3.0, ("Toronto", "Vancouver", "Montreal"), "CAD", "Inc."),
    ("SG", 2.0, ("Singapore",), "SGD", "Pte. Ltd."),
)
BRANDS = ("Á Đông", "Sao Mai", "Hồng Hà", "Bạch Đằng", "Cát Bà", "Đồ Sơn", "Hoa Phượng", "Sen Việt", "Lạc Hồng",
          "Hương Quê", "Phượng Đỏ", "Minh Long", "Hải Âu", "Trường Sơn", "Ngọc Lan", "Việt Hưng", "Thăng Long",
          "Phú Quý", "An Phát", "Kim Ngân")
NAME_TEMPLATES = {
    "supermarket": ("Siêu thị {brand}", "Siêu thị Châu Á {brand}", "{asia_market} {brand}", "Siêu thị Việt {family}"),
    "restaurant": ("Nhà hàng Phở Hải Phòng", "Nhà hàng Bánh đa cua {brand}", "Quán Nem cua bể {family}",
                   "Nhà hàng {brand}", "Bếp Việt {brand}"),
    "shop": ("Cửa hàng thực phẩm Việt {brand}", "Cửa hàng {brand}", "Tạp hóa Việt {family}"),
    "importer": ("Công ty TNHH Nhập khẩu {brand} {suffix}", "{brand} Import & Export {suffix}",
                 "Công ty Thương mại {family} {suffix}"),
    "wholesaler": ("Tổng kho thực phẩm Việt {brand}", "Nhà phân phối {brand} {suffix}"),
    "ecommerce": ("Chợ Việt Online {brand}", "Đặc sản Hải Phòng {brand} Shop", "viet{slug}.shop"),
    "fair": ("Hội chợ hàng Việt tại {city}", "Lễ hội Việt Nam tại {city}", "Hội chợ Tết Việt {city}"),
    "other": ("Nhóm mua chung hàng Việt {brand}",),
}
# What an Asian grocery calls itself in the local language.
ASIA_MARKETS = {"DE": "Asia Markt", "CZ": "Asijské potraviny", "PL": "Sklep azjatycki", "FR": "Épicerie asiatique",
                "RU": "Aziatskiy market"}
CHANNEL_TYPE_WEIGHTS = (("supermarket", 22), ("restaurant", 22), ("shop", 14), ("importer", 14),
                        ("wholesaler", 8), ("ecommerce", 10), ("fair", 7), ("other", 3))
STATUS_WEIGHTS = (("potential", 30), ("contacted", 30), ("partner", 30), ("inactive", 10))
# The steps a channel went through to reach each status.
STATUS_PATHS = {
    "potential": ("potential",),
    "contacted": ("potential", "contacted"),
    "partner": ("potential", "contacted", "partner"),
    "inactive": ("potential", "contacted", "partner", "inactive"),
}
STATUS_NOTES = {
    "potential": ("Giới thiệu qua Hội người Việt", "Gặp tại hội chợ", "Kiều bào giới thiệu", None),
    "contacted": ("Đã gửi hàng mẫu", "Đã gọi điện, gửi báo giá", "Gặp trực tiếp chủ cửa hàng", None),
    "partner": ("Đã ký hợp đồng phân phối", "Nhập lô hàng đầu tiên", None),
    "inactive": ("Tạm ngừng nhập hàng", "Chủ cửa hàng chuyển nghề", None),
}
# Products that travel well abroad weigh more in what channels carry.
CATEGORY_WEIGHTS = {"food": 4, "seafood": 4, "agricultural": 3, "handicraft": 1, "other": 1}
SCALES = ("small", "small", "medium", "medium", "large")

YEAR_NAMES = {2022: "Nhâm Dần", 2023: "Quý Mão", 2024: "Giáp Thìn", 2025: "Ất Tỵ", 2026: "Bính Ngọ",
              2027: "Đinh Mùi", 2028: "Mậu Thân", 2029: "Kỷ Dậu", 2030: "Canh Tuất"}
ACTIVITY_TYPE_WEIGHTS = (("meeting", 30), ("tet", 10), ("leader_visit", 8), ("cultural_event", 14),
                         ("contribution", 18), ("investment", 8), ("cooperation", 12))
CAUSES = ("đồng bào bị ảnh hưởng bởi bão Yagi", "Quỹ Vì người nghèo thành phố", "xây nhà tình nghĩa ở Vĩnh Bảo",
          "học bổng cho học sinh nghèo vượt khó", "Quỹ Bảo trợ trẻ em Hải Phòng", "chương trình “Sóng và máy tính cho em”",
          "xây dựng cột mốc, trường học vùng biên giới")
INVESTMENTS = ("nhà máy chế biến nông sản xuất khẩu tại KCN Nam Đình Vũ", "kho lạnh thủy sản tại Cát Hải",
               "trung tâm logistics tại Đình Vũ", "khu du lịch sinh thái tại Cát Bà",
               "nhà máy linh kiện điện tử tại KCN Tràng Duệ", "chuỗi cửa hàng đặc sản Hải Phòng")
COOPERATION = (
    ("health", "Hợp tác đào tạo bác sĩ nội trú với Bệnh viện Hữu nghị Việt Tiệp"),
    ("health", "Khám bệnh, phát thuốc miễn phí tại huyện Tiên Lãng"),
    ("health", "Chuyển giao kỹ thuật phẫu thuật tim mạch cho Bệnh viện Kiến An"),
    ("education", "Trao đổi giảng viên, sinh viên với Đại học Hải Phòng"),
    ("education", "Học bổng thạc sĩ cho sinh viên Đại học Hàng hải Việt Nam"),
    ("culture", "Dàn dựng chương trình múa rối nước Bảo Hà ở nước ngoài"),
    ("culture", "Lớp dạy tiếng Việt cho con em kiều bào"),
    ("science", "Hợp tác nghiên cứu vật liệu mới với Viện Nghiên cứu Hải Phòng"),
    ("science", "Chuyển giao công nghệ nuôi trồng thủy sản cho hợp tác xã Cát Hải"),
)
CULTURAL = ("Ngày hội văn hóa, ẩm thực Hải Phòng tại {city}", "Quảng bá du lịch Hải Phòng – Cát Bà tại {city}",
            "Triển lãm ảnh “Hải Phòng – thành phố Hoa Phượng Đỏ” tại {city}", "Liên hoan ẩm thực bánh đa cua tại {city}",
            "Đêm nhạc quê hương cùng kiều bào tại {city}")
MEETINGS = ("Gặp gỡ, làm việc với kiều bào tại {city}", "Tọa đàm doanh nhân kiều bào tại {city}",
            "Làm việc với {organisation}", "Gặp mặt trí thức kiều bào tại {city}")
OUTCOMES = {
    "meeting": ("Kiều bào đề xuất kết nối doanh nghiệp xuất khẩu vải thiều, nước mắm.",
                "Thống nhất lập nhóm liên lạc, cập nhật danh sách hội viên.", None),
    "tet": ("Trao quà Tết, thông tin tình hình kinh tế – xã hội của thành phố.", None),
    "leader_visit": ("Ký biên bản ghi nhớ hợp tác; kiều bào cam kết giới thiệu đối tác.",
                     "Thăm cơ sở kinh doanh của kiều bào, khảo sát kênh phân phối đặc sản.", None),
    "cultural_event": ("Khoảng 500 lượt khách tham dự, giới thiệu sản phẩm OCOP.", None),
    "contribution": ("Đã chuyển khoản qua Ủy ban MTTQ thành phố.", "Đã trao tận tay các hộ gia đình.", None),
    "investment": ("Đang hoàn thiện hồ sơ xin chủ trương đầu tư.", "Đã được cấp giấy chứng nhận đăng ký đầu tư.",
                   None),
    "cooperation": ("Đã ký thỏa thuận hợp tác 3 năm.", "Tổ chức đợt đầu, dự kiến mở rộng năm sau.", None),
}
ROLES = ("Trưởng đoàn", "Đại biểu", "Phát biểu", "Nhà tài trợ", "Chủ trì", None, None, None)
# Typical sums in each currency's whole units, for contributions (investments are ten to a thousand times more).
CONTRIBUTION_SUMS = {"JPY": (100_000, 5_000_000), "KRW": (1_000_000, 50_000_000), "EUR": (500, 30_000),
                     "CZK": (10_000, 500_000), "USD": (500, 50_000), "AUD": (500, 30_000), "PLN": (2_000, 100_000),
                     "RUB": (20_000, 1_000_000), "TWD": (10_000, 1_000_000), "GBP": (500, 20_000),
                     "CAD": (500, 30_000), "SGD": (500, 30_000)}


@dataclass
class OutreachSummary:
    """What create_demo_outreach() created."""

    channels: int = 0
    channel_products: int = 0
    status_changes: int = 0
    activities: int = 0
    participants: int = 0
    seconds: float = 0.0


def _weighted(items):
    values = [value for value, _ in items]
    return values, [weight for _, weight in items]


def _track(created: datetime, updated: datetime) -> dict:
    return {"created_at": created, "updated_at": updated, "version": 1, "deleted_at": None,
            "created_by_id": None, "updated_by_id": None}


class OutreachMaker:
    """Generates demo channels and activities from the demo people and organisations, reproducibly for a seed."""

    def __init__(self, seed: int, now: datetime, on: date):
        self.rng = random.Random(seed)
        self.now = now
        self.today = on
        self.phones = PhoneMaker(self.rng)
        self.open_follow_ups = 0
        self._load()

    def _load(self) -> None:
        session = db.session
        self.country_names = dict(session.execute(select(Country.code, Country.name_vi)).all())
        self.countries = [entry for entry in CHANNEL_COUNTRIES if entry[0] in self.country_names]
        self.country_weights = [entry[1] for entry in self.countries]
        self.products = session.execute(
            select(Product.id, Product.category).where(Product.active.is_(True)).order_by(Product.id)).all()
        self.product_weights = [CATEGORY_WEIGHTS.get(category, 1) for _, category in self.products]
        self.people: dict[str, list[tuple[int, str]]] = {}
        # Channels selling the city's goods are run by the community, not by the foreign experts.
        self.owners: dict[str, list[tuple[int, str]]] = {}
        for person_id, country, name, person_type in session.execute(
                select(Person.id, Person.country_code, Person.full_name, Person.person_type)
                .where(Person.is_demo.is_(True), Person.deleted_at.is_(None)).order_by(Person.id)):
            self.people.setdefault(country, []).append((person_id, name))
            if person_type != "foreign_expert":
                self.owners.setdefault(country, []).append((person_id, name))
        self.organisations: dict[str, list[tuple[int, str, str]]] = {}
        for organisation_id, country, name, kind in session.execute(
                select(Organisation.id, Organisation.country_code, Organisation.name, Organisation.kind)
                .where(Organisation.is_demo.is_(True), Organisation.deleted_at.is_(None)).order_by(Organisation.id)):
            self.organisations.setdefault(country, []).append((organisation_id, name, kind))

    def _country(self):
        return self.rng.choices(self.countries, weights=self.country_weights)[0]

    def _moment(self, days_back: int) -> datetime:
        return self.now - timedelta(days=self.rng.random() * days_back)

    # Channels

    def _channel_name(self, channel_type: str, code: str, city: str, suffix: str, owner: str | None) -> str:
        rng = self.rng
        template = rng.choice(NAME_TEMPLATES[channel_type])
        brand = rng.choice(BRANDS)
        family = owner.split()[0] if owner else rng.choice(BRANDS)
        return template.format(brand=brand, family=family, city=city, suffix=suffix,
                               slug="".join(fold_words(brand)), asia_market=ASIA_MARKETS.get(code, "Asia Market"))

    def channel(self, channel_id: int, seen: set[str]) -> dict:
        """One channel with its products and status history."""
        rng = self.rng
        code, _weight, cities, _currency, suffix = self._country()
        city = rng.choice(cities)
        channel_type = rng.choices(*_weighted(CHANNEL_TYPE_WEIGHTS))[0]
        owners = self.owners.get(code)
        person = rng.choice(owners) if owners and rng.random() < 0.8 else None
        businesses = [org for org in self.organisations.get(code, ()) if org[2] == "business"]
        organisation = rng.choice(businesses) if businesses and rng.random() < 0.35 else None
        name = clean_text(self._channel_name(channel_type, code, city, suffix, person[1] if person else None))
        if fold(name) in seen:
            name = f"{name} – {city}"
        if fold(name) in seen:
            name = f"{name} {channel_id}"
        seen.add(fold(name))
        status = rng.choices(*_weighted(STATUS_WEIGHTS))[0]
        created = self._moment(1000)
        steps, moments = STATUS_PATHS[status], [created]
        for _ in steps[1:]:
            moments.append(moments[-1] + (self.now - moments[-1]) * rng.uniform(0.1, 0.6))
        phone = self.phones.make(code) if rng.random() < 0.7 else None
        slug = "".join(fold_words(name))[:30] or f"kenh{channel_id}"
        email = f"lienhe@{slug}.com" if rng.random() < 0.5 else None
        row = {
            "id": channel_id, "name": name, "name_folded": fold(name), "channel_type": channel_type,
            "country_code": code, "city": clean_text(city), "city_folded": fold(city), "address": None,
            "person_id": person[0] if person else None, "organisation_id": organisation[0] if organisation else None,
            "scale": rng.choice(SCALES), "scale_note": None, "status": status,
            "phone": normalize_phone(phone[0], code) if phone else None,
            "email": normalize_email(email) if email else None,
            "website": f"https://{slug}.com" if channel_type in ("ecommerce", "importer") else None,
            "notes": DEMO_MARK, "is_demo": True, **_track(created, moments[-1]),
        }
        changes = [{"channel_id": channel_id, "from_status": before, "to_status": after, "at": at, "by_id": None,
                    "note": rng.choice(STATUS_NOTES[after])}
                   for before, after, at in zip((None, *steps[:-1]), steps, moments, strict=True)]
        count = min(len(self.products), rng.choice((1, 1, 2, 2, 3, 4)))
        chosen: dict[int, None] = {}
        while len(chosen) < count:
            chosen[rng.choices(self.products, weights=self.product_weights)[0][0]] = None
        carries = status in ("partner", "inactive")
        products = [{"channel_id": channel_id, "product_id": product_id,
                     "status": "distributing" if carries and (index == 0 or rng.random() < 0.6) else "interested",
                     "note": None}
                    for index, product_id in enumerate(chosen)]
        return {"channel": row, "changes": changes, "products": products}

    # Activities

    def _when(self, activity_type: str) -> date:
        rng = self.rng
        if activity_type == "tet":
            year = self.today.year - rng.randrange(3)
            on = date(year, 1, 20) + timedelta(days=rng.randrange(25))
            return on if on <= self.today else on.replace(year=year - 1)
        return self.today - timedelta(days=rng.randrange(3 * 365))

    def _title(self, activity_type: str, on: date, country: str, city: str, organisation) -> str:
        rng = self.rng
        if activity_type == "meeting":
            template = rng.choice(MEETINGS if organisation else MEETINGS[:2] + MEETINGS[3:])
            return template.format(city=city, organisation=organisation[1] if organisation else "")
        if activity_type == "tet":
            lunar = YEAR_NAMES.get(on.year, str(on.year))
            return f"Gặp mặt kiều bào đón Tết {lunar} tại {self.country_name(country)}"
        if activity_type == "leader_visit":
            return f"Đoàn lãnh đạo thành phố thăm, làm việc tại {self.country_name(country)}"
        if activity_type == "cultural_event":
            return rng.choice(CULTURAL).format(city=city)
        if activity_type == "contribution":
            return f"Kiều bào tại {self.country_name(country)} ủng hộ {rng.choice(CAUSES)}"
        if activity_type == "investment":
            return f"Dự án đầu tư {rng.choice(INVESTMENTS)}"
        return rng.choice(COOPERATION)[1]

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def _follow_up(self, on: date) -> tuple[date | None, bool]:
        rng = self.rng
        age = (self.today - on).days
        if age < 120 and rng.random() < 0.6:
            # Recent work still open: in turn due within two weeks, overdue and later, so that every
            # demo register has follow-ups of each kind to show.
            offsets = (rng.randint(0, 14), -rng.randint(1, 30), rng.randint(15, 90))
            due = self.today + timedelta(days=offsets[self.open_follow_ups % 3])
            self.open_follow_ups += 1
            return max(due, on + timedelta(days=rng.randint(1, 7))), False
        if rng.random() < 0.25:
            return on + timedelta(days=rng.randint(14, 90)), True
        return None, False

    def activity(self, activity_id: int) -> dict:
        """One activity with its participants."""
        rng = self.rng
        activity_type = rng.choices(*_weighted(ACTIVITY_TYPE_WEIGHTS))[0]
        code, _weight, cities, currency, _suffix = self._country()
        city = rng.choice(cities)
        organisations = self.organisations.get(code, [])
        organisation = rng.choice(organisations) if organisations and rng.random() < 0.6 else None
        on = self._when(activity_type)
        title = clean_text(self._title(activity_type, on, code, city, organisation))
        end = on + timedelta(days=rng.randint(2, 6)) if activity_type in ("leader_visit", "cultural_event") else None
        amount = None
        if activity_type in ("contribution", "investment"):
            low, high = CONTRIBUTION_SUMS.get(currency, (500, 50_000))
            factor = 1 if activity_type == "contribution" else rng.choice((10, 100, 1000))
            amount = int(rng.uniform(low, high) * factor) // low * low
        follow_up, done = self._follow_up(on)
        created = datetime.combine(on, datetime.min.time(), UTC) + timedelta(hours=rng.randint(8, 72))
        created = min(created, self.now)
        row = {
            "id": activity_id, "activity_type": activity_type, "title": title, "title_folded": fold(title),
            "start_date": on, "end_date": end, "country_code": code, "city": clean_text(city),
            "place": clean_text(organisation[1]) if organisation and rng.random() < 0.5 else None,
            "description": DEMO_MARK, "outcome": clean_text(rng.choice(OUTCOMES[activity_type])),
            "follow_up_date": follow_up, "follow_up_done": done,
            "amount": amount, "currency": currency if amount is not None else None, "is_demo": True,
            **_track(created, created),
        }
        participants = []
        people = self.people.get(code, [])
        for person_id, _name in rng.sample(people, k=min(len(people), rng.choice((1, 2, 2, 3, 4, 6)))):
            participants.append({"activity_id": activity_id, "person_id": person_id, "organisation_id": None,
                                 "role": rng.choice(ROLES), "note": None})
        chosen_orgs = [organisation] if organisation else []
        if organisations and rng.random() < 0.3:
            chosen_orgs.append(rng.choice(organisations))
        for organisation_id in dict.fromkeys(org[0] for org in chosen_orgs):
            participants.append({"activity_id": activity_id, "person_id": None, "organisation_id": organisation_id,
                                 "role": rng.choice(("Đơn vị phối hợp", "Đơn vị tổ chức", None)), "note": None})
        return {"activity": row, "participants": participants}


def create_demo_outreach(people: int, seed: int = 1) -> OutreachSummary:
    """Add demo channels (about one per 50 people) and activities (one per 40) in one transaction.

    Owners and participants are the demo people and organisations already in the database; the
    product catalogue is loaded from data/ when it is empty.
    """
    started = time.perf_counter()
    summary = OutreachSummary()
    if db.session.scalar(select(Product.id).limit(1)) is None:
        seed_products()
    maker = OutreachMaker(seed, datetime.now(UTC), today())
    if not maker.countries or not maker.products:
        return summary
    channel_count = max(5, min(2000, people // 50))
    activity_count = max(5, min(2500, people // 40))
    connection = db.session.connection()
    begin_writing(connection)  # new ids are allocated ahead: on SQLite this transaction must be the writer

    seen = set(db.session.scalars(select(DistributionChannel.name_folded)))
    channels = [maker.channel(channel_id, seen)
                for channel_id in allocate_ids(connection, DistributionChannel.__table__, channel_count)]
    insert_rows(connection, DistributionChannel.__table__, [item["channel"] for item in channels])
    products = [row for item in channels for row in item["products"]]
    changes = [row for item in channels for row in item["changes"]]
    insert_rows(connection, ChannelProduct.__table__, products)
    insert_rows(connection, ChannelStatusChange.__table__, changes)

    activities = [maker.activity(activity_id)
                  for activity_id in allocate_ids(connection, Activity.__table__, activity_count)]
    insert_rows(connection, Activity.__table__, [item["activity"] for item in activities])
    participants = [row for item in activities for row in item["participants"]]
    insert_rows(connection, ActivityParticipant.__table__, participants)
    db.session.commit()
    summary.channels, summary.channel_products, summary.status_changes = len(channels), len(products), len(changes)
    summary.activities, summary.participants = len(activities), len(participants)
    summary.seconds = time.perf_counter() - started
    return summary
