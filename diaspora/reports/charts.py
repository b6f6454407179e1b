"""The dashboard's charts: counts of the live register and its outreach, each count with the link to the
list that shows the records counted, so a bar, a point or a country opens that list and its total agrees.

The counting functions are plain (no request needed); `dashboard_charts` adds the labels and links a page
shows. The counts the annual report also has (people by country and field, channels by status) are its own
functions' (reports/figures.py), so the dashboard and the report agree. Records in the bin and the
tombstones of erased people are not counted.
"""
from dataclasses import dataclass, field
from datetime import date

import pycountry
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, literal, select

from diaspora.extensions import db
from diaspora.listing import month_after
from diaspora.outreach.models import CHANNEL_STATUSES, Activity, ChannelProduct, DistributionChannel
from diaspora.people.models import Person
from diaspora.people.search import month_instants
from diaspora.reference.models import Country, Field
from diaspora.reports import figures

MONTHS = 12
TOP_COUNTRIES = 12


def _name(model, locale: str):
    return model.name_en if locale == "en" else model.name_vi


def _now(today: date) -> figures.Period:
    """The register as it stands at the end of today (the report's stocks at a one-day period)."""
    return figures.Period(today, today)


def _ranked(rows) -> list[tuple[str, str, int]]:
    """(key, name, count) rows with a count, most first, then by name."""
    return sorted((row for row in rows if row[2]), key=lambda row: (-row[2], row[1]))


def people_by_country(today: date, locale: str = "vi") -> list[tuple[str, str, int]]:
    """(alpha-2 code, name, people) for every country of residence with people, most people first."""
    counts = figures.people_by(_now(today), "country", compare=False)
    names = dict(db.session.execute(select(Country.code, _name(Country, locale)).where(Country.code.in_(counts))).all())
    return _ranked((code, names[code], counts[code].total) for code in counts if code in names)


def people_by_field(today: date, locale: str = "vi") -> list[tuple[str, str, int]]:
    """(field key, name, people) for every field with people, most people first (a person may have several)."""
    counts = figures.people_by(_now(today), "field", compare=False)
    fields = db.session.execute(select(Field.id, Field.key, _name(Field, locale)).where(Field.id.in_(counts))).all()
    return _ranked((key, name, counts[field_id].total) for field_id, key, name in fields)


def last_months(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the `count` months ending with today's, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        previous = months[-1]
        months.append(date(previous.year - (previous.month == 1), (previous.month - 2) % 12 + 1, 1))
    return months[::-1]


def _count_by_bucket(column, edges: list, *conditions) -> list[int]:
    """How many rows have `column` in each interval [edges[i], edges[i + 1]), in one pass over the rows."""
    bounds = [literal(edge, column.type) for edge in edges]
    bucket = case(*((column < bound, index) for index, bound in enumerate(bounds[1:])))
    # Grouped in an outer query: PostgreSQL sees the CASE of a GROUP BY and of its SELECT, with their own
    # parameters, as two expressions.
    buckets = select(bucket.label("bucket")).where(column >= bounds[0], column < bounds[-1], *conditions).subquery()
    counts = dict(db.session.execute(select(buckets.c.bucket, func.count()).group_by(buckets.c.bucket)).all())
    return [counts.get(index, 0) for index in range(len(edges) - 1)]


def people_added_by_month(months: list[date]) -> list[int]:
    """People added to the register in each month (their record created then, in the office's time zone)."""
    edges = [month_instants(month)[0] for month in months] + [month_instants(months[-1])[1]]
    return _count_by_bucket(Person.created_at, edges, *figures.live_people())


def activities_by_month(months: list[date]) -> list[int]:
    """Activities that started in each month."""
    return _count_by_bucket(Activity.start_date, [*months, month_after(months[-1])], Activity.deleted_at.is_(None))


def channels_by_status(today: date) -> list[tuple[str, int]]:
    """(status, channels) for every pipeline status, in the pipeline's order (potential → … → inactive)."""
    by_country = figures.channels_by_country(_now(today)).values()
    return [(status, sum(statuses.get(status, 0) for statuses, _counts in by_country)) for status in CHANNEL_STATUSES]


def product_channels_by_country(locale: str = "vi") -> list[tuple[str, str, int, int]]:
    """(alpha-2 code, name, channels distributing, channels interested) per country: the channels carrying or
    wanting at least one of the city's typical products, most channels first."""
    name = _name(Country, locale)
    rows = db.session.execute(
        select(DistributionChannel.country_code, name, ChannelProduct.status,
               func.count(distinct(DistributionChannel.id)))
        .join(ChannelProduct, ChannelProduct.channel_id == DistributionChannel.id)
        .join(Country, Country.code == DistributionChannel.country_code)
        .where(DistributionChannel.deleted_at.is_(None))
        .group_by(DistributionChannel.country_code, name, ChannelProduct.status)
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for code, country, status, count in rows:
        counts.setdefault((code, country), {})[status] = count
    table = [(code, country, by_status.get("distributing", 0), by_status.get("interested", 0))
             for (code, country), by_status in counts.items()]
    return sorted(table, key=lambda row: (-row[2] - row[3], row[1]))


def iso_numeric(code: str) -> str | None:
    """The ISO 3166 numeric code of an alpha-2 code ("JP" → "392"), the id of the country's shape."""
    country = pycountry.countries.get(alpha_2=code)
    return country.numeric if country else None


@dataclass
class Series:
    """One row of values of a chart (a dataset): a count per label, each with the list it links to."""

    label: str
    values: list[int]
    links: list[str]


@dataclass
class Chart:
    """A chart as the page's script draws it (kind: "bars" across, "columns" up, "months", "map") and as its
    table alternative shows it: one row per label, one column per series."""

    key: str
    title: str
    kind: str
    labels: list[str]
    series: list[Series]
    label_header: str
    note: str = ""
    shape_ids: list[str | None] = field(default_factory=list)  # map: each label's shape (ISO numeric)

    @property
    def rows(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """(label, [(value, link) per series]) for the table."""
        return [(label, [(series.values[index], series.links[index]) for series in self.series])
                for index, label in enumerate(self.labels)]

    @property
    def empty(self) -> bool:
        return not any(any(series.values) for series in self.series)

    def data(self) -> dict:
        """What the script needs, for the element's data-chart attribute."""
        return {"kind": self.kind, "labels": self.labels, "shape_ids": self.shape_ids,
                "series": [{"label": series.label, "values": series.values, "links": series.links}
                           for series in self.series]}


def dashboard_charts(locale: str, today: date) -> list[Chart]:
    """The dashboard's charts, with the links of their bars (call within a request: links are URLs)."""
    countries = people_by_country(today, locale)
    top = countries[:TOP_COUNTRIES]
    fields = people_by_field(today, locale)
    months = last_months(today)
    statuses = channels_by_status(today)
    products = product_channels_by_country(locale)
    people = _("Số người")
    country_header = _("Quốc gia, vùng lãnh thổ")

    def people_in(rows):
        return Series(people, [row[2] for row in rows], [url_for("people.index", country=row[0]) for row in rows])

    def product_channels(label, status, column):
        return Series(label, [row[column] for row in products],
                      [url_for("outreach.channels", country=row[0], product_status=status) for row in products])

    return [
        Chart("map", _("Bản đồ kiều bào, chuyên gia theo nước cư trú"), "map", [row[1] for row in countries],
              [people_in(countries)], country_header,
              note=_("Nhấn vào một nước để xem danh sách người ở nước đó."),
              shape_ids=[iso_numeric(row[0]) for row in countries]),
        Chart("countries", _("Theo nước cư trú (%(n)d nước nhiều nhất)", n=TOP_COUNTRIES), "bars",
              [row[1] for row in top], [people_in(top)], country_header),
        Chart("fields", _("Theo lĩnh vực"), "bars", [row[1] for row in fields],
              [Series(people, [row[2] for row in fields], [url_for("people.index", field=row[0]) for row in fields])],
              _("Lĩnh vực"), note=_("Một người có thể thuộc nhiều lĩnh vực.")),
        Chart("months", _("Hồ sơ mới và hoạt động theo tháng (12 tháng gần nhất)"), "months",
              [f"{month:%m/%Y}" for month in months],
              [Series(_("Hồ sơ mới"), people_added_by_month(months),
                      [url_for("people.index", added=f"{month:%Y-%m}") for month in months]),
               Series(_("Hoạt động"), activities_by_month(months),
                      [url_for("outreach.activities", month=f"{month:%Y-%m}") for month in months])],
              _("Tháng")),
        Chart("channels", _("Kênh phân phối theo trạng thái"), "columns",
              [str(CHANNEL_STATUSES[status]) for status, _count in statuses],
              [Series(_("Số kênh"), [count for _status, count in statuses],
                      [url_for("outreach.channels", status=status) for status, _count in statuses])],
              _("Trạng thái")),
        Chart("products", _("Sản phẩm tiêu biểu theo quốc gia"), "bars", [row[1] for row in products],
              [product_channels(_("Kênh đang phân phối"), "distributing", 2),
               product_channels(_("Kênh quan tâm"), "interested", 3)],
              country_header, note=_("Số kênh phân phối có ít nhất một sản phẩm tiêu biểu của thành phố.")),
    ]
