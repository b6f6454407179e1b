"""Consent and purpose per person: the form, the page, the history, the spreadsheet columns; exports and the
expert finder leave out the people who refused or withdrew consent, and say how many."""
import openpyxl
import pytest
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.people.columns import PEOPLE
from diaspora.people.models import Person
from tests.exports.helpers import HEADER_ROW, _field_ids_for_tests, export_to, header, open_sheet, run_import
from tests.people.factories import make_person, person_form
from tests.spreadsheets.sheets import write_workbook

CONSENT_FIELDS = {"consent_status": "given", "consent_date": "10/02/2026", "consent_source": "event",
                  "consent_legal_basis": "state_task", "processing_purpose": "Mời dự gặp mặt Tết, kết nối chuyên gia",
                  "consent_text_version": "2026-01"}


def _consent_people():
    """Five people in Japan: consent given, unknown, refused, withdrawn; and one refused in Korea."""
    for name, status, country in (("Nguyễn Văn Đồng", "given", "JP"), ("Trần Thị Chưa", "unknown", "JP"),
                                  ("Lê Văn Từ", "refused", "JP"), ("Phạm Thị Rút", "withdrawn", "JP"),
                                  ("Hoàng Văn Hàn", "refused", "KR")):
        make_person(full_name=name, consent_status=status, country_code=country,
                    fields=_field_ids_for_tests("health"))


def _rows(path) -> list[dict]:
    """The rows of an exported workbook, under its header (the row starting with "ID", after the title lines)."""
    rows = list(open_sheet(path).iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[0] == "ID")
    return [dict(zip(rows[start], row)) for row in rows[start + 1:] if any(value is not None for value in row)]


def _names(path) -> list[str]:
    return sorted(row["Họ và tên"] for row in _rows(path))


def test_the_form_saves_consent_and_purpose_and_the_page_and_history_show_them(client, login, seeded):
    login("editor")
    response = client.post("/people/new", data=person_form(**CONSENT_FIELDS))
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert (person.consent_source, person.consent_legal_basis, person.processing_purpose,
            person.consent_text_version) == ("event", "state_task", "Mời dự gặp mặt Tết, kết nối chuyên gia", "2026-01")
    page = client.get(response.location).text
    for text in ("Tại sự kiện", "Phục vụ hoạt động của cơ quan nhà nước theo quy định của pháp luật",
                 "Mời dự gặp mặt Tết, kết nối chuyên gia", "2026-01", "Căn cứ xử lý dữ liệu"):
        assert text in page
    edit = client.get(f"/people/{person.id}/edit").text
    assert 'value="2026-01"' in edit and '<option selected value="event">' in edit
    response = client.post(f"/people/{person.id}/edit", data=person_form(
        **{**CONSENT_FIELDS, "consent_status": "withdrawn", "consent_legal_basis": "consent"}, version=person.version))
    assert response.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.changes["consent_legal_basis"] == {"before": "Phục vụ hoạt động của cơ quan nhà nước theo quy định "
                                                              "của pháp luật", "after": "Sự đồng ý của chủ thể dữ liệu"}


def test_a_code_the_lists_do_not_know_is_refused_with_a_message(client, login, seeded):
    login("editor")
    response = client.post("/people/new", data=person_form(consent_source="pigeon", consent_text_version="x" * 41))
    assert response.status_code == 422
    assert db.session.scalar(select(Person)) is None
    assert 'name="consent_source"' in response.text and "is-invalid" in response.text


def test_consent_columns_are_imported_exported_and_read_back_unchanged(seeded, runner, tmp_path):
    source = write_workbook(tmp_path / "dong-y.xlsx", [
        "Họ và tên", "Nước cư trú", "Đồng ý liên hệ", "Ngày đồng ý", "Phạm vi đồng ý", "Hình thức đồng ý",
        "Căn cứ pháp lý", "Mục đích xử lý", "Phiên bản nội dung đồng ý"], [
        ["Vũ Thị Hạnh", "Nhật Bản", "Đồng ý", "10/02/2026", "Liên hệ, mời dự sự kiện", "phiếu đăng ký",
         "Sự đồng ý của chủ thể dữ liệu", "Kết nối chuyên gia", "2026-01"]])
    outcome = run_import(runner, source)
    assert (outcome["created"], outcome["errors"]) == (1, [])
    person = db.session.scalar(select(Person))
    assert (person.consent_scope, person.consent_source, person.consent_legal_basis, person.processing_purpose,
            person.consent_text_version) == ("Liên hệ, mời dự sự kiện", "form", "consent", "Kết nối chuyên gia",
                                             "2026-01")
    path = tmp_path / "xuat.xlsx"
    export_to(path)
    row = _rows(path)[0]
    assert (row["Phạm vi đồng ý"], row["Cách ghi nhận đồng ý"], row["Căn cứ xử lý dữ liệu"], row["Mục đích xử lý"],
            row["Phiên bản nội dung đồng ý"]) == ("Liên hệ, mời dự sự kiện", "Phiếu, biểu mẫu đăng ký",
                                                  "Sự đồng ý của chủ thể dữ liệu", "Kết nối chuyên gia", "2026-01")
    version = person.version
    again = run_import(runner, path)
    assert (again["updated"], again["unchanged"]) == (0, 1)
    db.session.expire_all()
    assert db.session.get(Person, person.id).version == version
    assert {"consent_scope", "consent_source", "consent_legal_basis", "processing_purpose",
            "consent_text_version"} <= {column.key for column in PEOPLE.columns}


def test_an_export_leaves_out_who_refused_or_withdrew_and_says_how_many(seeded, client, login, tmp_path):
    _consent_people()
    path = tmp_path / "a.xlsx"
    assert export_to(path) == 2
    assert _names(path) == ["Nguyễn Văn Đồng", "Trần Thị Chưa"]
    sheet = open_sheet(path)
    assert sheet["A3"].value == "Không gồm 3 người đã từ chối hoặc rút lại đồng ý."
    assert header(sheet)[0] is None and sheet.cell(HEADER_ROW + 1, 1).value == "ID"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.changes["left_out"] == {"refused": 3, "restricted": 0}
    assert "Không gồm 3 người" in event.summary

    login("editor")
    with client.get("/exports/people.csv?country=JP") as response:
        assert response.status_code == 200
        assert "Lê Văn Từ" not in response.get_data(as_text=True)
    assert "Không gồm 2 người đã từ chối hoặc rút lại đồng ý." in client.get("/people/").text  # the flash
    assert client.get("/exports/people.xlsx?consent=all").status_code == 403


def test_an_admin_may_include_them_and_that_is_recorded(seeded, client, login, tmp_path):
    _consent_people()
    login("admin")
    with client.get("/exports/people.xlsx?consent=all") as response:
        assert response.status_code == 200
        path = tmp_path / "all.xlsx"
        path.write_bytes(response.data)
    assert len(_names(path)) == 5
    assert "Gồm cả người đã từ chối hoặc rút lại đồng ý" in openpyxl.load_workbook(path).worksheets[0]["A3"].value
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.changes["include_refused"] is True and "left_out" not in event.changes


def test_a_long_export_says_on_its_page_how_many_were_left_out(app, seeded, client, login):
    _consent_people()
    login("admin")
    app.config["EXPORT_BACKGROUND_ROWS"] = 1
    response = client.get("/exports/people.xlsx")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Đã ghi 2 dòng." in page and "Không gồm 3 người đã từ chối hoặc rút lại đồng ý." in page
    response = client.get("/exports/people.xlsx?consent=all")
    assert "Đã ghi 5 dòng." in client.get(response.headers["Location"]).text


def test_the_command_line_says_how_many_it_left_out(seeded, runner, tmp_path):
    _consent_people()
    result = runner.invoke(args=["export-people", str(tmp_path / "a.xlsx")])
    assert (result.exit_code, result.stdout) == (0, "2\n")
    assert "Không gồm 3 người đã từ chối hoặc rút lại đồng ý." in result.stderr
    result = runner.invoke(args=["export-people", str(tmp_path / "b.xlsx"), "--include-refused"])
    assert (result.exit_code, result.stdout) == (0, "5\n")
    assert "Không gồm" not in result.stderr


def test_the_expert_finder_leaves_them_out_and_says_how_many(seeded, client, login):
    _consent_people()
    login("viewer")
    page = client.get("/outreach/experts?field=health").text
    assert "Nguyễn Văn Đồng" in page and "Trần Thị Chưa" in page
    assert "Lê Văn Từ" not in page and "Phạm Thị Rút" not in page and "Hoàng Văn Hàn" not in page
    assert "Không hiện 3 người đã từ chối hoặc rút lại đồng ý, hoặc bị hạn chế xử lý." in page
    page = client.get("/outreach/experts?country=KR").text
    assert "Tìm thấy 0 người." in page and "Không hiện 1 người" in page
    assert "left-out" not in client.get("/outreach/experts?country=JP&q=dong").text


@pytest.mark.parametrize("status", ["refused", "withdrawn"])
def test_the_people_list_still_shows_them(seeded, client, login, status):
    make_person(full_name="Lê Văn Từ", consent_status=status)
    login("viewer")
    assert "Lê Văn Từ" in client.get("/people/").text  # only exports and outreach lists leave them out
