"""The API's pages: each user's tokens (admins see everyone's) and the documentation page."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diaspora.api import API_PREFIX, pages, tokens
from diaspora.api.forms import RevokeForm, TokenForm
from diaspora.api.models import ApiToken
from diaspora.extensions import db
from diaspora.permissions import role_required
from diaspora.records import utcnow


def _page(form, secret=None, status=200):
    admin = current_user.has_role("admin")
    return render_template("api/tokens.html", form=form, secret=secret, revoke_form=RevokeForm(),
                           tokens=tokens.tokens_of(None if admin else current_user), everyone=admin,
                           now=utcnow()), status


@pages.get("/api/tokens")
@role_required("viewer")
def token_list():
    return _page(TokenForm(formdata=None))


@pages.post("/api/tokens")
@role_required("viewer")
def token_create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    token, secret = tokens.issue_token(current_user, form.name.data, read_only=form.read_only.data,
                                       days=form.days.data, by=current_user)
    flash(_("Đã tạo mã “%(name)s”. Hãy sao chép mã ngay: mã chỉ hiện một lần.", name=token.name), "success")
    return _page(TokenForm(formdata=None), secret=secret)


@pages.post("/api/tokens/<int:token_id>/revoke")
@role_required("viewer")
def token_revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != current_user.id and not current_user.has_role("admin")):
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    tokens.revoke_token(token, by=current_user)
    flash(_("Đã thu hồi mã “%(name)s”.", name=token.name), "success")
    return redirect(url_for("api_pages.token_list"))


@pages.get(f"{API_PREFIX}/docs")
@role_required("viewer")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
