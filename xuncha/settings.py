"""Settings for Xuncha.

Everything that differs between machines comes from the environment:

- ``XUNCHA_DATA_DIR`` (default ``./var``): all state (SQLite database, files, keys).
- ``DATABASE_URL``: switches to PostgreSQL, e.g. ``postgres://user@host:5432/xuncha``.
- ``XUNCHA_DEBUG``: ``1`` for Django's debug pages (never in production).
- ``XUNCHA_ALLOWED_HOSTS``: comma-separated host names.
- ``XUNCHA_OTP_REQUIRED``: ``0`` lets accounts sign in without a second factor (the demo
  that ``make run`` serves); on by default, as production needs it.
"""

import os
import secrets
import time
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("XUNCHA_DATA_DIR", BASE_DIR / "var")).resolve()
KEY_DIR = DATA_DIR / "keys"
FILE_DIR = DATA_DIR / "files"
for _d in (DATA_DIR, KEY_DIR, FILE_DIR):
    _d.mkdir(parents=True, exist_ok=True)


def _read_or_create_key(name: str, nbytes: int = 50) -> str:
    """A per-installation secret kept in a file under the data directory, never in code."""
    path = KEY_DIR / name
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process (a second worker) made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(nbytes))
    return _wait_for_text(path)


def _wait_for_text(path: Path) -> str:
    """The file's text, waiting a moment for the process that created it to write it."""
    for _ in range(50):
        if text := path.read_text().strip():
            return text
        time.sleep(0.1)
    raise ImproperlyConfigured(f"{path} 是空文件：请删除后重启，或从备份恢复。")


SECRET_KEY = os.environ.get("XUNCHA_SECRET_KEY") or _read_or_create_key("secret_key")
# The audit chain's HMAC key (core.audit): outside the database, so that a database writer
# cannot recompute the hashes of events they edit. Back it up with the other keys.
AUDIT_KEY = os.environ.get("XUNCHA_AUDIT_KEY") or _read_or_create_key("audit.key")
DEBUG = os.environ.get("XUNCHA_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("XUNCHA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "registry",
    "planning",
    "onsite",
    "results",
    "rectification",
    "comparison",
    "demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.OutOfRangeMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "xuncha.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
            ],
        },
    },
]
WSGI_APPLICATION = "xuncha.wsgi.application"

DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{DATA_DIR / 'xuncha.sqlite3'}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue (IMMEDIATE, 20 s) rather than fail; WAL lets readers go on while one writes
    # (benchmarks/public_form.py: ~30 % more accepted reports under 50 concurrent submitters).
    # synchronous stays FULL: a receipt code is shown only after its report is on disk.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["core.backends.XunchaBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "core.passwords.CharacterClassValidator"},
    {"NAME": "core.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"

# Security settings the office may tune (security.md defaults).
XUNCHA: dict[str, Any] = {
    # Failures in the window that lock: one account from one address; one account from any
    # addresses (guessing spread over many); one address on any accounts (guessing many).
    "LOCKOUT_FAILURES": 5,
    "LOCKOUT_ACCOUNT_FAILURES": 15,
    "LOCKOUT_ADDRESS_FAILURES": 30,
    "LOCKOUT_WINDOW_MINUTES": 15,
    "PASSWORD_HISTORY": 5,
    "PASSWORD_MAX_AGE_DAYS": 90,
    # Audit events older than this leave the database for an archive file (never under 180).
    "AUDIT_RETENTION_DAYS": int(os.environ.get("XUNCHA_AUDIT_RETENTION_DAYS", "183")),
    "IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 100 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 50_000,
    "API_TOKEN_HOURS": 12,
    "IDLE_MINUTES": 15,
    # The address at which the public reaches the online reporting page (printed as the
    # QR code of the public notice); usually the internet-facing name of the platform.
    "PUBLIC_URL": os.environ.get("XUNCHA_PUBLIC_URL", "http://127.0.0.1:8000"),
    # Confidential fields: "aes-gcm" (AES-256-GCM) or "sm4-gcm" (SM4); see core.crypto.
    "FIELD_CIPHER": os.environ.get("XUNCHA_FIELD_CIPHER", "aes-gcm"),
    # Uploaded evidence and public attachments (onsite.attachments).
    "UPLOAD_MAX_BYTES": int(os.environ.get("XUNCHA_UPLOAD_MAX_MB", "50")) * 1024 * 1024,
    # The public reporting channel: submissions per inspection per hour; receipt-code lookups
    # per browser session and in all, per minute (counted in the cache; no address is kept).
    # The public channel (onsite.public_limits): reports an hour to one inspection from one
    # client and from all together (past that it pauses; the office can lift it), receipt
    # lookups a minute from one client and from all, and the wrong codes a client may try in
    # an hour before each further one doubles its wait (at most PUBLIC_LOOKUP_MAX_DELAY s).
    "PUBLIC_SUBMISSIONS_PER_CLIENT_PER_HOUR": int(os.environ.get("XUNCHA_PUBLIC_SUBMISSIONS_PER_CLIENT_PER_HOUR", "5")),
    "PUBLIC_SUBMISSIONS_PER_HOUR": int(os.environ.get("XUNCHA_PUBLIC_SUBMISSIONS_PER_HOUR", "100")),
    "PUBLIC_LOOKUPS_PER_MINUTE": 5,
    "PUBLIC_LOOKUPS_PER_MINUTE_ALL": 600,
    "PUBLIC_LOOKUP_FREE_MISSES": 5,
    "PUBLIC_LOOKUP_MAX_DELAY": 900,
    # Data comparison (comparison/): a department's dataset file may be large.
    "DATASET_MAX_BYTES": int(os.environ.get("XUNCHA_DATASET_MAX_MB", "512")) * 1024 * 1024,
    "DATASET_MAX_UNCOMPRESSED_BYTES": int(os.environ.get("XUNCHA_DATASET_MAX_UNCOMPRESSED_MB", "2048")) * 1024 * 1024,
    # "duckdb" (embedded, the default) or "spark" (pyspark, requirements-spark.txt).
    "COMPARISON_ENGINE": os.environ.get("XUNCHA_COMPARISON_ENGINE", "duckdb"),
    "SPARK_MASTER": os.environ.get("XUNCHA_SPARK_MASTER", "local[*]"),
    # Documents as PDF (core.pdf): LibreOffice's soffice, a path or a command on PATH; without
    # it pages offer Word only.
    "SOFFICE": os.environ.get("XUNCHA_SOFFICE", "soffice"),
    "PDF_TIMEOUT_SECONDS": 60,
}

# One cache for all worker processes (rate limits must not be per worker): files under the data directory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
CSRF_FAILURE_VIEW = "core.views.errors.csrf_failure"

# Idle sessions end after XUNCHA["IDLE_MINUTES"]: core.middleware.IdleTimeoutMiddleware
# records activity at most once a minute (not a database write per request), and the
# stored session outlives that by a minute so the middleware is what decides.
SESSION_COOKIE_AGE = 16 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("XUNCHA_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
# An intranet host cannot speak for its parent domain's other hosts, and the
# HSTS preload list is for the public internet.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# Behind a reverse proxy every request comes from the proxy's address: name the
# header it sets (e.g. HTTP_X_REAL_IP) so lockout and the audit trail see the client.
XUNCHA_PROXY_IP_HEADER = os.environ.get("XUNCHA_PROXY_IP_HEADER", "")
# A second anchor file for the audit chain, on another machine's share or a write-once volume
# (core.audit.anchor_append); audit_verify reads both.
XUNCHA_AUDIT_ANCHOR_COPY = os.environ.get("XUNCHA_AUDIT_ANCHOR_COPY", "")
# Every account signs in with a second factor (TOTP, core.twofactor) unless this is off, as it
# is for the demo that `make run` serves. An account that has set one up is asked for it either way.
XUNCHA_OTP_REQUIRED = os.environ.get("XUNCHA_OTP_REQUIRED", "1") != "0"
OTP_TOTP_ISSUER = os.environ.get("XUNCHA_OTP_ISSUER", "巡察工作平台")
# Each wrong code doubles the wait before the device accepts another (django-otp's throttle).
OTP_TOTP_THROTTLE_FACTOR = 1

# Messages (one carries a reset password) stay on the server, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"

# Background and periodic work (rectification reminders): Django's task API with the tasks
# kept in the database, run by `manage.py db_worker`; `manage.py run_periodic` enqueues the
# daily tasks. No extra server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"  # for `collectstatic` behind a web server
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # embedded mode: no collectstatic step needed

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request logs of the public channel could carry a receipt code (in its API path): dropped.
    "filters": {"public_channel": {"()": "core.logfilters.PublicChannelLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["public_channel"]}},
    "loggers": {
        "django.request": {"filters": ["public_channel"]},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False, "filters": ["public_channel"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
