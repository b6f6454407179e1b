"""Lists in pages, written once for every list of records: the page, its size and the order read from
the URL, the page of results templates show, and the URL arguments that keep a list's filters in its links.

A list's query is a dataclass subclassing ListQuery with its own filters; it reads them from the URL in
`from_args` (with `paging(args)` for the page, its size and the order) and writes them back in `to_args`
(with `link_args`). A page of results is Flask-SQLAlchemy's Pagination (items, total, page, per_page,
pages, has_prev, has_next…): `paginate` runs a select's count and page, `Page` holds a page a list found
its own way (the people list counts from its indexes).
"""
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from flask_sqlalchemy.pagination import Pagination, SelectPagination

from diaspora.extensions import db

PER_PAGE = 50
MAX_PER_PAGE = 500
# The largest whole number taken from the URL: a page number or an id beyond it finds nothing anyway,
# and (page - 1) × MAX_PER_PAGE stays far inside the 64-bit integers SQL engines take.
LARGEST = 2**31 - 1


def record_id(value) -> int | None:
    """An id taken from a URL or a form: a whole number from 1 to LARGEST (the largest a table holds),
    else None; a larger one names no record and must not reach the database, which would refuse it."""
    text = str(value).strip() if value is not None else ""
    if not text.isdecimal() or len(text) > len(str(LARGEST)):
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST else None


def whole_number(args, name: str, default=None, *, maximum: int = LARGEST):
    """A whole number ≥ 1 from request arguments, at most `maximum`; `default` when missing or malformed."""
    try:
        return min(max(1, int(args.get(name))), maximum)
    except (TypeError, ValueError):
        return default


def month_argument(args, name: str) -> date | None:
    """The first day of the month a request argument names as YYYY-MM (2026-03), a list's month filter;
    None when missing or malformed."""
    year, dash, month = (args.get(name) or "").strip().partition("-")
    if not (dash and len(year) == 4 and year.isdecimal() and len(month) == 2 and month.isdecimal()):
        return None
    return date(int(year), int(month), 1) if 1900 <= int(year) <= 2100 and 1 <= int(month) <= 12 else None


def month_after(month: date) -> date:
    """The first day of the month after the one `month` is in (a month filter's end, excluded)."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass
class ListQuery:
    """The page, its size and the order of a list; a list's query subclasses it with its filters.

    SORTS maps the sort keys a list offers to their columns ("-" before a key sorts descending); the
    `sort` field's default is the list's order when none is asked (none at all: the list has one order).
    """

    sort: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    SORTS: ClassVar[dict] = {}

    @classmethod
    def default(cls, name: str):
        """A field's default: the list's own order or page size."""
        return cls.__dataclass_fields__[name].default

    @classmethod
    def paging(cls, args) -> dict:
        """`sort`, `page` and `per_page` from request arguments, for the subclass's constructor: unknown
        sorts and malformed numbers give the defaults, numbers out of range are clamped."""
        sort = args.get("sort") or cls.default("sort")
        return {
            "sort": sort if sort.lstrip("-") in cls.SORTS else cls.default("sort"),
            "page": whole_number(args, "page", 1),
            "per_page": whole_number(args, "per_page", cls.default("per_page"), maximum=MAX_PER_PAGE),
        }

    def link_args(self, **filters) -> dict:
        """URL arguments for links to this list: the filters given (empty ones left out, True written
        "1"), then the sort and the page size when they are not the defaults. Links add the page."""
        values = {**filters, **{name: getattr(self, name) for name in ("sort", "per_page")
                                if getattr(self, name) != self.default(name)}}
        return {name: "1" if value is True else value for name, value in values.items() if value}

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    def ordered(self, columns=None) -> list:
        """ORDER BY clauses: `columns` (by default the sort's own, from SORTS, where a function builds
        its column for each statement, e.g. a correlated count), each descending when the sort starts
        with "-"."""
        if columns is None:
            columns = [column() if callable(column) else column for column in self.SORTS[self.sort_key]]
        return [column.desc() for column in columns] if self.sort.startswith("-") else list(columns)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def keep_within(self, total: int) -> bool:
        """Move a page number beyond the last page of `total` rows to the last (the first when there are
        none), as a bookmarked or typed URL may ask; whether it moved."""
        last = max(1, -(-total // self.per_page))
        moved, self.page = self.page > last, min(self.page, last)
        return moved


class Page(Pagination):
    """A page of a list whose items and total were found by the list itself, with the attributes of
    db.paginate's pages (a page beyond the last has no items but the true total)."""

    def __init__(self, items: list, total: int, query: ListQuery):
        super().__init__(page=query.page, per_page=query.per_page, max_per_page=None, error_out=False,
                         items=items, total=total)

    def _query_items(self) -> list:
        return list(self._query_args["items"])

    def _query_count(self) -> int:
        return self._query_args["total"]


class _RowsPage(SelectPagination):
    """db.paginate's page keeping whole rows: an entity and the values computed beside it."""

    def _query_items(self) -> list:
        statement = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return [tuple(row) for row in self._query_args["session"].execute(statement).unique()]


def paginate(statement, query: ListQuery, *, rows: bool = False) -> Pagination:
    """The query's page of a select, with the number of all its rows (db.paginate, never a 404: a page
    beyond the last shows the last, and the query says so). Items are the select's first column, or with
    `rows` its whole rows."""
    page = _fetch_page(statement, query, rows)
    if not page.items and query.keep_within(page.total):
        page = _fetch_page(statement, query, rows)
    return page


def page_of(statement, page: int, per_page: int) -> Pagination:
    """paginate for a list with no filters of its own: the page of that number (the last when beyond it)."""
    return paginate(statement, ListQuery(page=max(page, 1), per_page=per_page))


def _fetch_page(statement, query: ListQuery, rows: bool) -> Pagination:
    if rows:
        return _RowsPage(select=statement, session=db.session(), page=query.page, per_page=query.per_page,
                         max_per_page=None, error_out=False)
    return db.paginate(statement, page=query.page, per_page=query.per_page, max_per_page=None, error_out=False)
