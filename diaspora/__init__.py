"""Kiều bào Hải Phòng: the register of Hải Phòng's community abroad."""
import os
from datetime import date, datetime

from flask import Flask, render_template, request
from werkzeug.routing import IntegerConverter
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError

from diaspora import jobs, security
from diaspora.config import INSTANCE_DIR, PROJECT_ROOT, config_from_environment
from diaspora.extensions import babel, bootstrap, csrf, db, login_manager, migrate
from diaspora.locale import select_locale
from diaspora.messages import template_callables
from diaspora.records import StaleEdit


def create_app(config_class=None) -> Flask:
    # What the app and its worker write (instance folder, database, key, uploads, exports, backups, the job
    # queue) is for their own user only; files made without an explicit mode follow this umask.
    os.umask(0o077)
    config_class = config_class or config_from_environment()
    config_class.resolve()
    app = Flask(__name__, template_folder="../templates", instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_class)
    # Record ids in URLs fit the database's integer: a larger number names no record (404), never an error.
    app.url_map.converters["int"] = RecordIdConverter
    if app.config.get("PROXY_HOPS"):
        # Behind a reverse proxy the client address (used by login throttling) is in X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    security.init_app(app)
    register_models()
    register_blueprints(app)
    register_import_kinds()
    register_audit_labels()
    register_template_helpers(app)
    register_error_pages(app)
    register_commands(app)
    return app


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in routes: a whole number up to the largest id a table holds (2^31 − 1)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(template_callables())  # counts with the reader's separators
    bootstrap.init_app(app)
    jobs.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on and WAL for concurrent readers; SQLite ignores both unless asked."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_models() -> None:
    """Import every model module so metadata and migrations see all tables."""
    from diaspora import models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from diaspora.audit import bp as audit_bp
    from diaspora.auth import bp as auth_bp
    from diaspora.community import bp as community_bp
    from diaspora.exports import bp as exports_bp
    from diaspora.imports import bp as imports_bp
    from diaspora.mailings import bp as mailings_bp
    from diaspora.organisations import bp as organisations_bp
    from diaspora.outreach import bp as outreach_bp
    from diaspora.people import bp as people_bp
    from diaspora.reference import bp as reference_bp
    from diaspora.reports import bp as reports_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(people_bp, url_prefix="/people")
    app.register_blueprint(organisations_bp, url_prefix="/organisations")
    app.register_blueprint(outreach_bp, url_prefix="/outreach")
    app.register_blueprint(imports_bp, url_prefix="/imports")
    app.register_blueprint(exports_bp, url_prefix="/exports")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(reference_bp, url_prefix="/reference")
    app.register_blueprint(reports_bp)
    register_api(app)
    app.register_blueprint(mailings_bp, url_prefix="/mailings")
    app.register_blueprint(community_bp)


def register_api(app: Flask) -> None:
    """The JSON API under /api/v1, its OpenAPI document, its pages and `flask users token`."""
    from diaspora import api

    api.init_app(app)


def register_audit_labels() -> None:
    """Each feature's labels for the shared history views (the people's first: theirs name most fields)."""
    from diaspora import api, auth, community, mailings, organisations, outreach, people, reference, reports

    for feature in (people, organisations, outreach, mailings, reference, auth, reports, community, api):
        feature.register_audit_labels()


def register_import_kinds() -> None:
    """The record types the import engine offers, each declared by its feature."""
    from diaspora.imports.kinds import register_kind
    from diaspora.outreach.importing import CHANNEL_KIND, PARTICIPANT_KIND
    from diaspora.people.importing import PEOPLE_KIND

    for kind in (PEOPLE_KIND, CHANNEL_KIND, PARTICIPANT_KIND):
        register_kind(kind)


def register_template_helpers(app: Flask) -> None:
    @app.template_filter("dmy")
    def dmy(value) -> str:
        """dd/mm/yyyy, the date format staff read and write."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, "dd/MM/yyyy HH:mm")
        if isinstance(value, date):
            return format_date(value, "dd/MM/yyyy")
        return str(value)

    @app.context_processor
    def inject_locale():
        return {"current_locale": select_locale()}


def register_error_pages(app: Flask) -> None:
    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            # The failed request may have left the transaction broken; the page must not depend on it.
            db.session.rollback()
        for prefix, answer in app.extensions.get("error-answers", {}).items():
            if request.path.startswith(prefix):  # e.g. the API's JSON, for addresses no route of it matched
                return answer(error)
        message = error.description if isinstance(error, security.UrlRefused) else None
        return render_template("errors/error.html", code=code, message=message), code

    for code in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, render_error)

    def saved_meanwhile(error):
        """A save that lost the race with another save of the same record (a form's own conflict page
        covers the usual case): nothing was written."""
        db.session.rollback()
        return render_template("errors/error.html", code=409), 409

    app.register_error_handler(StaleEdit, saved_meanwhile)
    app.register_error_handler(StaleDataError, saved_meanwhile)


def register_commands(app: Flask) -> None:
    from diaspora.auth.commands import users_cli
    from diaspora.community.commands import community_cli
    from diaspora.backup import backup_command, restore_command
    from diaspora.cli import register_app_commands
    from diaspora.exports.commands import register_export_commands
    from diaspora.imports.commands import register_import_commands, worker_command
    from diaspora.people.commands import person_cli
    from diaspora.reference.commands import seed_command
    from diaspora.reports.commands import report_cli
    from diaspora.reports.duplicates.commands import duplicates_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(person_cli)
    app.cli.add_command(community_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(duplicates_cli)
    register_app_commands(app)
    register_import_commands(app)
    register_export_commands(app)


