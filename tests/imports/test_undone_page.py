"""An undone import's page offers nothing the undo removed: no "records added" button, no link to a record
the undo deleted, and every link it still shows answers."""
import re

from sqlalchemy import func, select

from diaspora.batches.models import ImportBatch
from diaspora.extensions import db
from diaspora.people import service as people_service
from diaspora.people.models import Person
from tests.imports.test_views import batch_id_of, mapping_data, upload, workbook  # noqa: F401 (a fixture)


def _links(page: str) -> list[str]:
    return sorted({href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"]*)"', page)
                   if "/static/" not in href})


def test_an_undone_import_offers_no_link_to_what_the_undo_removed(seeded, client, login, workbook):  # noqa: F811
    login("admin")
    kept = people_service.create_person({"full_name": "Lê Văn Cường", "country_code": "DE",
                                         "contacts": [{"kind": "email", "value": "cuong@example.de"}]}).id
    batch_id = batch_id_of(upload(client, workbook))
    client.post(f"/imports/{batch_id}/mapping", data=mapping_data())
    client.post(f"/imports/{batch_id}/commit")
    created = db.session.scalar(select(Person.id).where(Person.full_name == "Nguyễn Văn An"))
    page = client.get(f"/imports/{batch_id}").text
    assert "Xem hồ sơ đã thêm" in page and f'href="/people/{created}"' in page
    assert f'href="/people/{kept}"' in page  # the duplicate the row was matched with

    assert "Đã hoàn tác" in client.post(f"/imports/{batch_id}/undo", follow_redirects=True).text
    assert db.session.get(ImportBatch, batch_id).status == "undone"
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1

    for url in (f"/imports/{batch_id}", f"/imports/{batch_id}?action=created"):
        response = client.get(url)
        page = response.text
        assert response.status_code == 200
        assert "Xem hồ sơ đã thêm" not in page
        assert 'id="undone"' in page
        assert f'href="/people/{created}"' not in page
        if "action=created" in url:
            assert f"Hồ sơ {created} (đã xoá khi hoàn tác)" in page
        for link in _links(page):
            if link.startswith(("/logout", "/auth/logout", "/language/")):  # signs out; switches to English
                continue
            with client.get(link) as answer:
                assert answer.status_code != 404, link
    assert f'href="/people/{kept}"' in client.get(f"/imports/{batch_id}?action=skipped").text
