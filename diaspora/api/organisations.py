"""/api/v1/organisations: associations, businesses, universities, agencies and media abroad; the
organisation list's own query, form and service."""
from flask import request
from flask.views import MethodView
from flask_smorest import abort

from diaspora.api.guard import api_blueprint, conflict_answer, current_api_user, documented_errors, writes
from diaspora.api.schemas import (
    DeleteArgs,
    OrganisationArgs,
    OrganisationInSchema,
    OrganisationListSchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
)
from diaspora.api.validation import validated_form
from diaspora.audit.tracking import refuse_stale
from diaspora.contacts import ContactErrors
from diaspora.organisations import service
from diaspora.organisations.forms import OrganisationForm
from diaspora.organisations.service import OrganisationQuery, search_organisations
from diaspora.records import StaleEdit

blp = api_blueprint("api_organisations", __name__, "/api/v1/organisations",
                    "Tổ chức: hội đoàn, doanh nghiệp, trường, viện, cơ quan đại diện, báo chí.")


def _query(args) -> OrganisationQuery:
    query = OrganisationQuery.from_args(args)
    query.deleted = False
    return query


@blp.route("/")
class Organisations(MethodView):
    @blp.arguments(OrganisationArgs, location="query")
    @blp.response(200, OrganisationListSchema)
    @documented_errors(blp)
    def get(self, args):
        """Danh sách tổ chức (lọc theo nước, loại; tìm theo tên không dấu)."""
        page = search_organisations(_query(request.args))
        return {"items": [row[0] for row in page.items], "total": page.total, "page": page.page,
                "per_page": page.per_page, "pages": page.pages, "next_cursor": None}

    @writes("editor")
    @blp.arguments(OrganisationInSchema, example={"name": "Hội người Việt Nam tại Nhật Bản", "kind": "association",
                                                  "country_code": "JP", "city": "Tokyo",
                                                  "contacts": [{"kind": "email", "value": "hoi@example.jp"}]})
    @blp.response(201, OrganisationSchema)
    @documented_errors(blp, 403, 413, 415)
    def post(self, payload):
        """Thêm một tổ chức."""
        form = validated_form(OrganisationForm, payload)
        try:
            return service.create_organisation(form.values(), by=current_api_user())
        except ContactErrors as errors:
            abort(422, errors={"contacts": [str(message) for message in errors.errors.values()]})


@blp.route("/<int:organisation_id>")
class OneOrganisation(MethodView):
    @blp.response(200, OrganisationSchema)
    @documented_errors(blp)
    def get(self, organisation_id):
        """Một tổ chức."""
        return service.get_organisation_or_404(organisation_id)

    @writes("editor")
    @blp.arguments(OrganisationUpdateSchema)
    @blp.response(200, OrganisationSchema)
    @documented_errors(blp, 403, 409, 413, 415)
    def patch(self, payload, organisation_id):
        """Sửa một tổ chức: chỉ các khoá gửi lên; `version` là phiên bản đã đọc (409 nếu đã cũ)."""
        organisation = service.get_organisation_or_404(organisation_id)
        version = payload.pop("version")
        form = validated_form(OrganisationForm, {**service.organisation_values(organisation), **payload})
        try:
            service.update_organisation(organisation, form.values(), by=current_api_user(), expected_version=version)
        except StaleEdit as conflict:
            conflict_answer(conflict)
        except ContactErrors as errors:
            abort(422, errors={"contacts": [str(message) for message in errors.errors.values()]})
        return organisation

    @writes("admin")
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    @documented_errors(blp, 403, 409)
    def delete(self, args, organisation_id):
        """Chuyển một tổ chức vào thùng rác (quản trị viên)."""
        organisation = service.get_organisation_or_404(organisation_id)
        try:
            refuse_stale(organisation, args.get("version"))
        except StaleEdit as conflict:
            conflict_answer(conflict)
        service.delete_organisation(organisation, by=current_api_user())
