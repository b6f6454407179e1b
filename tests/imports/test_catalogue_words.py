"""A catalogue word in the office's own words never refuses a row: mapped, or kept with a note; an admin
turns the unmapped words of a note into a synonym from the import's result."""
from sqlalchemy import select

from diaspora.extensions import db
from diaspora.imports.running import import_file
from diaspora.people.models import Person
from diaspora.reference.models import Synonym
from tests.spreadsheets.sheets import write_workbook

HEADERS = ["Họ và tên", "Quốc gia", "Lĩnh vực", "Vai trò", "Có thể đóng góp", "Chuyên môn"]


def _import(tmp_path, rows, name="danh-sach.xlsx", headers=HEADERS):
    path = tmp_path / name
    write_workbook(path, headers, rows)
    return import_file(path, on_duplicate="update")


def _person(name):
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.full_name == name))


def test_office_words_map_to_catalogue_items_or_are_kept_with_a_note(seeded, tmp_path):
    outcome = _import(tmp_path, [
        ["Nguyễn Văn An", "Nhật Bản", "Cơ khí - Chế tạo", "Kỹ sư", "Về nước làm việc", None],
        ["Trần Thị Bình", "Đức", "Nghiên cứu khoa học; Xuất nhập khẩu", "Giang vien", "Tu van tu xa", None],
        ["Lê Văn Cường", "Pháp", "Ẩm thực", None, None, None],
        ["Phạm Thị Dung", "Mỹ", "Thiên văn học; Y tế", "Phi hành gia", "Từ thiện", "Vật lý"],
    ])
    assert outcome["errors"] == [] and outcome["created"] == 4
    an, binh, cuong, dung = (_person(name) for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường",
                                                        "Phạm Thị Dung"))
    assert [f.key for f in an.fields] == ["engineering"] and [r.key for r in an.roles] == ["intellectual"]
    assert [o.kind for o in an.offers] == ["visits"]
    assert sorted(f.key for f in binh.fields) == ["business_trade", "science_technology"]
    assert [r.key for r in binh.roles] == ["teacher"] and [o.kind for o in binh.offers] == ["remote_advice"]
    assert [f.key for f in cuong.fields] == ["tourism"]
    # Nothing fits: kept in the expertise, after what the row wrote there, and the row says so.
    assert [f.key for f in dung.fields] == ["health"] and dung.roles == [] and dung.offers == []
    assert dung.expertise == "Vật lý; Thiên văn học; Phi hành gia; Từ thiện"
    notes = {note["row"]: note["message"] for note in outcome["notes"]}
    dung_note = notes[max(notes)]
    assert "“Thiên văn học” chưa có trong danh mục, đã ghi vào Chuyên môn" in dung_note
    assert "“Phi hành gia”" in dung_note and "“Từ thiện”" in dung_note and "Gần nhất:" in dung_note


def test_the_same_file_again_changes_nothing(seeded, tmp_path):
    rows = [["Phạm Thị Dung", "Mỹ", "Thiên văn học; Y tế", "Phi hành gia", None, None, "dung@example.com"]]
    _import(tmp_path, rows, headers=[*HEADERS, "Email"])
    again = _import(tmp_path, rows, "lan-hai.xlsx", headers=[*HEADERS, "Email"])
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_admin_turns_a_word_of_a_note_into_a_synonym_and_the_next_list_maps_it(seeded, tmp_path, client, login):
    admin = login("admin")
    first = _import(tmp_path, [["Phạm Thị Dung", "Mỹ", "Thiên văn học", None, None, None]])
    batch_id = first["batch_id"]  # the batch belongs to nobody (CLI): admins see it

    page = client.get(f"/imports/{batch_id}?action=notes").get_data(as_text=True)
    assert "“Thiên văn học” là:" in page and 'value="fields:science_technology"' in page
    response = client.post(f"/imports/{batch_id}/synonym", data={
        "words": "Thiên văn học", "item": "fields:science_technology", "action": "notes"})
    assert response.status_code == 302
    synonym = db.session.scalar(select(Synonym).where(Synonym.words == "Thiên văn học"))
    assert (synonym.catalogue, synonym.item, synonym.created_by_id) == ("fields", "science_technology", admin.id)
    second = _import(tmp_path, [["Hoàng Văn Em", "Mỹ", "Thiên văn học", None, None, None]], "lan-hai.xlsx")
    assert second["notes"] == []
    assert [f.key for f in _person("Hoàng Văn Em").fields] == ["science_technology"]


def test_editors_cannot_add_synonyms_from_a_result(seeded, tmp_path, client, login):
    login("editor")
    batch_id = _import(tmp_path, [["Phạm Thị Dung", "Mỹ", "Thiên văn học", None, None, None]])["batch_id"]
    response = client.post(f"/imports/{batch_id}/synonym", data={"words": "Thiên văn học",
                                                                  "item": "fields:science_technology"})
    assert response.status_code == 403
