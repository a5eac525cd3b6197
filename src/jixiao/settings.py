"""Django settings, read only from environment variables (see ``jixiao.core.env``).

With nothing set, the platform runs embedded: an SQLite file in ``JIXIAO_DATA_DIR`` (default ``./data``),
background jobs run in-process, and DEBUG stays off. Production sets ``DATABASE_URL`` (PostgreSQL),
``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``ALLOWED_HOSTS`` and ``CELERY_BROKER_URL``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jixiao.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("JIXIAO_DATA_DIR", "data") or "data").resolve()

DEBUG = env_bool("DEBUG", False)
# The embedded default is for one machine: `jixiao serve` refuses it on any address but the loopback.
EMBEDDED_SECRET_KEY = "jixiao-embedded-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = env_str("SECRET_KEY") or EMBEDDED_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",  # sign-in throttling: see AXES_* below
    "csp",  # the Content-Security-Policy header: see CONTENT_SECURITY_POLICY below
    "ninja",  # /api/docs serves Swagger UI from ninja's own static files (no CDN) when ninja is an app
    "jixiao.core",
    "jixiao.audit",
    "jixiao.accounts",
    "jixiao.org",
    "jixiao.indicators",
    "jixiao.schemes",
    "jixiao.cycles",
    "jixiao.collection",
    "jixiao.approval",
    "jixiao.evidence",
    "jixiao.results",
    "jixiao.inbox",
    "jixiao.review",
    "jixiao.monitoring",
    "jixiao.ratings",
    "jixiao.verification",
    "jixiao.surveys",
    "jixiao.hotline",
    "jixiao.outcomes",
    "jixiao.web",
    "jixiao.imports",
    "jixiao.portal",
    "jixiao.ops",
]

MIDDLEWARE = [
    # Answers the portal's kept pages for visitors with no session, before all the rest; with the headers the rest
    # gave the page when it was made.
    "jixiao.core.pagecache.PublicPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "jixiao.core.csp.CSPMiddleware",  # django-csp's, with the back office's looser policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Refuses NUL, lone surrogates and non-UTF-8 in path, query, form and JSON (400) before any view reads the
    # database with them; after LocaleMiddleware so the refusal is in the user's language.
    "jixiao.core.middleware.RefuseBadTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jixiao.audit.middleware.AuditSourceMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a locked-out sign-in into its page
]

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "admin:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jixiao.web.context.navigation",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "jixiao.sqlite3"),
            # Writers wait for each other instead of failing at once ("database is locked").
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every path that sets a password runs these (accounts.services.check_new_password): the service, the back
# office's add form and `jixiao manage create_user`.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is refused (HTTP 429, accounts/lockout.html) for AXES_COOLOFF_MINUTES after its last attempt, on the web
# and back-office login pages alike (both authenticate through the backends below). The API signs no one in.
AUTHENTICATION_BACKENDS = [
    "jixiao.accounts.backends.LockoutBackend",  # first: refuses a locked-out pair before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True  # the lockout page says every attempt restarts the wait
AXES_LOCKOUT_CALLABLE = "jixiao.accounts.views.lockout"
AXES_ENABLE_ADMIN = False  # axes' own pages ignore the roles; unlock with `jixiao manage axes_reset_username`
# The client's address: REMOTE_ADDR unless told which header the TLS proxy sets (never a header a client could
# send through the proxy unchanged), e.g. AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_REAL_IP; see docs/deploy.md.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]))
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0) or None
AXES_IPWARE_PROXY_ORDER = env_choice("AXES_IPWARE_PROXY_ORDER", "left-most", ("left-most", "right-most"))
AXES_IPWARE_PROXY_TRUSTED_IPS = env_list("AXES_IPWARE_PROXY_TRUSTED_IPS", []) or None

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans") or "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or (DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or (DATA_DIR / "media"))
# Files no URL serves (uploaded imports): opened only through views that check access.
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT") or (DATA_DIR / "private"))

# Imports run as background jobs, for the office only, within these limits.
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 50)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)
#: Run import jobs in the request that starts them (tests); otherwise on Celery or a thread of the process.
IMPORT_JOBS_INLINE = env_bool("IMPORT_JOBS_INLINE", False)
# Evidence files (佐证材料) of entered values: refused above this size while they are uploaded (jixiao.core.uploads),
# before Django has stored them; imports keep their own IMPORT_MAX_MB.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "jixiao.core.uploads.LimitedUploadHandler",  # first: refuses an oversized evidence file before it is stored
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# whitenoise serves what `collectstatic` put here; the folder must exist even before the first run.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "jixiao.core.storage.StaticStorage"},
}

# E-mail of notices (jixiao.inbox): printed to the console unless a backend is set, e.g.
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST (and EMAIL_HOST_PASSWORD_FILE).
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "jixiao@localhost"
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# HTTPS. The defaults suit the embedded demo on http://127.0.0.1:8000; production behind a TLS proxy sets
# them all (docs/deploy.md), and `check --deploy` says what is missing.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's or orchestrator's health probe may come over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# "HTTP_X_FORWARDED_PROTO=https": the request came over HTTPS when the proxy set this header to this value.
# Only behind a proxy that always sets (overwrites) the header; otherwise a client could claim HTTPS.
_proxy_ssl_header = (env_str("SECURE_PROXY_SSL_HEADER") or "").strip()
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = None
if _proxy_ssl_header:
    _header, _sep, _value = (part.strip() for part in _proxy_ssl_header.partition("="))
    if not (_header.startswith("HTTP_") and _value):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_ssl_header!r} must be HEADER=VALUE with the header as Django names "
            "it, e.g. HTTP_X_FORWARDED_PROTO=https"
        )
    SECURE_PROXY_SSL_HEADER = (_header, _value)

# Content-Security-Policy (django-csp 4). Our pages load scripts and styles from our own static files only;
# plotly figures travel as JSON in data- attributes, never as inline script. style-src allows inline styles
# because plotly.js styles the chart elements it draws through style attributes and <style> rules it inserts.
# The back office (/admin/) adds what django-unfold's Alpine.js needs: see jixiao.core.csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The audit trail (docs/audit.md): its HMAC key and its checkpoints live outside the database. AUDIT_KEY (or
# AUDIT_KEY_FILE) unset: a random key made once in DATA_DIR/audit.key (mode 0600); every process that writes
# (web, workers, commands, migrate) must use the same key. The checkpoint file must be kept, and copied off the host.
AUDIT_KEY = (env_str("AUDIT_KEY") or "").strip() or None
if AUDIT_KEY is not None and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_KEY is too short: use at least 32 characters (e.g. `openssl rand -hex 32`)")
AUDIT_CHECKPOINT_FILE = Path(env_str("AUDIT_CHECKPOINT_FILE") or (DATA_DIR / "audit-checkpoints.log"))

# Background work. Without a broker, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
# Celery beat's schedule (production); without a broker ``jixiao serve`` runs the same job in-process.
CELERY_BEAT_SCHEDULE = {
    "review-deadlines": {"task": "jixiao.review.run_deadlines", "schedule": 60.0},
    "monitoring": {"task": "jixiao.monitoring.run", "schedule": 3600.0},
    "rating-reminders": {"task": "jixiao.ratings.remind", "schedule": 3600.0},
}

# The cache: Redis in production (REDIS_URL); in the embedded default files in the data folder, which every
# process of the one machine shares (a background job's progress is read by whichever worker serves the page).
_redis_url = env_str("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "jixiao.core.rediscache.RedisCache", "LOCATION": _redis_url}
    if _redis_url
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}
}

UNFOLD = {
    "SITE_TITLE": "绩效 Jixiao",
    "SITE_HEADER": "绩效管理 · 考核办后台",
    "SHOW_LANGUAGES": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING") or "WARNING"},
}

# A static file missing from the manifest (tests and `runserver` before any collectstatic) is named by its own name
# rather than refused (``StaticStorage``); `jixiao serve` and the demo collect the files, so hashed names are used.
WHITENOISE_MANIFEST_STRICT = False
