"""Synonyms of catalogue items: seeded from data/, listed, added and deleted by admins (audited), used by the import."""
from sqlalchemy import func, select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.reference.models import Synonym
from diaspora.reference.seed import seed_reference_data
from diaspora.reference.lookups import import_lookups
from diaspora.spreadsheets import cleaners as c
from diaspora.spreadsheets.cleaners import CleanContext
from diaspora.text import fold_key


def count(model=Synonym):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seeding_adds_the_common_synonyms_once(seeded):
    total = count()
    assert total > 50
    engineering = db.session.scalar(select(Synonym).where(Synonym.words == "Cơ khí - Chế tạo"))
    assert (engineering.catalogue, engineering.item, engineering.words_folded) == (
        "fields", "engineering", fold_key("Cơ khí - Chế tạo"))
    assert seed_reference_data()["synonyms"] == {"added": 0, "updated": 0, "removed": 0, "total": total}


def test_the_office_words_of_the_brief_map_to_their_fields(seeded):
    with seeded.test_request_context():
        context = CleanContext(import_lookups())
        keys = {item_id: key for key, item_id in context.lookups.fields.items()}
        from diaspora.reference.models import Field
        by_id = {field.id: field.key for field in db.session.scalars(select(Field))}
        cases = {"Cơ khí - Chế tạo": "engineering", "Nghiên cứu khoa học": "science_technology",
                 "Xuất nhập khẩu": "business_trade", "Ẩm thực": "tourism", "xuat nhap khau": "business_trade",
                 "Cong nghe thong tn": "it"}
        for words, key in cases.items():
            assert [by_id[item] for item in c.clean_fields(words, context)] == [key], words
        assert keys  # the lookups hold names and synonyms


def test_admin_lists_adds_and_deletes_synonyms_with_audit_events(client, login, seeded):
    admin = login("admin")
    page = client.get("/reference/synonyms").get_data(as_text=True)
    assert "Cơ khí - Chế tạo" in page and 'value="offers:visits"' in page
    before = count()
    response = client.post("/reference/synonyms", data={"words": "Thiên văn học", "item": "fields:science_technology"})
    assert response.status_code == 302 and count() == before + 1
    synonym = db.session.scalar(select(Synonym).where(Synonym.words == "Thiên văn học"))
    assert (synonym.item, synonym.created_by_id) == ("science_technology", admin.id)
    again = client.post("/reference/synonyms", data={"words": "thien van hoc", "item": "fields:it"})
    assert again.status_code == 422 and "đã là từ đồng nghĩa" in again.get_data(as_text=True)
    response = client.post(f"/reference/synonyms/{synonym.id}/delete")
    assert response.status_code == 302 and count() == before
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "synonyms")
                                      .order_by(AuditEvent.id)))
    assert actions == ["create", "delete"]


def test_only_admins_change_synonyms(client, login, seeded):
    login("editor")
    assert client.get("/reference/synonyms").status_code == 200
    assert client.post("/reference/synonyms", data={"words": "X", "item": "fields:it"}).status_code == 403
    synonym_id = db.session.scalar(select(Synonym.id))
    assert client.post(f"/reference/synonyms/{synonym_id}/delete").status_code == 403
