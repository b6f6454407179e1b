"""The import wizard (upload → sheet → mapping → preview → commit → result), history and undo."""
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora.audit.access import record_access
from diaspora.batches.kinds import UndoRefused
from diaspora.batches.models import ROW_ACTION_LABELS, ImportBatch
from diaspora.extensions import db
from diaspora.imports import bp, forms, running, wizard
from diaspora.imports.errors import FileExpired, error_workbook
from diaspora.imports.kinds import kind_of, registered_kinds
from diaspora.imports.storage import has_upload
from diaspora.imports.undo import undo_batch
from diaspora.listing import record_id, whole_number
from diaspora.messages import text
from diaspora.permissions import role_required
from diaspora.reference.countries import (
    countries_named_in,
    country_choices,
    find_country,
)
from diaspora.people.duplicates import reason_text
from diaspora.people.models import CONTRIBUTION_LABELS
from diaspora.reference import synonyms
from diaspora.reference.synonyms import item_choices, register_offer_labels, unmapped_words
from diaspora.spreadsheets import pipeline
from diaspora.spreadsheets.read import SpreadsheetRejected

bp.add_app_template_filter(reason_text, "match_reason")  # why a stored match is one, in the reader's language


# The offers are people's: the synonyms' pickers (reference, a layer below) learn their labels here.
register_offer_labels(CONTRIBUTION_LABELS)


def _page() -> int:
    return whole_number(request.args, "page", 1)


def _batch_or_404(batch_id: int) -> ImportBatch:
    """A batch the current user may see: one rule for every page and file of a batch (its rows hold
    personal data): the user who uploaded it, or an admin; viewers never (the routes ask for editor)."""
    running.fail_dead_batches()
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.user_id != current_user.id and not current_user.has_role("admin"):
        abort(403)
    return batch


def _draft_or_404(batch_id: int) -> ImportBatch:
    """A draft the current user may see (_batch_or_404); a started batch shows its result."""
    batch = _batch_or_404(batch_id)
    if batch.status != "draft":
        abort(redirect(url_for(".show", batch_id=batch.id)))
    return batch


FILE_GONE = _l("Tệp gốc của lượt nhập này không còn được lưu (đã quá thời hạn lưu giữ, hoặc đã xoá theo yêu cầu "
                "của chủ thể dữ liệu).")


@bp.errorhandler(FileNotFoundError)
def file_gone(_error):
    """A draft whose file was deleted (retention, an erase) cannot go on: say so, never a server error."""
    flash(str(FILE_GONE) + " " + _("Hãy tải tệp lên lại."), "warning")
    return redirect(url_for(".index"))


def _rejected(batch: ImportBatch, rejected: SpreadsheetRejected):
    flash(rejected.message, "danger")
    return redirect(url_for(".upload"))


@bp.get("/")
@role_required("editor")
def index():
    return render_template("imports/index.html", batches=running.history(current_user, _page()), kinds=registered_kinds())


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def upload():
    form = forms.UploadForm(kind=request.args.get("kind", "people"), activity=request.args.get("activity", ""))
    form.kind.choices = [(key, str(kind.label)) for key, kind in registered_kinds().items()]
    form.activity.choices = [("", "—")] + [(str(activity.id), f"{activity.start_date:%d/%m/%Y} · {activity.title}")
                                           for activity in wizard.activities_to_attend()]
    if form.validate_on_submit():
        kind = kind_of(form.kind.data)
        try:
            batch = wizard.start_upload(form.file.data, current_user, kind.key,
                                         int(form.activity.data) if kind.needs_activity else None)
        except SpreadsheetRejected as rejected:
            form.file.errors.append(rejected.message)
        else:
            return redirect(url_for(".sheet", batch_id=batch.id))
    return render_template("imports/upload.html", form=form), 422 if form.errors else 200


@bp.route("/<int:batch_id>/sheet", methods=["GET", "POST"])
@role_required("editor")
def sheet(batch_id):
    batch = _draft_or_404(batch_id)
    try:
        sheets = wizard.sheets_of(batch)
    except SpreadsheetRejected as rejected:
        return _rejected(batch, rejected)
    shown = sheets if request.args.get("all") else [s for s in sheets if not s.hidden and not s.instructions]
    form = forms.SheetForm(sheet=batch.sheet_name)
    form.sheet.choices = [(s.name, s.name) for s in (shown or sheets)]
    if form.validate_on_submit():
        wizard.update_draft(batch, sheet_name=form.sheet.data, mapping_choices=None, defaults=None, row_actions=None)
        return redirect(url_for(".mapping", batch_id=batch.id))
    return render_template("imports/sheet.html", batch=batch, form=form, sheets=sheets, shown=shown)


@bp.route("/<int:batch_id>/mapping", methods=["GET", "POST"])
@role_required("editor")
def mapping(batch_id):
    batch = _draft_or_404(batch_id)
    try:
        layout = wizard.draft_layout(batch)
    except SpreadsheetRejected as rejected:
        return _rejected(batch, rejected)
    saved = wizard.saved_mapping(request.args.get("saved"))
    current = wizard.draft_mapping(batch, layout, saved)
    kind = kind_of(batch.sheet_key)
    form = forms.mapping_form(current, kind.sheet, country_choices(common_first=False))
    if request.method == "GET":
        form.default_country.data = (batch.defaults or {}).get("country") or pipeline.country_of_titles(layout, countries_named_in, find_country) or ""
    elif form.validate_on_submit():
        missing = wizard.set_mapping(batch, layout, form.choices(), form.default_country.data, form.save_as.data,
                                      current_user)
        if not missing:
            return redirect(url_for(".preview", batch_id=batch.id))
        flash(_("Chưa có cột bắt buộc: %(columns)s. Hãy chọn cột tương ứng hoặc quốc gia mặc định.",
                columns=", ".join(column.header_vi for column in missing)), "danger")
    return render_template("imports/mapping.html", batch=batch, form=form, mapping=current, layout=layout,
                           saved_mappings=wizard.saved_mappings(kind.key), saved=saved, kind=kind)


@bp.route("/<int:batch_id>/preview", methods=["GET", "POST"])
@role_required("editor")
def preview(batch_id):
    batch = _draft_or_404(batch_id)
    show = request.values.get("show", "all")
    show = show if show in wizard.PREVIEW_FILTERS else "all"
    form = forms.DuplicatesForm(on_duplicate=batch.on_duplicate)
    if form.validate_on_submit():
        actions = {row: value for name, value in request.form.items()
                   if name.startswith("row_") and (row := record_id(name[4:]))}
        wizard.set_row_actions(batch, form.on_duplicate.data, actions)
        return redirect(url_for(".preview", batch_id=batch.id, show=show, page=_page()))
    try:
        changes = wizard.preview(batch)
    except SpreadsheetRejected as rejected:
        return _rejected(batch, rejected)
    rows, total = wizard.preview_rows(changes, show, _page())
    return render_template("imports/preview.html", batch=batch, form=form, changes=changes, rows=rows, total=total,
                           show=show, page=_page(), labels=ROW_ACTION_LABELS, kind=changes.kind)


@bp.post("/<int:batch_id>/commit")
@role_required("editor")
def commit(batch_id):
    batch = _draft_or_404(batch_id)
    try:
        running.queue_batch(batch, current_user)
    except Exception:  # the batch is marked failed with the reason, which the result page shows
        current_app.logger.exception("import batch %s failed", batch_id)
    return redirect(url_for(".show", batch_id=batch_id))


@bp.get("/<int:batch_id>")
@role_required("editor")
def show(batch_id):
    batch = _batch_or_404(batch_id)
    if batch.status == "draft":
        return redirect(url_for(".preview", batch_id=batch.id))
    action = request.args.get("action") or None
    rows = running.batch_rows(batch, action, _page())
    kind = kind_of(batch.sheet_key)
    names = kind.names(
        [row.person_id for row in rows.items if row.person_id]
        + [match["person_id"] for row in rows.items for match in row.matches or [] if "person_id" in match])
    synonym_items = item_choices() if current_user.has_role("admin") and any(
        unmapped_words(row.note) for row in rows.items) else None
    return render_template("imports/show.html", batch=batch, rows=rows, action=action, labels=ROW_ACTION_LABELS,
                           names=names, progress=batch.progress or 0, kind=kind, unmapped_words=unmapped_words,
                           synonym_items=synonym_items, file_gone=None if has_upload(batch.file_sha256) else FILE_GONE)


@bp.post("/<int:batch_id>/synonym")
@role_required("admin")
def add_synonym(batch_id):
    """Make words a row's note says no catalogue item had a synonym of the item chosen beside them:
    the next list maps them."""
    batch = _batch_or_404(batch_id)
    form = forms.SynonymFromNoteForm()
    if form.validate_on_submit():
        catalogue, _sep, item = form.item.data.partition(":")
        try:
            synonym = synonyms.add_synonym(catalogue, item, form.words.data, by=current_user)
        except synonyms.SynonymError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Từ nay “%(words)s” được hiểu là mục đã chọn khi nhập danh sách.", words=synonym.words), "success")
    else:
        flash(_("Hãy chọn một mục trong danh mục."), "danger")
    return redirect(url_for(".show", batch_id=batch.id, action=request.form.get("action") or None))


@bp.get("/<int:batch_id>/progress")
@role_required("editor")
def progress(batch_id):
    batch = _batch_or_404(batch_id)
    return jsonify(status=batch.status, progress=batch.progress or 0, message=batch.message)


@bp.get("/<int:batch_id>/errors.xlsx")
@role_required("editor")
def errors(batch_id):
    batch = _batch_or_404(batch_id)
    stem = batch.file_name.rsplit(".", 1)[0]
    try:
        workbook = error_workbook(batch)
    except FileExpired:
        flash(str(FILE_GONE) + " " + _("Không còn tệp dòng lỗi của lượt nhập này."), "warning")
        return redirect(url_for(".show", batch_id=batch.id))
    name = f"{stem} - dong loi.xlsx"
    # The rows of the workbook hold personal data: who took them away is on record.
    record_access("download", entity_type="import_batches", entity_id=batch.id,
                  summary=_l("Tải tệp dòng lỗi %(file)s", file=name))
    return send_file(workbook, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/<int:batch_id>/undo")
@role_required("admin")
def undo(batch_id):
    batch = _batch_or_404(batch_id)
    try:
        outcome = undo_batch(batch.id, current_user)
    except UndoRefused as refused:
        rows = running.batch_rows(batch, None, 1)
        return render_template("imports/show.html", batch=batch, rows=rows, action=None, refused=refused.records,
                               labels=ROW_ACTION_LABELS, names={}, progress=100,
                               kind=kind_of(batch.sheet_key)), 409
    except ValueError as problem:
        flash(str(problem), "danger")
    else:
        flash(text(outcome["summary"]), "success")
    return redirect(url_for(".show", batch_id=batch.id))
