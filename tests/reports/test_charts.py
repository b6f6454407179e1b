"""The dashboard's charts: their counts against the records made for the test, the lists their links open
(same totals), who sees them, the month filters behind them, and libraries served by the app itself."""
import html
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from diaspora.extensions import db
from diaspora.outreach.activities import delete_activity
from diaspora.outreach.channels import delete_channel
from diaspora.outreach.common import today
from diaspora.people.models import Person
from diaspora.people.privacy import erase_person
from diaspora.people.service import delete_person
from diaspora.reports import charts
from tests.conftest import make_user
from tests.outreach.factories import make_activity, make_channel, make_person, make_product

OFFICE = ZoneInfo("Asia/Ho_Chi_Minh")
CHART_DATA = re.compile(r"data-chart='([^']*)'")
LIST_TOTAL = re.compile(r'class="search-summary[^"]*"[^>]*>\s*(?:Tìm thấy )?([\d.]+)')


def _month_start(day: date, back: int) -> date:
    """The first day of the month `back` months before the one `day` is in."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _created(person: Person, at: datetime) -> None:
    db.session.execute(update(Person).where(Person.id == person.id).values(created_at=at))
    db.session.commit()


@pytest.fixture
def register(seeded):
    """People in four countries (one deleted and one erased in Japan), activities over three months, and
    channels in each pipeline status carrying or wanting two products (one channel deleted)."""
    admin = make_user("admin", email="quan.tri@example.org")
    this_month, last_month = _month_start(today(), 0), _month_start(today(), 1)
    start_of_this_month = datetime.combine(this_month, time(), OFFICE).astimezone(UTC)
    japan = [make_person("Nguyễn Văn An", "JP", fields=("health",)),
             make_person("Trần Thị Bình", "JP", fields=("health", "it")),
             make_person("Lê Văn Cường", "JP", fields=("it",))]
    america = [make_person("Phạm Thị Dung", "US", fields=("health",)),
               make_person("Hoàng Văn Em", "US", fields=("education",))]
    germany = make_person("Vũ Thị Giang", "DE")
    singapore = make_person("Đỗ Văn Hải", "SG", fields=("education",))
    delete_person(make_person("Bùi Thị Hoa", "JP", fields=("health",)), by=admin)
    erase_person(make_person("Ngô Văn Khoa", "JP", fields=("it",)), "Yêu cầu của chủ thể dữ liệu", by=admin)
    # This month: two from its first instant in the office's time zone; the last moment before it is last
    # month's (in UTC it is already this month's date when the office is 7 hours ahead); one long ago.
    _created(japan[0], start_of_this_month)
    _created(japan[1], start_of_this_month + timedelta(days=1))
    _created(japan[2], start_of_this_month - timedelta(seconds=1))
    _created(america[0], datetime.combine(last_month, time(12), UTC))
    _created(america[1], datetime.combine(_month_start(today(), 14), time(12), UTC))
    _created(germany, datetime.combine(_month_start(today(), 13), time(12), UTC))
    _created(singapore, datetime.combine(_month_start(today(), 11), time(12), UTC))

    make_activity("Gặp mặt đầu tháng", this_month)
    make_activity("Hội thảo đầu tháng", this_month, country="US")
    delete_activity(make_activity("Hoạt động đã xoá", this_month), by=admin)
    make_activity("Gặp mặt tháng trước", last_month + timedelta(days=27))
    make_activity("Gặp mặt năm trước", _month_start(today(), 14))

    lychee, fish_sauce = make_product("Vải thiều Thanh Hà"), make_product("Nước mắm Cát Hải", category="processed_food")
    make_channel("Sao Mai Co., Ltd.", "JP", status="partner", products=[(lychee, "distributing"), (fish_sauce, "interested")])
    make_channel("Cửa hàng Sen Việt", "JP", status="potential", products=[(lychee, "interested")])
    make_channel("Saigon Market", "US", status="contacted", products=[(lychee, "distributing")])
    make_channel("Asia Markt Hồng Hà", "DE", status="inactive")
    delete_channel(make_channel("Kênh đã xoá", "JP", status="partner", products=[(lychee, "distributing")]), by=admin)
    db.session.commit()
    return {"this_month": this_month, "last_month": last_month}


def test_the_counts_are_those_of_the_live_register(register):
    assert dict((code, count) for code, _name, count in charts.people_by_country(today())) == {
        "JP": 3, "US": 2, "DE": 1, "SG": 1}
    assert charts.people_by_country(today())[0][:2] == ("JP", "Nhật Bản")
    assert {key: count for key, _name, count in charts.people_by_field(today())} == {
        "health": 3, "it": 2, "education": 2}
    months = charts.last_months(today())
    assert len(months) == 12 and months[-1] == register["this_month"] and months[-2] == register["last_month"]
    added = charts.people_added_by_month(months)
    assert (added[-1], added[-2], added[0], sum(added)) == (2, 2, 1, 5)
    held = charts.activities_by_month(months)
    assert (held[-1], held[-2], sum(held)) == (2, 1, 3)
    assert charts.channels_by_status(today()) == [("potential", 1), ("contacted", 1), ("partner", 1), ("inactive", 1)]
    assert charts.product_channels_by_country() == [("JP", "Nhật Bản", 1, 2), ("US", "Hoa Kỳ", 1, 0)]


def test_the_twelve_months_run_across_a_new_year():
    assert charts.last_months(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert charts.last_months(date(2026, 12, 31))[0] == date(2026, 1, 1)


def _charts_on(page: str) -> dict:
    return {data["kind"] + str(index): data
            for index, data in enumerate(json.loads(html.unescape(raw)) for raw in CHART_DATA.findall(page))}


def _list_total(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return int(LIST_TOTAL.search(response.get_data(as_text=True)).group(1).replace(".", ""))


def test_every_bar_and_country_links_to_a_list_of_as_many_records(register, client, login):
    login("viewer")
    page = client.get("/").get_data(as_text=True)
    drawn = _charts_on(page)
    assert sorted(data["kind"] for data in drawn.values()) == ["bars", "bars", "bars", "columns", "map", "months"]
    followed = 0
    for data in drawn.values():
        for series in data["series"]:
            assert len(series["values"]) == len(series["links"]) == len(data["labels"])
            for value, link in zip(series["values"], series["links"]):
                assert _list_total(client, link) == value, (data["kind"], series["label"], link)
                followed += 1
    assert followed == 4 + 4 + 3 + 24 + 4 + 4  # map, countries, fields, months (two series), statuses, products
    assert "/people/?added=" + register["this_month"].strftime("%Y-%m") in page
    assert "/outreach/activities/?month=" + register["last_month"].strftime("%Y-%m") in page


def test_each_chart_has_a_table_with_its_numbers_and_links(register, client, login):
    login("viewer")
    page = client.get("/").get_data(as_text=True)
    for data, figure in zip(_charts_on(page).values(), page.split('<figure class="card')[1:]):
        cells = re.findall(r'<td class="text-end"><a href="([^"]+)">([\d.]+)</a></td>', figure)
        expected = [(link, value) for index in range(len(data["labels"]))
                    for link, value in ((series["links"][index], series["values"][index]) for series in data["series"])]
        assert [(html.unescape(link), int(value.replace(".", ""))) for link, value in cells] == expected
        assert all(f'<th scope="row" class="fw-normal">{label}</th>' in figure for label in data["labels"])
    assert page.count('<details class="chart-table') == 6


def test_the_map_names_each_country_by_its_iso_numeric_shape(register, client, login):
    login("viewer")
    drawn = _charts_on(client.get("/").get_data(as_text=True))
    world = next(data for data in drawn.values() if data["kind"] == "map")
    shapes = dict(zip(world["series"][0]["links"], world["shape_ids"]))
    assert shapes == {"/people/?country=JP": "392", "/people/?country=US": "840", "/people/?country=DE": "276",
                      "/people/?country=SG": "702"}


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_every_role_sees_the_charts(register, client, login, role):
    login(role)
    page = client.get("/").get_data(as_text=True)
    assert page.count("<canvas") == 6 and 'id="dashboard-charts"' in page


def test_the_dashboard_asks_a_visitor_to_sign_in(register, client):
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_an_empty_register_says_so_instead_of_drawing(seeded, client, login):
    login("viewer")
    page = client.get("/").get_data(as_text=True)
    assert "<canvas" not in page and page.count("Chưa có dữ liệu.") >= 6


def test_the_month_filters_of_the_lists(register, client, login):
    login("viewer")
    this_month, last_month = (register[key].strftime("%Y-%m") for key in ("this_month", "last_month"))
    assert _list_total(client, f"/people/?added={this_month}") == 2
    assert _list_total(client, f"/people/?added={last_month}&country=JP") == 1
    page = client.get(f"/people/?added={last_month}").get_data(as_text=True)
    assert 'id="added-filter"' in page and f'name="added" value="{last_month}"' in page
    assert _list_total(client, f"/outreach/activities/?month={this_month}") == 2
    assert _list_total(client, f"/outreach/activities/?month={this_month}&country=US") == 1
    # A month that is not one is no filter, never an error.
    for bad in ("2026-13", "26-01", "abc", "2026-1", "9999-01"):
        assert _list_total(client, f"/people/?added={bad}") == 7
        assert _list_total(client, f"/outreach/activities/?month={bad}") == 4


RESOURCE = re.compile(r'<(?:script|img|iframe|source)\b[^>]*\bsrc="([^"]*)"|<link\b[^>]*\bhref="([^"]*)"'
                      r'|\bdata-shapes="([^"]*)"')


def test_pages_load_nothing_from_another_host_and_the_chart_libraries_are_served(register, client, login):
    login("admin")
    person = db.session.scalar(db.select(Person).where(Person.deleted_at.is_(None)))
    pages = ["/", "/people/", f"/people/{person.id}", "/outreach/channels/", "/outreach/channels/matrix",
             "/outreach/activities/", "/organisations/"]
    resources = set()
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        found = {next(value for value in match if value) for match in RESOURCE.findall(page)}
        assert not [value for value in found if re.match(r"(https?:)?//", value)], url
        resources |= found
    vendor = sorted(value for value in resources if value.startswith("/vendor/"))
    assert vendor == ["/vendor/chart.js/chart.umd.min.js", "/vendor/chartjs-chart-geo/index.umd.min.js",
                      "/vendor/world-atlas/countries-110m.json"]
    for url in sorted(resources):
        with client.get(url) as response:  # a file's response holds it open until closed
            assert response.status_code == 200, url
            body = response.get_data()
        if url == vendor[0]:
            assert b"Chart" in body
        if url == vendor[2]:
            assert json.loads(body)["objects"]["countries"]["type"] == "GeometryCollection"
    # Only the packages' own folders are served, not the rest of node_modules.
    assert client.get("/vendor/chart.js/../package.json").status_code == 404
    assert client.get("/vendor/d3-geo/package.json").status_code == 404
