"""Settings read from the environment (see .env.example).

With nothing set the app runs on SQLite with Celery tasks executed eagerly, so `make run` needs no server.
With DATABASE_URL and REDIS_URL it runs on PostgreSQL with a real Celery worker and beat.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SERVICE_NAME = env.str("SERVICE_NAME", default="Education, health and care plans")
# Shown in the header to people who are not (yet) linked to a council, such as someone signing in.
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Your local council")
PHASE = env.str("SERVICE_PHASE", default="Beta")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    # API tokens: hashed at rest, expiring (docs/decisions/0010-hashed-expiring-api-tokens.md).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "govuk_frontend_django",
    "core.apps.CoreConfig",
    "accounts",
    "notifications",
    "cases",
    "forms_ersa",
    "advice",
    "panel",
    "drafting",
    "portal",
    "records",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ehcp.middleware.StaticAndGovukAssetsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ehcp.middleware.AccountLanguageMiddleware",
    "ehcp.middleware.IdleTimeoutMiddleware",
    "ehcp.middleware.SecondFactorMiddleware",
    "ehcp.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the "try again at" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ehcp.urls"
WSGI_APPLICATION = "ehcp.wsgi.application"

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
                "ehcp.context_processors.service",
                "notifications.context_processors.bell",
            ],
        },
    },
]
# Every form renders GOV.UK markup (labels, hints, error messages) through these templates.
FORM_RENDERER = "core.forms.GovUKFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (the `make run` default) has one writer at a time. A transaction that reads first and writes later
    # cannot wait for the lock, so two simultaneous writes would give one of them "database is locked". Taking
    # the write lock when the transaction begins, and waiting for it, serialises them as PostgreSQL's row locks
    # do. WAL lets pages keep reading while someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT_SECONDS", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while the account or the address is locked out (django-axes).
    "accounts.backends.LockoutBackend",
    "accounts.auth.EmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "DJANGO_PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions

LANGUAGE_CODE = "en-gb"
# The languages family-facing pages are written in, each named in its own language so that a family can find
# theirs. Django marks Urdu as right to left (LANGUAGES_BIDI); the base template sets dir from it.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski"), ("ur", "اردو")]
# The cookie that remembers the choice of someone not signed in; a signed-in family's choice is on their account.
LANGUAGE_COOKIE_NAME = "ehcp_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# The GOV.UK stylesheet refers to its fonts and images at /assets/; the middleware serves them there.
GOVUK_ASSETS_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Case documents are private: no MEDIA_URL route serves them, only the permission-checked download view.
MEDIA_URL = "/media-not-served/"
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: console in development; SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if env.str("EMAIL_HOST", default="")
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ehcp-service@council.example")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# GOV.UK Notify: off unless an API key is set; then it sends email, text messages and letters.
# Each *_TEMPLATE_ID names a Notify template whose content is ((subject)) and ((body)) (or ((body)) for texts).
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
NOTIFY_LETTER_TEMPLATE_ID = env.str("NOTIFY_LETTER_TEMPLATE_ID", default="")
# Notify's delivery receipts must carry this bearer token.
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=200)

# Celery: with no REDIS_URL, tasks run in-process so development needs no broker.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queuing a task happens inside web requests (after commit): a Redis that hangs must cost seconds, not minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Picks up anything a worker could not be told about at once (the broker was down, a worker died).
    "relay-outbox": {
        "task": "notifications.tasks.relay_outbox",
        "schedule": env.int("OUTBOX_RELAY_SECONDS", default=60),
    },
    # Reminders due now, across every case, written to the outbox (a second run writes nothing new).
    "sweep-reminders": {
        "task": "cases.tasks.sweep_reminders",
        "schedule": env.int("REMINDER_SWEEP_SECONDS", default=5 * 60),
    },
    "daily-digest": {"task": "cases.tasks.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
    # What the retention schedules say is due, listed for a manager to approve (nothing is disposed of here).
    "sweep-retention": {"task": "records.tasks.sweep_retention", "schedule": crontab(hour=2, minute=30)},
    "refresh-deadline-statuses": {
        "task": "cases.tasks.refresh_deadline_statuses",
        "schedule": env.int("DEADLINE_REFRESH_SECONDS", default=15 * 60),
    },
    # The panel: meetings scheduled ahead and waiting cases joined to the next agenda (or held, with why).
    "panel-morning-run": {"task": "panel.tasks.morning_run", "schedule": crontab(hour=6, minute=30)},
    "panel-close-digital-votes": {"task": "panel.tasks.close_due_digital_votes", "schedule": 5 * 60},
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call gets 401 with `WWW-Authenticate: Token` rather than a bare 403.
        "accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
# API tokens (django-rest-knox): only a hash is stored; each ends after API_TOKEN_DAYS, when its owner revokes it,
# and when their password changes or their account is closed. Sent as `Authorization: Token <token>`.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model name)
# Our own model replaces knox's (KNOX_TOKEN_MODEL), but knox's migrations would still create its unused table,
# whose key to the user table then stops the test runner (and anyone) emptying that table. Knox has no tables here.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EHC plans case management API",
    "DESCRIPTION": "Cases, statutory deadlines and workflow transitions, scoped to what the caller may see.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package, not a CDN: the content security policy allows our own origin only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content security policy: only our own scripts and styles, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
# Signed out after this long without a request: staff (who can see every child of a council) sooner than families.
SESSION_IDLE_MINUTES_STAFF = env.int("SESSION_IDLE_MINUTES_STAFF", default=30)
SESSION_IDLE_MINUTES_FAMILY = env.int("SESSION_IDLE_MINUTES_FAMILY", default=120)
# How long before the end the page warns (with a button to stay signed in), where JavaScript runs.
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=120)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy: the header it sets to "https" (e.g. HTTP_X_FORWARDED_PROTO); empty trusts none.
_proxy_header = env.str(
    "SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO" if SESSION_COOKIE_SECURE else ""
)
SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The container health check calls /healthz/ over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Lockout on every password door (the sign-in page, the support admin's, the API token): after this many wrong
# passwords in a row for one account, or from one address, both are refused until the cool-off has passed. A
# wrong try during the lock does not extend it, so a stranger cannot keep someone out for long.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.security_views.locked_out"
AXES_USERNAME_CALLABLE = "accounts.backends.username_from"
AXES_VERBOSE = False
# Behind proxies the address a try counts against is read from X-Forwarded-For: the entry the nearest of
# TRUSTED_PROXY_COUNT proxies added (0: REMOTE_ADDR, for a service reached directly).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.backends.client_ip"
# The other doors (accounts.throttles): password-reset emails per address typed and per network address, and wrong
# one-time links (invitations, save-and-return links) per network address, in a rolling window.
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env.int("PASSWORD_RESET_LIMIT_PER_ACCOUNT", default=3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=20)
ONE_TIME_LINK_FAILURE_LIMIT = env.int("ONE_TIME_LINK_FAILURE_LIMIT", default=20)
THROTTLE_WINDOW_MINUTES = env.int("THROTTLE_WINDOW_MINUTES", default=60)
# The operator account `manage.py create_operator` makes (the only platform-wide login of the support admin).
OPERATOR_EMAIL = env.str("OPERATOR_EMAIL", default="")
OPERATOR_NAME = env.str("OPERATOR_NAME", default="Service operator")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-password-2026")
# Demo only: someone who has not set up an authenticator app passes the second factor with DEMO_TOTP_CODE.
# `make run` switches it on; a system check refuses to start with it when DEBUG is off (accounts.checks).
DEMO_TOTP_BYPASS = env.bool("DEMO_TOTP_BYPASS", default=False)
DEMO_TOTP_CODE = "000000"
# Authenticator apps show this name beside the codes.
OTP_TOTP_ISSUER = SERVICE_NAME
RECOVERY_CODE_COUNT = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task is noise in development, where tasks run in-process; failures still show.
        "celery.app.trace": {"level": env.str("CELERY_TASK_LOG_LEVEL", default="WARNING")},
        # The PDF renderer logs each layout step at INFO: a page of noise for every letter or request copy.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
