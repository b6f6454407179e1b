"""Configuration classes; every setting can come from the environment."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("DIASPORA_INSTANCE", PROJECT_ROOT / "instance"))


SECRET_KEY_FILE = "secret_key"  # in the instance folder, when SECRET_KEY is not in the environment


def private_folder(path) -> Path:
    """The folder, made with its parents when missing: a folder the app makes only its user may open (0700).
    One that exists is left as it is (it may be the operator's, shared on purpose)."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_file(path, mode: str = "wb", **options):
    """Open a file for writing that only the app's user may read (0600), whatever the process umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file that already existed keeps its mode otherwise
    return os.fdopen(descriptor, mode, **options)


def _close_to_others(path: Path) -> None:
    """Take group and others' access away from a file of the app its user owns (one written by an older
    version of the app, before the modes were restricted)."""
    status = path.stat()
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        path.chmod(0o600)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/secret_key (0600)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = private_folder(INSTANCE_DIR) / SECRET_KEY_FILE
    if not key_file.exists():
        temporary = key_file.with_name(f".{SECRET_KEY_FILE}-{os.getpid()}")
        with private_file(temporary, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, key_file)  # whole at once, and never over a key another process wrote first
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    _close_to_others(key_file)
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        database = private_folder(INSTANCE_DIR) / "diaspora.db"
        if not database.exists():
            # An empty file is an empty SQLite database; SQLite gives its -wal and -shm files this mode.
            private_file(database).close()
        _close_to_others(database)
        return f"sqlite:///{database}"
    # Hosting platforms hand out postgres:// URLs; we always talk psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _int_env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = None  # filled lazily by create_app so importing this module writes nothing
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_TIME_LIMIT = None
    PEOPLE_PER_PAGE = 50
    # Login throttling: failures within the window before further attempts are refused.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _int_env("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _int_env("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    LOGIN_THROTTLE_MINUTES = _int_env("LOGIN_THROTTLE_MINUTES", 15)
    # A session ends after this long without a request, and this long after its sign-in whatever happens.
    SESSION_IDLE_MINUTES = _int_env("SESSION_IDLE_MINUTES", 60)
    SESSION_MAX_HOURS = _int_env("SESSION_MAX_HOURS", 12)
    # Administrators must sign in with a second factor (an authenticator app); they enrol before anything else.
    REQUIRE_ADMIN_2FA = os.environ.get("REQUIRE_ADMIN_2FA", "true").strip().lower() not in ("0", "false", "no", "off")
    # Bulk browsing: the people a user may be shown in an hour (lists, the expert finder, person pages)
    # before those pages answer 429 and the admins' dashboard says so; 0 = no ceiling.
    BROWSE_MAX_PEOPLE_PER_HOUR = _int_env("BROWSE_MAX_PEOPLE_PER_HOUR", 5000)
    # Calls one API token may make in a minute (counted in the database, shared by every process); 0 = no limit.
    API_RATE_PER_MINUTE = _int_env("API_RATE_PER_MINUTE", 120)
    # Upload and spreadsheet limits protect the server from hostile files.
    MAX_CONTENT_LENGTH = _int_env("MAX_UPLOAD_MB", 20) * 1024 * 1024
    IMPORT_MAX_ROWS = _int_env("IMPORT_MAX_ROWS", 200_000)
    IMPORT_MAX_COLUMNS = _int_env("IMPORT_MAX_COLUMNS", 200)
    IMPORT_MAX_UNCOMPRESSED_MB = _int_env("IMPORT_MAX_UNCOMPRESSED_MB", 500)
    # Long work (committing an import) runs as a job: the queue lives in a SQLite file on a desk machine
    # (default instance/jobs.db), in Redis in production (redis://host:6379/0); "immediate" runs a job at
    # once in the caller (tests). `flask --app wsgi worker` runs the jobs.
    JOB_QUEUE_URL = os.environ.get("JOB_QUEUE_URL")
    # A running batch whose worker gave no sign of life this long is failed (nothing of it was written).
    # A worker reports at each step; on SQLite it cannot while it writes (it holds the one write lock),
    # and 200,000 rows write in about a minute.
    IMPORT_LEASE_SECONDS = _int_env("IMPORT_LEASE_SECONDS", 1800)
    # A list longer than this is exported by the worker into a file kept EXPORT_KEEP_HOURS (in EXPORTS_DIR,
    # default instance/exports); a shorter one is written while the request waits.
    EXPORT_BACKGROUND_ROWS = _int_env("EXPORT_BACKGROUND_ROWS", 5000)
    EXPORT_KEEP_HOURS = _int_env("EXPORT_KEEP_HOURS", 24)
    EXPORTS_DIR = os.environ.get("EXPORTS_DIR")
    # Annual reports (the Word document and its Excel annex) written by the worker; kept until deleted by hand.
    REPORTS_DIR = os.environ.get("REPORTS_DIR")  # default: instance/reports
    # Letters and e-mails (mailings): the Word letters the worker writes (default: the folder "letters" in
    # EXPORTS_DIR); e-mails go through this SMTP server (STARTTLS with MAIL_USE_TLS), or, without MAIL_SERVER,
    # wait in the outbox until one is configured.
    MAILINGS_DIR = os.environ.get("MAILINGS_DIR")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int_env("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").strip().lower() in ("1", "true", "yes", "on")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM")
    # Files of wizard drafts left unfinished this long are deleted, with the draft.
    IMPORT_DRAFT_DAYS = _int_env("IMPORT_DRAFT_DAYS", 7)
    # Uploaded import files (and their previews) hold every row's personal data: deleted this long after their
    # upload by the worker's daily purge; the batch keeps its results and rebuilds its error workbook from them.
    IMPORT_FILE_KEEP_DAYS = _int_env("IMPORT_FILE_KEEP_DAYS", 90)
    IMPORT_UPLOADS_DIR = os.environ.get("IMPORT_UPLOADS_DIR")  # default: instance/uploads
    # SQLite: how long a writer waits for another's transaction (a large import holds it for seconds).
    SQLITE_BUSY_TIMEOUT_SECONDS = _int_env("SQLITE_BUSY_TIMEOUT_SECONDS", 60)
    PROXY_HOPS = _int_env("PROXY_HOPS", 0)  # number of reverse proxies in front of the app
    # The public registration and events' sign-ups: submissions one client address may send in an hour (0: no
    # limit), and the seconds a person takes at least to fill the form in (a program sends at once).
    REGISTER_MAX_PER_ADDRESS_PER_HOUR = _int_env("REGISTER_MAX_PER_ADDRESS_PER_HOUR", 5)
    EVENT_REGISTER_MAX_PER_ADDRESS_PER_HOUR = _int_env("EVENT_REGISTER_MAX_PER_ADDRESS_PER_HOUR", 30)
    REGISTER_MIN_FILL_SECONDS = _int_env("REGISTER_MIN_FILL_SECONDS", 5)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Strict-Transport-Security max-age in seconds (0: no header); production serves HTTPS only.
    HSTS_SECONDS = 0

    @classmethod
    def resolve(cls) -> None:
        """Fill settings that need the file system or the environment."""
        if cls.SECRET_KEY is None:
            cls.SECRET_KEY = _secret_key()
        if cls.SQLALCHEMY_DATABASE_URI is None:
            cls.SQLALCHEMY_DATABASE_URI = _database_url()
        options = {"pool_pre_ping": True}
        if cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            options["connect_args"] = {"timeout": cls.SQLITE_BUSY_TIMEOUT_SECONDS}
        cls.SQLALCHEMY_ENGINE_OPTIONS = options


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = _int_env("HSTS_SECONDS", 365 * 24 * 3600)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    LOGIN_THROTTLE_MINUTES = 15
    REQUIRE_ADMIN_2FA = False  # the tests of two-factor sign-in turn it on
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    JOB_QUEUE_URL = "immediate"


def config_from_environment() -> type[Config]:
    """ProductionConfig when DIASPORA_ENV=production, else the development defaults."""
    return ProductionConfig if os.environ.get("DIASPORA_ENV") == "production" else Config
