"""Duplicate people, inside the file and against the register, each match with its reason.

Evidence that two rows are one person: the same email; the same phone; the same folded name with
the same birth year and country; or a name close enough (rapidfuzz ratio on the folded, sorted
words ≥ the threshold) when another fact backs it: the same birth year and country, the same city
and country, or the same organisation. A name alone is never evidence: two "Nguyễn Văn Nam" with
different birth years, countries, phones and emails are two people. Known birth years that differ
rule a match on name out, and so do names that only look alike (people.names.names_can_be_one): the
same words in another order ("Nguyễn Hải Trọng" / "Nguyễn Trọng Hải"), or a syllable changed into
another ("Nguyễn Văn Lâm" / "Nguyễn Văn Nam", "Nguyễn Thị Hương" / "Nguyễn Thị Dương"). Nor is a
contact alone: a family's phone or email given by a husband and his wife, or an association's phone on
every member's row, joins names that cannot be one person's (people.names.same_person_names); such a
row is told so, not taken for a duplicate.

The register is read with a few bulk queries (keys loaded into dicts), never one query per row.
Names are compared only inside blocks that share a backing fact and, within it, the given name
(the last word), or the rest of the name, or the same words in another order: a name written with
one slip still shares one of these, and a city of a thousand people is not compared all against all.
"""
from collections import defaultdict
from dataclasses import dataclass
from itertools import repeat

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import Integer, String, and_, any_, bindparam, or_, select
from sqlalchemy.dialects import postgresql

from diaspora.contacts import PHONE_KINDS, Contact
from diaspora.extensions import db
from diaspora.organisations.models import Membership, Organisation
from diaspora.people.columns import PEOPLE
from diaspora.people.models import Person
from diaspora.spreadsheets.pipeline import CleanRow, Problem, bulk_step
from diaspora.people.names import names_can_be_one, same_person_names
from diaspora.text import fold

FUZZY_THRESHOLD = 92
MAX_MATCHES = 10
CHUNK = 5000
CONTACT_COLUMNS = PEOPLE.keys_of("contacts")

REASONS = {
    "email": _l("trùng email"),
    "phone": _l("trùng số điện thoại"),
    "name_birth_country": _l("trùng họ tên + năm sinh + quốc gia"),
    "name_city": _l("trùng họ tên + cùng thành phố"),
    "name_organisation": _l("trùng họ tên + cùng tổ chức"),
    "fuzzy_birth_country": _l("họ tên gần giống + cùng năm sinh, quốc gia"),
    "fuzzy_city": _l("họ tên gần giống + cùng thành phố"),
    "fuzzy_organisation": _l("họ tên gần giống + cùng tổ chức"),
    # distribution channels
    "website": _l("trùng trang web"),
    "name_country": _l("trùng tên kênh + quốc gia"),
}
_STRENGTH = {reason: rank for rank, reason in enumerate(REASONS)}
_BLOCK_REASONS = {"y": ("name_birth_country", "fuzzy_birth_country"), "c": ("name_city", "fuzzy_city"),
                  "o": ("name_organisation", "fuzzy_organisation")}


@dataclass(frozen=True)
class Match:
    """A record of the register (person_id) or an earlier row of the file (row) a row duplicates,
    and every reason found, strongest first."""

    reasons: tuple[str, ...]
    row: int | None = None
    person_id: int | None = None

    @property
    def reason(self) -> str:
        return self.reasons[0]

    @property
    def label(self) -> str:
        return ", ".join(str(REASONS[reason]) for reason in self.reasons)

    def to_json(self, record_key: str = "person_id") -> dict:
        """{"row": n} or {record_key: id} (person_id; channel_id for channels), with the reasons."""
        target = {"row": self.row} if self.row is not None else {record_key: self.person_id}
        return {**target, "reason": self.label}


def reason_text(match: dict) -> str:
    """Why a stored match is one, in the reader's language: from its reasons' codes, or for an older row
    from the Vietnamese labels it kept ("trùng email, trùng số điện thoại")."""
    if match.get("reasons"):
        return ", ".join(str(REASONS.get(reason, reason)) for reason in match["reasons"])
    return ", ".join(_(part) for part in str(match.get("reason") or "").split(", ") if part)


class _Folded(dict):
    """fold() of texts that repeat (cities, organisations, common names), computed once per import."""

    def __missing__(self, text: str) -> str:
        self[text] = folded = fold(text)
        return folded


def _name_keys(name_folded: str) -> list[tuple[str, str]]:
    """("s", the words sorted), ("g", the given name), ("r", the rest): what close names share."""
    words = name_folded.split()
    keys = [("s", " ".join(sorted(words)))]
    if len(words) > 1:
        keys += [("g", words[-1]), ("r", " ".join(words[:-1]))]
    return keys


def _facts(birth_year, country, city, organisations) -> list[tuple]:
    """The facts that can back a match on name: ("y", year, country), ("c", country, city), ("o", org)."""
    facts = [("o", organisation) for organisation in organisations] if organisations else []
    if city and country:
        facts.insert(0, ("c", country, city))
    if birth_year and country:
        facts.insert(0, ("y", birth_year, country))
    return facts


class _Blocks:
    """Numbered blocks of names sharing a backing fact and a name key; each holds the names (sorted
    words), who they are (("person", id) or ("row", n)) and their birth years. Facts and name keys
    are numbered too, so a block is found by a pair of small numbers."""

    def __init__(self):
        self.facts: dict[tuple, int] = {}
        self.name_keys: dict[tuple, int] = {}
        self.ids: dict[tuple[int, int], int] = {}
        self.names: list[list[str]] = []
        self.written: list[list[str]] = []  # the same names, folded, in their own word order
        self.targets: list[list[tuple]] = []
        self.years: list[list] = []
        self.reasons: list[tuple[str, str, bool, bool]] = []  # exact, close, check years, score names

    def numbers(self, facts: list[tuple], names: list[tuple], create: bool = True) -> list[int]:
        """The blocks of a name under some facts (only existing ones unless `create`)."""
        if not facts:
            return []
        # Each name key is looked up once, not once per fact: this runs for every row and every
        # person of the register in the file's countries.
        name_ids = []
        for name in names:
            name_id = self.name_keys.get(name)
            if name_id is None:
                if not create:
                    continue
                name_id = self.name_keys[name] = len(self.name_keys)
            name_ids.append((name[0] != "s", name_id))
        numbers = []
        for fact in facts:
            fact_id = self.facts.get(fact)
            if fact_id is None:
                if not create:
                    continue
                fact_id = self.facts[fact] = len(self.facts)
            for scored, name_id in name_ids:
                number = self.ids.get((fact_id, name_id))
                if number is None:
                    if not create:
                        continue
                    number = self.ids[fact_id, name_id] = len(self.names)
                    self.names.append([])
                    self.written.append([])
                    self.targets.append([])
                    self.years.append([])
                    self.reasons.append((*_BLOCK_REASONS[fact[0]], fact[0] != "y", scored))
                numbers.append(number)
        return numbers


class _Keys:
    """What one valid row is matched on."""

    __slots__ = ("row", "name", "sorted_name", "birth_year", "emails", "phones", "blocks", "exclude")

    def __init__(self, row: CleanRow, _fold: _Folded, blocks: _Blocks, rules: tuple[str, ...]):
        values = row.values
        names = _name_keys(_fold[values["full_name"]][:200])
        contacts = ()
        for column in CONTACT_COLUMNS:
            if column in values:
                contacts += values[column]
        birth = values.get("birth_date")
        self.row = row.row
        self.name = _fold[values["full_name"]][:200]
        self.sorted_name = names[0][1]
        self.birth_year = birth[1] if birth else None
        self.emails = tuple({n: None for kind, _, n in contacts if kind == "email"}) if "email" in rules else ()
        self.phones = tuple({n: None for kind, _, n in contacts if kind in PHONE_KINDS and n[:1] == "+"}) \
            if "phone" in rules else ()
        city = _fold[values["city"]] if values.get("city") else ""
        organisations = {_fold[name][:300]: None for name in values.get("organisations", ())}
        if "fuzzy_name" not in rules:
            names = names[:1]  # the same words only
        facts = _facts(self.birth_year, values.get("country"), city, organisations) \
            if {"name", "fuzzy_name"} & set(rules) else []
        self.blocks = blocks.numbers(facts, names)
        # The record the row's ID names is not its own duplicate.
        self.exclude = ("person", values["id"]) if values.get("id") else None


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _among(column, values: list, item_type):
    """column IN values; on PostgreSQL one array parameter, which it plans and binds far faster than
    thousands of placeholders (2 s → 0.5 s to look up the contacts of 50,000 rows)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(item_type)))
    return column.in_(values)


def check_ids(rows: list[CleanRow], id_header: str = "ID") -> None:
    """Add a problem to each valid row whose ID names no record of the register (one query per 5,000)."""
    wanted = [row.values["id"] for row in rows if row.valid and row.values.get("id")]
    found = set()
    for chunk in _chunks(list(dict.fromkeys(wanted))):
        found.update(db.session.scalars(
            select(Person.id).where(_among(Person.id, chunk, Integer), Person.deleted_at.is_(None))))
    for row in rows:
        person_id = row.values.get("id")
        if row.valid and person_id and person_id not in found:
            row.problems.append(Problem(row.row, id_header, _l(
                "Không có hồ sơ nào mang ID %(id)d (có thể đã bị xoá).", id=person_id)))


def _register_contacts(kinds, values: set[str]) -> dict[str, list[tuple]]:
    """{normalized contact: (("person", id), folded name, name) of each person of the register who has it}."""
    found: dict[str, list[tuple]] = {}
    for chunk in _chunks(sorted(values)):
        for normalized, person_id, name_folded, full_name in db.session.execute(
            select(Contact.normalized, Contact.person_id, Person.name_folded, Person.full_name)
            .join(Person, Person.id == Contact.person_id)
            .where(Contact.kind.in_(kinds), _among(Contact.normalized, chunk, String), Person.deleted_at.is_(None))
            .order_by(Contact.person_id)
        ):
            found.setdefault(normalized, []).append((("person", person_id), name_folded, full_name))
    return found


def _register_blocks(blocks: _Blocks, _fold: _Folded) -> None:
    """Add the people of the register to the blocks the file's rows fall in."""
    facts = blocks.facts

    def add(person_id, name, birth_year, person_facts):
        if not any(fact in facts for fact in person_facts):
            return
        names = _name_keys(name)
        for number in blocks.numbers(person_facts, names, create=False):
            blocks.names[number].append(names[0][1])
            blocks.written[number].append(name)
            blocks.targets[number].append(("person", person_id))
            blocks.years[number].append(birth_year)

    countries = sorted({fact[2] if fact[0] == "y" else fact[1] for fact in facts if fact[0] != "o"})
    for chunk in _chunks(countries, 500):
        for person_id, name, birth_year, country, city in db.session.execute(
            select(Person.id, Person.name_folded, Person.birth_year, Person.country_code, Person.city)
            .where(Person.country_code.in_(chunk), Person.deleted_at.is_(None))
        ):
            add(person_id, name, birth_year, _facts(birth_year, country, _fold[city] if city else "", ()))
    organisations = sorted(fact[1] for fact in facts if fact[0] == "o")
    for chunk in _chunks(organisations):
        for person_id, name, birth_year, organisation in db.session.execute(
            select(Person.id, Person.name_folded, Person.birth_year, Organisation.name_folded)
            .join(Membership, Membership.person_id == Person.id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Organisation.name_folded.in_(chunk), Person.deleted_at.is_(None),
                   Organisation.deleted_at.is_(None))
        ):
            add(person_id, name, birth_year, [("o", organisation)])


def _note_shared_contact(row: CleanRow, reason: str, target: tuple, name: str | None) -> None:
    """Tell, on the row, that it shares a contact with someone of another name and is not taken for them."""
    kind, number = target
    whom = _l("dòng %(row)d", row=number) if kind == "row" else _l("hồ sơ “%(name)s” (ID %(id)d)", name=name, id=number)
    if reason == "email":
        note = _l("Cùng email với %(whom)s nhưng khác họ tên (có thể là người thân): không coi là trùng.", whom=whom)
    else:
        note = _l("Cùng số điện thoại với %(whom)s nhưng khác họ tên (có thể là người thân): không coi là trùng.",
                 whom=whom)
    if note not in row.notes:
        row.notes.append(note)


def _evidence(reasons: set[str]) -> tuple[str, ...]:
    """Every contact shared, and the strongest of the name-based reasons (the others add nothing)."""
    ordered = sorted(reasons, key=_STRENGTH.get)
    contacts = [reason for reason in ordered if reason in ("email", "phone")]
    names = [reason for reason in ordered if reason not in ("email", "phone")]
    return tuple(contacts + names[:1])


@bulk_step
def find_duplicates(rows: list[CleanRow], threshold: int = FUZZY_THRESHOLD,
                    rules: tuple[str, ...] = PEOPLE.match_on) -> dict[int, list[Match]]:
    """{Excel row: matches, strongest first} for the valid rows that duplicate a record or an earlier row,
    by the rules of the sheet (Sheet.match_on)."""
    folded, blocks = _Folded(), _Blocks()
    keys = [_Keys(row, folded, blocks, rules) for row in rows if row.valid]
    rows_by_number = {row.row: row for row in rows}
    _register_blocks(blocks, folded)
    contacts = {
        "email": (_register_contacts(("email",), {email for key in keys for email in key.emails}), {}),
        "phone": (_register_contacts(PHONE_KINDS, {phone for key in keys for phone in key.phones}), {}),
    }
    all_names, all_targets, all_years, all_reasons = blocks.names, blocks.targets, blocks.years, blocks.reasons
    all_written = blocks.written
    duplicates: dict[int, list[Match]] = {}
    for key in keys:
        found: dict[tuple, set[str]] = {}
        for reason, values in (("email", key.emails), ("phone", key.phones)):
            register, seen = contacts[reason]
            for value in values:
                others, same = [], False
                for target, name, label in (*register.get(value, ()), *seen.get(value, ())):
                    if same_person_names(key.name, name):
                        found.setdefault(target, set()).add(reason)
                        same = True
                    else:
                        others.append((target, label))
                if others and not same:  # one is enough to explain (an office phone may be on hundreds of rows)
                    _note_shared_contact(rows_by_number[key.row], reason, *others[0])
                seen.setdefault(value, []).append((("row", key.row), key.name, None))
        sorted_name, birth_year, target = key.sorted_name, key.birth_year, ("row", key.row)
        for number in key.blocks:
            names, targets, years, written = all_names[number], all_targets[number], all_years[number], \
                all_written[number]
            if names:
                exact, close, check_years, scored = all_reasons[number]
                check_years = check_years and birth_year
                if scored:
                    hits = ((index, score) for _, score, index in process.extract(
                        sorted_name, names, scorer=fuzz.ratio, score_cutoff=threshold, limit=None))
                else:  # the same words: nothing to score
                    hits = zip(range(len(names)), repeat(100))
                for index, score in hits:
                    if check_years and years[index] and years[index] != birth_year:
                        continue  # known birth years that differ: two people
                    if not names_can_be_one(key.name, written[index]):
                        continue
                    reasons = found.get(targets[index])
                    if reasons is None:
                        found[targets[index]] = {exact if score == 100 else close}
                    else:
                        reasons.add(exact if score == 100 else close)
            names.append(sorted_name)
            written.append(key.name)
            targets.append(target)
            years.append(birth_year)
        found.pop(key.exclude, None)
        if found:
            # Records of the register first, then rows of the file; the strongest evidence first within each.
            matches = [Match(_evidence(reasons), row=target if kind == "row" else None,
                             person_id=target if kind == "person" else None)
                       for (kind, target), reasons in found.items()]
            matches.sort(key=lambda m: (m.row is not None, _STRENGTH[m.reason], m.row or m.person_id))
            duplicates[key.row] = matches[:MAX_MATCHES]
    return duplicates


# --- Probable duplicates inside the register --------------------------------------------------------------

# A contact shared by more people than this is an office's, an association's or a family's, not one person's:
# it is no evidence (and comparing every name with every other would grow with the square of them).
CONTACT_GROUP_LIMIT = 50
# Up to this many people, the pairs touching them are found from their own facts with indexed queries;
# beyond it, the whole register is read once (an import of thousands of rows).
TARGETED_LIMIT = 500
_LIKE_ESCAPE = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


def find_register_pairs(person_ids=None, threshold: int = FUZZY_THRESHOLD) -> dict[tuple[int, int], tuple[str, ...]]:
    """{(a, b): reasons, strongest first} with a < b: the pairs of people of the register (the bin left out)
    that are probably one person, by the import's rules (same email; same phone between names that can be one
    person's; the same or a near name backed by the same birth year and country, city or organisation; known
    birth years that differ rule a name out). With `person_ids`, only the pairs touching those people.

    The register is read with a few bulk queries (the whole of it, or for a few people the records that share
    one of their facts or contacts), never one query per person; names are compared inside blocks only."""
    only = None if person_ids is None else {int(person_id) for person_id in person_ids}
    if only is not None and not only:
        return {}
    if only is not None and len(only) <= TARGETED_LIMIT:
        people, organisations, contacts = _targeted_records(only)
    else:
        people, organisations, contacts = _all_records()
    return _register_pairs(people, organisations, contacts, only, threshold)


def _all_records():
    """Every live person's (folded name, birth year, country, folded city), organisations and contacts."""
    _fold = _Folded()
    live = Person.deleted_at.is_(None)
    people = {person_id: (name or "", year, country, _fold[city] if city else "")
              for person_id, name, year, country, city in db.session.execute(
                  select(Person.id, Person.name_folded, Person.birth_year, Person.country_code, Person.city)
                  .where(live))}
    organisations: dict[int, list[str]] = {}
    for person_id, organisation in db.session.execute(
        select(Membership.person_id, Organisation.name_folded)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .join(Person, Person.id == Membership.person_id)
        .where(live, Organisation.deleted_at.is_(None))
    ):
        organisations.setdefault(person_id, []).append(organisation)
    contacts = db.session.execute(
        select(Contact.kind, Contact.normalized, Contact.person_id)
        .join(Person, Person.id == Contact.person_id)
        .where(live, Contact.kind.in_(("email", *PHONE_KINDS)))
    ).all()
    return people, organisations, contacts


def _name_filter(name_folded: str):
    """A condition on Person.name_folded true for every name that shares a block key with this one (the given
    name, the rest of the name, the same words): a superset, the blocks decide."""
    words = name_folded.split()
    if not words:
        return None
    like = [word.translate(_LIKE_ESCAPE) for word in words]
    column = Person.name_folded
    conditions = [and_(*(column.like(f"%{word}%", escape="\\") for word in like))]  # the same words
    if len(words) > 1:
        conditions += [column == words[-1], column.like(f"% {like[-1]}", escape="\\"),
                       column.like(f"{' '.join(like[:-1])} %", escape="\\")]
    return or_(*conditions)


def _targeted_records(only: set[int]):
    """The records of `only` and of everyone who shares a fact (birth year and country; country, city and part
    of the name; an organisation) or a contact with one of them: what the blocks of their pairs hold."""
    _fold = _Folded()
    live = Person.deleted_at.is_(None)
    columns = (Person.id, Person.name_folded, Person.birth_year, Person.country_code, Person.city)
    people: dict[int, tuple] = {}
    for chunk in _chunks(sorted(only)):
        for person_id, name, year, country, city in db.session.execute(
                select(*columns).where(_among(Person.id, chunk, Integer), live)):
            people[person_id] = (name or "", year, country, _fold[city] if city else "")
    targets = dict(people)
    if not targets:
        return {}, {}, []
    # Who shares a contact with them.
    kinds = ("email", *PHONE_KINDS)
    values = set(db.session.scalars(select(Contact.normalized).where(
        _among(Contact.person_id, sorted(targets), Integer), Contact.kind.in_(kinds))))
    contacts = []
    for chunk in _chunks(sorted(values)):
        contacts += db.session.execute(
            select(Contact.kind, Contact.normalized, Contact.person_id).join(Person, Person.id == Contact.person_id)
            .where(live, Contact.kind.in_(kinds), _among(Contact.normalized, chunk, String))).all()
    wanted = {person_id for _kind, _value, person_id in contacts}
    # Who shares a birth year and country, or a country and a city with a near name (the city compared folded).
    years = sorted({(year, country) for _name, year, country, _city in targets.values() if year and country})
    for start in range(0, len(years), 200):
        wanted.update(db.session.scalars(select(Person.id).where(live, or_(*(
            and_(Person.birth_year == year, Person.country_code == country)
            for year, country in years[start:start + 200])))))
    places = [and_(Person.country_code == country, _name_filter(name))
              for name, _year, country, city in targets.values() if country and city and name.split()]
    for start in range(0, len(places), 100):
        wanted.update(db.session.scalars(
            select(Person.id).where(live, Person.city.is_not(None), or_(*places[start:start + 100]))))
    # Who belongs to one of their organisations.
    names = set(db.session.scalars(
        select(Organisation.name_folded).join(Membership, Membership.organisation_id == Organisation.id)
        .where(_among(Membership.person_id, sorted(targets), Integer), Organisation.deleted_at.is_(None))))
    for chunk in _chunks(sorted(names)):
        wanted.update(db.session.scalars(
            select(Membership.person_id).join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Organisation.name_folded.in_(chunk), Organisation.deleted_at.is_(None))))
    for chunk in _chunks(sorted(wanted - set(people))):
        for person_id, name, year, country, city in db.session.execute(
                select(*columns).where(_among(Person.id, chunk, Integer), live)):
            people[person_id] = (name or "", year, country, _fold[city] if city else "")
    organisations: dict[int, list[str]] = {}
    for chunk in _chunks(sorted(people)):
        for person_id, organisation in db.session.execute(
            select(Membership.person_id, Organisation.name_folded)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(_among(Membership.person_id, chunk, Integer), Organisation.deleted_at.is_(None))
        ):
            organisations.setdefault(person_id, []).append(organisation)
    return people, organisations, contacts


def _register_pairs(people: dict, organisations: dict, contacts, only: set[int] | None,
                    threshold: int) -> dict[tuple[int, int], tuple[str, ...]]:
    """The pairs among `people` ({id: (folded name, birth year, country, folded city)}), with `organisations`
    ({id: [folded names]}) and `contacts` ((kind, normalized, person id)); only those touching `only`."""
    found: dict[tuple[int, int], set[str]] = {}

    def touches(a, b):
        return only is None or a in only or b in only

    # The same email, or the same phone between names that can be one person's.
    shared: dict[tuple[str, str], set[int]] = {}
    for kind, value, person_id in contacts:
        if person_id not in people:
            continue
        if kind == "email":
            shared.setdefault(("email", value), set()).add(person_id)
        elif value[:1] == "+":  # a phone in E.164 (one kept as written proves nothing)
            shared.setdefault(("phone", value), set()).add(person_id)
    for (reason, _value), ids in shared.items():
        if not 1 < len(ids) <= CONTACT_GROUP_LIMIT:
            continue
        ordered = sorted(ids)
        for index, a in enumerate(ordered):
            for b in ordered[index + 1:]:
                if touches(a, b) and same_person_names(people[a][0], people[b][0]):
                    found.setdefault((a, b), set()).add(reason)
    # The same or a near name, inside blocks of people sharing a backing fact and a name key: the people are
    # grouped by fact first, and only a fact two of them share splits by name keys (kept as strings made once
    # per person, whose hashes Python keeps).
    by_fact: dict[tuple, list[int]] = defaultdict(list)
    for person_id, (_name, year, country, city) in people.items():
        if country:
            if year:
                by_fact["y", year, country].append(person_id)
            if city:
                by_fact["c", country, city].append(person_id)
    for person_id, names in organisations.items():
        if person_id in people:
            for organisation in dict.fromkeys(names):
                by_fact["o", organisation].append(person_id)
    name_keys: dict[int, list[str]] = {}
    sorted_names: dict[int, str] = {}
    for fact, members in by_fact.items():
        if len(members) < 2 or (only is not None and only.isdisjoint(members)):
            continue
        exact, close = _BLOCK_REASONS[fact[0]]
        check_years = fact[0] != "y"
        blocks: dict[str, list[int]] = defaultdict(list)
        for person_id in members:
            keys = name_keys.get(person_id)
            if keys is None:
                keys = name_keys[person_id] = [kind + ":" + value
                                               for kind, value in _name_keys(people[person_id][0][:200])]
                sorted_names[person_id] = keys[0][2:]
            for key in keys:
                blocks[key].append(person_id)
        for key, ids in blocks.items():
            if len(ids) < 2 or (only is not None and only.isdisjoint(ids)):
                continue
            names = [sorted_names[person_id] for person_id in ids] if key[0] != "s" else None
            for i, a in enumerate(ids):
                if names is None:  # the same words: nothing to score
                    hits = zip(range(i + 1, len(ids)), repeat(100))
                else:
                    hits = ((i + 1 + index, score) for _, score, index in process.extract(
                        names[i], names[i + 1:], scorer=fuzz.ratio, score_cutoff=threshold, limit=None))
                year_a = people[a][1]
                for j, score in hits:
                    b = ids[j]
                    if a == b or not touches(a, b):
                        continue
                    if check_years and year_a and people[b][1] and year_a != people[b][1]:
                        continue  # known birth years that differ: two people
                    if not names_can_be_one(people[a][0][:200], people[b][0][:200]):
                        continue
                    pair = (a, b) if a < b else (b, a)
                    found.setdefault(pair, set()).add(exact if score == 100 else close)
    return {pair: _evidence(reasons) for pair, reasons in found.items()}
