"""Every figure of the annual report, and the dashboard's totals, as plain functions over a period.

A period runs from a first to a last day, both whole days in the office's time zone; its last day is the
data cut-off. Its comparison is the same days one year earlier ("cùng kỳ năm trước"). Counts of the
register (people, organisations, channels) are stocks at the end of a period's last day: the records
created by then that are still in the register. Soft-deleted records and erased tombstones are never
counted, in either period. What the register keeps no history of (a person's country, fields, roles,
consent; a channel's status and products) is read as it is now, for both periods.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, false, func, or_, select

from diaspora import signals
from diaspora.contacts import PHONE_KINDS, Contact
from diaspora.extensions import db
from diaspora.organisations.models import Organisation
from diaspora.outreach.models import (
    Activity,
    ActivityParticipant,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
)
from diaspora.people.models import Person, person_fields, person_roles
from diaspora.records import utcnow
from diaspora.reference.models import CommunityRole, Field, Product
from diaspora.text import fold_words

# Who counts as a scientist, an intellectual or an artist (one person may be all three):
# - scientist: the community role "Nhà khoa học", or a doctorate or higher in "Học hàm, học vị" (TS., TSKH.,
#   PGS., GS., PhD, Prof.);
# - intellectual: the roles "Trí thức", "Nhà khoa học", "Bác sĩ", "Giáo viên / giảng viên", or any academic
#   title or degree (ThS., KS., BS., TS. …);
# - artist: the role "Văn nghệ sĩ", or the field "Văn hóa – nghệ thuật".
SCIENTIST_ROLES = ("scientist",)
INTELLECTUAL_ROLES = ("intellectual", "scientist", "doctor", "teacher")
ARTIST_ROLES = ("artist",)
ARTIST_FIELDS = ("culture_arts",)
DOCTORATE_WORDS = frozenset({"ts", "tskh", "pgs", "gs", "phd", "prof"})
DOCTORATE_PHRASES = ("tien si", "giao su")
TALENTS = ("scientist", "intellectual", "artist")

# The sector of a cooperation project, from the words of its title and description (folded, whole words),
# the first sector that matches winning: an activity records no sector of its own.
COOPERATION_SECTORS = ("health", "education", "culture", "science", "other")
SECTOR_WORDS = {
    "health": ("y te", "benh vien", "kham benh", "chua benh", "bac si", "suc khoe", "phau thuat", "dieu duong",
               "y khoa", "y hoc"),
    "education": ("giao duc", "dao tao", "dai hoc", "hoc bong", "giang vien", "sinh vien", "hoc sinh", "truong hoc",
                  "giang day"),
    "culture": ("van hoa", "nghe thuat", "am nhac", "mua roi", "trien lam", "le hoi", "tieng viet", "van hoc",
                "the thao"),
    "science": ("khoa hoc", "cong nghe", "nghien cuu", "chuyen giao", "ky thuat"),
}


class PeriodError(ValueError):
    """A period that cannot be reported on; the message is for the user, in Vietnamese."""


def year_before(day: date) -> date:
    """The same day one year earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """The days a report covers, first and last included; the last is the data cut-off."""

    start: date
    end: date

    @property
    def previous(self) -> "Period":
        """The same days one year earlier."""
        return Period(year_before(self.start), year_before(self.end))

    @property
    def start_at(self) -> datetime:
        """The first moment of the period (office time, in UTC)."""
        return _local_midnight(self.start)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period (exclusive bound of its timestamps)."""
        return _local_midnight(self.end + timedelta(days=1))


def _local_midnight(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def annual_period(year: int, start: date | None = None, end: date | None = None, *, today: date) -> Period:
    """The period of the report on `year`: by default 1 January to today (to 31 December for a past year).
    Refused (PeriodError): a year to come, a period ending after today or before it starts, longer than a
    year (its comparison would overlap it), or outside the year."""
    if not 2000 <= year <= today.year:
        raise PeriodError(_("Năm báo cáo phải từ 2000 đến %(year)d.", year=today.year))
    start = start or date(year, 1, 1)
    end = end or min(date(year, 12, 31), today)
    if end > today:
        raise PeriodError(_("Ngày cuối kỳ (%(day)s) chưa đến: số liệu chỉ tính đến hôm nay.",
                            day=end.strftime("%d/%m/%Y")))
    if start > end:
        raise PeriodError(_("Ngày đầu kỳ phải trước hoặc bằng ngày cuối kỳ."))
    if start <= year_before(end):
        raise PeriodError(_("Kỳ báo cáo dài tối đa một năm."))
    if not start.year <= year <= end.year:
        raise PeriodError(_("Kỳ báo cáo phải nằm trong năm %(year)d (hoặc vắt qua năm đó).", year=year))
    return Period(start, end)


class Counts(NamedTuple):
    """Records of the register at the end of the period and of its comparison, and those added in each."""

    total: int = 0
    total_before: int = 0
    new: int = 0
    new_before: int = 0


def _within(column, start, end):
    return and_(column >= start, column < end)


def created_by(created, period: Period) -> tuple:
    """The condition that a record was created by the end of the period: none while the period has not ended (every
    record was), so a count of today's register reads the indexes alone."""
    return () if period.end_at > utcnow() else (created < period.end_at,)


def _stock_columns(created, period: Period, compare: bool = True) -> tuple:
    """The four sums of Counts over rows with a creation time `created` (rows limited by created_by), or, without
    `compare`, the count of the rows alone (Counts.total)."""
    if not compare:
        return (func.count(),)
    previous = period.previous

    def counted(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (counted(created < period.end_at), counted(created < previous.end_at),
            counted(_within(created, period.start_at, period.end_at)),
            counted(_within(created, previous.start_at, previous.end_at)))


def _counts(row) -> Counts:
    return Counts(*(int(value or 0) for value in row))


def live_people():
    """The conditions of a person counted anywhere: in the register. An erased person's tombstone is in the bin
    too (people.privacy's erase sets deleted_at, and a tombstone cannot be restored), so it is never counted, and
    a count reads the register's partial indexes (WHERE deleted_at IS NULL) alone."""
    return (Person.deleted_at.is_(None),)


def _people_select(period: Period, *keys, compare: bool = True):
    return select(*keys, *_stock_columns(Person.created_at, period, compare)).select_from(Person).where(
        *live_people(), *created_by(Person.created_at, period))


def people_totals(period: Period, compare: bool = True) -> Counts:
    """People in the register at the end of the period and its comparison; people added in each. Without
    `compare`, only Counts.total (the dashboard's)."""
    return _counts(db.session.execute(_people_select(period, compare=compare)).one())


PEOPLE_DIMENSIONS = ("country", "field", "role", "person_type")


def people_by(period: Period, dimension: str, compare: bool = True) -> dict:
    """Counts of people by country code, field id, community role id or person type; the key None holds the
    people with none (a person with several fields or roles counts under each). Without `compare`, only
    Counts.total."""
    if dimension == "country":
        statement = _people_select(period, Person.country_code, compare=compare).group_by(Person.country_code)
    elif dimension == "person_type":
        statement = _people_select(period, Person.person_type, compare=compare).group_by(Person.person_type)
    elif dimension in ("field", "role"):
        link, key = (person_fields, person_fields.c.field_id) if dimension == "field" else \
            (person_roles, person_roles.c.role_id)
        statement = (_people_select(period, key, compare=compare).join(link, link.c.person_id == Person.id)
                     .group_by(key))
        without = _people_select(period, compare=compare).where(~exists().where(link.c.person_id == Person.id))
        counts = {row[0]: _counts(row[1:]) for row in db.session.execute(statement)}
        unset = _counts(db.session.execute(without).one())
        return {**counts, None: unset} if unset.total or unset.total_before else counts
    else:
        raise ValueError(dimension)
    return {row[0]: _counts(row[1:]) for row in db.session.execute(statement)}


def countries_of(by_country: dict, before: bool = False) -> int:
    """How many countries have people in the register (from people_by(period, "country"))."""
    return sum(1 for code, counts in by_country.items()
               if code is not None and (counts.total_before if before else counts.total))


def doctorate_titles() -> list[str]:
    """The academic titles written in the register that name a doctorate or higher (see DOCTORATE_WORDS)."""
    titles = db.session.scalars(select(Person.academic_title).distinct().where(
        *live_people(), Person.academic_title.is_not(None)))
    found = []
    for title in titles:
        folded = " ".join(fold_words(title))
        if DOCTORATE_WORDS.intersection(folded.split()) or any(phrase in folded for phrase in DOCTORATE_PHRASES):
            found.append(title)
    return found


def _has_taxonomy(link, key_column, model, keys):
    return Person.id.in_(select(link.c.person_id).join(model, model.id == key_column).where(model.key.in_(keys)))


def talent_conditions() -> dict:
    """The condition on Person of each of TALENTS, by the rule written above them."""
    doctorates = doctorate_titles()
    titled = and_(Person.academic_title.is_not(None), Person.academic_title != "")
    return {
        "scientist": or_(_has_taxonomy(person_roles, person_roles.c.role_id, CommunityRole, SCIENTIST_ROLES),
                         Person.academic_title.in_(doctorates) if doctorates else false()),
        "intellectual": or_(_has_taxonomy(person_roles, person_roles.c.role_id, CommunityRole, INTELLECTUAL_ROLES),
                            titled),
        "artist": or_(_has_taxonomy(person_roles, person_roles.c.role_id, CommunityRole, ARTIST_ROLES),
                      _has_taxonomy(person_fields, person_fields.c.field_id, Field, ARTIST_FIELDS)),
    }


def talents(period: Period) -> dict:
    """Counts of scientists, intellectuals and artists, and under "any" the people who are at least one."""
    conditions = talent_conditions()
    counts = {key: _counts(db.session.execute(_people_select(period).where(condition)).one())
              for key, condition in conditions.items()}
    counts["any"] = _counts(db.session.execute(_people_select(period).where(or_(*conditions.values()))).one())
    return counts


def consent(period: Period) -> dict:
    """People in the register at the end of the period by consent status (as it is now)."""
    statement = (select(Person.consent_status, func.count())
                 .where(*live_people(), *created_by(Person.created_at, period)).group_by(Person.consent_status))
    return {status: count for status, count in db.session.execute(statement)}


class QualityLine(NamedTuple):
    """A line of the data-quality table: its key, its label, and a count (None: not reviewed yet)."""

    key: str
    label: str
    count: int | None


def data_quality(period: Period) -> list[QualityLine]:
    """What needs the staff's care among the people in the register at the end of the period: records
    without any contact, unverified phones, restricted processing, and what other features answer to
    signals.data_quality_figures (the pairs of probable duplicates waiting for review)."""
    people = (*live_people(), *created_by(Person.created_at, period))
    without_contact = db.session.scalar(select(func.count()).select_from(Person).where(
        *people, ~exists().where(Contact.person_id == Person.id)))
    unverified = and_(Contact.verified.is_(False), Contact.kind.in_(PHONE_KINDS))
    unverified_phones = db.session.scalar(select(func.count()).select_from(Contact).join(
        Person, Person.id == Contact.person_id).where(*people, unverified))
    people_unverified = db.session.scalar(select(func.count()).select_from(Person).where(
        *people, exists().where(Contact.person_id == Person.id, unverified)))
    restricted = db.session.scalar(select(func.count()).select_from(Person).where(
        *people, Person.restricted_at.is_not(None)))
    lines = [
        QualityLine("without_contact", _("Hồ sơ chưa có thông tin liên hệ nào"), without_contact),
        QualityLine("unverified_phones", _("Số điện thoại chưa xác minh"), unverified_phones),
        QualityLine("people_unverified_phones", _("Hồ sơ có số điện thoại chưa xác minh"), people_unverified),
        QualityLine("restricted", _("Hồ sơ bị hạn chế xử lý theo yêu cầu"), restricted),
    ]
    answered = signals.quality_figures(period)
    if not any(figure.key == signals.DUPLICATES_PENDING for figure in answered):
        lines.append(QualityLine(signals.DUPLICATES_PENDING, _("Cặp hồ sơ nghi trùng chờ rà soát"), None))
    lines += [QualityLine(figure.key, figure.label, figure.count) for figure in answered]
    return lines


def organisation_totals(period: Period, compare: bool = True) -> Counts:
    """Organisations in the register at the end of the period and its comparison; those added in each. Without
    `compare`, only Counts.total."""
    return _counts(db.session.execute(
        select(*_stock_columns(Organisation.created_at, period, compare))
        .where(Organisation.deleted_at.is_(None), *created_by(Organisation.created_at, period))).one())


# Activities


class ActivityCounts(NamedTuple):
    """Activities of a type in the period and its comparison, and who took part in the period's
    (participations: one person in two activities counts twice)."""

    activities: int = 0
    activities_before: int = 0
    people: int = 0
    organisations: int = 0


def _in_days(column, period: Period):
    return and_(column >= period.start, column <= period.end)


def _live_activities(period: Period):
    return (Activity.deleted_at.is_(None),
            or_(_in_days(Activity.start_date, period), _in_days(Activity.start_date, period.previous)))


def _participations(period: Period, key):
    """{key: (people, organisations)} taking part in the period's activities (live people and organisations)."""
    live_person = exists().where(Person.id == ActivityParticipant.person_id, *live_people())
    live_organisation = exists().where(Organisation.id == ActivityParticipant.organisation_id,
                                       Organisation.deleted_at.is_(None))
    statement = (select(key, func.coalesce(func.sum(case((live_person, 1), else_=0)), 0),
                        func.coalesce(func.sum(case((live_organisation, 1), else_=0)), 0))
                 .select_from(ActivityParticipant)
                 .join(Activity, Activity.id == ActivityParticipant.activity_id)
                 .where(Activity.deleted_at.is_(None), _in_days(Activity.start_date, period))
                 .group_by(key))
    return {row[0]: (int(row[1]), int(row[2])) for row in db.session.execute(statement)}


def activities_by_type(period: Period) -> dict:
    """ActivityCounts by activity type."""
    statement = (select(Activity.activity_type,
                        func.sum(case((_in_days(Activity.start_date, period), 1), else_=0)),
                        func.sum(case((_in_days(Activity.start_date, period.previous), 1), else_=0)))
                 .where(*_live_activities(period)).group_by(Activity.activity_type))
    taking_part = _participations(period, Activity.activity_type)
    return {kind: ActivityCounts(int(now or 0), int(before or 0), *taking_part.get(kind, (0, 0)))
            for kind, now, before in db.session.execute(statement)}


def distinct_participants(period: Period) -> int:
    """How many different people (in the register) took part in the period's activities."""
    return db.session.scalar(
        select(func.count(func.distinct(ActivityParticipant.person_id)))
        .join(Activity, Activity.id == ActivityParticipant.activity_id)
        .join(Person, Person.id == ActivityParticipant.person_id)
        .where(Activity.deleted_at.is_(None), _in_days(Activity.start_date, period), *live_people())) or 0


class Amounts(NamedTuple):
    """Activities of a type with an amount in one currency, and their sum, in the period and its comparison."""

    count: int = 0
    amount: int = 0
    count_before: int = 0
    amount_before: int = 0


def amounts_by_currency(period: Period, activity_type: str) -> dict:
    """Amounts by currency of the period's activities of a type (contribution, investment); the key None
    counts those recorded without an amount."""
    now, before = _in_days(Activity.start_date, period), _in_days(Activity.start_date, period.previous)

    def summed(condition, value):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    currency = case((Activity.amount.is_(None), None), else_=Activity.currency)
    statement = (select(currency, summed(now, 1), summed(now, func.coalesce(Activity.amount, 0)),
                        summed(before, 1), summed(before, func.coalesce(Activity.amount, 0)))
                 .where(*_live_activities(period), Activity.activity_type == activity_type)
                 .group_by(currency))
    return {row[0]: Amounts(*(int(value) for value in row[1:])) for row in db.session.execute(statement)}


def cooperation_sector(*texts: str | None) -> str:
    """The sector of a cooperation project from its texts (see SECTOR_WORDS); "other" when none matches."""
    words = " " + " ".join(word for text in texts for word in fold_words(text)) + " "
    for sector, phrases in SECTOR_WORDS.items():
        if any(f" {phrase} " in words for phrase in phrases):
            return sector
    return "other"


def cooperation_by_sector(period: Period) -> dict:
    """{sector: ActivityCounts} of the cooperation projects of the period and its comparison."""
    rows = db.session.execute(select(Activity.id, Activity.title, Activity.description, Activity.start_date)
                              .where(*_live_activities(period), Activity.activity_type == "cooperation")).all()
    taking_part = _participations(period, Activity.id)
    sectors: dict[str, list[int]] = {}
    for activity_id, title, description, day in rows:
        totals = sectors.setdefault(cooperation_sector(title, description), [0, 0, 0, 0])
        if period.start <= day <= period.end:
            people, organisations = taking_part.get(activity_id, (0, 0))
            totals[0] += 1
            totals[2] += people
            totals[3] += organisations
        else:
            totals[1] += 1
    return {sector: ActivityCounts(*totals) for sector, totals in sectors.items()}


# Distribution channels


def _live_channels(period: Period):
    return (DistributionChannel.deleted_at.is_(None), *created_by(DistributionChannel.created_at, period))


def channel_totals(period: Period) -> Counts:
    """Channels in the register at the end of the period and its comparison; those added in each."""
    return _counts(db.session.execute(select(*_stock_columns(DistributionChannel.created_at, period))
                                      .where(*_live_channels(period))).one())


def channels_by_country(period: Period) -> dict:
    """{country code: ({status: channels now}, Counts)} for the channels in the register."""
    statuses: dict[str, dict[str, int]] = {}
    for code, status, count in db.session.execute(
            select(DistributionChannel.country_code, DistributionChannel.status, func.count())
            .where(*_live_channels(period)).group_by(DistributionChannel.country_code, DistributionChannel.status)):
        statuses.setdefault(code, {})[status] = count
    counts = {row[0]: _counts(row[1:]) for row in db.session.execute(
        select(DistributionChannel.country_code, *_stock_columns(DistributionChannel.created_at, period))
        .where(*_live_channels(period)).group_by(DistributionChannel.country_code))}
    return {code: (statuses.get(code, {}), counts[code]) for code in counts}


def partners_gained(period: Period) -> dict:
    """{country code: (channels that became partners in the period, in its comparison)}: a channel counts
    once per period, whatever its status now."""
    def became(window: Period):
        return exists().where(ChannelStatusChange.channel_id == DistributionChannel.id,
                              ChannelStatusChange.to_status == "partner",
                              _within(ChannelStatusChange.at, window.start_at, window.end_at))

    statement = (select(DistributionChannel.country_code,
                        func.sum(case((became(period), 1), else_=0)),
                        func.sum(case((became(period.previous), 1), else_=0)))
                 .where(*_live_channels(period), or_(became(period), became(period.previous)))
                 .group_by(DistributionChannel.country_code))
    return {code: (int(now or 0), int(before or 0)) for code, now, before in db.session.execute(statement)}


class CountryProducts(NamedTuple):
    """The city's typical products the channels of one country carry and want, and how many channels."""

    distributing: list
    interested: list
    channels: int


def products_by_country(period: Period) -> dict:
    """{country code: CountryProducts} over the channels in the register at the end of the period; a product
    both carried and wanted in a country is listed as carried."""
    rows = db.session.execute(
        select(DistributionChannel.country_code, ChannelProduct.status, Product.name, ChannelProduct.channel_id)
        .join(ChannelProduct, ChannelProduct.channel_id == DistributionChannel.id)
        .join(Product, Product.id == ChannelProduct.product_id)
        .where(*_live_channels(period)).order_by(Product.name)).all()
    found: dict[str, tuple[dict, dict, set]] = {}
    for code, status, name, channel_id in rows:
        distributing, interested, channels = found.setdefault(code, ({}, {}, set()))
        (distributing if status == "distributing" else interested)[name] = None
        channels.add(channel_id)
    return {code: CountryProducts(list(distributing), [name for name in interested if name not in distributing],
                                  len(channels))
            for code, (distributing, interested, channels) in found.items()}
