"""Distribution channels: the service, the pages per role, filters, status history, locking, the matrix."""
import re

import pytest

from tests.conftest import make_user

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.outreach import channels as channel_service
from diaspora.outreach import products as product_service
from diaspora.outreach.models import ChannelProduct, ChannelStatusChange, DistributionChannel
from tests.outreach.factories import fresh, make_channel, make_organisation, make_person, make_product


def _form(channel_products=(), **values) -> dict:
    data = {"name": "Sen Việt Market", "channel_type": "supermarket", "country": "JP", "city": "Ōsaka",
            "status": "potential", **values}
    for index, (product, status) in enumerate(channel_products):
        data[f"products-{index}-product_id"] = str(product.id)
        data[f"products-{index}-status"] = status
    return data


def _version(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_create_records_the_first_status_and_an_audit_event(seeded):
    lychee = make_product()
    user = make_user("editor")
    channel = make_channel("Sen Việt", products=[(lychee, "distributing")], status="contacted", by=user)
    assert [(s.from_status, s.to_status, s.by_id) for s in channel.status_changes] == [(None, "contacted", user.id)]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "distribution_channels"))
    assert (event.action, event.user_id, channel.created_by_id) == ("create", user.id, user.id)
    assert event.changes["products"]["after"] == ["Vải thiều Thanh Hà: Đang phân phối"]
    assert event.changes["status"]["after"] == "Đã liên hệ"
    assert event.changes["country"]["after"] == "Nhật Bản"


def test_status_changes_are_kept_as_history(seeded):
    channel = make_channel()
    channel_service.change_channel_status(channel, "contacted", "Đã gửi thư giới thiệu")
    channel_service.update_channel(channel, {**_form(status="partner", status_note="Ký hợp đồng"),
                                             "name": channel.name}, expected_version=channel.version)
    steps = db.session.scalars(db.select(ChannelStatusChange).where(ChannelStatusChange.channel_id == channel.id)
                               .order_by(ChannelStatusChange.id)).all()
    assert [(s.from_status, s.to_status, s.note) for s in steps] == [
        (None, "potential", None), ("potential", "contacted", "Đã gửi thư giới thiệu"),
        ("contacted", "partner", "Ký hợp đồng")]


def test_saving_unchanged_values_writes_nothing(seeded):
    channel = make_channel("Sen Việt Market", city="Ōsaka", channel_type="supermarket")
    version = channel.version
    assert channel_service.update_channel(channel, _form(), expected_version=version) is False
    assert fresh(DistributionChannel, channel.id).version == version
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_every_role_sees_the_list_and_the_page(client, login, seeded, role):
    channel = make_channel("Sen Việt", city="Tokyo")
    login(role)
    page = client.get("/outreach/channels/").get_data(as_text=True)
    assert "Sen Việt" in page and "Tìm thấy 1 kênh." in page
    assert ("Thêm kênh" in page) == (role != "viewer")
    page = client.get(f"/outreach/channels/{channel.id}").get_data(as_text=True)
    assert "Sen Việt" in page and "Tiềm năng" in page
    assert ("Xoá" in page) == (role == "admin")


def test_anonymous_visitors_are_sent_to_login(client, seeded):
    response = client.get("/outreach/channels/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_viewer_cannot_change_anything(client, login, seeded):
    channel = make_channel()
    login("viewer")
    assert client.get("/outreach/channels/new").status_code == 403
    assert client.post("/outreach/channels/new", data=_form()).status_code == 403
    assert client.get(f"/outreach/channels/{channel.id}/edit").status_code == 403
    assert client.post(f"/outreach/channels/{channel.id}/edit", data=_form(version="1")).status_code == 403
    assert client.post(f"/outreach/channels/{channel.id}/status", data={"status": "partner"}).status_code == 403
    assert client.post(f"/outreach/channels/{channel.id}/delete").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(DistributionChannel)) == 1


def test_editor_creates_a_channel_with_products_and_normalised_contacts(client, login, seeded):
    editor = login("editor")
    lychee, pottery = make_product(), make_product("Gốm Chu Đậu", "handicraft", 5)
    person, association = make_person(), make_organisation()
    assert client.get(f"/outreach/channels/new?person={person.id}").status_code == 200
    response = client.post("/outreach/channels/new", data=_form(
        [(lychee, "distributing"), (pottery, "interested")], person_id=str(person.id),
        organisation_id=str(association.id), phone="06-1234-5678", email="Info@SenViet.JP",
        website="senviet.jp", scale="medium", scale_note="3 cửa hàng", notes="Chủ là người Thanh Hà"))
    assert response.status_code == 302
    channel = db.session.scalar(db.select(DistributionChannel))
    assert (channel.name, channel.city, channel.city_folded) == ("Sen Việt Market", "Ōsaka", "osaka")
    assert (channel.phone, channel.email, channel.website) == ("+81612345678", "info@senviet.jp", "https://senviet.jp")
    assert (channel.person_id, channel.organisation_id, channel.created_by_id) == (person.id, association.id, editor.id)
    assert {(link.product.name, link.status) for link in channel.products} == {
        ("Vải thiều Thanh Hà", "distributing"), ("Gốm Chu Đậu", "interested")}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in page and "Hội người Việt Nam tại Nhật Bản" in page and "+81612345678" in page


@pytest.mark.parametrize(("values", "message"), [
    ({"name": ""}, "Vui lòng nhập tên kênh."),
    ({"country": ""}, "Vui lòng chọn quốc gia."),
    ({"email": "không-phải-email"}, "Địa chỉ email “không-phải-email” không hợp lệ."),
    ({"phone": "12"}, "Số điện thoại “12” không hợp lệ."),
    ({"website": "not a site"}, "Địa chỉ trang web không hợp lệ."),
    ({"person_id": "999"}, "Người phụ trách không tồn tại hoặc đã bị xoá."),
])
def test_invalid_channel_forms_are_refused_with_a_message(client, login, seeded, values, message):
    login("editor")
    response = client.post("/outreach/channels/new", data=_form(**values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(DistributionChannel)) == 0


def test_editing_replaces_products_and_records_the_change(client, login, seeded):
    login("editor")
    lychee, pottery = make_product(), make_product("Gốm Chu Đậu", "handicraft", 5)
    channel = make_channel("Sen Việt Market", city="Ōsaka", channel_type="supermarket",
                           products=[(lychee, "interested")])
    page = client.get(f"/outreach/channels/{channel.id}/edit").get_data(as_text=True)
    response = client.post(f"/outreach/channels/{channel.id}/edit", data=_form(
        [(lychee, "distributing"), (pottery, "")], version=_version(page), status="contacted", status_note="Gọi điện"))
    assert response.status_code == 302
    links = db.session.scalars(db.select(ChannelProduct)).all()
    assert [(link.product_id, link.status) for link in links] == [(lychee.id, "distributing")]
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "update"
    assert event.changes["products"] == {"before": ["Vải thiều Thanh Hà: Quan tâm"],
                                         "after": ["Vải thiều Thanh Hà: Đang phân phối"]}
    assert event.changes["status"] == {"before": "Tiềm năng", "after": "Đã liên hệ"}
    page = client.get(f"/outreach/channels/{channel.id}").get_data(as_text=True)
    assert "Gọi điện" in page and "Trạng thái qua các lần" in page


def test_a_stale_edit_is_refused_and_shows_what_changed(client, login, seeded):
    channel = make_channel("Sen Việt Market", city="Ōsaka", channel_type="supermarket")
    login("editor")
    stale_version = _version(client.get(f"/outreach/channels/{channel.id}/edit").get_data(as_text=True))
    other = make_user("editor", "other@example.org")
    channel_service.update_channel(channel, _form(city="Kyoto"), by=other, expected_version=channel.version)

    response = client.post(f"/outreach/channels/{channel.id}/edit", data=_form(name="Tên mới", version=stale_version))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Kyoto" in page and "Ōsaka" in page and "Cán bộ editor" in page
    # Only what the other user changed is listed: the name they left alone is no conflict.
    rows = page[page.index("<tbody"):page.index("</tbody>")]
    assert "Thành phố" in rows and "Tên kênh" not in rows and "Tên mới" not in rows
    stored = fresh(DistributionChannel, channel.id)
    assert (stored.name, stored.city) == ("Sen Việt Market", "Kyoto")


def test_a_stale_status_change_is_refused(client, login, seeded):
    channel = make_channel()
    login("editor")
    channel_service.change_channel_status(channel, "contacted")
    response = client.post(f"/outreach/channels/{channel.id}/status", data={"status": "partner", "version": "1"})
    assert response.status_code == 409
    assert fresh(DistributionChannel, channel.id).status == "contacted"


def test_status_change_from_the_channel_page(client, login, seeded):
    channel = make_channel()
    login("editor")
    response = client.post(f"/outreach/channels/{channel.id}/status",
                           data={"status": "partner", "note": "Đã ký", "version": str(channel.version)},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã cập nhật trạng thái: Đối tác." in page and "Đã ký" in page
    assert fresh(DistributionChannel, channel.id).status == "partner"


def test_editors_cannot_delete_or_see_the_bin(client, login, seeded):
    channel = make_channel("Sen Việt")
    login("editor")
    assert client.post(f"/outreach/channels/{channel.id}/delete").status_code == 403
    assert client.post(f"/outreach/channels/{channel.id}/restore").status_code == 403
    assert client.get("/outreach/channels/?deleted=1").status_code == 403
    assert not fresh(DistributionChannel, channel.id).is_deleted


def test_admin_deletes_and_restores(client, login, seeded):
    channel = make_channel("Sen Việt")
    login("admin")
    page = client.post(f"/outreach/channels/{channel.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Đã chuyển kênh “Sen Việt” vào thùng rác." in page and "Tìm thấy 0 kênh." in page
    assert fresh(DistributionChannel, channel.id).is_deleted
    assert "Sen Việt" in client.get("/outreach/channels/?deleted=1").get_data(as_text=True)
    client.post(f"/outreach/channels/{channel.id}/restore")
    assert not fresh(DistributionChannel, channel.id).is_deleted
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["create", "delete", "restore"]


def test_a_deleted_channel_is_hidden_from_editors(client, login, seeded):
    channel = make_channel()
    channel_service.delete_channel(channel)
    login("editor")
    assert client.get(f"/outreach/channels/{channel.id}").status_code == 404
    assert client.get(f"/outreach/channels/{channel.id}/edit").status_code == 404


@pytest.fixture
def catalogue(seeded):
    """Channels in Japan and Germany carrying two products, and one deleted channel."""
    lychee, pottery = make_product(), make_product("Gốm Chu Đậu", "handicraft", 5)
    make_channel("Sen Việt Ōsaka", "JP", city="Ōsaka", products=[(lychee, "distributing")], status="partner")
    make_channel("Asia Mart Tokyo", "JP", city="Tokyo", channel_type="supermarket",
                 products=[(lychee, "distributing"), (pottery, "interested")])
    make_channel("Phở Hà Nội", "JP", city="Nagoya", channel_type="restaurant", products=[(lychee, "interested")])
    make_channel("Vietnam Import GmbH", "DE", city="Berlin", channel_type="importer",
                 products=[(pottery, "interested")], status="contacted")
    gone = make_channel("Đã đóng cửa", "FR", products=[(lychee, "distributing")])
    channel_service.delete_channel(gone)
    return lychee, pottery


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"Sen Việt Ōsaka", "Asia Mart Tokyo", "Phở Hà Nội", "Vietnam Import GmbH"}),
    ("country=DE", {"Vietnam Import GmbH"}),
    ("type=restaurant", {"Phở Hà Nội"}),
    ("status=partner", {"Sen Việt Ōsaka"}),
    ("q=osaka", {"Sen Việt Ōsaka"}),
    ("q=pho+ha+noi", {"Phở Hà Nội"}),
    ("category=handicraft", {"Asia Mart Tokyo", "Vietnam Import GmbH"}),
    ("category=handicraft&country=JP", {"Asia Mart Tokyo"}),
])
def test_channel_filters(client, login, catalogue, query, expected):
    login("viewer")
    page = client.get(f"/outreach/channels/?{query}").get_data(as_text=True)
    names = {"Sen Việt Ōsaka", "Asia Mart Tokyo", "Phở Hà Nội", "Vietnam Import GmbH", "Đã đóng cửa"}
    assert {name for name in names if name in page} == expected
    assert f"Tìm thấy {len(expected)} kênh." in page


def test_channel_filter_by_product_and_its_status(client, login, catalogue):
    lychee, _pottery = catalogue
    login("viewer")
    page = client.get(f"/outreach/channels/?product={lychee.id}").get_data(as_text=True)
    assert "Tìm thấy 3 kênh." in page
    page = client.get(f"/outreach/channels/?product={lychee.id}&product_status=interested").get_data(as_text=True)
    assert "Tìm thấy 1 kênh." in page and "Phở Hà Nội" in page


def test_channel_list_is_paginated(client, login, seeded):
    for number in range(3):
        make_channel(f"Kênh {number}")
    login("viewer")
    page = client.get("/outreach/channels/?per_page=2").get_data(as_text=True)
    assert "Tìm thấy 3 kênh." in page and "Kênh 0" in page and "Kênh 2" not in page
    page = client.get("/outreach/channels/?per_page=2&page=2").get_data(as_text=True)
    assert "Kênh 2" in page and "Kênh 0" not in page


def test_products_by_countries_matrix_counts(catalogue):
    lychee, pottery = catalogue
    matrix = product_service.product_country_matrix()
    assert [code for code, _name in matrix.countries] == ["DE", "JP"]
    assert matrix.cell(lychee.id, "JP") == {"distributing": 2, "interested": 1}
    assert matrix.cell(pottery.id, "JP") == {"interested": 1}
    assert matrix.cell(pottery.id, "DE") == {"interested": 1}
    assert matrix.cell(lychee.id, "DE") == {}
    assert matrix.product_total(lychee.id) == {"distributing": 2, "interested": 1}
    assert [label for label, _products in matrix.groups] == ["Nông sản", "Thủ công mỹ nghệ"]


def test_matrix_page_links_cells_and_marks_empty_ones(client, login, catalogue):
    lychee, _pottery = catalogue
    login("viewer")
    page = client.get("/outreach/channels/matrix").get_data(as_text=True)
    assert f'href="/outreach/channels/?product={lychee.id}&amp;country=JP"' in page
    assert "Đức" in page and "Nhật Bản" in page and "Pháp" not in page
    assert page.count("matrix-empty") == 1
    assert "chưa có" in page


def test_channels_for_person(seeded):
    person = make_person()
    mine = make_channel("Sen Việt", person=person)
    make_channel("Khác")
    gone = make_channel("Đã xoá", person=person)
    channel_service.delete_channel(gone)
    assert channel_service.channels_for_person(person.id) == [mine]


def test_new_channel_opened_from_a_person_or_organisation_page_is_prefilled(client, login, seeded):
    person, association = make_person(), make_organisation()
    login("editor")
    page = client.get(f"/outreach/channels/new?person={person.id}&organisation={association.id}").get_data(as_text=True)
    assert f'name="person_id" type="hidden" value="{person.id}"' in page
    assert f'name="organisation_id" type="hidden" value="{association.id}"' in page
    assert "Hội người Việt Nam tại Nhật Bản" in page
    page = client.get("/outreach/channels/new?person=abc&organisation=999").get_data(as_text=True)
    assert 'name="person_id" type="hidden" value=""' in page
