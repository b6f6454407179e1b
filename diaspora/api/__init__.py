"""The JSON API under /api/v1 over the features' services (flask-smorest, marshmallow schemas), its
OpenAPI document, its documentation page and the pages where staff manage their API tokens."""
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from flask_smorest import Api

from diaspora.api.schemas import ErrorSchema
from diaspora.audit.service import ACTION_LABELS, register_labels
from diaspora.config import PROJECT_ROOT
from diaspora.extensions import csrf

API_PREFIX = "/api/v1"
SPEC_OPTIONS = {
    "info": {
        "description": (
            "API của cơ sở dữ liệu kiều bào Hải Phòng (Sở Ngoại vụ). Mỗi lời gọi mang mã truy cập cá nhân: "
            "`Authorization: Bearer <mã>` (tạo ở trang “Mã truy cập API” hoặc bằng "
            "`flask --app wsgi users token EMAIL`). Vai trò của tài khoản áp dụng cho mọi lời gọi; mã chỉ đọc "
            "không được ghi. Mọi lần đọc dữ liệu cá nhân được ghi nhật ký. Người đã từ chối hoặc rút lại đồng ý, "
            "người bị hạn chế xử lý không có trong API. Ngày theo ISO 8601 (1980-03-25)."),
    },
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                      "description": "Mã truy cập API cá nhân (kbhp_…)."}}},
    "security": [{"bearerAuth": []}],
    "servers": [{"url": "/", "description": "Máy chủ này"}],
}
ACTION_NAMES = {"api_list": _l("Xem danh sách qua API"), "api_view": _l("Xem hồ sơ qua API"),
                "revoke": _l("Thu hồi")}

# Swagger UI, served by the application itself from node_modules/ (package.json), so the documentation
# page works without internet and under the app's Content-Security-Policy.
swagger_ui = Blueprint("swagger_ui", __name__, static_folder=str(PROJECT_ROOT / "node_modules" / "swagger-ui-dist"),
                       static_url_path="/vendor/swagger-ui-dist")
pages = Blueprint("api_pages", __name__)


class RegisterApi(Api):
    """flask-smorest's Api whose errors are the API blueprints' own: the app's pages keep their error pages.
    Each operation lists the error codes it answers with (no catch-all `default` answer), in the shape
    guard.json_error gives them."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        return None


def init_app(app: Flask) -> None:
    """Register the API's blueprints, its OpenAPI document, its pages and its command."""
    from diaspora.api import commands, organisations, outreach, people, reference, views  # noqa: F401
    from diaspora.api.guard import json_error

    app.config.setdefault("API_TITLE", "Kiều bào Hải Phòng API")
    app.config.setdefault("API_VERSION", "1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    api = RegisterApi(app)
    for blueprint in (people.blp, organisations.blp, outreach.channels_blp, outreach.activities_blp, reference.blp):
        csrf.exempt(blueprint)  # a bearer token in a header, never a cookie: no cross-site request can carry it
        api.register_blueprint(blueprint)
    app.register_blueprint(pages)
    app.register_blueprint(swagger_ui)
    app.extensions["diaspora-api"] = api
    # An address under /api/v1/ no route matches (404), a method a route does not take (405): JSON too.
    app.extensions.setdefault("error-answers", {})[f"{API_PREFIX}/"] = json_error


def register_audit_labels() -> None:
    """The API's actions and its tokens in the shared history views."""
    ACTION_LABELS.update({key: value for key, value in ACTION_NAMES.items() if key not in ACTION_LABELS})
    register_labels(entities={"api_tokens": _l("Mã truy cập API")})
