"""Export and template downloads; the work is in diaspora.spreadsheets.export and .templates."""
import tempfile

from flask import abort, request, send_file
from flask_login import current_user

from diaspora import select_locale
from diaspora.auth.permissions import role_required
from diaspora.exports import bp
from diaspora.people.search import PeopleQuery
from diaspora.spreadsheets import export
from diaspora.spreadsheets.columns import SHEETS
from diaspora.spreadsheets.templates import build_template, template_filename


@bp.get("/people.<any(xlsx, csv):fmt>")
@role_required("editor")
def people(fmt):
    """The people list as filtered by the same URL arguments as the list page."""
    query = PeopleQuery.from_args(request.args)
    if not export.may_export(current_user, query):
        abort(403)
    # A temporary file, not memory: the workbook of a large list is only complete once closed.
    file = tempfile.TemporaryFile()
    export.export_people(query, file, fmt=fmt, user=current_user._get_current_object(), locale=select_locale())
    file.seek(0)
    return send_file(file, mimetype=export.MIMETYPES[fmt], as_attachment=True,
                     download_name=export.export_filename(query, fmt), max_age=0)


@bp.get("/templates/<sheet_key>.xlsx")
@role_required("editor")
def template(sheet_key):
    """The import template of a record type: headers, instructions, drop-down lists."""
    sheet = SHEETS.get(sheet_key)
    if sheet is None:
        abort(404)
    content = build_template(sheet, select_locale())
    return send_file(content, mimetype=export.MIMETYPES["xlsx"], as_attachment=True,
                     download_name=template_filename(sheet), max_age=0)
