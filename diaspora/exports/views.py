"""Export and template downloads; the work is in the features' exports and diaspora.spreadsheets.templates.
A long list is written by the worker (exports.files) and downloaded from its page when ready."""
import tempfile
from functools import partial

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora.audit.access import record_access
from diaspora.exports import bp, files
from diaspora.exports.models import ExportFile
from diaspora.extensions import db
from diaspora.imports.kinds import sheets
from diaspora.locale import select_locale
from diaspora.outreach import exports as outreach_exports
from diaspora.outreach.activities import get_activity_or_404
from diaspora.outreach.channels import ChannelQuery
from diaspora.people import exports as people_exports
from diaspora.people.search import PeopleQuery
from diaspora.permissions import role_required
from diaspora.spreadsheets.templates import build_template, template_filename
from diaspora.spreadsheets.writers import MIMETYPES


@bp.get("/people.<any(xlsx, csv):fmt>")
@role_required("editor")
def people(fmt):
    """The people list as filtered by the same URL arguments as the list page."""
    query = PeopleQuery.from_args(request.args)
    options = people_exports.export_options(request.args)
    if not people_exports.may_export(current_user, query, **options):
        abort(403)
    if files.is_long("people", query):
        return _queued("people", query, fmt, {"consent": "all"} if options["include_refused"] else None)
    note = people_exports.left_out_note(query, **options)
    if note:
        flash(note, "info")  # shown on the next page: the browser stays on the list while the file downloads
    return _download(partial(people_exports.export_people, **options), query, fmt,
                     people_exports.export_filename(query, fmt))


def _queued(list_key: str, query, fmt: str, options_args: dict | None = None):
    export = files.queue_export(list_key, query, fmt, current_user._get_current_object(), select_locale(),
                                options_args)
    return redirect(url_for(".show", export_id=export.id))


def _download(export_list, subject, fmt: str, download_name: str):
    """Run export_list(subject, file, fmt=, user=, locale=) into a temporary file and send it: a file, not
    memory, since the workbook of a large list is only complete once closed."""
    file = tempfile.TemporaryFile()
    export_list(subject, file, fmt=fmt, user=current_user._get_current_object(), locale=select_locale())
    file.seek(0)
    return send_file(file, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=download_name, max_age=0)


@bp.get("/channels.<any(xlsx, csv):fmt>")
@role_required("editor")
def channels(fmt):
    """The channel list as filtered by the same URL arguments as the list page (the bin: admins only)."""
    query = ChannelQuery.from_args(request.args)
    if query.deleted and not current_user.has_role("admin"):
        abort(403)
    if files.is_long("channels", query):
        return _queued("channels", query, fmt)
    return _download(outreach_exports.export_channels, query, fmt, outreach_exports.channels_filename(query, fmt))


@bp.get("/activities/<int:activity_id>/participants.<any(xlsx, csv):fmt>")
@role_required("editor")
def participants(activity_id, fmt):
    """The people taking part in an activity, in the columns an attendance list is imported with."""
    activity = get_activity_or_404(activity_id)
    return _download(outreach_exports.export_participants, activity, fmt,
                     outreach_exports.participants_filename(activity, fmt))


@bp.get("/templates/<sheet_key>.xlsx")
@role_required("editor")
def template(sheet_key):
    """The import template of a record type: headers, instructions, drop-down lists."""
    sheet = sheets().get(sheet_key)
    if sheet is None:
        abort(404)
    content = build_template(sheet, select_locale())
    return send_file(content, mimetype=MIMETYPES["xlsx"], as_attachment=True,
                     download_name=template_filename(sheet), max_age=0)


@bp.get("/")
@role_required("editor")
def index():
    """The current user's exports of long lists, kept for a day."""
    return render_template("exports/index.html", exports=files.recent_exports(current_user))


def _own_export_or_404(export_id: int) -> ExportFile:
    """An export of the current user (an admin may see anyone's)."""
    files.fail_dead_exports()
    export = db.get_or_404(ExportFile, export_id)
    if export.user_id != current_user.id and not current_user.has_role("admin"):
        abort(403)
    return export


@bp.get("/<int:export_id>")
@role_required("editor")
def show(export_id):
    return render_template("exports/show.html", export=_own_export_or_404(export_id))


@bp.get("/<int:export_id>/state")
@role_required("editor")
def state(export_id):
    export = _own_export_or_404(export_id)
    return jsonify(status=export.status, rows=export.rows, message=export.message)


@bp.get("/<int:export_id>/download")
@role_required("editor")
def download(export_id):
    export = _own_export_or_404(export_id)
    path = files.file_path(export)
    if export.status != "done" or not path.is_file():
        abort(404)
    record_access("download", entity_type="export_files", entity_id=export.id, people_of_event=export.event_id,
                  summary=_l("Tải tệp xuất %(file)s", file=export.download_name))
    return send_file(path, mimetype=MIMETYPES[export.fmt], as_attachment=True, download_name=export.download_name,
                     max_age=0)
