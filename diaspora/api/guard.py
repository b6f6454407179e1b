"""Who may call the API: a bearer token per call (no cookie, no CSRF), the token user's role, read-only
tokens, the per-token rate limit, and errors answered as JSON."""
import json
from functools import wraps
from http import HTTPStatus

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import Conflict

from diaspora.api import tokens
from diaspora.extensions import db
from diaspora.records import StaleEdit

# The codes an API call may answer with an error (each gets the JSON handler: the app's own handlers of
# these codes render pages).
ERROR_CODES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500)


def _default_messages() -> dict[int, str]:
    """The message of an error raised without one (werkzeug's own are in English), in the interface's language."""
    return {400: _("Yêu cầu không hợp lệ."), 401: _("Thiếu mã truy cập API hợp lệ."),
            403: _("Bạn không có quyền thực hiện thao tác này."), 404: _("Không có địa chỉ hoặc bản ghi này trong API."),
            405: _("Địa chỉ này không nhận phương thức %(method)s.", method=request.method),
            409: _("Hồ sơ đã được người khác sửa. Hãy đọc lại rồi sửa."), 413: _("Nội dung gửi lên quá lớn."),
            415: _("Nội dung phải là JSON (Content-Type: application/json)."), 422: _("Dữ liệu không hợp lệ."),
            429: _("Quá nhiều lượt gọi. Hãy thử lại sau."), 500: _("Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau.")}


class ArgumentsParser(FlaskParser):
    """webargs' parser, refusing with a 400 a body the JSON decoder gives up on for another reason than its
    syntax (a number of thousands of digits)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True):
                abort(415, errors={"_body": [_("Nội dung phải là JSON (Content-Type: application/json).")]})
            return webargs_core.missing
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except ValueError:
            abort(400, errors={"_body": [_("Nội dung JSON không đọc được.")]})

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, errors={"_body": [_("Nội dung JSON không đọc được.")]})


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    """A blueprint of the API: every call authenticated by its token, every error JSON."""
    blueprint = ApiBlueprint(name, import_name, url_prefix=url_prefix, description=description)
    blueprint.before_request(authenticate_call)
    for code in ERROR_CODES:
        blueprint.register_error_handler(code, json_error)
    for race in (StaleEdit, StaleDataError):  # a save that lost a race (the app's handler renders a page)
        blueprint.register_error_handler(race, lost_race)
    return blueprint


def current_token():
    return g.get("api_token")


def current_api_user():
    return g.get("api_user")


def authenticate_call():
    """Before every call: the token (401), the rate limit (429); the token's user becomes the request's user."""
    try:
        token = tokens.authenticate(request.headers.get("Authorization"))
    except tokens.TokenRefused:
        abort(401, message=_("Thiếu mã truy cập API hợp lệ (Authorization: Bearer …), hoặc mã đã hết hạn "
                             "hay bị thu hồi."), headers={"WWW-Authenticate": 'Bearer realm="api"'})
    user = token.user
    check = tokens.count_call(token, current_app.config.get("API_RATE_PER_MINUTE", 0))
    if not check.allowed:
        abort(429, message=_("Quá %(limit)d lượt gọi trong một phút với mã này. Hãy thử lại sau %(seconds)d giây.",
                             limit=current_app.config["API_RATE_PER_MINUTE"], seconds=check.retry_after),
              headers={"Retry-After": str(check.retry_after)})
    g.api_token, g.api_user = token, user
    g._login_user = user  # the signed-in user of every service and of the audit log, for this call only


def writes(role: str = "editor"):
    """A view that writes: the token's user must hold `role` (viewers only read) and the token may not be
    read-only; 403 otherwise."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token, user = current_token(), current_api_user()
            if token is None or user is None:
                abort(401)
            if token.read_only:
                abort(403, message=_("Mã truy cập này chỉ được đọc."))
            if not user.has_role(role):
                abort(403, message=_("Vai trò của tài khoản không được phép thao tác này."))
            return view(*args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorator


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's and the forms' nested errors as {"field" or "contacts.0.value": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(flatten_errors(value, name))
            elif isinstance(value, list | tuple):
                texts = [item for item in value if not isinstance(item, dict | list)]
                if texts:
                    flat.setdefault(name, []).extend(str(text) for text in texts)
                for index, item in enumerate(value):
                    if isinstance(item, dict | list):
                        flat.update(flatten_errors(item, f"{name}.{index}"))
            else:
                flat.setdefault(name, []).append(str(value))
    elif isinstance(messages, list | tuple):
        flat.setdefault(prefix or "_schema", []).extend(str(text) for text in messages)
    return flat


def json_error(error):
    """Every error of a call as {"code", "status", "message", "errors": {field: [messages]}}."""
    code = getattr(error, "code", 500) or 500
    if code >= 500:
        db.session.rollback()
    description = getattr(error, "description", None)
    if not description or description == getattr(type(error), "description", None):
        description = _default_messages().get(code, "")
    payload = {"code": code, "status": getattr(error, "name", "Error"), "message": str(description)}
    headers = {}
    data = getattr(error, "data", None) or {}
    if "message" in data:
        payload["message"] = str(data["message"])
    errors = data.get("errors", data.get("messages"))
    if errors is not None:
        # webargs groups the errors by where they were (json, query); a field's name is enough.
        if isinstance(errors, dict) and set(errors) <= {"json", "query", "querystring", "form", "headers", "files"}:
            merged = {}
            for group in errors.values():
                merged.update(group if isinstance(group, dict) else {"_body": group})
            errors = merged
        payload["errors"] = flatten_errors(errors)
        if code == 422 and not data.get("message"):
            payload["message"] = _("Dữ liệu không hợp lệ.")
        if code == 400 and not data.get("message"):
            payload["message"] = _("Yêu cầu không hợp lệ.")
    for key in ("current_version", "changes"):
        if key in data:
            payload[key] = data[key]
    headers.update(data.get("headers") or {})
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    response = jsonify(payload)
    response.status_code = code
    response.headers.update(headers)
    return response


def lost_race(error):
    """A save that lost the race with another save of the same record: nothing was written, 409."""
    db.session.rollback()
    return json_error(Conflict())


def documented_errors(blueprint, *codes):
    """The error answers of an operation in the OpenAPI document: 400 (a control character in the URL, a
    body that is not JSON), 401, 404, 429 and the given codes."""
    def decorator(view):
        for code in (400, 401, 404, 429, *codes):
            view = blueprint.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorator


def conflict_answer(conflict: StaleEdit):
    """409 with the record's current version and what changed since the version the call was built on."""
    db.session.rollback()
    record = conflict.record
    abort(409, message=_("Hồ sơ đã được người khác sửa sau phiên bản bạn gửi. Hãy đọc lại rồi sửa."),
          current_version=db.session.scalar(select(type(record).version).where(type(record).id == record.id)),
          changes=conflict.changes)
