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
from diaspora.people.demo_catalogue import (
    ACADEMIC_TITLES,
    ASSOCIATION_NAMES,
    BUSINESS_NAMES,
    COUNTRIES,
    DEMO_SOURCE,
    EMAIL_DOMAINS,
    EMPLOYEE_ROLES,
    EMPLOYERS,
    EXPERT_COUNTRIES,
    EXPERTISE,
    FAMILY_NAMES,
    GIVEN_NAMES,
    KOREAN_EXPERT_NAMES,
    LATIN_ADDRESS_LOCALES,
    LOCAL_EMAIL_DOMAINS,
    LOCALES,
    MASTER_TITLES,
    MEMBER_ROLES,
    MIDDLE_NAMES,
    OCCUPATION_PROFILES,
    OCCUPATIONS,
    OTHER_EMPLOYERS,
    POSITIONS,
    REAL_CITY_LOCALES,
    SENIOR_BORN_BY,
    SENIOR_TITLES,
    WESTERN_NAMES,
)
from diaspora.people.demo_contacts import (
    ascii_words,
    checked_email,
    checked_phone,
    EXAMPLE_TAIL,
    FAKER_PROVIDERS,
    latin,
    PHONE_PATTERNS,
    PHONE_TAIL,
    PhoneMaker,
    plausible_phone,
    reformat_phone,
)
from diaspora.people.search_index import search_index_in_bulk, search_words
from diaspora.people.service import person_sort_key
from diaspora.reference.models import CommunityRole, Country, Field, LegacyCommune, Unit
from diaspora.text import clean_text, fold

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
                if not written or "x" in written or not plausible_phone(written, country):
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
            written = reformat_phone(written if national else international, tail)
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
            given, family = latin(given), latin(family)
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
