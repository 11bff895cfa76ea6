"""Django settings. Everything that differs between installations comes from the environment.

- ``LOFTE_HOME``: state directory (SQLite database, event store, keys); default ``./var``.
- ``DATABASE_URL``: use this database (e.g. PostgreSQL) instead of SQLite in ``LOFTE_HOME``.
- ``DJANGO_SECRET_KEY``, ``DJANGO_DEBUG``, ``DJANGO_ALLOWED_HOSTS``: the usual production knobs.
- ``DJANGO_CSRF_TRUSTED_ORIGINS`` (e.g. ``https://lofte.rcc.example``), ``DJANGO_HSTS_SECONDS``
  (default one year when not debugging), ``DJANGO_SECURE_SSL_REDIRECT=1``,
  ``DJANGO_BEHIND_TLS_PROXY=1`` (trust ``X-Forwarded-Proto``): see README, "Accounts, desk and
  serving".
- ``LOFTE_TASKS_BACKEND``: the django-tasks backend (default the database backend, whose worker
  ``lofte serve`` starts).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from lofte import config

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = config.django_secret_key()
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lofte.web",
    "lofte.svf",
    "lofte.cube",
    "lofte.reports",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "lofte.web.accounts",
    "lofte.web.audit",
    "lofte.web.desk",
    "lofte.web.whatif",
    "lofte.web.results",
    "lofte.grants",
    "lofte.web.plans",
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
    "csp.middleware.CSPMiddleware",
    "lofte.web.middleware.StaffResponseMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "lofte.web.urls"
CSRF_FAILURE_VIEW = "lofte.web.errors.csrf_failure"
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
                "lofte.web.context_processors.synthetic_data",
            ]
        },
    },
    {
        # The body of an indicator's page (apps' jinja2/ folders; docs/adr/0136).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "lofte.web.jinja.environment"},
    },
]
WSGI_APPLICATION = "lofte.web.wsgi.application"

_default_db = f"sqlite:///{config.home() / 'lofte.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead log: readers (the site, the desk) never block the writer nor it them. A
    # transaction that will write takes the write lock when it begins (IMMEDIATE), so two
    # writers queue for up to LOFTE_SQLITE_TIMEOUT seconds instead of one failing with
    # "database is locked" when it upgrades a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("LOFTE_SQLITE_TIMEOUT", "60")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.subdir("static")

SESSION_COOKIE_SECURE = not DEBUG and os.environ.get("LOFTE_INSECURE_COOKIES") != "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Accounts, desk, background tasks, production (README: "Accounts, desk and serving") ----
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
TASKS = {
    "default": {
        "BACKEND": os.environ.get("LOFTE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
WHITENOISE_USE_FINDERS = DEBUG  # no collectstatic needed while developing
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Login throttling (lofte.web.accounts.throttle; docs/adr/0101-login-throttling.md).
AUTHENTICATION_BACKENDS = [
    "lofte.web.accounts.throttle.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "lofte.web.accounts.throttle.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: account or address
AXES_FAILURE_LIMIT = int(os.environ.get("LOFTE_LOGIN_ACCOUNT_LIMIT", "5"))
LOFTE_LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOFTE_LOGIN_ADDRESS_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOFTE_LOGIN_LOCK_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lofte.web.accounts.throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "lofte.web.audit.service.client_ip"
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_VERBOSE = False
LOFTE_BEHIND_PROXY = os.environ.get("DJANGO_BEHIND_TLS_PROXY", "0") == "1"

# Content-Security-Policy (django-csp; docs/adr/0102-content-security-policy.md): only the
# site's own files, no inline script or style, no eval (Vega runs its CSP-safe interpreter).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

if not DEBUG:
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_SUBDOMAINS", "0") == "1"
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "0") == "1"
    if os.environ.get("DJANGO_BEHIND_TLS_PROXY", "0") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOFTE_LOG_LEVEL", "WARNING")},
    # django-axes logs every failed login; the audit log has them already.
    "loggers": {"axes": {"level": "ERROR"}},
}

# --- Mail (action-plan reminders; README: "Action plans and the gap board") -----------------
# SMTP when EMAIL_HOST is set; otherwise every mail is written as a file under LOFTE_HOME/mail
# (the demo's setting, nothing leaves the machine). LOFTE_EMAIL_BACKEND overrides both.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
    EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(config.subdir("mail"))
EMAIL_BACKEND = os.environ.get("LOFTE_EMAIL_BACKEND", EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lofte@localhost")
#: Absolute address of the site in reminder mails, e.g. https://lofte.rcc.example
LOFTE_BASE_URL = os.environ.get("LOFTE_BASE_URL", "http://127.0.0.1:8000")
