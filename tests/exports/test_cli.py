"""`flask export-people OUT [--country] [--field] [--q]`: format from the extension, row count printed, audited."""
import openpyxl
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from tests.exports.helpers import _field_ids_for_tests, data_rows
from tests.people.factories import make_person


def _people(*keys):
    make_person(full_name="Nguyễn Thị Hoa", fields=_field_ids_for_tests("health"))
    make_person(full_name="Nguyễn Văn Nam", fields=_field_ids_for_tests("it"))
    make_person(full_name="Trần Thị Lan", fields=_field_ids_for_tests("health"))
    make_person(full_name="Nguyễn Văn Sơn", country_code="US", fields=_field_ids_for_tests("health"))


def test_export_people_writes_the_filtered_list_and_prints_the_count(seeded, runner, tmp_path):
    _people()
    path = tmp_path / "y-te.xlsx"
    result = runner.invoke(args=["export-people", str(path), "--country", "JP", "--field", "health", "--q", "nguyen"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1\n"
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [row["Họ và tên"] for row in data_rows(sheet)] == ["Nguyễn Thị Hoa"]
    assert "người xuất: dòng lệnh" in sheet["A2"].value
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.user_id is None
    assert event.changes == {"filter": {"q": "nguyen", "country": "JP", "field": "health"}, "rows": 1,
                             "format": "xlsx"}


def test_csv_by_extension_and_country_by_name(seeded, runner, tmp_path):
    _people()
    path = tmp_path / "nhat.CSV"
    result = runner.invoke(args=["export-people", str(path), "--country", "Nhật Bản"])
    assert (result.exit_code, result.stdout) == (0, "3\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfID,")


def test_bad_arguments_are_refused(seeded, runner, tmp_path):
    for args in ([str(tmp_path / "x.pdf")], [str(tmp_path / "x.xlsx"), "--country", "Atlantis"],
                 [str(tmp_path / "x.xlsx"), "--field", "astronomy"]):
        result = runner.invoke(args=["export-people", *args])
        assert result.exit_code == 2, args
    assert not (tmp_path / "x.xlsx").exists()
