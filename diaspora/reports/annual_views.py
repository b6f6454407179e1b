"""The "Báo cáo" page: editors and admins ask for the annual report of a year and period; everyone signed in
sees the reports written and downloads them (they hold figures only, as the dashboard does)."""
from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.extensions import db
from diaspora.outreach.common import today
from diaspora.permissions import role_required
from diaspora.reports import annual, bp
from diaspora.reports.forms import AnnualReportForm
from diaspora.reports.models import AnnualReport
from diaspora.spreadsheets.writers import MIMETYPES

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(form: AnnualReportForm, status: int = 200):
    return render_template("reports/annual.html", form=form, reports=annual.recent_reports(),
                           report_reminder=annual.reminder(form.today)), status


@bp.get("/reports/annual")
@role_required("viewer")
def annual_reports():
    """The page: the form (editors and admins) and the reports written, newest first."""
    return _page(AnnualReportForm(today=today(), data={"year": today().year}))


@bp.post("/reports/annual")
@role_required("editor")
def annual_report_create():
    """Queue the report on the year and period asked for; back to the page, which follows it."""
    form = AnnualReportForm(today=today())
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        annual.queue_report(form.year.data, form.period, current_user._get_current_object())
    except annual.ReportPending:
        flash(_("Đang có một báo cáo chờ hoặc đang được lập; hãy chờ báo cáo đó xong rồi lập tiếp."), "warning")
        return redirect(url_for(".annual_reports"))
    flash(_("Đã nhận yêu cầu lập báo cáo năm %(year)d; trang sẽ tự cập nhật khi báo cáo xong.",
            year=form.year.data), "success")
    return redirect(url_for(".annual_reports"))


@bp.get("/reports/annual/<int:report_id>/state")
@role_required("viewer")
def annual_report_state(report_id):
    """The report's status and progress, for the page's script."""
    annual.fail_dead_reports()
    report = db.get_or_404(AnnualReport, report_id)
    return jsonify(status=report.status, progress=report.progress)


@bp.get("/reports/annual/<int:report_id>.<any(docx, xlsx):kind>")
@role_required("viewer")
def annual_report_download(report_id, kind):
    """The document (docx) or the annex (xlsx) of a finished report; each download is audited."""
    report = db.get_or_404(AnnualReport, report_id)
    path = annual.file_path(report, kind)
    if report.status != "done" or path is None or not path.is_file():
        abort(404)
    annual.record_download(report, kind, current_user._get_current_object())
    return send_file(path, mimetype=DOCX_MIMETYPE if kind == "docx" else MIMETYPES["xlsx"], as_attachment=True,
                     download_name=annual.download_name(report, kind), max_age=0)
