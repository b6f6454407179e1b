"""Seeding reference data from data/: counts, idempotency, admin edits kept, the seed command."""
from sqlalchemy import func, select

from diaspora.extensions import db
from diaspora.reference.countries import find_country
from diaspora.reference.models import CommunityRole, Country, CountryAlias, Field, LegacyCommune, OldDistrict, Unit
from diaspora.reference.seed import seed_reference_data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_loads_every_list(app):
    counts = seed_reference_data()

    assert counts["units"]["added"] == count(Unit) == 114
    assert count(Country) >= 249
    assert count(Field) == 14
    assert count(CommunityRole) == 11
    assert count(OldDistrict) == 27
    assert count(LegacyCommune) == 374
    assert count(CountryAlias) > 1000
    assert db.session.get(Country, "JP").name_vi == "Nhật Bản"
    assert db.session.get(Country, "JP").alpha3 == "JPN"


def test_unit_types_match_the_resolution(seeded):
    types = dict(db.session.execute(select(Unit.unit_type, func.count()).group_by(Unit.unit_type)).all())
    assert types == {"Phường": 45, "Xã": 67, "Đặc khu": 2}


def test_vietnamese_country_names(seeded):
    names = {code: db.session.get(Country, code).name_vi for code in ("JP", "US", "DE", "KR", "TW", "RU", "CZ")}
    assert names == {"JP": "Nhật Bản", "US": "Hoa Kỳ", "DE": "Đức", "KR": "Hàn Quốc", "TW": "Đài Loan",
                     "RU": "Nga", "CZ": "Séc"}


def test_second_run_adds_nothing(seeded):
    before = {model: count(model) for model in (Country, CountryAlias, Field, CommunityRole, Unit, LegacyCommune)}

    counts = seed_reference_data()

    assert all(c["added"] == c["updated"] == c["removed"] == 0 for c in counts.values())
    assert {model: count(model) for model in before} == before


def test_admin_edits_of_taxonomies_survive_reseeding(seeded):
    health = db.session.scalar(select(Field).where(Field.key == "health"))
    health.name_vi = "Y tế – dược"
    health.active = False
    db.session.delete(db.session.scalar(select(CommunityRole).where(CommunityRole.key == "student")))
    db.session.commit()

    seed_reference_data()

    health = db.session.scalar(select(Field).where(Field.key == "health"))
    assert (health.name_vi, health.active) == ("Y tế – dược", False)
    assert db.session.scalar(select(CommunityRole).where(CommunityRole.key == "student")) is not None


def test_reseeding_refreshes_countries_and_the_lookup(seeded):
    assert find_country("Nhật Bản").code == "JP"
    country = db.session.get(Country, "JP")
    country.name_vi = "Sai tên"
    db.session.delete(db.session.get(CountryAlias, "nhatban"))
    db.session.commit()

    counts = seed_reference_data()

    assert counts["countries"]["updated"] == 1
    assert counts["country_aliases"]["added"] == 1
    assert db.session.get(Country, "JP").name_vi == "Nhật Bản"
    assert find_country("nhật bản").code == "JP"


def test_old_hai_duong_long_xuyen_is_corrected(seeded):
    commune = db.session.get(LegacyCommune, "10963")
    assert (commune.new_unit_code, commune.new_unit_codes) == ("10966", "10966")
    assert "Huyện Bình Giang" not in db.session.get(Unit, "10675").old_districts


def test_seed_command_prints_counts_in_vietnamese(runner):
    result = runner.invoke(args=["seed"])

    assert result.exit_code == 0, result.output
    assert "Phường, xã, đặc khu: 114 (thêm 114" in result.output
    again = runner.invoke(args=["seed"])
    assert "Phường, xã, đặc khu: 114 (thêm 0, cập nhật 0, xóa 0)" in again.output
