"""Export and template downloads; the work is in the features' exports and diaspora.spreadsheets.templates."""
import tempfile

from flask import abort, request, send_file
from flask_login import current_user

from diaspora.locale import select_locale
from diaspora.permissions import role_required
from diaspora.exports import bp
from diaspora.people.search import PeopleQuery
from diaspora.outreach import exports as outreach_exports
from diaspora.outreach.activities import get_activity_or_404
from diaspora.outreach.channels import ChannelQuery
from diaspora.people import exports as people_exports
from diaspora.spreadsheets.writers import MIMETYPES
from diaspora.imports.kinds import sheets
from diaspora.spreadsheets.templates import build_template, template_filename


@bp.get("/people.<any(xlsx, csv):fmt>")
@role_required("editor")
def people(fmt):
    """The people list as filtered by the same URL arguments as the list page."""
    query = PeopleQuery.from_args(request.args)
    if not people_exports.may_export(current_user, query):
        abort(403)
    return _download(people_exports.export_people, query, fmt, people_exports.export_filename(query, fmt))


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
