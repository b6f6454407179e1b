"""The "Báo cáo năm" page: the report as a job, its files and their downloads, roles, bad input, a failed or dead
job, and the dashboard's reminder of the 20 November deadline."""
import io
import stat
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from docx import Document
from flask import g
from sqlalchemy import select

from diaspora.audit.models import AuditEvent
from diaspora.extensions import db
from diaspora.outreach.common import today
from diaspora.reports import annual
from diaspora.reports import views as dashboard_views
from diaspora.reports.models import AnnualReport
from tests.conftest import make_user, sign_in_client
from tests.outreach.factories import make_person


def _as(client, role: str):
    """Sign the client in as a new user of the role (a test may sign in several)."""
    user = make_user(role, email=f"{role}-{uuid4().hex[:8]}@example.org")
    g.pop("_login_user", None)  # the test's app context outlives each request
    sign_in_client(client, user)
    return user


def _reports() -> list[AnnualReport]:
    db.session.expire_all()
    return list(db.session.scalars(select(AnnualReport).order_by(AnnualReport.id)))


def _ask(client, **fields):
    data = {"year": str(today().year), "date_from": "", "date_to": "", **fields}
    return client.post("/reports/annual", data=data)


def test_an_editor_makes_the_report_and_everyone_downloads_it(seeded, client, reports_folder):
    make_person("Trần Văn Bình", "KR")
    editor = _as(client, "editor")
    response = _ask(client)
    assert response.status_code == 302
    [report] = _reports()
    on = today()
    assert (report.status, report.progress, report.year, report.user_id) == ("done", 100, on.year, editor.id)
    assert (report.period_start, report.period_end) == (date(on.year, 1, 1), on)
    files = sorted(path.name for path in reports_folder.iterdir())
    assert files == [f"{report.id}.docx", f"{report.id}.xlsx"]
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in reports_folder.iterdir())

    page = client.get("/reports/annual").get_data(as_text=True)
    assert f"/reports/annual/{report.id}.docx" in page and f"/reports/annual/{report.id}.xlsx" in page
    assert "Đã xong" in page and 'name="date_from"' in page

    viewer = _as(client, "viewer")
    page = client.get("/reports/annual").get_data(as_text=True)
    assert 'name="date_from"' not in page and f"/reports/annual/{report.id}.docx" in page
    with client.get(f"/reports/annual/{report.id}.docx") as download:
        assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
        document = Document(io.BytesIO(download.data))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].cell(0, 1).text
    with client.get(f"/reports/annual/{report.id}.xlsx") as download:
        assert download.data[:2] == b"PK"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "annual_reports")
                                .order_by(AuditEvent.id)).all()
    assert [(event.action, event.user_id) for event in events] == [
        ("create", editor.id), ("download", viewer.id), ("download", viewer.id)]
    assert ".docx" in events[1].summary and ".xlsx" in events[2].summary

    state = client.get(f"/reports/annual/{report.id}/state").get_json()
    assert state == {"status": "done", "progress": 100}


@pytest.mark.parametrize("role, status", [("viewer", 403), ("editor", 302), ("admin", 302)])
def test_only_editors_and_admins_make_reports(seeded, client, role, status):
    _as(client, role)
    assert client.get("/reports/annual").status_code == 200
    assert _ask(client).status_code == status
    assert len(_reports()) == (0 if status == 403 else 1)


def test_signed_out_visitors_are_sent_to_sign_in(seeded, client):
    make_user("admin")
    for url in ("/reports/annual", "/reports/annual/1.docx", "/reports/annual/1/state"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login")
    assert client.post("/reports/annual").status_code == 302


@pytest.mark.parametrize("fields, message", [
    ({"date_from": "31/02/2026"}, "không tồn tại"),
    ({"date_from": "2026-01-01"}, "dd/mm/yyyy"),
    ({"date_to": "31/12/2099"}, "chưa đến"),
    ({"year": "abc"}, "Năm báo cáo phải từ 2000"),
    ({"date_from": "01/06/2026", "date_to": "01/05/2026"}, "Ngày đầu kỳ phải trước"),
    ({"date_from": "01/01/2020", "date_to": "30/06/2020"}, "phải nằm trong năm"),
])
def test_bad_input_is_refused_with_a_clear_message(seeded, client, fields, message):
    _as(client, "editor")
    response = _ask(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _reports() == []


def test_a_failed_job_leaves_no_file_and_says_so(seeded, client, reports_folder, monkeypatch):
    def broken_annex(figures, out):
        with open(out, "wb") as handle:
            handle.write(b"half a workbook")
        raise OSError("Ổ đĩa đầy")

    monkeypatch.setattr(annual, "write_annex", broken_annex)
    _as(client, "editor")
    assert _ask(client).status_code == 302
    [report] = _reports()
    assert report.status == "failed" and "Ổ đĩa đầy" in report.message
    assert (report.document_file, report.annex_file) == (None, None)
    assert list(reports_folder.iterdir()) == []  # neither the document written first nor the half annex
    page = client.get("/reports/annual").get_data(as_text=True)
    assert "Thất bại" in page and "Không có tệp nào được ghi." in page
    assert client.get(f"/reports/annual/{report.id}.docx").status_code == 404


def test_a_report_whose_worker_died_is_failed(seeded, client):
    report = AnnualReport(year=2026, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), status="running",
                          worker="another-host:1", heartbeat_at=datetime(2026, 1, 1, tzinfo=UTC))
    db.session.add(report)
    db.session.commit()
    _as(client, "viewer")
    assert client.get(f"/reports/annual/{report.id}/state").get_json()["status"] == "failed"
    assert "không có tệp nào được ghi" in _reports()[0].message


def test_one_report_at_a_time(seeded, client):
    db.session.add(AnnualReport(year=today().year, period_start=date(today().year, 1, 1), period_end=today(),
                                status="queued"))
    db.session.commit()
    _as(client, "editor")
    response = _ask(client)
    assert response.status_code == 302
    assert len(_reports()) == 1
    assert "Đang có một báo cáo chờ" in client.get("/reports/annual").get_data(as_text=True)


def test_the_reminder_runs_from_1_october_until_a_report_is_written(seeded):
    assert annual.reminder(date(2026, 9, 30)) is None
    first = annual.reminder(date(2026, 10, 1))
    assert (first.year, first.deadline, first.days_left, first.overdue) == (2026, date(2026, 11, 20), 50, False)
    assert annual.reminder(date(2026, 11, 20)).days_left == 0
    assert annual.reminder(date(2026, 11, 21)).overdue
    db.session.add(AnnualReport(year=2026, period_start=date(2026, 1, 1), period_end=date(2026, 10, 1),
                                status="failed"))
    db.session.add(AnnualReport(year=2025, period_start=date(2025, 1, 1), period_end=date(2025, 11, 1),
                                status="done"))
    db.session.commit()
    assert annual.reminder(date(2026, 10, 1)) is not None  # a failed report, or last year's, is not this year's
    db.session.add(AnnualReport(year=2026, period_start=date(2026, 1, 1), period_end=date(2026, 10, 1),
                                status="done"))
    db.session.commit()
    assert annual.reminder(date(2026, 11, 1)) is None


@pytest.mark.parametrize("on, shown", [(date(2026, 9, 30), False), (date(2026, 10, 1), True),
                                       (date(2026, 11, 20), True)])
def test_the_dashboard_shows_the_reminder(seeded, client, monkeypatch, on, shown):
    monkeypatch.setattr(dashboard_views, "today", lambda: on)
    _as(client, "viewer")
    page = client.get("/").get_data(as_text=True)
    assert ('id="report-reminder"' in page) is shown
    if shown:
        assert "20/11/2026" in page and 'href="/reports/annual"' in page


def test_the_dashboard_stops_reminding_once_the_report_is_written(seeded, client, monkeypatch):
    on = today()
    monkeypatch.setattr(dashboard_views, "today", lambda: date(on.year, 10, 1))
    _as(client, "editor")
    assert 'id="report-reminder"' in client.get("/").get_data(as_text=True)
    _ask(client)
    assert _reports()[0].status == "done"
    assert 'id="report-reminder"' not in client.get("/").get_data(as_text=True)
