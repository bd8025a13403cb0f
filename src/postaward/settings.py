"""Project settings.

Everything that differs between a laptop, CI and production comes from the
environment: ``DATABASE_URL`` (SQLite by default, PostgreSQL in production),
``REDIS_URL`` (huey on Redis instead of SQLite), ``POSTAWARD_VAR_DIR`` (where the
SQLite files, uploads and the generated secret live), ``POSTAWARD_DEBUG``.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("POSTAWARD_VAR_DIR", REPO_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules or os.environ.get("POSTAWARD_TESTING") == "1"


def _secret_key() -> str:
    if key := os.environ.get("POSTAWARD_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("POSTAWARD_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("POSTAWARD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("POSTAWARD_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    # No django.contrib.admin: its own login bypassed the platform's lockout and
    # login log, and every model has its own pages (ADR 0024).
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from local static files (no CDN)
    "rules.apps.AutodiscoverRulesConfig",
    "huey.contrib.djhuey",
    "postaward.core",
    "postaward.orgs",
    "postaward.projects",
    "postaward.attendance",
    "postaward.approvals",
    "postaward.alerts",
    "postaward.complaints",
    "postaward.cases",
    "postaward.credit",
    "postaward.inspections",
    "postaward.accountability",
    "postaward.reports",
    "postaward.portal",
    "postaward.integrations",
    # django-simple-captcha for the public filing form (ADR 0501); after portal,
    # whose widget template wins
    "captcha",
    "postaward.platform",  # the commands that drive every app at once (demo, simulate)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "postaward.core.middleware.RequestIdMiddleware",
    "postaward.core.middleware.ContentSecurityPolicyMiddleware",
    "postaward.core.middleware.ApiEdgeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "postaward.core.middleware.ClockMiddleware",
    "postaward.orgs.middleware.ActorMiddleware",
]

# The public filing form's captcha (django-simple-captcha, rendered locally; ADR 0501)
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 15  # minutes
CAPTCHA_2X_IMAGE = False
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_MATH_CHALLENGE_OPERATOR = "x"

ROOT_URLCONF = "postaward.urls"
WSGI_APPLICATION = "postaward.wsgi.application"

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
                "postaward.core.context_processors.shell",
                "postaward.alerts.context_processors.notifications",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'postaward.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN, so two writers never interleave: the
        # audit chain cannot fork and read-then-write races become serial.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("POSTAWARD_CONN_MAX_AGE", "60"))
    # No health check (a SELECT 1 per request): a connection broken by a database
    # restart fails one request and is then replaced.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    # The hot paths' own statements are prepared once per connection (core.hotsql,
    # ADR 0508); Django's cursors bind on the client and never prepare. Off
    # (POSTAWARD_PREPARED_STATEMENTS=0) behind a pooler in transaction mode.
    if os.environ.get("POSTAWARD_PREPARED_STATEMENTS", "1") == "1":
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1_000_000
    DATABASES["default"].setdefault("TEST", {})
    if name := os.environ.get("POSTAWARD_TEST_DB_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = name
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

# --- authentication and sessions ---------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests are about; the production hasher is
    # exercised by test_auth.py explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "postaward.orgs.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the cookie lives 30 minutes and every request renews it.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Login limits (ADR 0020), all counted over the last LOGIN_LOCKOUT_MINUTES:
# failures on one account from one address, from one address on any accounts,
# and on one account from anywhere (which locks the account itself).
LOGIN_LOCKOUT_THRESHOLD = 5
LOGIN_LOCKOUT_MINUTES = 15
LOGIN_IP_LIMIT = int(os.environ.get("POSTAWARD_LOGIN_IP_LIMIT", "20"))
LOGIN_ACCOUNT_LOCK_THRESHOLD = int(os.environ.get("POSTAWARD_LOGIN_ACCOUNT_LIMIT", "20"))

# Served over HTTPS (production, behind TLS): HSTS, redirect to https, cookies
# only over TLS. Off by default so that `make run` works on http://127.0.0.1.
# The scheme comes from the WSGI server: gunicorn believes X-Forwarded-Proto
# from FORWARDED_ALLOW_IPS (docs/operations.md, "Production settings").
HTTPS = os.environ.get("POSTAWARD_HTTPS", "0") == "1"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("POSTAWARD_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("POSTAWARD_HSTS_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("POSTAWARD_HSTS_PRELOAD", "1") == "1"
API_TOKEN_DEFAULT_DAYS = 90

# --- i18n and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
USE_THOUSAND_SEPARATOR = False

# --- files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files: private, outside every served directory, no URL (ADR 0010). Every
# FileField names core.files.PrivateStorage; the default storage is the same, so a
# forgotten one is private too. Tests write to a throw-away directory.
PRIVATE_FILES_ROOT = Path(
    os.environ.get("POSTAWARD_PRIVATE_ROOT")
    or (tempfile.mkdtemp(prefix="postaward-private-") if TESTING else VAR_DIR / "private")
)
if TESTING and not os.environ.get("POSTAWARD_PRIVATE_ROOT"):
    atexit.register(shutil.rmtree, PRIVATE_FILES_ROOT, True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "postaward.core.files.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# --- cache ------------------------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background work (huey) -----------------------------------------------------------
# flush_locks: a worker killed inside a periodic sweep leaves its lock_task lock;
# the consumer clears them when it starts (docs/operations.md, "Running").
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not TESTING:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("POSTAWARD_HUEY_NAME", "postaward"),
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread", "flush_locks": True},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "postaward",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread", "flush_locks": True},
    }

# --- logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("POSTAWARD_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}, "django.db.backends": {"level": "INFO"}},
}

# --- platform ---------------------------------------------------------------------------------
POSTAWARD = {
    # Name shown in the shell and in generated documents.
    "DISTRICT_NAME": os.environ.get("POSTAWARD_DISTRICT_NAME", "清溪区"),
    # Extra image hosts the page CSP allows for map tiles (space separated), besides
    # the origin of POSTAWARD_MAP_TILE_URL (ADR 0012).
    "CSP_TILE_HOSTS": os.environ.get("POSTAWARD_CSP_TILE_HOSTS", "").split(),
    # The simulator may shift the platform clock; production refuses to.
    "ALLOW_CLOCK_SHIFT": os.environ.get("POSTAWARD_ALLOW_CLOCK_SHIFT", "1") == "1",
    # Key for SM4-GCM field encryption (32 hex chars). Generated into var/ if absent.
    "FIELD_KEY": os.environ.get("POSTAWARD_FIELD_KEY", ""),
    # Addresses of the load balancers whose X-Forwarded-For is believed (audit, login log).
    "TRUSTED_PROXIES": tuple(
        p for p in os.environ.get("POSTAWARD_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p
    ),
    # Where the nightly audit anchors (chain head copies) are appended: outside the
    # database, ideally on another disk or host (docs/operations.md, "Audit anchors").
    "ANCHOR_DIR": Path(os.environ.get("POSTAWARD_ANCHOR_DIR", VAR_DIR / "anchors")).resolve(),
}

# --- the project map --------------------------------------------------------------------------
# Government intranets have no internet map: without a tile URL the map draws a
# coordinate grid. A tile source is a Leaflet URL template; {key} is replaced by
# POSTAWARD_MAP_TILE_KEY and {s} by one of the subdomains. 天地图 (WMTS, web
# mercator) e.g.:
#   POSTAWARD_MAP_TILE_URL=https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}
#   POSTAWARD_MAP_LABEL_URL=(the same with cva_w / LAYER=cva: the annotation layer)
#   POSTAWARD_MAP_TILE_SUBDOMAINS=01234567   POSTAWARD_MAP_TILE_CRS=wgs84 (CGCS2000)
# docs/operations.md describes it. The district boundary is a GeoJSON Polygon or
# MultiPolygon file (POSTAWARD_MAP_BOUNDARY); the demo's is fictional.
POSTAWARD_MAP = {
    "TILE_URL": os.environ.get("POSTAWARD_MAP_TILE_URL", ""),
    "LABEL_URL": os.environ.get("POSTAWARD_MAP_LABEL_URL", ""),
    "TILE_KEY": os.environ.get("POSTAWARD_MAP_TILE_KEY", ""),
    "SUBDOMAINS": os.environ.get("POSTAWARD_MAP_TILE_SUBDOMAINS", "01234567"),
    "CRS": os.environ.get("POSTAWARD_MAP_TILE_CRS", "wgs84"),
    "ATTRIBUTION": os.environ.get("POSTAWARD_MAP_ATTRIBUTION", ""),
    "CENTER": os.environ.get("POSTAWARD_MAP_CENTER", "120.872,30.032"),
    "BOUNDARY": os.environ.get(
        "POSTAWARD_MAP_BOUNDARY", str(BASE_DIR / "projects" / "data" / "district_boundary.geojson")
    ),
}

# --- notifications (alerts) ------------------------------------------------------------------
# In-app notifications always; these channels deliver copies (postaward/alerts/channels.py
# documents the interface: an SMS or government-messaging adapter is one more entry).
POSTAWARD_NOTIFICATION_CHANNELS = tuple(
    c
    for c in os.environ.get(
        "POSTAWARD_NOTIFICATION_CHANNELS", "postaward.alerts.channels.EmailChannel"
    ).split(",")
    if c
)
POSTAWARD_BASE_URL = os.environ.get("POSTAWARD_BASE_URL", "")
# Open data (integrations, ADR 0910): the ocid prefix registered with the Open Contracting
# Partnership for the platform's own contracting processes, the publisher and the licence.
POSTAWARD_OCDS_PREFIX = os.environ.get("POSTAWARD_OCDS_PREFIX", "ocds-pawd00")
POSTAWARD_OPEN_DATA_PUBLISHER = os.environ.get("POSTAWARD_OPEN_DATA_PUBLISHER", "标后监管平台")
POSTAWARD_OPEN_DATA_LICENSE = os.environ.get(
    "POSTAWARD_OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/"
)
# Short messages to a mobile (core/sms.py, ADR 0521): the console backend logs them masked;
# POSTAWARD_SMS_BACKEND=postaward.core.sms.HttpGatewayBackend with URL/TOKEN/SIGN sends them.
# DEMO_ECHO shows a verification code on the filing page while the console backend is in use
# (a demo without a gateway); never with a real gateway.
POSTAWARD_SMS = {
    "BACKEND": os.environ.get("POSTAWARD_SMS_BACKEND", "postaward.core.sms.ConsoleBackend"),
    "URL": os.environ.get("POSTAWARD_SMS_URL", ""),
    "TOKEN": os.environ.get("POSTAWARD_SMS_TOKEN", ""),
    "SIGN": os.environ.get("POSTAWARD_SMS_SIGN", "标后监管平台"),
    "DEMO_ECHO": os.environ.get("POSTAWARD_SMS_DEMO_ECHO", "0") == "1",
}
# Credit platforms (credit/push.py, ADR 0620): the log backend by default;
# POSTAWARD_CREDIT_PUSH_BACKEND=postaward.credit.push.HttpBackend with URL/TOKEN posts each change.
POSTAWARD_CREDIT_PUSH = {
    "BACKEND": os.environ.get("POSTAWARD_CREDIT_PUSH_BACKEND", "postaward.credit.push.LogBackend"),
    "URL": os.environ.get("POSTAWARD_CREDIT_PUSH_URL", ""),
    "TOKEN": os.environ.get("POSTAWARD_CREDIT_PUSH_TOKEN", ""),
    "PLATFORMS": [
        p.strip()
        for p in os.environ.get(
            "POSTAWARD_CREDIT_PUSH_PLATFORMS", "湖北省公共资源招标投标信用信息平台,信用湖北"
        ).split(",")
        if p.strip()
    ],
}
EMAIL_BACKEND = os.environ.get(
    "POSTAWARD_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("POSTAWARD_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("POSTAWARD_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("POSTAWARD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("POSTAWARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("POSTAWARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("POSTAWARD_EMAIL_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("POSTAWARD_EMAIL_SSL", "0") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("POSTAWARD_EMAIL_FROM", "postaward@localhost")
