"""Lists in pages (diaspora.listing): lenient, clamped parsing of the URL, links that keep the filters, and
pages that behave the same for every list."""
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import MultiDict

from diaspora.listing import LARGEST, MAX_PER_PAGE, ListQuery, Page, whole_number
from diaspora.outreach.activities import ActivityQuery
from diaspora.outreach.channels import ChannelQuery
from diaspora.organisations.service import OrganisationQuery
from diaspora.people.search import PeopleQuery

HUGE = str(10**30)


@dataclass
class ThingQuery(ListQuery):
    q: str = ""
    deleted: bool = False
    sort: str = "name"

    SORTS = {"name": (), "size": ()}


@pytest.mark.parametrize(("value", "expected"), [
    (None, 7), ("", 7), ("x", 7), ("1.5", 7), ("12", 12), (" 3 ", 3), ("0", 1), ("-5", 1), (HUGE, LARGEST),
    ("9" * 5000, 7),
])
def test_whole_numbers_from_the_url_never_raise(value, expected):
    args = {} if value is None else {"n": value}
    assert whole_number(args, "n", 7) == expected


def test_paging_is_clamped_and_unknown_sorts_give_the_default():
    query = ThingQuery(**ThingQuery.paging(MultiDict({"page": HUGE, "per_page": "-3", "sort": "-evil"})))
    assert (query.page, query.per_page, query.sort) == (LARGEST, 1, "name")
    query = ThingQuery(**ThingQuery.paging({"page": "0", "per_page": HUGE, "sort": "-size"}))
    assert (query.page, query.per_page, query.sort, query.sort_key) == (1, MAX_PER_PAGE, "-size", "size")


def test_link_arguments_keep_filters_and_leave_defaults_out():
    assert ThingQuery().link_args(q="", deleted=False) == {}
    query = ThingQuery(q="an", deleted=True, sort="-size", per_page=20)
    assert query.link_args(q=query.q, deleted=query.deleted) == {"q": "an", "deleted": "1", "sort": "-size",
                                                                 "per_page": 20}


def test_a_page_has_the_attributes_templates_use():
    page = Page(["c", "d"], 5, ThingQuery(page=2, per_page=2))
    assert (page.items, page.total, page.page, page.per_page, page.pages) == (["c", "d"], 5, 2, 2, 3)
    assert page.has_prev and page.has_next and (page.prev_num, page.next_num) == (1, 3)
    beyond = Page([], 5, ThingQuery(page=9, per_page=2))
    assert (beyond.items, beyond.total, beyond.has_next) == ([], 5, False)


@pytest.mark.parametrize("query_class", [PeopleQuery, OrganisationQuery, ChannelQuery, ActivityQuery])
def test_every_list_reads_back_its_own_links(query_class):
    args = {"q": "an", "deleted": "1", "sort": "-country" if query_class.SORTS else "", "page": "2",
            "per_page": "20"}
    query = query_class.from_args(args)
    assert (query.page, query.per_page, query.deleted) == (2, 20, True)
    assert query_class.from_args({**query.to_args(), "page": "2"}) == query


@pytest.mark.parametrize("url", ["/people/", "/organisations/", "/outreach/channels/", "/outreach/activities/",
                                 "/imports/", "/audit/"])
def test_lists_take_any_page_number(client, login, seeded, url):
    login("admin")
    for args in (f"?page={HUGE}&per_page=-5", "?page=-1&per_page=99999", "?page=x&per_page=", f"?person={HUGE}"
                 f"&organisation={HUGE}&product={HUGE}&year={HUGE}"):
        assert client.get(url + args).status_code == 200, args


@pytest.mark.parametrize("url", [f"/people/{HUGE}", f"/organisations/{HUGE}", f"/imports/{HUGE}",
                                 f"/imports/{HUGE}/errors.xlsx", f"/exports/{HUGE}", f"/exports/{HUGE}/download",
                                 f"/outreach/channels/{HUGE}", f"/outreach/activities/{HUGE}"])
def test_an_id_larger_than_any_record_is_not_found(client, login, url):
    login("admin")
    assert client.get(url).status_code == 404
