"""Columns and sheets: the one declaration of a spreadsheet that import mapping, export, templates and docs read.

Each feature declares its own sheets with these classes (people/columns.py: PEOPLE; outreach/columns.py:
CHANNELS, PARTICIPANTS); this library knows none of them.

A Column knows its key, its Vietnamese and English headers, the other headers staff write for it
(aliases), how to clean a cell (`clean(value, ctx)`, see cleaners.py) and how to render a record
back into cell text that `clean` reads again (`render(person)`). Header matching ignores case,
diacritics, punctuation and spacing (diaspora.text.fold_key).

What a cleaned value fills:
- `attributes`: the Person attributes, in order; a single attribute takes the value, several take
  the items of the tuple the cleaner returns (birth_date → (birth_date, birth_year)).
- `relation`: "id" (the record to update), "contacts" (tuples (kind, value, normalized)),
  "fields" / "roles" (ids), "organisations" (names; memberships by folded name), "offers" (contribution
  kinds); for channels
  "person" (("id", n) or ("name", text)), "organisation" (a name), "products" (product ids);
  "participation" (the row's part in the activity, kept beside the person it names).
"""
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from diaspora.spreadsheets import cleaners as c
from diaspora.text import fold_key

RELATIONS = ("id", "contacts", "fields", "roles", "organisations", "offers", "person", "organisation", "products",
             "participation")


@dataclass(frozen=True)
class Column:
    """One spreadsheet column of an importable record type."""

    key: str
    header_vi: str
    header_en: str
    aliases: tuple[str, ...] = ()
    clean: Callable = None
    render: Callable = None
    required: bool = False
    example: str = ""
    help_vi: str = ""
    choices: Callable[[], list[str]] | None = None
    multi: bool = False
    attributes: tuple[str, ...] | None = None  # None: the attribute named like the key
    relation: str | None = None
    reads_row: tuple[str, ...] = ()  # keys of this row's values the cleaner reads (declared earlier)
    # Keys of columns whose cells may end with this value when the row has none of its own (the country
    # at the end of "Nơi ở hiện nay: Tokyo, Nhật Bản"); a file with one of them has this column too.
    read_from: tuple[str, ...] = ()

    def __post_init__(self):
        if self.relation is not None and self.relation not in RELATIONS:
            raise ValueError(f"column {self.key}: unknown relation {self.relation}")

    @property
    def targets(self) -> tuple[str, ...]:
        """The record attributes this column fills (none for relations)."""
        if self.relation is not None:
            return ()
        return self.attributes if self.attributes is not None else (self.key,)

    @property
    def header_keys(self) -> tuple[str, ...]:
        """Folded forms of every header that means this column."""
        texts = (self.header_vi, self.header_en, self.key, *self.aliases)
        return tuple(dict.fromkeys(fold_key(text) for text in texts))

    def header(self, locale: str = "vi") -> str:
        return self.header_en if locale == "en" else self.header_vi


@dataclass(frozen=True)
class Sheet:
    """An importable record type: its columns in export order, the table its attributes live in (export
    and templates read the column types from it), the column that names a row in previews, and the
    duplicate rules it uses (match_on: "email", "phone", "name" — the same folded name backed by a
    shared fact —, "fuzzy_name"; for channels "website" and "name_country")."""

    key: str
    columns: tuple[Column, ...]
    table: object = None
    name_key: str = "full_name"
    match_on: tuple[str, ...] = ()
    title: object = ""  # lazy text: the data sheet's name in templates ("Kiều bào")
    file_name: str = ""  # the template's file name
    record_noun: object = ""  # lazy text: what one row is ("người", "kênh")
    _by_key: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {column.key: column for column in self.columns})
        if len(self._by_key) != len(self.columns):
            raise ValueError(f"sheet {self.key}: duplicate column keys")
        seen: dict[str, str] = {}
        for position, column in enumerate(self.columns):
            earlier = {other.key for other in self.columns[:position]}
            if not set(column.reads_row) <= earlier:
                raise ValueError(f"sheet {self.key}: {column.key} reads values not declared before it")
            for key in column.header_keys:
                if seen.setdefault(key, column.key) != column.key:
                    raise ValueError(f"sheet {self.key}: header {key!r} means both {seen[key]} and {column.key}")

    def column(self, key: str) -> Column:
        return self._by_key[key]

    @cached_property
    def header_index(self) -> dict[str, str]:
        """fold_key(header) → column key, for every header and alias."""
        return {header: column.key for column in self.columns for header in column.header_keys}

    def is_known_header(self, text: str) -> bool:
        """True when the text is a header of one of the columns (used to find the header row)."""
        return fold_key(text) in self.header_index

    def keys_of(self, relation: str) -> tuple[str, ...]:
        """Keys of the columns feeding a relation ("contacts": phones, emails, zalo…)."""
        return tuple(column.key for column in self.columns if column.relation == relation)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)


def text_cleaner_for(table, attribute: str) -> Callable:
    """Free text, as long as the table's column allows (unbounded Text columns: 10,000 characters, with
    their line breaks kept)."""
    length = table.c[attribute].type.length
    return c.text_cleaner(length or 10_000, paragraphs=length is None)


def labels_of(labels: dict) -> Callable[[], list[str]]:
    """The choices of a column whose values are the labels of codes (a drop-down of the template)."""
    return lambda: [str(label) for label in labels.values()]
