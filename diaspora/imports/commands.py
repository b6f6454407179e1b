"""`flask import-people`, `import-channels` and `import-participants`."""
import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from diaspora import jobs
from diaspora.auth.models import User
from diaspora.extensions import db
from diaspora.imports.kinds import kind_of
from diaspora.imports.retention import purge_import_files
from diaspora.imports.running import fail_dead_batches, import_file
from diaspora.outreach.models import Activity
from diaspora.reference.countries import country_name
from diaspora.spreadsheets.pipeline import ON_DUPLICATE
from diaspora.spreadsheets.read import SpreadsheetRejected

SHOWN = 50  # errors and duplicates listed in the readable summary


def register_import_commands(app) -> None:
    """Attach the import commands to the app's CLI."""
    for command in (import_people_command, import_channels_command, import_participants_command, imports_cli):
        app.cli.add_command(command)


def _user_by_email(email: str | None):
    if not email:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.BadParameter(_("Không có tài khoản %(email)s.", email=email), param_hint="--user")
    return user


def _import_options(command):
    """The options every import command shares (DESIGN.md: import-people)."""
    for option in reversed((
        click.argument("file", type=click.Path(exists=True, dir_okay=False)),
        click.option("--sheet", "sheet_name", help="Tên trang tính (mặc định: trang dữ liệu đầu tiên)."),
        click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi gì vào cơ sở dữ liệu."),
        click.option("--on-duplicate", type=click.Choice(ON_DUPLICATE), default="skip", show_default=True,
                     help="Xử lý dòng trùng với bản ghi đã có hoặc với dòng trước đó."),
        click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON thay cho bản tóm tắt."),
        click.option("--user", "user_email", help="Ghi nhận lần nhập cho tài khoản này (email)."),
    )):
        command = option(command)
    return with_appcontext(command)


def _run_import(kind_key: str, file, sheet_name, dry_run, on_duplicate, as_json, user_email,
                activity_id: int | None = None) -> None:
    user = _user_by_email(user_email)
    try:
        outcome = import_file(file, sheet_name=sheet_name, on_duplicate=on_duplicate, dry_run=dry_run, user=user,
                              kind=kind_of(kind_key), activity_id=activity_id)
    except SpreadsheetRejected as rejected:
        outcome = {"status": "rejected", "reason": rejected.reason, "message": rejected.message}
    if as_json:
        click.echo(json.dumps(outcome, ensure_ascii=False))
    else:
        click.echo(_summary(outcome))
    if outcome["status"] != "ok":
        sys.exit(1)


@click.command("import-people")
@_import_options
def import_people_command(**options):
    """Nhập danh sách kiều bào từ tệp Excel/ODS/CSV."""
    _run_import("people", **options)


@click.command("import-channels")
@_import_options
def import_channels_command(**options):
    """Nhập danh sách kênh phân phối từ tệp Excel/ODS/CSV."""
    _run_import("channels", **options)


@click.command("import-participants")
@click.option("--activity", "activity_id", type=int, required=True, help="ID của hoạt động.")
@_import_options
def import_participants_command(activity_id, **options):
    """Nhập danh sách người tham dự một hoạt động: tìm hoặc thêm hồ sơ, rồi thêm vào hoạt động."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.is_deleted:
        raise click.BadParameter(_("Không có hoạt động mang ID %(id)d.", id=activity_id), param_hint="--activity")
    _run_import("participants", activity_id=activity_id, **options)


def _summary(outcome: dict) -> str:
    """A readable Vietnamese summary of an import outcome."""
    if outcome["status"] != "ok":
        return _("Tệp bị từ chối: %(message)s", message=outcome["message"])
    lines = [
        _("Chạy thử, không ghi gì vào cơ sở dữ liệu.") if outcome["dry_run"] else
        _("Đã nhập (lần nhập số %(id)d).", id=outcome["batch_id"]),
        _("Trang “%(sheet)s”: %(total)d dòng, %(valid)d hợp lệ.", sheet=outcome["sheet"],
          total=outcome["rows_total"], valid=outcome["rows_valid"]),
        _("Thêm mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d, bỏ qua %(skipped)d.",
          created=outcome["created"], updated=outcome["updated"], unchanged=outcome["unchanged"],
          skipped=outcome["skipped"]),
    ]
    if outcome.get("country_from_titles"):
        lines.append(_("Dòng không ghi quốc gia: lấy quốc gia %(country)s theo tiêu đề của trang.",
                       country=country_name(outcome["country_from_titles"])))
    if "participants_added" in outcome:
        lines.append(_("Thêm %(count)d người vào danh sách tham dự hoạt động %(id)d.",
                       count=outcome["participants_added"], id=outcome["activity_id"]))
    if outcome["unmapped_columns"]:
        lines.append(_("Cột không dùng: %(columns)s.", columns=", ".join(outcome["unmapped_columns"])))
    for header, encoding in outcome["legacy_columns"].items():
        lines.append(_("Cột “%(column)s”: đã chuyển từ mã %(encoding)s sang Unicode.", column=header,
                       encoding=encoding.upper()))
    if outcome["errors"]:
        lines.append(_("%(count)d lỗi:", count=len(outcome["errors"])))
        lines += [_("  Dòng %(row)d, cột “%(column)s”: %(message)s", **error)
                  for error in outcome["errors"][:SHOWN]]
    if outcome["notes"]:
        lines.append(_("%(count)d ghi chú:", count=len(outcome["notes"])))
        lines += [_("  Dòng %(row)d: %(message)s", **note) for note in outcome["notes"][:SHOWN]]
    if outcome["duplicates"]:
        lines.append(_("%(count)d dòng trùng:", count=len(outcome["duplicates"])))
        for duplicate in outcome["duplicates"][:SHOWN]:
            targets = "; ".join(
                (_("dòng %(row)d", row=match["row"]) if "row" in match else
                 _("kênh %(id)d", id=match["channel_id"]) if "channel_id" in match else
                 _("hồ sơ %(id)d", id=match["person_id"]))
                + f" ({match['reason']})" for match in duplicate["matches"])
            lines.append(_("  Dòng %(row)d trùng %(targets)s", row=duplicate["row"], targets=targets))
    if max(len(outcome["errors"]), len(outcome["duplicates"]), len(outcome["notes"])) > SHOWN:
        lines.append(_("(Chỉ in %(shown)d mục đầu mỗi loại; dùng --json để xem tất cả.)", shown=SHOWN))
    return "\n".join(lines)


@click.group("imports")
def imports_cli():
    """Các lượt nhập Excel: dọn tệp đã hết thời hạn lưu giữ."""


@imports_cli.command("purge")
@with_appcontext
def purge_command():
    """Xoá tệp đã tải lên quá IMPORT_FILE_KEEP_DAYS ngày (cùng bản xem trước), bản nháp bỏ dở quá
    IMPORT_DRAFT_DAYS ngày và tệp không còn lượt nhập nào dùng (tiến trình xử lý chạy việc này mỗi đêm)."""
    removed = purge_import_files()
    click.echo(_("Đã xoá %(expired)d tệp hết thời hạn lưu giữ, %(previews)d bản xem trước, %(unused)d tệp không còn "
                 "dùng.", expired=removed["expired_files"], previews=removed["previews"],
                 unused=removed["unused_files"]))


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Số luồng xử lý công việc cùng lúc.")
@with_appcontext
def worker_command(workers):
    """Chạy tiến trình xử lý công việc dài (nhập tệp lớn) từ hàng đợi."""
    failed = fail_dead_batches()  # what a dead worker left "running" was rolled back with it
    if failed:
        click.echo(_("%(count)d lần nhập bị gián đoạn được ghi là thất bại.", count=failed), err=True)
    jobs.run_worker(workers)
