"""Finding people: the list query over the full-text index (diaspora.people.search_index), which holds the
people in the register only and answers word-prefix queries ("nguyen van hung", "dang") without reading the
table.

A list query is counted exactly from indexes, then the ids of one page are found, then those
people are loaded. Which way the page is found is decided from exact counts rather than left
to the planners, whose estimates for word searches and id sets are poor: walking an index in
the sort's order and keeping the matches, or collecting the matches and sorting them. On
PostgreSQL a text search gathers its matches once, for both the count and the page.

Lists are in Vietnamese alphabetical order by default (`people.sort_key`, see text.name_sort_key), through
an index on it; a text search in that order shows the best matches first (match_rank: the whole name, the
spelling typed, the words in order, prefixes, the rest), then each level in that order.
"""
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from sqlalchemy import (
    and_,
    case,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from diaspora.extensions import db
from diaspora.listing import ListQuery, Page, month_after, month_argument, whole_number
from diaspora.organisations.models import Membership
from diaspora.people.models import OUTREACH_RULES, Person, PersonOffer, person_fields, person_roles
from diaspora.reference.models import CommunityRole, Field
from diaspora.text import clean_text, fold, fold_words, title_case

# "name", the default, is the Vietnamese alphabetical order (Person.sort_key: given name first, a foreign
# expert's family name first); "written" is the name as written (family name first), letter by letter.
# A text search in the default order shows the best matches first (match_rank), each group in that order.
SORTS = {
    "name": (Person.sort_key, Person.id),
    "written": (Person.name_folded, Person.id),
    "country": (Person.country_code, Person.sort_key, Person.id),
    "birth_year": (Person.birth_year, Person.sort_key, Person.id),
    "updated": (Person.updated_at, Person.id),
}
# The orders offered in the list's filter bar (the column headers offer the others, descending too).
SORT_OPTIONS = {
    "name": _l("Họ tên (A-Z theo tên)"),
    "-name": _l("Họ tên (Z-A theo tên)"),
    "written": _l("Họ tên như đã viết (A-Z theo họ)"),
    "-updated": _l("Mới cập nhật trước"),
    "country": _l("Nước cư trú"),
    "birth_year": _l("Năm sinh (lớn tuổi trước)"),
    "-birth_year": _l("Năm sinh (trẻ tuổi trước)"),
}
MAX_TERMS = 12
MAX_TERM_LENGTH = 64
_PHONE_QUERY = re.compile(r"[\d\s\-.()/+\u00a0]+")
_people_fts = table("people_fts", column("rowid"))
_IN_REGISTER = Person.deleted_at.is_(None)
# The bin: soft-deleted people, not the tombstones of erased ones (they are out of every list).
_IN_BIN = and_(Person.deleted_at.is_not(None), Person.erased_at.is_(None))


@dataclass
class PeopleQuery(ListQuery):
    """What the people list is asked for; lives in the URL."""

    q: str = ""
    country: str | None = None  # ISO alpha-2
    field: str | None = None  # Field.key
    role: str | None = None  # CommunityRole.key
    organisation_id: int | None = None
    status: str | None = None
    title: str | None = None  # academic title, folded prefix match ("gs", "ts")
    offer: str | None = None  # one of CONTRIBUTION_KINDS
    added: date | None = None  # the first day of the month people were added to the register in (created_at)
    deleted: bool = False  # True lists only soft-deleted people (the admin's bin)
    # True for lists used to contact people (the expert finder): those who refused or withdrew consent, or
    # whose processing is restricted, are left out (models.OUTREACH_RULES). Set by the list, not the URL.
    outreach: bool = False
    sort: str = "name"  # a key of SORTS, "-" in front for descending

    SORTS = SORTS

    @property
    def ranked(self) -> bool:
        """Whether the best matches come first: a text search in the default order (by name, A to Z)."""
        return self.sort == "name" and match_rank(self.q) is not None

    @classmethod
    def from_args(cls, args) -> "PeopleQuery":
        """Parse request arguments leniently: unknown or malformed values fall back to defaults."""
        return cls(
            q=(args.get("q") or "").strip()[:200],
            country=(args.get("country") or "").upper() or None,
            field=args.get("field") or None,
            role=args.get("role") or None,
            organisation_id=whole_number(args, "organisation"),
            status=args.get("status") or None,
            title=args.get("title") or None,
            offer=args.get("offer") or None,
            added=month_argument(args, "added"),
            deleted=args.get("deleted") == "1",
            **cls.paging(args),
        )

    def to_args(self) -> dict:
        """The non-default values, as URL arguments."""
        return self.link_args(q=self.q, country=self.country, field=self.field, role=self.role,
                              organisation=self.organisation_id, status=self.status, title=self.title,
                              offer=self.offer, added=f"{self.added:%Y-%m}" if self.added else None,
                              deleted=self.deleted)


def month_instants(month: date) -> tuple[datetime, datetime]:
    """When a month of the office's calendar starts and the next one starts, in UTC as created_at is stored:
    the people added in the month are those created in [start, end)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start, end = (datetime.combine(day, time(), zone).astimezone(UTC) for day in (month, month_after(month)))
    return start, end


def search_terms(text: str | None) -> list[str]:
    """The index words a search text asks for; each must start a word of a person's search_text.

    A phone number written any usual way becomes one digit string (without "+" or "00"), found
    in its international or national form; an email address becomes its joined words.
    """
    text = (text or "").strip()
    if _PHONE_QUERY.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 6:
            return [digits.removeprefix("00")[:MAX_TERM_LENGTH]]
    local, at, _ = text.partition("@")
    if at and fold_words(local):
        return ["".join(fold_words(text))[:MAX_TERM_LENGTH]]
    return [word[:MAX_TERM_LENGTH] for word in dict.fromkeys(fold_words(text))][:MAX_TERMS]


_TYPED_WORDS = re.compile(r"[^\W_]+")


def _padded(column):
    """' ' || column || ' ' with each space doubled, so that LIKE '% an % binh %' finds whole words in order
    with or without words between them (each pattern word takes a space of its own on both sides)."""
    return literal(" ").op("||")(func.replace(column, " ", "  ")).op("||")(literal(" "))


def match_rank(text: str | None):
    """How well a person's name matches a typed text, as a SQL expression (0 best), or None when the text is
    no name (empty, a phone number, an email address):

    0. the whole name spelt as typed, diacritics included (only when some were typed: "Nguyễn Văn Thử");
    1. the whole name without diacritics ("nguyen van thu" finds "Nguyễn Văn Thử", "Nguyễn Văn Thư");
    2. the typed words, spelt as typed, as whole words of the name in the order typed (diacritics typed);
    3. the typed words as whole words of the name, in order, without diacritics ("nguyen thu" → Nguyễn Văn Thu);
    4. the typed words starting words of the name, in order ("nguyen van thu" → "Nguyễn Văn Thuận");
    5. the rest (found in the name in another order, in other names, contacts or organisations).

    Names are stored in title case (proper_name), so the typed words are compared in title case too. The
    expression reads the person's own columns only; the search conditions decide who is found.
    """
    rank = _rank(text)
    return rank.expression if rank is not None else None


@dataclass
class _Rank:
    expression: object  # the CASE giving each person's level
    whole_name: object  # a condition every person of levels 0 and 1 meets, answered by the name index
    levels: tuple  # the levels the expression can give, best first


def _rank(text: str | None) -> _Rank | None:
    words = [word[:MAX_TERM_LENGTH] for word in fold_words(text)][:MAX_TERMS]
    if not words or not set(search_terms(text)) <= set(words):
        return None
    typed = clean_text(text) or ""
    spelt = [title_case(word) for word in _TYPED_WORDS.findall(typed)][:MAX_TERMS]
    accented = bool(not typed.isascii() and spelt)
    whole_name = Person.name_folded.in_(sorted({" ".join(words), fold(typed)[:200]}))
    whens = [(and_(whole_name, Person.full_name.in_(sorted({" ".join(spelt), typed}))), 0)] if accented else []
    whens.append((whole_name, 1))
    if accented:
        whens.append((_padded(Person.full_name).like("% " + " % ".join(spelt) + " %"), 2))
    whens.append((_padded(Person.name_folded).like("% " + " % ".join(words) + " %"), 3))
    whens.append((literal(" ").op("||")(Person.name_folded).like("".join(f"% {word}" for word in words) + "%"), 4))
    levels = tuple(level for _, level in whens) + (5,)
    return _Rank(case(*whens, else_=5), whole_name, levels)


def _ordering(query: "PeopleQuery", columns=None) -> list:
    """The ORDER BY of a list query: its sort's columns, after the match rank when the best come first."""
    ordered = query.ordered(columns)
    return [match_rank(query.q), *ordered] if query.ranked else ordered


def fts_match_expression(terms: list[str]) -> str:
    """An FTS5 query matching every term as a word prefix: "nguyen"* "van"*."""
    # Terms are [0-9a-z]+ (fold_words), so quoting them is all FTS5's syntax needs.
    return " ".join(f'"{term}"*' for term in terms)


def tsquery_expression(terms: list[str]) -> str:
    """A PostgreSQL tsquery matching every term as a word prefix: nguyen:* & van:*."""
    return " & ".join(f"{term}:*" for term in terms)


def _fts_match(terms: list[str]):
    return literal_column("people_fts").op("MATCH")(fts_match_expression(terms))


def text_condition(terms: list[str], dialect: str):
    """A condition on Person's own columns: every term starts a word of search_text.

    On PostgreSQL the GIN index answers it for the register. SQLite's FTS table holds the
    register only and is queried as a set of ids; this form serves the bin, which is small.
    """
    if dialect == "sqlite":
        padded = literal(" ").op("||")(Person.search_text)
        return and_(*(padded.like(f"% {term}%") for term in terms))
    # The literal 'simple' makes the expression the index's own, so the planner uses the index.
    return func.to_tsvector(literal_column("'simple'"), Person.search_text).bool_op("@@")(
        func.to_tsquery(literal_column("'simple'"), tsquery_expression(terms))
    )


def matching_titles(title: str, deleted: bool = False) -> list[str]:
    """The stored academic titles whose words start with the words asked: "gs" → "GS. TS."."""
    wanted = fold_words(title)
    in_list = Person.deleted_at.is_not(None) if deleted else Person.deleted_at.is_(None)
    stored = db.session.scalars(
        select(Person.academic_title).where(in_list, Person.academic_title.is_not(None)).distinct()
    )
    return [
        value for value in stored
        if all(any(word.startswith(prefix) for word in fold_words(value)) for prefix in wanted)
    ]


def _key_id(model, key: str) -> int | None:
    return db.session.scalar(select(model.id).where(model.key == key))


def _hidden(expression):
    """`+expression`: SQLite will not use an index for it, so it tests the value row by row."""
    return UnaryExpression(expression, operator=custom_op("+"))


@dataclass
class _Conditions:
    """A list query's conditions, split by how the engines can use them."""

    in_list: object  # the register or the bin
    filters: dict  # column → function building the condition on that column (or on +column)
    text: object  # the text condition when it is not an id set (PostgreSQL, the bin on SQLite)
    sets: list  # subqueries giving the ids a person must be among
    terms: list[str]
    _sizes: list | None = None

    def sizes(self) -> list[int]:
        """How many ids each set holds (each count is read from an index)."""
        if self._sizes is None:
            self._sizes = [db.session.scalar(select(func.count()).select_from(s.subquery())) for s in self.sets]
        return self._sizes

    def where(self, walk: bool = False, walked=None, driver: int | None = None) -> list:
        """WHERE clauses steering SQLite's planner, which otherwise looks up the people of an id
        set one by one. With `walk` the ids are hidden from it, so it walks an index of people and
        tests each id against the sets, held in memory; `walked` (a tuple of columns) then names
        the filtered columns whose index it may walk (none: the sort's index). `driver` is the
        one set whose people are looked up, the others being tested in memory."""
        conditions = [self.in_list]
        for column, build in self.filters.items():
            visible = walked is None or column in walked
            conditions.append(build(column if visible else _hidden(column)))
        if self.text is not None:
            conditions.append(self.text)
        for index, subquery in enumerate(self.sets):
            visible = not walk and (driver is None or index == driver)
            conditions.append((Person.id if visible else _hidden(Person.id)).in_(subquery))
        return conditions


def _conditions(query: PeopleQuery, dialect: str) -> _Conditions | None:
    """The query's conditions; None when no one can match."""
    terms = search_terms(query.q)
    if query.q.strip() and not terms:
        return None
    conditions = _Conditions(in_list=_IN_BIN if query.deleted else _IN_REGISTER, filters={}, text=None,
                             sets=[], terms=terms)
    if terms and dialect == "sqlite" and not query.deleted:
        conditions.sets.append(select(_people_fts.c.rowid).where(_fts_match(terms)))
    elif terms:
        conditions.text = text_condition(terms, dialect)
    if query.outreach:
        conditions.filters.update((getattr(Person, name), rule) for name, rule in OUTREACH_RULES.items())
    if query.country:
        conditions.filters[Person.country_code] = lambda column: column == query.country
    if query.status:
        conditions.filters[Person.status] = lambda column: column == query.status
    if query.added:
        start, end = (literal(instant, Person.created_at.type) for instant in month_instants(query.added))
        conditions.filters[Person.created_at] = lambda column: and_(column >= start, column < end)
    if query.title and fold_words(query.title):
        titles = matching_titles(query.title, query.deleted)
        if not titles:
            return None
        conditions.filters[Person.academic_title] = lambda column: column.in_(titles)
    for key, model, link, link_column in (
        (query.field, Field, person_fields.c.person_id, person_fields.c.field_id),
        (query.role, CommunityRole, person_roles.c.person_id, person_roles.c.role_id),
    ):
        if key:
            key_id = _key_id(model, key)
            if key_id is None:
                return None
            conditions.sets.append(select(link).where(link_column == key_id))
    if query.organisation_id:
        # Distinct: someone may have been a member twice (two periods).
        conditions.sets.append(
            select(Membership.person_id).where(Membership.organisation_id == query.organisation_id).distinct()
        )
    if query.offer:
        conditions.sets.append(select(PersonOffer.person_id).where(PersonOffer.kind == query.offer))
    return conditions


def _count(conditions: _Conditions, dialect: str) -> int:
    """The exact number of matches, read from indexes only."""
    if not conditions.sets or conditions.filters or conditions.text is not None or conditions.in_list is _IN_BIN:
        # SQLite walks the index of a column condition (the bin's is small) and tests the ids
        # against the sets; PostgreSQL combines its indexes itself.
        where = conditions.where(walk=dialect == "sqlite")
        return db.session.scalar(select(func.count()).select_from(Person).where(*where))
    # Only id sets: count the smallest set's ids that are in all the others without reading
    # people, then take away those in the bin (few, and none in SQLite's full-text table).
    sizes = conditions.sizes() if len(conditions.sets) > 1 else [0]
    driver = sizes.index(min(sizes))
    smallest = conditions.sets[driver].subquery()
    others = [subquery for index, subquery in enumerate(conditions.sets) if index != driver]
    total = db.session.scalar(
        select(func.count()).select_from(smallest).where(*(_hidden(smallest.c[0]).in_(other) for other in others))
    )
    if not (conditions.terms and dialect == "sqlite"):
        binned = [_IN_BIN, *(_hidden(Person.id).in_(subquery) for subquery in conditions.sets)]
        total -= db.session.scalar(select(func.count()).select_from(Person).where(*binned))
    return total


def _sqlite_page_where(query: PeopleQuery, conditions: _Conditions, total: int, columns) -> list:
    """WHERE clauses leading SQLite to the cheapest way to one page, costed from exact counts.

    Walking an index in the sort's order reads entries until the page is full and tests each
    against the id sets held in memory; collecting looks up every id of the smallest set and
    sorts the matches (a lookup costs a few index entries).
    """
    wanted = query.offset + query.per_page
    table_size = db.session.scalar(select(func.max(Person.id))) or 1
    # (cost, walk, walked columns, driver set)
    plans = [(min(table_size, wanted * table_size / total), True, (), None)]
    ordered_by = next((column for key, column in (("country", Person.country_code), ("status", Person.status))
                       if getattr(query, key) and column in conditions.filters
                       and (columns[0] is Person.sort_key or columns[0] is column)), None)
    if ordered_by is not None:
        size = db.session.scalar(select(func.count()).select_from(Person).where(
            conditions.in_list, conditions.filters[ordered_by](ordered_by)))
        plans.append((min(size, wanted * size / total), True, (ordered_by,), None))
    if conditions.sets:
        sizes = conditions.sizes()
        plans.append((2.5 * min(sizes), False, None, sizes.index(min(sizes))))
    elif conditions.filters or conditions.text is not None:
        plans.append((2.5 * total, False, None, None))  # the planner collects from a column's index
    _, walk, walked, driver = min(plans, key=lambda plan: plan[0])
    return conditions.where(walk=walk, walked=walked, driver=driver)


def _page_ids(query: PeopleQuery, conditions: _Conditions, dialect: str, total: int) -> list[int]:
    """The ids of one page, in order."""
    columns = SORTS[query.sort_key]
    if dialect == "sqlite" and query.ranked:
        return _sqlite_ranked_ids(query, conditions, total)
    if dialect == "sqlite":
        statement = select(Person.id).where(*_sqlite_page_where(query, conditions, total, columns))
    else:
        statement = select(Person.id).where(*conditions.where())
    statement = statement.order_by(*_ordering(query, columns))
    return list(db.session.scalars(statement.limit(query.per_page).offset(query.offset)))


# Up to this many matches, SQLite ranks them all in one statement; beyond, the first page is found level by level.
RANK_ALL_UP_TO = 3000


def _sqlite_ranked_ids(query: PeopleQuery, conditions: _Conditions, total: int) -> list[int]:
    """The ids of one page of a text search, best match first, on SQLite.

    No index gives that order. Few matches, or a page after the first, are ranked all at once: the matches are
    collected (the smallest id set's) and sorted by level, then name. The first page of many matches ("nguyen":
    40% of the register) is filled level by level instead: the whole names from the name index, then each level
    by walking the name order's index until the page is full, the level computed only for the matches walked
    (the best level of a common word is common, so its walk stops early).
    """
    rank = _rank(query.q)
    columns = SORTS["name"]
    if query.offset or total <= RANK_ALL_UP_TO:
        driver = None
        if conditions.sets:
            sizes = conditions.sizes() if len(conditions.sets) > 1 else [0]
            driver = sizes.index(min(sizes))
        statement = select(Person.id).where(*conditions.where(driver=driver)).order_by(rank.expression, *columns)
        return list(db.session.scalars(statement.limit(query.per_page).offset(query.offset)))
    ids: list[int] = []
    whole_names = (select(Person.id).where(*conditions.where(walk=True), rank.whole_name)
                   .order_by(rank.expression, *columns).limit(query.per_page))
    ids += db.session.scalars(whole_names)
    for level in rank.levels:
        if len(ids) == query.per_page:
            break
        if level <= 1:
            continue
        walk = (select(Person.id).where(*conditions.where(walk=True), rank.expression == level)
                .order_by(*columns).limit(query.per_page - len(ids)))
        ids += db.session.scalars(walk)
    return ids


def _gathered_page(query: PeopleQuery, conditions: _Conditions) -> tuple[int, list[int]]:
    """PostgreSQL text search: gather the matches once from the GIN index, count them and sort a page.

    Walking a sort index instead would recompute the tsvector of every row it reads, and names
    that match cluster in the name order, so a walk may read most of the table to fill a page.
    """
    columns = SORTS[query.sort_key]
    # MATERIALIZED: one pass over the index's matches feeds both the count and the page.
    matches = select(*{column.key: column for column in (Person.id, *columns)}.values())
    if query.ranked:
        matches = matches.add_columns(match_rank(query.q).label("match_rank"))
    matches = matches.where(*conditions.where()).cte("matches").prefix_with("MATERIALIZED")
    ordered = query.ordered([matches.c[column.key] for column in columns])
    page = (
        select(matches.c.id)
        .order_by(*([matches.c.match_rank, *ordered] if query.ranked else ordered))
        .limit(query.per_page).offset(query.offset)
        .subquery().lateral("page")
    )
    total = select(func.count()).select_from(matches).scalar_subquery()
    rows = db.session.execute(
        select(total.label("total"), page.c.id).select_from(select(literal(1)).subquery().outerjoin(page, true()))
    ).all()
    return rows[0].total, [row.id for row in rows if row.id is not None]


def search_people(query: PeopleQuery) -> Page:
    """One page of people matching the query, with the exact total count."""
    dialect = db.engine.dialect.name
    conditions = _conditions(query, dialect)
    total, ids = 0, []
    if conditions is not None and conditions.terms and dialect == "postgresql":
        total, ids = _gathered_page(query, conditions)
        if not ids and query.keep_within(total):
            total, ids = _gathered_page(query, conditions)
    elif conditions is not None:
        total = _count(conditions, dialect)
        query.keep_within(total)
        if total > query.offset:
            ids = _page_ids(query, conditions, dialect, total)
    people = {}
    if ids:
        people = {person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return Page([people[i] for i in ids if i in people], total, query)


def count_people(query: PeopleQuery) -> int:
    """How many people the list query finds (the count of search_people, without a page)."""
    conditions = _conditions(query, db.engine.dialect.name)
    return 0 if conditions is None else _count(conditions, db.engine.dialect.name)


def filtered_people_select(query: PeopleQuery):
    """SELECT of every person the query finds, in the list's order, without pagination (exports)."""
    conditions = _conditions(query, db.engine.dialect.name)
    if conditions is None:
        return select(Person).where(Person.id.is_(None))
    return select(Person).where(*conditions.where()).order_by(*_ordering(query))
