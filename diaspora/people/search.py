"""Full-text index over people: what goes into it, and the engine-specific index behind it.

`people.search_text` holds the folded words of a person's names, contacts and organisations.
SQLite indexes it with an FTS5 table kept in sync by triggers; PostgreSQL with a GIN index on
its `simple` tsvector. Both answer word-prefix queries ("nguyen van hung", "dang") from the index.
"""
from dataclasses import dataclass

from sqlalchemy import event, func, select

from diaspora.people.contacts import PHONE_KINDS, phone_search_tokens
from diaspora.people.models import Person
from diaspora.text import fold_words

SQLITE_SEARCH_INDEX = (
    "CREATE VIRTUAL TABLE people_fts USING fts5("
    "search_text, content='people', content_rowid='id', tokenize='unicode61', prefix='2 3')",
    "CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN "
    "INSERT INTO people_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER people_fts_update AFTER UPDATE OF search_text ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO people_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_DROP_SEARCH_INDEX = (
    "DROP TRIGGER IF EXISTS people_fts_insert",
    "DROP TRIGGER IF EXISTS people_fts_delete",
    "DROP TRIGGER IF EXISTS people_fts_update",
    "DROP TABLE IF EXISTS people_fts",
)
POSTGRES_SEARCH_INDEX = (
    "CREATE INDEX ix_people_search_text ON people USING gin (to_tsvector('simple', search_text))",
)
POSTGRES_DROP_SEARCH_INDEX = ("DROP INDEX IF EXISTS ix_people_search_text",)


def create_search_index(connection) -> None:
    """Create the full-text index for the connection's engine (used by migrations and create_all)."""
    statements = SQLITE_SEARCH_INDEX if connection.dialect.name == "sqlite" else POSTGRES_SEARCH_INDEX
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_search_index(connection) -> None:
    statements = SQLITE_DROP_SEARCH_INDEX if connection.dialect.name == "sqlite" else POSTGRES_DROP_SEARCH_INDEX
    for statement in statements:
        connection.exec_driver_sql(statement)


event.listen(Person.__table__, "after_create", lambda target, connection, **kw: create_search_index(connection))
event.listen(Person.__table__, "before_drop", lambda target, connection, **kw: drop_search_index(connection))


def search_words(*, full_name, other_names=None, contacts=(), organisation_names=()) -> str:
    """The folded, de-duplicated words under which a person is found.

    `contacts` are (kind, normalized) pairs; phones add their international and national digits.
    """
    words: list[str] = []
    for text in (full_name, other_names, *organisation_names):
        words += fold_words(text)
    for kind, normalized in contacts:
        if kind in PHONE_KINDS and normalized.startswith("+"):
            words += phone_search_tokens(normalized)
        else:
            words += fold_words(normalized)
            if kind == "email":
                words.append("".join(fold_words(normalized)))
    return " ".join(dict.fromkeys(words))


def person_search_text(person: Person) -> str:
    """search_words for a loaded Person."""
    return search_words(
        full_name=person.full_name,
        other_names=person.other_names,
        contacts=[(contact.kind, contact.normalized) for contact in person.contacts],
        organisation_names=[m.organisation.name for m in person.memberships if m.organisation is not None],
    )


SORTS = {
    "name": (Person.name_folded, Person.id),
    "country": (Person.country_code, Person.name_folded, Person.id),
    "birth_year": (Person.birth_year, Person.name_folded, Person.id),
    "updated": (Person.updated_at, Person.id),
}


@dataclass
class PeopleQuery:
    """What the people list is asked for; lives in the URL."""

    q: str = ""
    country: str | None = None  # ISO alpha-2
    field: str | None = None  # Field.key
    role: str | None = None  # CommunityRole.key
    organisation_id: int | None = None
    status: str | None = None
    title: str | None = None  # academic title, folded prefix match ("gs", "ts")
    offer: str | None = None  # one of CONTRIBUTION_KINDS
    deleted: bool = False  # True lists only soft-deleted people (the admin's bin)
    sort: str = "name"  # a key of SORTS, "-" in front for descending
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args) -> "PeopleQuery":
        """Parse request arguments leniently: unknown or malformed values fall back to defaults."""

        def number(name, default):
            try:
                return max(1, int(args.get(name, default)))
            except (TypeError, ValueError):
                return default

        sort = args.get("sort", "name")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            country=(args.get("country") or "").upper() or None,
            field=args.get("field") or None,
            role=args.get("role") or None,
            organisation_id=number("organisation", None) if args.get("organisation") else None,
            status=args.get("status") or None,
            title=args.get("title") or None,
            offer=args.get("offer") or None,
            deleted=args.get("deleted") == "1",
            sort=sort if sort.lstrip("-") in SORTS else "name",
            page=number("page", 1),
            per_page=min(number("per_page", 50), 500),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        args = {
            "q": self.q, "country": self.country, "field": self.field, "role": self.role,
            "organisation": self.organisation_id, "status": self.status, "title": self.title,
            "offer": self.offer, "deleted": "1" if self.deleted else None,
            "sort": self.sort if self.sort != "name" else None,
        }
        return {key: value for key, value in args.items() if value}


@dataclass
class PeoplePage:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_people(query: PeopleQuery) -> PeoplePage:
    """One page of people matching the query, with the total count."""
    from diaspora.extensions import db
    from diaspora.people.models import Membership, PersonOffer, person_fields, person_roles
    from diaspora.reference.models import CommunityRole, Field

    conditions = [Person.deleted_at.is_not(None) if query.deleted else Person.deleted_at.is_(None)]
    words = fold_words(query.q)
    for word in words:
        conditions.append(Person.search_text.contains(word))
    if query.country:
        conditions.append(Person.country_code == query.country)
    if query.status:
        conditions.append(Person.status == query.status)
    if query.field:
        conditions.append(Person.id.in_(
            select(person_fields.c.person_id).join(Field, Field.id == person_fields.c.field_id)
            .where(Field.key == query.field)))
    if query.role:
        conditions.append(Person.id.in_(
            select(person_roles.c.person_id).join(CommunityRole, CommunityRole.id == person_roles.c.role_id)
            .where(CommunityRole.key == query.role)))
    if query.organisation_id:
        conditions.append(Person.id.in_(
            select(Membership.person_id).where(Membership.organisation_id == query.organisation_id)))
    if query.offer:
        conditions.append(Person.id.in_(select(PersonOffer.person_id).where(PersonOffer.kind == query.offer)))
    total = db.session.scalar(select(func.count()).select_from(Person).where(*conditions))
    order = SORTS[query.sort.lstrip("-")]
    if query.sort.startswith("-"):
        order = tuple(column.desc() for column in order)
    items = db.session.scalars(
        select(Person).where(*conditions).order_by(*order)
        .limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).unique().all()
    return PeoplePage(items=list(items), total=total, page=query.page, per_page=query.per_page)
