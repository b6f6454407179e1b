"""`flask report annual`: the annual report written by the command line, in its own process (no worker)."""
import re
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from diaspora.audit.forms import parse_day
from diaspora.audit.service import record
from diaspora.extensions import db
from diaspora.outreach.common import today
from diaspora.reports.annual import write_report
from diaspora.reports.figures import PeriodError, annual_period
from diaspora.reports.tables import annual_figures


@click.group("report")
def report_cli():
    """Báo cáo."""


def _day(text: str | None, option: str):
    if text is None:
        return None
    day = parse_day(text)
    if day is None:
        if re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{4}\s*", text):  # the right shape, a day no calendar has
            raise click.BadParameter(_("Ngày %(value)s không tồn tại.", value=text.strip()), param_hint=option)
        raise click.BadParameter(_("Ngày phải có dạng dd/mm/yyyy, ví dụ 20/11/2025."), param_hint=option)
    return day


def _suffix(path: str | None, suffix: str, hint: str) -> None:
    if path is not None and Path(path).suffix.lower() != suffix:
        raise click.BadParameter(_("Tệp phải có đuôi %(suffix)s.", suffix=suffix), param_hint=hint)


@report_cli.command("annual")
@click.option("--year", type=int, required=True, help="Năm báo cáo.")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--annex", type=click.Path(dir_okay=False, writable=True), help="Phụ lục số liệu (.xlsx).")
@click.option("--from", "start", help="Ngày đầu kỳ (dd/mm/yyyy); mặc định 01/01 của năm báo cáo.")
@click.option("--to", "end", help="Ngày cuối kỳ, ngày chốt số liệu (dd/mm/yyyy); mặc định hôm nay.")
@with_appcontext
def annual_command(year, out, annex, start, end):
    """Lập báo cáo kết quả công tác đối với cộng đồng người Hải Phòng ở nước ngoài (.docx, phụ lục .xlsx)."""
    _suffix(out, ".docx", "OUT")
    _suffix(annex, ".xlsx", "--annex")
    try:
        period = annual_period(year, _day(start, "--from"), _day(end, "--to"), today=today())
    except PeriodError as error:
        raise click.UsageError(str(error)) from None
    figures = annual_figures(year, period)
    write_report(figures, out, annex)
    record("export", entity_type="annual_reports", summary=_l(
        "Lập báo cáo năm %(year)d bằng dòng lệnh (kỳ %(start)s – %(end)s)", year=year,
        start=period.start.strftime("%d/%m/%Y"), end=period.end.strftime("%d/%m/%Y")))
    db.session.commit()
    click.echo(_("Đã ghi báo cáo năm %(year)d vào %(path)s.", year=year, path=out))
    if annex:
        click.echo(_("Đã ghi phụ lục số liệu (%(count)d bảng) vào %(path)s.", count=len(figures.tables), path=annex))
