"""Reference lists: taxonomies and synonyms admins maintain, read-only countries and administrative units."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from diaspora.permissions import role_required
from diaspora.records import StaleEdit
from diaspora.reference import bp
from diaspora.extensions import db
from diaspora.reference import synonyms as synonyms_service
from diaspora.reference.forms import SynonymForm, TaxonomyItemEditForm, TaxonomyItemForm
from diaspora.reference.listings import (
    countries_with_aliases,
    reference_counts,
    units_with_origins,
)
from diaspora.reference.models import Synonym
from diaspora.reference.synonyms import item_choices, list_synonyms
from diaspora.reference.taxonomy import (
    TaxonomyError,
    create_taxonomy_item,
    get_taxonomy_item_or_404,
    list_taxonomy,
    reapply_item,
    set_taxonomy_item_active,
    taxonomy_model,
    update_taxonomy_item,
)

TITLES = {"fields": _l("Lĩnh vực"), "roles": _l("Vai trò trong cộng đồng")}
KINDS = "<any(fields, roles):kind>"


def _show_error(form, error: TaxonomyError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "danger")


@bp.get("/")
@role_required("viewer")
def index():
    lists = {kind: list_taxonomy(taxonomy_model(kind)) for kind in TITLES}
    return render_template("reference/index.html", lists=lists, titles=TITLES, counts=reference_counts())


@bp.get(f"/{KINDS}/")
@role_required("viewer")
def taxonomy(kind):
    items = list_taxonomy(taxonomy_model(kind))
    return render_template("reference/taxonomy.html", kind=kind, title=TITLES[kind], items=items)


@bp.route(f"/{KINDS}/new", methods=["GET", "POST"])
@role_required("admin")
def create_item(kind):
    model = taxonomy_model(kind)
    form = TaxonomyItemForm()
    if form.validate_on_submit():
        try:
            item = create_taxonomy_item(model, form.data, by=current_user)
        except TaxonomyError as error:
            _show_error(form, error)
        else:
            flash(_("Đã thêm “%(name)s”.", name=item.display_name), "success")
            return redirect(url_for("reference.taxonomy", kind=kind))
    status = 422 if form.is_submitted() else 200
    return render_template("reference/item_form.html", form=form, kind=kind, title=TITLES[kind], item=None), status


@bp.route(f"/{KINDS}/<int:item_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_item(kind, item_id):
    """Rename or reorder an item; a form built on an older version comes back with what changed meanwhile."""
    item = get_taxonomy_item_or_404(taxonomy_model(kind), item_id)
    form = TaxonomyItemEditForm(obj=item)
    if form.validate_on_submit():
        try:
            update_taxonomy_item(item, form.data, by=current_user, expected_version=form.expected_version)
        except StaleEdit as conflict:
            values, mine = reapply_item(item, form.data, conflict.changes)
            form = TaxonomyItemEditForm(formdata=None, data={**values, "version": item.version})
            return render_template("reference/item_form.html", form=form, kind=kind, title=TITLES[kind], item=item,
                                   conflict=conflict, mine=mine), 409
        except TaxonomyError as error:
            _show_error(form, error)
        else:
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("reference.taxonomy", kind=kind))
    status = 422 if form.is_submitted() else 200
    return render_template("reference/item_form.html", form=form, kind=kind, title=TITLES[kind], item=item), status


@bp.post(f"/{KINDS}/<int:item_id>/<any(activate, deactivate):change>")
@role_required("admin")
def set_active(kind, item_id, change):
    item = get_taxonomy_item_or_404(taxonomy_model(kind), item_id)
    set_taxonomy_item_active(item, change == "activate", by=current_user)
    if change == "activate":
        flash(_("“%(name)s” lại được dùng để chọn.", name=item.display_name), "success")
    else:
        flash(_("Đã ngừng dùng “%(name)s”; hồ sơ đã gắn mục này vẫn giữ nguyên.", name=item.display_name), "info")
    return redirect(url_for("reference.taxonomy", kind=kind))


@bp.get("/countries")
@role_required("viewer")
def countries():
    query = request.args.get("q", "").strip()
    return render_template("reference/countries.html", rows=countries_with_aliases(query), q=query)


@bp.get("/units")
@role_required("viewer")
def units():
    query = request.args.get("q", "").strip()
    return render_template("reference/units.html", rows=units_with_origins(query), q=query)


@bp.get("/synonyms")
@role_required("viewer")
def synonyms():
    form = SynonymForm().fill_choices(item_choices())
    return render_template("reference/synonyms.html", rows=list_synonyms(), form=form)


@bp.post("/synonyms")
@role_required("admin")
def add_synonym():
    form = SynonymForm().fill_choices(item_choices())
    if form.validate_on_submit():
        catalogue, _sep, item = form.item.data.partition(":")
        try:
            synonym = synonyms_service.add_synonym(catalogue, item, form.words.data, by=current_user)
        except synonyms_service.SynonymError as error:
            form.words.errors = [*form.words.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Đã thêm từ đồng nghĩa “%(words)s”.", words=synonym.words), "success")
            return redirect(url_for("reference.synonyms"))
    return render_template("reference/synonyms.html", rows=list_synonyms(), form=form), 422


@bp.post("/synonyms/<int:synonym_id>/delete")
@role_required("admin")
def delete_synonym(synonym_id):
    synonym = db.get_or_404(Synonym, synonym_id)
    synonyms_service.delete_synonym(synonym, by=current_user)
    db.session.commit()
    flash(_("Đã xoá từ đồng nghĩa “%(words)s”.", words=synonym.words), "info")
    return redirect(url_for("reference.synonyms"))
