"""Whatever plan the search takes (walking an index or collecting matches), it answers like a plain filter."""
import itertools
import random
import re

import pytest

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.people.demo import create_demo_data
from diaspora.people.models import Person
from diaspora.organisations.models import Membership
from diaspora.contacts import Contact
from diaspora.people import search
from diaspora.people.search import PeopleQuery, search_people, search_terms
from diaspora.text import clean_text, fold, fold_words, title_case


def _matches(person: Person, query: PeopleQuery) -> bool:
    words = person.search_text.split()
    title_words = fold_words(person.academic_title)
    return all((
        (person.deleted_at is not None) == query.deleted,
        all(any(word.startswith(term) for word in words) for term in search_terms(query.q)),
        bool(search_terms(query.q)) or not query.q.strip(),
        query.country in (None, person.country_code),
        query.status in (None, person.status),
        query.field is None or query.field in {field.key for field in person.fields},
        query.role is None or query.role in {role.key for role in person.roles},
        query.offer is None or query.offer in person.offer_kinds,
        query.organisation_id is None or query.organisation_id in {m.organisation_id for m in person.memberships},
        query.title is None or all(any(word.startswith(prefix) for word in title_words)
                                   for prefix in fold_words(query.title)),
    ))


SORT_KEYS = {
    "name": lambda p: (p.sort_key, p.id),
    "written": lambda p: (p.name_folded, p.id),
    "country": lambda p: (p.country_code, p.sort_key, p.id),
    "birth_year": lambda p: (p.birth_year, p.sort_key, p.id),
    "updated": lambda p: (p.updated_at, p.id),
}


def _in_order(words: list[str], wanted: list[str], whole: bool) -> bool:
    """Whether the wanted words are words (or start words) of `words`, in order, others between allowed."""
    position = 0
    for target in wanted:
        while position < len(words) and not (words[position] == target if whole else words[position].startswith(target)):
            position += 1
        if position == len(words):
            return False
        position += 1
    return True


def _rank(person: Person, q: str) -> int:
    """search.match_rank, in Python."""
    typed = clean_text(q) or ""
    words = fold_words(q)
    spelt = [title_case(word) for word in re.findall(r"[^\W_]+", typed)]
    accented = not typed.isascii() and spelt
    whole_name = person.name_folded in {" ".join(words), fold(typed)}
    if accented and whole_name and person.full_name in {" ".join(spelt), typed}:
        return 0
    if whole_name:
        return 1
    if accented and _in_order(person.full_name.split(), spelt, whole=True):
        return 2
    if _in_order(person.name_folded.split(), words, whole=True):
        return 3
    return 4 if _in_order(person.name_folded.split(), words, whole=False) else 5


def _expected(people, query: PeopleQuery) -> tuple[list[int], int]:
    found = [person for person in people if _matches(person, query)]
    found.sort(key=SORT_KEYS[query.sort.lstrip("-")], reverse=query.sort.startswith("-"))
    if query.ranked:  # best match first, stable: each rank in the name order
        found.sort(key=lambda person: _rank(person, query.q))
    start = (query.page - 1) * query.per_page
    return [person.id for person in found[start:start + query.per_page]], len(found)


@pytest.mark.parametrize("rank_all_up_to", [search.RANK_ALL_UP_TO, 0])
def test_search_answers_like_a_plain_filter_on_demo_data(seeded, monkeypatch, rank_all_up_to):
    # 0: SQLite fills every first page of a ranked search level by level, as it does for many matches.
    monkeypatch.setattr(search, "RANK_ALL_UP_TO", rank_all_up_to)
    create_demo_data(400, seed=11)
    people = db.session.scalars(select(Person).options(
        selectinload(Person.fields), selectinload(Person.roles), selectinload(Person.offers),
        selectinload(Person.memberships))).all()
    phone = db.session.scalar(select(Contact.value).where(Contact.kind == "phone", Contact.person_id.is_not(None)))
    organisation = db.session.scalar(select(Membership.organisation_id).order_by(Membership.id))
    texts = ["", "nguyen", "nguyen van", "dang", "th", "hoi nguoi", "le thi", phone, "zzz", "van an", "Thị", "thi lan",
             "Nguyễn Thị", "an"]
    filters = [
        {}, {"country": "JP"}, {"country": "US"}, {"field": "health"}, {"role": "business"}, {"offer": "visits"},
        {"status": "unreachable"}, {"title": "ts"}, {"organisation_id": organisation},
        {"country": "JP", "field": "health"}, {"field": "health", "role": "business"}, {"deleted": True},
        {"country": "US", "offer": "investment", "role": "intellectual"},
    ]
    sorts = ["name", "-name", "written", "country", "-birth_year", "updated"]
    combinations = list(itertools.product(texts, filters, sorts, (1, 2, 5)))
    for q, extra, sort, page in random.Random(0).sample(combinations, 260):
        query = PeopleQuery(q=q, sort=sort, page=page, per_page=7, **extra)
        result = search_people(query)
        expected_ids, expected_total = _expected(people, query)
        assert ([person.id for person in result.items], result.total) == (expected_ids, expected_total), query
