"""The tables of the annual report, built once from reports.figures: the Word document and the Excel annex
both write these, so they always hold the same numbers.

The report is an administrative document in Vietnamese (Nghị định 30/2020/NĐ-CP): it is built under
force_locale("vi") by its job and by the command line, whatever the language of the page that asked for it.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.outreach.models import ACTIVITY_TYPES, CHANNEL_STATUSES
from diaspora.people.models import CONSENT_LABELS, CONSENT_STATUSES, PERSON_TYPE_LABELS, PERSON_TYPES
from diaspora.records import utcnow
from diaspora.reference.models import CommunityRole, Country, Field
from diaspora.reports import figures
from diaspora.reports.figures import COOPERATION_SECTORS, Counts, Period

SECTIONS = ("register", "activities", "channels", "data")
# Kinds of a column's values: how the document and the annex write them.
LABEL, COUNT, CHANGE, AMOUNT, PERCENT, TEXT = "label", "count", "change", "amount", "percent", "text"
AMOUNT_CHANGE = "amount_change"  # a change of an amount: signed like CHANGE, as wide as AMOUNT


class TableColumn(NamedTuple):
    header: str
    kind: str
    weight: float | None = None  # its width relative to the others' in the document; None: its kind's


@dataclass
class Table:
    """One table of the report: its place (section), number and title, columns, rows, an optional total row and
    a note printed below it (how it was counted)."""

    key: str
    section: str
    title: str
    columns: list[TableColumn]
    rows: list[list]
    total: list | None = None
    note: str | None = None
    number: int = 0

    @property
    def caption(self) -> str:
        """"Bảng N. Title", as the document prints it above the table."""
        return _("Bảng %(number)d. %(title)s", number=self.number, title=self.title)


@dataclass
class AnnualFigures:
    """Everything the report says in numbers: its tables in order, and the facts its text quotes."""

    year: int
    period: Period
    read_at: datetime
    tables: list[Table]
    facts: dict = field(default_factory=dict)

    def table(self, key: str) -> Table:
        """The table of a key ("countries", "activities"…)."""
        return next(table for table in self.tables if table.key == key)


def _day(day) -> str:
    return day.strftime("%d/%m/%Y")


def _compared_columns(label: str, *, new: bool) -> list[TableColumn]:
    """A label, the register at the end of the period and of its comparison, the change; and (`new`) the same
    for the records added in each (the document's text says which days those are)."""
    columns = [TableColumn(label, LABEL), TableColumn(_("Tổng số"), COUNT),
               TableColumn(_("Tổng số cùng kỳ năm trước"), COUNT),
               TableColumn(_("Tăng (+), giảm (−) tổng số"), CHANGE)]
    if new:
        columns += [TableColumn(_("Mới trong kỳ"), COUNT), TableColumn(_("Mới cùng kỳ năm trước"), COUNT),
                    TableColumn(_("Tăng (+), giảm (−) số mới"), CHANGE)]
    return columns


def _compared(label: str, counts: Counts, new: bool = True) -> list:
    row = [label, counts.total, counts.total_before, counts.total - counts.total_before]
    if new:
        row += [counts.new, counts.new_before, counts.new - counts.new_before]
    return row


def _pair(label: str, now: int, before: int) -> list:
    return [label, now, before, now - before]


def _names(model) -> dict:
    """{id: Vietnamese name} of a taxonomy, in its order."""
    return dict(db.session.execute(select(model.id, model.name_vi).order_by(model.sort_order, model.name_vi)).all())


def country_names() -> dict:
    """{code: Vietnamese name} of every country."""
    return dict(db.session.execute(select(Country.code, Country.name_vi)).all())


def _by_size(counts: dict, names: dict, unknown: str) -> list[tuple]:
    """(label, counts) by the register's size at the end of the period, then by name; None last."""
    known = sorted(((names.get(key, key), value) for key, value in counts.items() if key is not None),
                   key=lambda item: (-item[1].total, -item[1].total_before, item[0]))
    return known + ([(unknown, counts[None])] if None in counts else [])


def _in_order(counts: dict, names: dict, unknown: str) -> list[tuple]:
    """(label, counts) in the taxonomy's order, items nobody has left out; None last."""
    ordered = [(name, counts[key]) for key, name in names.items() if key in counts]
    return ordered + ([(unknown, counts[None])] if None in counts else [])


# The tables, section by section. Each builder takes the period and the shared lookups, returns its Table(s).


def register_tables(period: Period, facts: dict, countries: dict) -> list[Table]:
    """People in the register: by person type, country, field and community role; scientists, intellectuals
    and artists."""
    totals = figures.people_totals(period)
    facts["people"] = totals
    by_type = figures.people_by(period, "person_type")
    tables = [Table("person_types", "register", _("Kiều bào, chuyên gia theo đối tượng"),
                    _compared_columns(_("Đối tượng"), new=True),
                    [_compared(str(PERSON_TYPE_LABELS[kind]), by_type.get(kind, Counts())) for kind in PERSON_TYPES],
                    total=_compared(_("Tổng cộng"), totals))]
    by_country = figures.people_by(period, "country")
    facts["countries"] = (figures.countries_of(by_country), figures.countries_of(by_country, before=True))
    tables.append(Table(
        "countries", "register", _("Kiều bào, chuyên gia theo quốc gia, vùng lãnh thổ cư trú"),
        _compared_columns(_("Quốc gia, vùng lãnh thổ"), new=True),
        [_compared(label, counts) for label, counts in _by_size(by_country, countries, _("Chưa rõ nước cư trú"))],
        total=_compared(_("Tổng cộng"), totals)))
    by_field = figures.people_by(period, "field")
    tables.append(Table(
        "fields", "register", _("Kiều bào, chuyên gia theo lĩnh vực chuyên môn, hoạt động"),
        _compared_columns(_("Lĩnh vực"), new=True),
        [_compared(label, counts) for label, counts in _in_order(by_field, _names(Field), _("Chưa ghi lĩnh vực"))],
        note=_("Một người có thể có nhiều lĩnh vực nên các dòng cộng lại có thể lớn hơn tổng số người.")))
    by_role = figures.people_by(period, "role")
    tables.append(Table(
        "roles", "register", _("Kiều bào, chuyên gia theo vai trò trong cộng đồng"),
        _compared_columns(_("Vai trò"), new=True),
        [_compared(label, counts)
         for label, counts in _in_order(by_role, _names(CommunityRole), _("Chưa ghi vai trò"))],
        note=_("Một người có thể có nhiều vai trò nên các dòng cộng lại có thể lớn hơn tổng số người.")))
    talents = figures.talents(period)
    facts["talents"] = talents
    labels = {"scientist": _("Nhà khoa học"), "intellectual": _("Trí thức"), "artist": _("Văn nghệ sĩ")}
    tables.append(Table(
        "talents", "register", _("Nhà khoa học, trí thức, văn nghệ sĩ"),
        _compared_columns(_("Nhóm"), new=True),
        [_compared(labels[key], talents[key]) for key in figures.TALENTS],
        total=_compared(_("Số người thuộc ít nhất một nhóm"), talents["any"]),
        note=_("Cách tính: nhà khoa học là người có vai trò “Nhà khoa học” hoặc học vị tiến sĩ trở lên (TS., TSKH., "
               "PGS., GS.); trí thức là người có vai trò “Trí thức”, “Nhà khoa học”, “Bác sĩ”, “Giáo viên / giảng "
               "viên” hoặc có ghi học hàm, học vị; văn nghệ sĩ là người có vai trò “Văn nghệ sĩ” hoặc lĩnh vực "
               "“Văn hóa – nghệ thuật”. Một người có thể thuộc nhiều nhóm.")))
    return tables


def _activity_columns(label: str) -> list[TableColumn]:
    return [TableColumn(label, LABEL), TableColumn(_("Trong kỳ"), COUNT),
            TableColumn(_("Cùng kỳ năm trước"), COUNT), TableColumn(_("Tăng (+), giảm (−)"), CHANGE),
            TableColumn(_("Lượt kiều bào, chuyên gia tham gia"), COUNT),
            TableColumn(_("Lượt tổ chức tham gia"), COUNT)]


def _activity_row(label: str, counts: figures.ActivityCounts) -> list:
    return [label, counts.activities, counts.activities_before, counts.activities - counts.activities_before,
            counts.people, counts.organisations]


def _summed(rows: list[list], label: str) -> list:
    return [label, *(sum(row[index] for row in rows) for index in range(1, len(rows[0])))] if rows else None


def _amount_table(key: str, title: str, amounts: dict) -> Table:
    columns = [TableColumn(_("Đơn vị tiền"), LABEL), TableColumn(_("Số lượt trong kỳ"), COUNT),
               TableColumn(_("Số tiền trong kỳ"), AMOUNT), TableColumn(_("Số lượt cùng kỳ năm trước"), COUNT),
               TableColumn(_("Số tiền cùng kỳ năm trước"), AMOUNT), TableColumn(_("Tăng (+), giảm (−) số tiền"), AMOUNT_CHANGE)]
    rows = [[currency, value.count, value.amount, value.count_before, value.amount_before,
             value.amount - value.amount_before]
            for currency, value in sorted(((currency, value) for currency, value in amounts.items() if currency),
                                          key=lambda item: (-item[1].amount, item[0]))]
    if None in amounts:
        value = amounts[None]
        rows.append([_("Không ghi số tiền"), value.count, None, value.count_before, None, None])
    return Table(key, "activities", title, columns, rows,
                 note=_("Số tiền ghi theo đơn vị tiền của từng khoản, không quy đổi."))


def activity_tables(period: Period, facts: dict) -> list[Table]:
    """Activities by type with their participants, cooperation projects by sector, contributions and
    investments by currency."""
    by_type = figures.activities_by_type(period)
    rows = [_activity_row(str(label), by_type.get(kind, figures.ActivityCounts()))
            for kind, label in ACTIVITY_TYPES.items()]
    facts["activities"] = (sum(row[1] for row in rows), sum(row[2] for row in rows))
    facts["participants"] = figures.distinct_participants(period)
    tables = [Table("activities", "activities", _("Hoạt động trong kỳ theo loại"),
                    _activity_columns(_("Loại hoạt động")), rows, total=_summed(rows, _("Tổng cộng")),
                    note=_("%(count)s kiều bào, chuyên gia khác nhau đã tham gia các hoạt động trong kỳ.",
                           count=format_count(facts["participants"])))]
    sectors = figures.cooperation_by_sector(period)
    sector_labels = {"health": _("Y tế"), "education": _("Giáo dục – đào tạo"), "culture": _("Văn hóa – xã hội"),
                     "science": _("Khoa học – công nghệ"), "other": _("Lĩnh vực khác, chưa phân loại")}
    sector_rows = [_activity_row(sector_labels[sector], sectors.get(sector, figures.ActivityCounts()))
                   for sector in COOPERATION_SECTORS]
    tables.append(Table(
        "cooperation", "activities", _("Dự án, chương trình hợp tác theo lĩnh vực"),
        _activity_columns(_("Lĩnh vực hợp tác")), sector_rows, total=_summed(sector_rows, _("Tổng cộng")),
        note=_("Lĩnh vực được xác định theo từ ngữ trong tiêu đề và nội dung hoạt động (ví dụ “bệnh viện”, “khám "
               "bệnh” là y tế; “đào tạo”, “học bổng” là giáo dục); hoạt động không nhận ra lĩnh vực được xếp vào "
               "“Lĩnh vực khác”.")))
    tables.append(_amount_table("contributions", _("Đóng góp, ủng hộ của kiều bào theo đơn vị tiền"),
                                figures.amounts_by_currency(period, "contribution")))
    tables.append(_amount_table("investments", _("Dự án đầu tư của kiều bào theo đơn vị tiền"),
                                figures.amounts_by_currency(period, "investment")))
    return tables


def channel_tables(period: Period, facts: dict, countries: dict) -> list[Table]:
    """Channels by country and status, partners gained in the period, typical products by country."""
    by_country = figures.channels_by_country(period)
    statuses = list(CHANNEL_STATUSES)
    columns = [TableColumn(_("Quốc gia, vùng lãnh thổ"), LABEL),
               *(TableColumn(str(CHANNEL_STATUSES[status]), COUNT) for status in statuses),
               TableColumn(_("Tổng số"), COUNT), TableColumn(_("Tổng số cùng kỳ năm trước"), COUNT),
               TableColumn(_("Tăng (+), giảm (−)"), CHANGE)]
    ordered = sorted(by_country.items(), key=lambda item: (-item[1][1].total, countries.get(item[0], item[0])))
    rows = [[countries.get(code, code), *(status_counts.get(status, 0) for status in statuses),
             counts.total, counts.total_before, counts.total - counts.total_before]
            for code, (status_counts, counts) in ordered]
    facts["channels"] = figures.channel_totals(period)
    tables = [Table("channels", "channels", _("Kênh phân phối theo quốc gia và trạng thái"), columns, rows,
                    total=_summed(rows, _("Tổng cộng")),
                    note=_("Trạng thái là trạng thái hiện tại của kênh."))]
    partners = figures.partners_gained(period)
    partner_rows = [_pair(countries.get(code, code), now, before)
                    for code, (now, before) in sorted(partners.items(),
                                                      key=lambda item: (-item[1][0], countries.get(item[0], "")))]
    facts["partners"] = (sum(row[1] for row in partner_rows), sum(row[2] for row in partner_rows))
    tables.append(Table(
        "partners", "channels", _("Kênh phân phối trở thành đối tác trong kỳ"),
        [TableColumn(_("Quốc gia, vùng lãnh thổ"), LABEL), TableColumn(_("Trong kỳ"), COUNT),
         TableColumn(_("Cùng kỳ năm trước"), COUNT), TableColumn(_("Tăng (+), giảm (−)"), CHANGE)],
        partner_rows, total=_summed(partner_rows, _("Tổng cộng"))))
    products = figures.products_by_country(period)
    product_rows = [[countries.get(code, code), len(found.distributing), len(found.interested), found.channels,
                     "; ".join(found.distributing) or None, "; ".join(found.interested) or None]
                    for code, found in sorted(products.items(), key=lambda item: (
                        -len(item[1].distributing), -len(item[1].interested), countries.get(item[0], "")))]
    tables.append(Table(
        "products", "channels", _("Sản phẩm tiêu biểu của thành phố được phân phối, được quan tâm theo quốc gia"),
        [TableColumn(_("Quốc gia, vùng lãnh thổ"), LABEL, 2.4),
         TableColumn(_("Số sản phẩm đang phân phối"), COUNT, 1.9),
         TableColumn(_("Số sản phẩm được quan tâm"), COUNT, 1.9), TableColumn(_("Số kênh"), COUNT, 1.4),
         TableColumn(_("Sản phẩm đang phân phối"), TEXT), TableColumn(_("Sản phẩm được quan tâm"), TEXT)],
        product_rows,
        note=_("Theo danh mục sản phẩm hiện tại của các kênh (không lưu lịch sử nên không so sánh cùng kỳ).")))
    return tables


def data_tables(period: Period, facts: dict) -> list[Table]:
    """People by consent status; data quality."""
    consent = figures.consent(period)
    total = sum(consent.values())
    rows = [[str(CONSENT_LABELS[status]), consent.get(status, 0),
             round(100 * consent.get(status, 0) / total, 1) if total else 0.0] for status in CONSENT_STATUSES]
    facts["consent"] = consent
    tables = [Table("consent", "data", _("Kiều bào, chuyên gia theo tình trạng đồng ý xử lý dữ liệu cá nhân"),
                    [TableColumn(_("Tình trạng"), LABEL), TableColumn(_("Số người"), COUNT),
                     TableColumn(_("Tỷ lệ (%)"), PERCENT)],
                    rows, total=[_("Tổng cộng"), total, 100.0 if total else 0.0])]
    lines = figures.data_quality(period)
    facts["quality"] = {line.key: line.count for line in lines}
    tables.append(Table(
        "quality", "data", _("Chất lượng dữ liệu"),
        [TableColumn(_("Nội dung"), LABEL), TableColumn(_("Số lượng"), COUNT)],
        [[line.label, line.count if line.count is not None else _("chưa rà soát")] for line in lines],
        note=_("Tính trên các hồ sơ có trong cơ sở dữ liệu đến %(day)s.", day=_day(period.end))))
    return tables


def summary_table(period: Period, facts: dict) -> Table:
    """The main figures, quoted again by the dashboard (reports.service)."""
    people, channels = facts["people"], facts["channels"]
    organisations = figures.organisation_totals(period)
    facts["organisations"] = organisations
    rows = [
        _pair(_("Kiều bào, chuyên gia trong cơ sở dữ liệu"), people.total, people.total_before),
        _pair(_("Trong đó: cập nhật mới trong kỳ"), people.new, people.new_before),
        _pair(_("Quốc gia, vùng lãnh thổ có kiều bào, chuyên gia"), *facts["countries"]),
        _pair(_("Tổ chức, hội đoàn"), organisations.total, organisations.total_before),
        _pair(_("Hoạt động trong kỳ"), *facts["activities"]),
        _pair(_("Kênh phân phối"), channels.total, channels.total_before),
        _pair(_("Kênh phân phối trở thành đối tác trong kỳ"), *facts["partners"]),
    ]
    return Table("summary", "register", _("Số liệu chính"),
                 [TableColumn(_("Chỉ tiêu"), LABEL),
                  TableColumn(_("Kỳ này (%(start)s – %(end)s)", start=_day(period.start), end=_day(period.end)), COUNT),
                  TableColumn(_("Cùng kỳ năm trước (%(start)s – %(end)s)", start=_day(period.previous.start),
                                end=_day(period.previous.end)), COUNT),
                  TableColumn(_("Tăng (+), giảm (−)"), CHANGE)], rows)


def annual_figures(year: int, period: Period, progress: Callable[[float], None] | None = None) -> AnnualFigures:
    """Every table of the report on `year` over `period`, numbered in the document's order, in Vietnamese.
    `progress` is told the share done (0–1) after each part."""
    progress = progress or (lambda share: None)
    with force_locale("vi"):
        read_at = utcnow()
        facts: dict = {}
        countries = country_names()
        register = register_tables(period, facts, countries)
        progress(0.3)
        activities = activity_tables(period, facts)
        progress(0.5)
        channels = channel_tables(period, facts, countries)
        progress(0.7)
        data = data_tables(period, facts)
        tables = [summary_table(period, facts), *register, *activities, *channels, *data]
        progress(0.8)
    for number, table in enumerate(tables, start=1):
        table.number = number
    return AnnualFigures(year, period, read_at, tables, facts)


def format_count(value) -> str:
    """A whole number as Vietnamese write it: 12.345."""
    return f"{value:,}".replace(",", ".")
