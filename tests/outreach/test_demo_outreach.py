"""Demo outreach data: channels with products and a status history, activities with participants, marked demo."""
import collections

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from diaspora.extensions import db
from diaspora.outreach import activities as activity_service
from diaspora.outreach import channels as channel_service
from diaspora.outreach import common
from diaspora.outreach import products as product_service
from diaspora.outreach.demo import DEMO_MARK, create_demo_outreach
from diaspora.outreach.models import (
    ACTIVITY_TYPES,
    CHANNEL_PRODUCT_STATUSES,
    CHANNEL_STATUSES,
    CHANNEL_TYPES,
    Activity,
    ActivityParticipant,
    ChannelProduct,
    ChannelStatusChange,
    DistributionChannel,
)
from diaspora.contacts import normalize_email, normalize_phone
from diaspora.people.demo import create_demo_data
from diaspora.people.models import Person
from diaspora.text import clean_text, fold


def _channels():
    return db.session.scalars(select(DistributionChannel).options(
        selectinload(DistributionChannel.products), selectinload(DistributionChannel.status_changes),
        selectinload(DistributionChannel.person)).order_by(DistributionChannel.id)).all()


def _activities():
    return db.session.scalars(select(Activity).options(selectinload(Activity.participants))
                              .order_by(Activity.id)).all()


def test_demo_data_command_creates_channels_and_activities(seeded, runner):
    result = runner.invoke(args=["demo-data", "--people", "1000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "20 kênh phân phối" in result.output and "25 hoạt động" in result.output
    channels, activities = _channels(), _activities()
    assert len(channels) == 20 and len(activities) == 25
    assert all(channel.notes == DEMO_MARK for channel in channels)
    assert all(activity.description == DEMO_MARK for activity in activities)


def test_demo_channels_carry_products_and_a_status_history(seeded):
    create_demo_data(2000, seed=4)
    summary = create_demo_outreach(2000, seed=4)
    channels = _channels()
    assert summary.channels == len(channels) == 40
    assert len({channel.country_code for channel in channels}) >= 6
    assert {channel.status for channel in channels} <= set(CHANNEL_STATUSES)
    assert len({channel.status for channel in channels}) >= 3
    assert {channel.channel_type for channel in channels} <= set(CHANNEL_TYPES)
    for channel in channels:
        # The same derived columns as a channel saved through the service.
        assert channel.name == clean_text(channel.name) and channel.name_folded == fold(channel.name)
        assert channel.city_folded == fold(channel.city)
        if channel.phone:
            assert normalize_phone(channel.phone, channel.country_code) == channel.phone
        if channel.email:
            assert normalize_email(channel.email) == channel.email
        if channel.person is not None:
            assert channel.person.country_code == channel.country_code and channel.person.is_demo
            assert channel.person.person_type == "overseas_vietnamese"
        assert channel.products and {link.status for link in channel.products} <= set(CHANNEL_PRODUCT_STATUSES)
        if channel.status == "partner":
            assert "distributing" in {link.status for link in channel.products}
        history = sorted(channel.status_changes, key=lambda change: change.id)
        assert history[0].from_status is None and history[-1].to_status == channel.status
        assert all(a.to_status == b.from_status and a.at <= b.at for a, b in zip(history, history[1:]))
    # The lists and the matrix see them.
    assert channel_service.search_channels(channel_service.ChannelQuery(country="JP")).total == sum(
        channel.country_code == "JP" for channel in channels)
    matrix = product_service.product_country_matrix()
    assert sum(sum(cell.values()) for cell in matrix.counts.values()) == summary.channel_products


def test_demo_activities_have_every_type_participants_and_follow_ups(seeded):
    create_demo_data(4000, seed=5)
    create_demo_outreach(4000, seed=5)
    activities = _activities()
    assert len(activities) == 100
    types = collections.Counter(activity.activity_type for activity in activities)
    assert set(types) == set(ACTIVITY_TYPES)
    today = common.today()
    assert all((today - activity.start_date).days <= 3 * 366 and activity.start_date <= today
               for activity in activities)
    for activity in activities:
        assert activity.title_folded == fold(activity.title)
        assert activity.participants
        if activity.follow_up_date:
            assert activity.follow_up_date > activity.start_date
        if activity.activity_type == "contribution":
            assert activity.amount > 0 and activity.currency
        for part in activity.participants:
            assert (part.person_id is None) != (part.organisation_id is None)
    assert db.session.scalar(select(func.count()).select_from(ActivityParticipant)
                             .where(ActivityParticipant.organisation_id.is_not(None))) > 0
    due = activity_service.follow_ups_due(today)
    assert any(activity.follow_up_date < today for activity in due)
    assert any(activity.follow_up_date >= today for activity in due)
    # A participant's timeline shows the activity.
    person_id = activities[0].participants[0].person_id or activities[1].participants[0].person_id
    assert activity_service.activities_for_person(person_id)


def _snapshot():
    channels = [(c.name, c.country_code, c.status, c.person_id, sorted((p.product_id, p.status) for p in c.products))
                for c in _channels()]
    activities = [(a.title, a.start_date, a.amount, a.follow_up_date,
                   sorted((p.person_id or 0, p.organisation_id or 0) for p in a.participants)) for a in _activities()]
    return channels, activities, db.session.scalar(select(func.count()).select_from(ChannelStatusChange))


def test_demo_outreach_is_deterministic_for_a_seed(app, seeded):
    create_demo_data(500, seed=6)
    create_demo_outreach(500, seed=6)
    first = _snapshot()
    for model in (ActivityParticipant, Activity, ChannelProduct, ChannelStatusChange, DistributionChannel):
        db.session.execute(model.__table__.delete())
    db.session.commit()
    create_demo_outreach(500, seed=6)
    again = _snapshot()
    assert again == first


def test_demo_outreach_adds_to_existing_records_and_services_still_save(seeded):
    create_demo_data(300, seed=7)
    create_demo_outreach(300, seed=7)
    create_demo_outreach(300, seed=8)
    assert db.session.scalar(select(func.count()).select_from(DistributionChannel)) == 2 * 6
    person = db.session.scalar(select(Person).where(Person.country_code == "JP").limit(1))
    channel = channel_service.create_channel({"name": "Siêu thị Á Đông", "country": "JP", "status": "contacted",
                                              "person_id": person.id if person else None})
    activity = activity_service.create_activity({"title": "Gặp mặt kiều bào", "start_date": common.today(),
                                                 "activity_type": "meeting", "country": "JP"})
    assert channel.id > 12 and activity.id > 14
