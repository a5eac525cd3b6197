"""Django settings, read only from environment variables (see ``jixiao.core.env``).

With nothing set, the platform runs embedded: an SQLite file in ``JIXIAO_DATA_DIR`` (default ``./data``),
background jobs run in-process, and DEBUG stays off. Production sets ``DATABASE_URL`` (PostgreSQL),
``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``ALLOWED_HOSTS`` and ``CELERY_BROKER_URL``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jixiao.core.env import env_bool, env_int, env_list, env_str

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
    "jixiao.core",
    "jixiao.audit",
    "jixiao.accounts",
    "jixiao.org",
    "jixiao.indicators",
    "jixiao.schemes",
    "jixiao.cycles",
    "jixiao.collection",
    "jixiao.results",
    "jixiao.web",
    "jixiao.portal",
    "jixiao.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jixiao.audit.middleware.AuditSourceMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

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
    "jixiao.web.finders.PlotlyFinder",  # plotly.min.js from the plotly wheel, as web/vendor/plotly.min.js
]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or (DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or (DATA_DIR / "media"))
# whitenoise serves what `collectstatic` put here; the folder must exist even before the first run.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)

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
