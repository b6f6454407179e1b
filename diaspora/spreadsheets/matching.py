"""Duplicate people, inside the file and against the register, each match with its reason.

Evidence that two rows are one person: the same email; the same phone; the same folded name with
the same birth year and country; or a name close enough (rapidfuzz ratio on the folded, sorted
words ≥ the threshold) when another fact backs it: the same birth year and country, the same city
and country, or the same organisation. A name alone is never evidence: two "Nguyễn Văn Nam" with
different birth years, countries, phones and emails are two people. Known birth years that differ
rule a match on name out.

The register is read with a few bulk queries (keys loaded into dicts), never one query per row;
fuzzy comparisons run only inside blocks of rows sharing a backing fact.
"""
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.people.contacts import PHONE_KINDS
from diaspora.people.models import Contact, Membership, Person
from diaspora.spreadsheets.pipeline import CleanRow, Problem
from diaspora.text import fold

FUZZY_THRESHOLD = 92
MAX_MATCHES = 10
CHUNK = 5000

REASONS = {
    "email": _l("trùng email"),
    "phone": _l("trùng số điện thoại"),
    "name_birth_country": _l("trùng họ tên + năm sinh + quốc gia"),
    "name_city": _l("trùng họ tên + cùng thành phố"),
    "name_organisation": _l("trùng họ tên + cùng tổ chức"),
    "fuzzy_birth_country": _l("họ tên gần giống + cùng năm sinh, quốc gia"),
    "fuzzy_city": _l("họ tên gần giống + cùng thành phố"),
    "fuzzy_organisation": _l("họ tên gần giống + cùng tổ chức"),
}
_STRENGTH = {reason: rank for rank, reason in enumerate(REASONS)}
# A block is a backing fact: ("y", birth year, country), ("c", country, city), ("o", organisation).
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

    def to_json(self) -> dict:
        target = {"row": self.row} if self.row is not None else {"person_id": self.person_id}
        return {**target, "reason": self.label}


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    return fold(text)


def _sorted_words(name_folded: str) -> str:
    return " ".join(sorted(name_folded.split()))


@dataclass
class _Keys:
    row: int
    name: str
    sorted_name: str
    birth_year: int | None
    country: str | None
    city: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    organisations: tuple[str, ...]
    exclude: int | None  # the record the row's ID names is not its own duplicate

    def blocks(self) -> list[tuple]:
        blocks = []
        if self.birth_year and self.country:
            blocks.append(("y", self.birth_year, self.country))
        if self.city and self.country:
            blocks.append(("c", self.country, self.city))
        blocks += [("o", organisation) for organisation in self.organisations]
        return blocks


def _keys(row: CleanRow) -> _Keys:
    values = row.values
    name = _fold(values["full_name"])[:200]
    contacts = values.get("phones", ()) + values.get("emails", ()) + values.get("zalo", ()) \
        + values.get("other_contacts", ())
    birth = values.get("birth_date")
    return _Keys(
        row=row.row, name=name, sorted_name=_sorted_words(name),
        birth_year=birth[1] if birth else None, country=values.get("country"),
        city=_fold(values["city"]) if values.get("city") else "",
        emails=tuple(dict.fromkeys(n for kind, _, n in contacts if kind == "email")),
        phones=tuple(dict.fromkeys(n for kind, _, n in contacts if kind in PHONE_KINDS and n.startswith("+"))),
        organisations=tuple(dict.fromkeys(_fold(name)[:300] for name in values.get("organisations", ()))),
        exclude=values.get("id"),
    )


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def check_ids(rows: list[CleanRow], id_header: str = "ID") -> None:
    """Add a problem to each valid row whose ID names no record of the register (one query per 5,000)."""
    wanted = [row.values["id"] for row in rows if row.valid and row.values.get("id")]
    found = set()
    for chunk in _chunks(list(dict.fromkeys(wanted))):
        found.update(db.session.scalars(select(Person.id).where(Person.id.in_(chunk), Person.deleted_at.is_(None))))
    for row in rows:
        person_id = row.values.get("id")
        if row.valid and person_id and person_id not in found:
            row.problems.append(Problem(row.row, id_header, _(
                "Không có hồ sơ nào mang ID %(id)d (có thể đã bị xoá).", id=person_id)))


class _Register:
    """The keys of existing people that the file's rows could match, loaded in bulk."""

    def __init__(self, keys: list[_Keys]):
        self.emails = self._contacts(("email",), {email for key in keys for email in key.emails})
        self.phones = self._contacts(PHONE_KINDS, {phone for key in keys for phone in key.phones})
        self.blocks: dict[tuple, tuple[list[str], list[int], list]] = {}
        wanted = {block for key in keys for block in key.blocks()}
        countries = sorted({key.country for key in keys if key.country})
        for chunk in _chunks(countries, 500):
            for person_id, name, birth_year, country, city in db.session.execute(
                select(Person.id, Person.name_folded, Person.birth_year, Person.country_code, Person.city)
                .where(Person.country_code.in_(chunk), Person.deleted_at.is_(None))
            ):
                person_blocks = [("y", birth_year, country)] if birth_year else []
                if city:
                    person_blocks.append(("c", country, _fold(city)))
                self._add(person_blocks, wanted, name, person_id, birth_year)
        organisations = sorted({block[1] for block in wanted if block[0] == "o"})
        for chunk in _chunks(organisations):
            for person_id, name, birth_year, organisation in db.session.execute(
                select(Person.id, Person.name_folded, Person.birth_year, Organisation.name_folded)
                .join(Membership, Membership.person_id == Person.id)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .where(Organisation.name_folded.in_(chunk), Person.deleted_at.is_(None),
                       Organisation.deleted_at.is_(None))
            ):
                self._add([("o", organisation)], wanted, name, person_id, birth_year)

    def _add(self, person_blocks, wanted, name, person_id, birth_year) -> None:
        for block in person_blocks:
            if block in wanted:
                names, ids, years = self.blocks.setdefault(block, ([], [], []))
                names.append(_sorted_words(name))
                ids.append(person_id)
                years.append(birth_year)

    @staticmethod
    def _contacts(kinds, values: set[str]) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for chunk in _chunks(sorted(values)):
            for normalized, person_id in db.session.execute(
                select(Contact.normalized, Contact.person_id)
                .join(Person, Person.id == Contact.person_id)
                .where(Contact.kind.in_(kinds), Contact.normalized.in_(chunk), Person.deleted_at.is_(None))
                .order_by(Contact.person_id)
            ):
                found.setdefault(normalized, []).append(person_id)
        return found


def _close_names(sorted_name: str, block, birth_year, kind: str, threshold: int):
    """(index, reason) of the names in a block close to this one, birth years permitting."""
    names, _ids, years = block
    for _, score, index in process.extract(sorted_name, names, scorer=fuzz.ratio, score_cutoff=threshold,
                                           limit=None):
        if kind != "y" and birth_year and years[index] and years[index] != birth_year:
            continue
        exact, close = _BLOCK_REASONS[kind]
        yield index, exact if score == 100 else close


def _evidence(reasons: set[str]) -> tuple[str, ...]:
    """Every contact shared, and the strongest of the name-based reasons (the others add nothing)."""
    ordered = sorted(reasons, key=_STRENGTH.get)
    contacts = [reason for reason in ordered if reason in ("email", "phone")]
    names = [reason for reason in ordered if reason not in ("email", "phone")]
    return tuple(contacts + names[:1])


def find_duplicates(rows: list[CleanRow], threshold: int = FUZZY_THRESHOLD) -> dict[int, list[Match]]:
    """{Excel row: matches, strongest first} for the valid rows that duplicate a record or an earlier row."""
    keys = [_keys(row) for row in rows if row.valid]
    register = _Register(keys)
    seen_emails: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    file_blocks: dict[tuple, tuple[list[str], list[int], list]] = {}
    duplicates: dict[int, list[Match]] = {}
    for key in keys:
        found: dict[tuple, set[str]] = {}

        def note(reason, *, row=None, person_id=None):
            if person_id is None or person_id != key.exclude:
                found.setdefault(("row", row) if row is not None else ("person", person_id), set()).add(reason)

        for values, register_index, seen, reason in ((key.emails, register.emails, seen_emails, "email"),
                                                      (key.phones, register.phones, seen_phones, "phone")):
            for value in values:
                for person_id in register_index.get(value, ()):
                    note(reason, person_id=person_id)
                if value in seen:
                    note(reason, row=seen[value])
                else:
                    seen[value] = key.row
        for block in key.blocks():
            kind = block[0]
            known = register.blocks.get(block)
            if known:
                for index, reason in _close_names(key.sorted_name, known, key.birth_year, kind, threshold):
                    note(reason, person_id=known[1][index])
            earlier = file_blocks.setdefault(block, ([], [], []))
            if earlier[0]:
                for index, reason in _close_names(key.sorted_name, earlier, key.birth_year, kind, threshold):
                    note(reason, row=earlier[1][index])
            earlier[0].append(key.sorted_name)
            earlier[1].append(key.row)
            earlier[2].append(key.birth_year)
        if found:
            # Records of the register first, then rows of the file; the strongest evidence first within each.
            matches = [Match(_evidence(reasons), row=target if kind == "row" else None,
                             person_id=target if kind == "person" else None)
                       for (kind, target), reasons in found.items()]
            matches.sort(key=lambda m: (m.row is not None, _STRENGTH[m.reason], m.row or m.person_id))
            duplicates[key.row] = matches[:MAX_MATCHES]
    return duplicates
