"""Hometowns written with communes of several eras map to today's units, offline.

Communes our list holds (early 2025) come from our list; communes abolished before it (xã Thủy Triều,
thị trấn Núi Đèo on 1/1/2025; the 2019 mergers of Hải Dương) from the vietnamadminunits package.
"""
import socket

import pytest

from diaspora.reference import hometowns
from diaspora.reference.hometowns import match_hometown


def _no_network(*args, **kwargs):
    raise AssertionError("hometown matching tried to reach the network")


@pytest.fixture
def offline(monkeypatch):
    """Networking made impossible, the package's geocoder poisoned, its data loaded under both."""
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    from vietnamadminunits.converter import converter_2025
    from vietnamadminunits.parser import utils

    monkeypatch.setattr(utils, "get_geo_location", _no_network)
    monkeypatch.setattr(converter_2025, "get_geo_location", _no_network)
    monkeypatch.setattr(utils.geolocator, "geocode", _no_network)
    hometowns._library_data.cache_clear()
    yield
    hometowns._library_data.cache_clear()


def _names(match):
    return match.unit.full_name if match.unit else None, sorted(unit.full_name for unit in match.candidates)


def test_communes_abolished_before_our_list_map_offline(seeded, offline):
    núi_đèo = match_hometown("thị trấn Núi Đèo, huyện Thủy Nguyên, Hải Phòng")
    assert _names(núi_đèo) == ("Phường Thủy Nguyên", [])
    assert núi_đèo.reason == "abolished_commune"
    # Thủy Triều went into phường Thủy Hà, which was split on 1/7/2025: candidates, never a guess.
    thủy_triều = match_hometown("xã Thủy Triều, Thủy Nguyên")
    assert _names(thủy_triều) == (None, ["Phường Hòa Bình", "Phường Thủy Nguyên"])
    assert thủy_triều.reason == "old_commune_split"


@pytest.mark.parametrize("text, unit", [
    # Today's units.
    ("Phường Thủy Nguyên", "Phường Thủy Nguyên"),
    ("phường Lưu Kiếm, TP Hải Phòng", "Phường Lưu Kiếm"),
    # Communes of early 2025 (our list).
    ("xã Tân An, huyện Thanh Hà, tỉnh Hải Dương", "Xã Hà Tây"),
    ("phường Thủy Đường, TP Thủy Nguyên", "Phường Thủy Nguyên"),
    # Abolished on 1/1/2025 (Thủy Nguyên became a city).
    ("TT Núi Đèo, Thủy Nguyên", "Phường Thủy Nguyên"),
    ("Núi Đèo", "Phường Thủy Nguyên"),
    ("xã Thủy Sơn, huyện Thủy Nguyên", "Phường Thủy Nguyên"),
    ("xã Lưu Kỳ, huyện Thủy Nguyên, Hải Phòng", "Phường Lưu Kiếm"),
    ("xa Minh Tan, Thuy Nguyen", "Phường Bạch Đằng"),
    # Abolished in 2019 (Hải Dương): xã Thượng Đạt and An Châu became xã An Thượng.
    ("xã Thượng Đạt, TP Hải Dương", "Phường Thành Đông"),
    ("Thôn 1, xã Thượng Đạt, Hải Dương", "Phường Thành Đông"),
])
def test_hometowns_of_every_era_map_to_todays_unit(seeded, offline, text, unit):
    assert _names(match_hometown(text)) == (unit, [])


def test_our_list_wins_where_both_know_the_commune(seeded, offline):
    # xã Minh Tân is also an old name inside Thủy Nguyên's xã Bạch Đằng; our list's Minh Tân
    # communes (Nam Sách, Kiến Thụy) are what a bare "xã Minh Tân" means.
    assert _names(match_hometown("xã Minh Tân")) == (None, ["Xã Kiến Minh", "Xã Thái Tân"])
    assert _names(match_hometown("xã Minh Tân, huyện Kiến Thụy")) == ("Xã Kiến Minh", [])


def test_a_name_abolished_in_two_districts_gives_candidates(seeded, offline):
    match = match_hometown("xã Kênh Giang")
    assert match.unit is None and match.reason == "ambiguous"
    assert "Phường Lưu Kiếm" in [unit.full_name for unit in match.candidates]
    assert "Phường Lưu Kiếm" not in [unit.full_name for unit in match_hometown("xã Kênh Giang, Chí Linh").candidates]


def test_unknown_names_stay_not_found(seeded, offline):
    assert _names(match_hometown("xã Atlantis, huyện Thủy Nguyên"))[0] is None
    assert match_hometown("Atlantis").reason == "not_found"


def test_the_package_converts_every_commune_of_our_list(offline):
    converted = hometowns._library_data().converted
    assert len(converted) == 374
    # The package's own table, offline: phường Thủy Hà was split between two units.
    assert set(converted["11530"]) == {"11560", "11533"}
