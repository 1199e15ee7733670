"""Configuration, read from the environment.

Development and tests run with an embedded SQLite database under instance/; every
scale-out component (PostgreSQL, Redis, S3, SMTP) is switched on by an environment
variable alone. Production refuses to start without a real secret and database.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs (what operators type)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_path() -> Path:
    return Path(os.environ.get("INSTANCE_PATH", ROOT / "instance")).resolve()


class Config:
    PRODUCTION = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{instance_path() / 'portal.db'}")
    )
    # No ping before every request: pooled connections are replaced after half an hour
    # (below the usual idle time-outs of servers and firewalls), and a connection that died
    # anyway fails one request, whose error page asks to try again.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": int(os.environ.get("DATABASE_POOL_RECYCLE", "1800"))}

    # How long a process trusts its copy of the organisation and calendar before it checks
    # their version in the database (a change made by the same process is seen at once).
    REFERENCE_CACHE_SECONDS = _int("REFERENCE_CACHE_SECONDS", 10)
    # The public dashboard's figures are recounted at most this often per process.
    DASHBOARD_CACHE_SECONDS = _int("DASHBOARD_CACHE_SECONDS", 300)

    # Language: Vietnamese first, English complete.
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "portal" / "translations")
    LANGUAGES = ("vi", "en")

    # Where the catalogue and organisation data come from (see data/catalogue.yaml).
    CATALOGUE_FILE = os.environ.get("CATALOGUE_FILE", str(ROOT / "data" / "catalogue.yaml"))

    # Files: uploads and rendered slips: a local folder (instance/storage/ by default), or
    # STORAGE_URL=s3://bucket/prefix with boto3's usual AWS_* variables.
    STORAGE_DIR = os.environ.get("STORAGE_DIR", str(instance_path() / "storage"))
    STORAGE_URL = os.environ.get("STORAGE_URL", "")
    MAX_FILE_MB = _int("MAX_FILE_MB", 20)
    MAX_DOSSIER_MB = _int("MAX_DOSSIER_MB", 100)
    ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")
    CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")  # e.g. /run/clamav/clamd.ctl; empty = no scan
    # Check each upload's structure in a child process with CPU, memory and time limits.
    UPLOAD_CHECK_ISOLATED = _bool("UPLOAD_CHECK_ISOLATED", True)

    # Office hours of the one-stop desk: receptions outside them count from the next opening.
    OFFICE_OPENS = os.environ.get("OFFICE_OPENS", "07:00")
    OFFICE_CLOSES = os.environ.get("OFFICE_CLOSES", "17:00")
    TRACKING_RATE_LIMIT = os.environ.get("TRACKING_RATE_LIMIT", "30 per minute; 300 per hour")

    # Public address used in emails (links must work outside a request).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    # Mail: written as .eml files under instance/outbox/ unless MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "motcua@bqlkkt.kontum.gov.vn")
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(instance_path() / "outbox"))

    # Accounts.
    EMAIL_CONFIRM_MAX_AGE = _int("EMAIL_CONFIRM_MAX_AGE", 3 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 3600)
    INVITATION_MAX_AGE = _int("INVITATION_MAX_AGE", 14 * 24 * 3600)
    # Registrations not confirmed within this many days expire (`flask users purge-unconfirmed`).
    REGISTRATION_EXPIRY_DAYS = _int("REGISTRATION_EXPIRY_DAYS", 3)
    PASSWORD_MIN_LENGTH = 10
    # Wrong passwords (per account and address) and wrong second-factor codes (per account):
    # free attempts, then each waits twice as long as the one before, up to a maximum.
    LOGIN_FREE_ATTEMPTS = _int("LOGIN_FREE_ATTEMPTS", 5)
    LOGIN_FIRST_DELAY_SECONDS = _int("LOGIN_FIRST_DELAY_SECONDS", 30)
    LOGIN_MAX_DELAY_MINUTES = _int("LOGIN_MAX_DELAY_MINUTES", 60)
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    MFA_PENDING_MINUTES = 10
    # Fernet keys for secrets at rest (TOTP), comma-separated; the first encrypts.
    ENCRYPTION_KEYS = os.environ.get("ENCRYPTION_KEYS", "")
    # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto (0 = none).
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    # Rate limits (memory by default, Redis when REDIS_URL is set) and background jobs (RQ on
    # Redis; in-process after the commit without it).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "portal")
    # Seconds before each retry of a failed job; after the last one the job is kept as failed.
    JOB_RETRY_DELAYS = [int(s) for s in os.environ.get("JOB_RETRY_DELAYS", "30,120,600,3600").split(",") if s.strip()]
    JOB_TIMEOUT = _int("JOB_TIMEOUT", 600)
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: each process counts alone in memory (with a warning) rather than failing.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "portal")  # several portals on one Redis
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per hour")
    EMAIL_RATE_LIMIT = os.environ.get("EMAIL_RATE_LIMIT", "5 per hour")  # reset and confirmation mails
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "10 per hour")
    # Reports and their files, per signed-in reader: a year's report reads a third of a
    # million dossiers, its PDF takes seconds.
    REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "30 per minute; 300 per hour")

    # Operations: "json" logs one object per line (for a log shipper), "text" plain lines.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    # /metrics answers only with this bearer token (empty: no /metrics at all).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME", 8 * 3600)
    MAX_CONTENT_LENGTH = _int("MAX_REQUEST_MB", 110) * 1024 * 1024  # uploads
    MAX_URLENCODED_KB = _int("MAX_URLENCODED_KB", 256)  # a form without files, whole
    MAX_FORM_MEMORY_SIZE = _int("MAX_FORM_FIELD_KB", 64) * 1024  # each text part of a form with files
    MAX_FIELD_CHARS = _int("MAX_FIELD_CHARS", 20_000)  # any one field


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    WTF_CSRF_ENABLED = False
    # Limits stay on (their tests lower them); the suite itself never reaches these.
    LOGIN_RATE_LIMIT = REGISTER_RATE_LIMIT = EMAIL_RATE_LIMIT = RESET_RATE_LIMIT = "10000 per hour"
    TRACKING_RATE_LIMIT = REPORT_RATE_LIMIT = "10000 per hour"
    PASSWORD_HASH_FAST = True  # cheap argon2 parameters keep the suite fast
    UPLOAD_CHECK_ISOLATED = False  # in-process (fast); the isolation has tests of its own
    REFERENCE_CACHE_SECONDS = 0  # every request checks the version: each test rolls back its changes
    DASHBOARD_CACHE_SECONDS = 0
    SERVER_NAME = "localhost"
    PUBLIC_URL = "http://localhost"


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    # "__Host-": only set over HTTPS, for this host and path "/" (no sibling domain can plant it).
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_PATH = "/"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are unsafe in production, saying which."""
        missing = [
            name
            for name in ("SECRET_KEY", "DATABASE_URL", "ENCRYPTION_KEYS")
            if not os.environ.get(name)
        ]
        if missing:
            raise RuntimeError(
                "Production needs these environment variables: " + ", ".join(missing)
            )
        problems = []
        try:
            from cryptography.fernet import Fernet

            for key in os.environ["ENCRYPTION_KEYS"].split(","):
                Fernet(key.strip())
        except ValueError:
            problems.append("ENCRYPTION_KEYS must be Fernet keys (flask users new-key), comma-separated")
        if len(os.environ["SECRET_KEY"].encode()) < 32:
            problems.append("SECRET_KEY must be at least 32 bytes (e.g. secrets.token_urlsafe(48))")
        if not os.environ.get("REDIS_URL") and worker_count() > 1 and not _bool("ALLOW_MEMORY_RATE_LIMITS"):
            problems.append("with several workers the rate limits need REDIS_URL (each worker would count "
                            "alone); set ALLOW_MEMORY_RATE_LIMITS=1 to accept that")
        host = (urlsplit(os.environ.get("PUBLIC_URL", Config.PUBLIC_URL)).hostname or "").lower()
        # Names refused in PUBLIC_URL, not addresses bound to.
        local_names = ("localhost", "127.0.0.1", "::1", "0.0.0.0")  # nosec B104
        if host in local_names or host.endswith(".localhost"):
            problems.append("PUBLIC_URL must be the portal's public address (links in e-mails), not localhost")
        if problems:
            raise RuntimeError("Production refuses to start: " + "; ".join(problems))


def worker_count() -> int:
    """How many server processes gunicorn runs: WEB_CONCURRENCY (which gunicorn reads), or
    -w/--workers on its command line (GUNICORN_CMD_ARGS or the arguments it was started with)."""
    import shlex
    import sys

    args = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", "")) + (sys.argv[1:] if "gunicorn" in sys.argv[0] else [])
    for index, arg in enumerate(args):
        if arg in ("-w", "--workers") and index + 1 < len(args) and args[index + 1].isdigit():
            return int(args[index + 1])
        if arg.startswith("--workers=") and arg.split("=", 1)[1].isdigit():
            return int(arg.split("=", 1)[1])
        if arg.startswith("-w") and arg[2:].isdigit():
            return int(arg[2:])
    return _int("WEB_CONCURRENCY", 1)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
