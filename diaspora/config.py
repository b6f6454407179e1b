"""Configuration classes; every setting can come from the environment."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("DIASPORA_INSTANCE", PROJECT_ROOT / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'diaspora.db'}"
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
    # Files of wizard drafts left unfinished this long are deleted, with the draft.
    IMPORT_DRAFT_DAYS = _int_env("IMPORT_DRAFT_DAYS", 7)
    IMPORT_UPLOADS_DIR = os.environ.get("IMPORT_UPLOADS_DIR")  # default: instance/uploads
    # SQLite: how long a writer waits for another's transaction (a large import holds it for seconds).
    SQLITE_BUSY_TIMEOUT_SECONDS = _int_env("SQLITE_BUSY_TIMEOUT_SECONDS", 60)
    PROXY_HOPS = _int_env("PROXY_HOPS", 0)  # number of reverse proxies in front of the app
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

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


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    LOGIN_THROTTLE_MINUTES = 15
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    JOB_QUEUE_URL = "immediate"


def config_from_environment() -> type[Config]:
    """ProductionConfig when DIASPORA_ENV=production, else the development defaults."""
    return ProductionConfig if os.environ.get("DIASPORA_ENV") == "production" else Config
