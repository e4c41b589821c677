"""AUX settings: one module, driven by environment variables with safe local defaults.

Fail-safe: DEBUG is off unless DEBUG=1 is set, and without it SECRET_KEY is required. `make run`
(the embedded demo: SQLite, Celery tasks run eagerly, e-mail printed to the console) and the test
command set DEBUG=1 themselves. Production sets the variables in the README table. Each setting is
declared here once, with its default; code reads `settings.X`, never a default of its own.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.conf import global_settings
from django.utils.csp import CSP
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Off unless asked for: `make run` and the test command set DEBUG=1 for the local demo and tests.
DEBUG = env.bool("DEBUG", default=False)

# A fixed key is fine for a local demo, never for production: without DEBUG it must be set.
if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY", default="django-insecure-aux-local-development-key-not-for-production"
    )
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / ReDoc files served from our static: docs work offline
    "django_filters",
    "django_countries",
    "django_htmx",
    "aux.users",
    "aux.notifications",
    "aux.audit",
    "artists",
    "brands",
    "campaigns",
    "payments",
    "aux.project",
    # The project's top layer: export, erasure and retention need every app's models.
    "aux.privacy",
]

MIDDLEWARE = [
    # First, so that it sees every answer: an error under /api/ leaves as JSON (aux/api/middleware).
    "aux.api.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aux.users.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: the site's 404 page when DEBUG is on too (the demo), not Django's technical one.
    "aux.friendly_404.FriendlyNotFoundMiddleware",
]
# A lost database/Redis connection, in a view or in a middleware, is a 503: handler500 in
# aux/urls.py (aux.outages.server_error).

ROOT_URLCONF = "aux.urls"
WSGI_APPLICATION = "aux.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["aux.templating"],
        },
    },
]

# --- Data stores ----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection that died with a PostgreSQL restart is noticed and replaced at the
# start of the next request instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's threaded runserver gets the fake Stripe's webhooks while pages write: take the
    # write lock at BEGIN and wait for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            # Reads miss and writes are dropped while Redis is down, so pages still render and
            # rate limits fail open; /healthz asks Redis itself and reports the outage.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: real broker with REDIS_URL, eager in-process execution without it --------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a task must fail fast when Redis is down (aux.dispatch logs it and a sweep requeues):
# a short connect timeout and publish retries of about half a second, not minutes.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.2}  # fmt: skip
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                     "interval_max": 0.5}
}  # fmt: skip
CELERY_TIMEZONE = "UTC"
# Queues by kind of work, so that a snapshot rebuild or a PDF never delays a payout: compose runs
# a worker per group (`-Q payments`, `-Q matching`, `-Q email,default`); a worker started without
# -Q takes all four (the demo's and the tests' single worker). /healthz reports each backlog.
# Each queue bound by its own name (a bare Queue(name) gets the default key: all four would get
# every message).
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in ("payments", "matching", "email", "default")
]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "payments.send_split_invitation": {"queue": "email"},  # before payments.*: a name wins
    "payments.*": {"queue": "payments"},  # payouts, refunds, their sweep, reconciliation
    "campaigns.brief_compute_matches": {"queue": "matching"},
    "campaigns.snapshot_*": {"queue": "matching"},
    "notifications.send_email": {"queue": "email"},
    "notifications.send_digest": {"queue": "email"},
    "users.send_login_delay_notice": {"queue": "email"},
    "brands.send_invitation": {"queue": "email"},
}  # everything else (sweeps, PDFs, exports, expiries): "default"
HEALTHZ_WORKER_TIMEOUT = env.float("HEALTHZ_WORKER_TIMEOUT", default=1.0)  # /healthz's worker ping

# --- Accounts (django-allauth, e-mail is the login) -----------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# `make test` only (scripts/test.sh sets it, and its servers and workers inherit it): hashing with
# MD5 makes each of the suite's logins cost microseconds instead of PBKDF2's half second. Never set
# it anywhere else; without it Django's default (PBKDF2) hashers apply.
if env.bool("AUX_TEST_FAST_PASSWORD_HASHER", default=False):
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *global_settings.PASSWORD_HASHERS,
    ]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "users:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory: an address counts only once its owner clicked the link (brand invitations require
# it), and only then can sign-up answer the same way for a taken address as for a new one:
# allauth sends the owner an "account already exists" e-mail instead of saying so on the page.
# "optional" lets unconfirmed accounts in and makes sign-up reveal registered addresses again.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# Clicking the confirmation link in the browser that signed up signs the new account in (allauth
# does so only for the session that started the signup).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Signed-in users confirm sensitive changes with their password only. allauth 65.22 would also
# offer a code e-mailed to any verified address; we do not enable login by code, so neither.
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_SIGNUP_FORM_CLASS = "aux.project.forms.RoleSignupForm"
# 0: an invite-only deployment (aux/users/adapters.py closes the sign-up form).
ACCOUNT_ALLOW_REGISTRATION = env.bool("ACCOUNT_ALLOW_REGISTRATION", default=True)
ACCOUNT_ADAPTER = "aux.users.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's own rate limits guard login (per client: the form and the API token view),
# signup and password reset. Failures per *account* follow aux.users.login_limits instead of a
# fixed "/key" window: growing delays and one notice e-mail, never a lock-out a stranger could
# keep up for long (the AUX_LOGIN_* settings below).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

# Per account, across every client: after AUX_LOGIN_FAILURES_BEFORE_DELAY wrong passwords within
# AUX_LOGIN_FAILURE_WINDOW_SECONDS, every attempt (the right password too) waits
# AUX_LOGIN_DELAY_SECONDS, doubled at each further failure up to AUX_LOGIN_DELAY_MAX_SECONDS.
AUX_LOGIN_FAILURES_BEFORE_DELAY = env.int("AUX_LOGIN_FAILURES_BEFORE_DELAY", default=5)
AUX_LOGIN_FAILURE_WINDOW_SECONDS = env.int("AUX_LOGIN_FAILURE_WINDOW_SECONDS", default=900)
AUX_LOGIN_DELAY_SECONDS = env.int("AUX_LOGIN_DELAY_SECONDS", default=60)
AUX_LOGIN_DELAY_MAX_SECONDS = env.int("AUX_LOGIN_DELAY_MAX_SECONDS", default=900)

# --- Proxies --------------------------------------------------------------------------------------
# How many reverse proxies in front of the site append to X-Forwarded-For. 0 (the default):
# the header is ignored and the client is REMOTE_ADDR, so nobody picks their own rate-limit
# identity by sending the header. Behind one proxy (nginx, a load balancer) set 1. Read by DRF's
# throttles (REST_FRAMEWORK["NUM_PROXIES"]) and allauth's rate limits (ALLAUTH_TRUSTED_PROXY_COUNT).
NUM_PROXIES = env.int("AUX_NUM_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES

# --- E-mail ---------------------------------------------------------------------------------------
# EMAIL_URL: consolemail:// (default, printed), smtp://user:pass@host:25, smtp+tls://...:587.
# Django 6.1 configures e-mail through MAILERS (the EMAIL_* settings are deprecated).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
# AUX_MAIL_OUTBOX: a folder (relative to the checkout) where e-mails are written as .eml files
# instead of being sent or printed; staff read them at /staff/outbox/. `make run` sets var/mail.
AUX_MAIL_OUTBOX = env("AUX_MAIL_OUTBOX", default="")
if AUX_MAIL_OUTBOX:
    AUX_MAIL_OUTBOX = str(BASE_DIR / AUX_MAIL_OUTBOX)
    MAILERS["default"] = {
        "BACKEND": "aux.outbox.OutboxBackend",
        "OPTIONS": {"directory": AUX_MAIL_OUTBOX},
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="AUX <no-reply@aux.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Stripe (payments issue): a local fake Stripe by default --------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="sk_test_local")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="pk_test_local")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="whsec_local")
# The demo and the tests talk to the local fake Stripe; production to Stripe (checked).
STRIPE_API_BASE = env(
    "STRIPE_API_BASE", default="http://127.0.0.1:8420" if DEBUG else "https://api.stripe.com"
)
# Seconds to wait for Stripe before giving up (then retried with the same idempotency key).
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
# A webhook signed more than this many seconds ago, or ahead of our clock, is refused (Stripe's
# own default tolerance). Production refuses to start on the demo's keys (payments/checks.py).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)

# --- Marketplace rules ----------------------------------------------------------------------------
# "Emerging" is derived, never stored by hand: under this many monthly listeners and followers
# (summed over platforms), and a first release at most this many years ago when it is known
# (0: no career limit). See artists.models.is_emerging.
AUX_EMERGING_MAX_LISTENERS = env.int("AUX_EMERGING_MAX_LISTENERS", default=50_000)
AUX_EMERGING_MAX_CAREER_YEARS = env.int("AUX_EMERGING_MAX_CAREER_YEARS", default=8)
# A brand invitation link works for this many days.
AUX_INVITATION_TTL_DAYS = env.int("AUX_INVITATION_TTL_DAYS", default=7)
# Uploaded images (artist photos, brand logos): size limit before decoding, checked by content.
AUX_MAX_IMAGE_BYTES = env.int("AUX_MAX_IMAGE_BYTES", default=5 * 1024 * 1024)
# Booking attachments (messages, deliverable proof): images or PDFs up to this size each.
AUX_MAX_ATTACHMENT_BYTES = env.int("AUX_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploads: the folder MEDIA_ROOT (the demo, the tests, a single host), or S3-compatible object
# storage that every host reaches when AWS_STORAGE_BUCKET_NAME is set. "default" keeps the private
# files (contracts, attachments, result screenshots, data exports): only the views that check who
# asks serve them (aux/files.py: streamed from the folder, or a redirect to a URL signed for
# AUX_PRIVATE_FILE_URL_SECONDS); "public" keeps artist photos and brand logos, linked directly.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AUX_PRIVATE_FILE_URL_SECONDS = env.int("AUX_PRIVATE_FILE_URL_SECONDS", default=60)
if AWS_STORAGE_BUCKET_NAME:
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,  # None: AWS itself
        # Empty keys: boto3 finds credentials itself (an instance role, AWS_ACCESS_KEY_ID, ...).
        "access_key": env("AWS_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env("AWS_S3_REGION_NAME", default="") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,  # a new upload never replaces another one's file
    }
    _private_files = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": "private",
            "querystring_expire": AUX_PRIVATE_FILE_URL_SECONDS,
        },
    }
    # Readable by anyone through the bucket's policy on public/* (README: Production shape).
    _public_files = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        **_s3, "location": "public", "querystring_auth": False}}  # fmt: skip
else:
    _private_files = _public_files = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _private_files,
    "public": _public_files,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate challenge from the first class, so a missing or
    # bad token is a 401 with `WWW-Authenticate: Token` (session first would make it a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "aux.api.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "aux.api.exceptions.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,  # see Proxies above: 0 ignores X-Forwarded-For
    # Scoped throttles on the writes a spammer would aim at (per user, shared with the pages:
    # aux/ratelimit.py); over the limit, 429 with the error shape.
    "DEFAULT_THROTTLE_RATES": {
        "token": env("AUX_THROTTLE_TOKEN", default="20/min"),
        "offers": env("AUX_THROTTLE_OFFERS", default="30/hour"),
        "messages": env("AUX_THROTTLE_MESSAGES", default="120/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AUX API",
    "DESCRIPTION": "Brands book music artists: briefs, matches, offers, contracts, payouts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per choice set that several models share (or several models name alike).
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "BriefStatusEnum": "campaigns.briefs.models.Brief.Status",
        "OfferStatusEnum": "campaigns.bookings.models.Offer.Status",
        "ContractStatusEnum": "campaigns.bookings.models.Contract.Status",
        "MilestoneStatusEnum": "campaigns.bookings.models.Milestone.Status",
        "DisputeStatusEnum": "campaigns.bookings.models.Dispute.Status",
        "SideEnum": "campaigns.bookings.models.Side",
        "CancellationPolicyEnum": "campaigns.bookings.terms.CancellationPolicy",
        "CurrencyEnum": "aux.money.Currency",
        "MembershipRoleEnum": "brands.models.Membership.Role",
        "VerificationStatusEnum": "brands.models.VerificationRequestBase.Status",
        "ReviewReportOutcomeEnum": "campaigns.bookings.models.ReviewReport.Outcome",
        "UserRoleEnum": "aux.users.models.User.Role",
        "MediaLinkKindEnum": "artists.models.MediaLink.Kind",
        "MilestoneResultKindEnum": "campaigns.reporting.models.MilestoneResult.Kind",
        "MilestoneResultStatusEnum": "campaigns.reporting.models.MilestoneResult.Status",
        "NotificationKindEnum": "aux.notifications.models.Kind",
        "NotificationChannelEnum": "aux.notifications.models.Channel",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies apart from responses (so required text says minLength 1), then every
    # operation's error responses and the validation rules the schema can state (aux/api/schema.py).
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "aux.api.schema.add_error_responses",
        "aux.api.schema.tell_validation_rules",
    ],
}

# --- Security -------------------------------------------------------------------------------------
# The CSP forbids inline script and any third-party origin: pages work offline by construction.
# One exception: "Set up payouts" posts to our view, which redirects to Stripe's onboarding page,
# and browsers apply form-action to that redirect; Stripe's page (or the local fake Stripe's)
# must be allowed, else the button does nothing.
_STRIPE_ONBOARDING_ORIGIN = (
    "https://connect.stripe.com"
    if STRIPE_API_BASE.startswith("https://api.stripe.com")
    else STRIPE_API_BASE.rstrip("/")
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, _STRIPE_ONBOARDING_ORIGIN],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Request size limits (Django refuses bigger bodies with 400 before any view runs). Uploaded images
# are further limited by AUX_MAX_IMAGE_BYTES and checked by content (aux/images.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)
# The admin lives at a path of the operator's choosing (e.g. "staff-7f3k/"): less noise from bots.
ADMIN_URL = env("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/"):
    ADMIN_URL += "/"
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the session, not in a cookie of their own: the only cookies are the
# session, the CSRF token and the chosen language, all strictly necessary, so no consent banner
# (tests/privacy/test_pages.py keeps it so).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # Tokens from e-mailed links never reach runserver's request log (aux/logredact.py; gunicorn's
    # access log gets the same treatment from gunicorn.conf.py). Otherwise Django's own set-up.
    "filters": {"redact_tokens": {"()": "aux.logredact.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["redact_tokens"]},  # "Not Found: <path>" warnings
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["redact_tokens"],
            "level": "INFO",
            "propagate": False,
        },
        # Libraries' chatter: one line per Stripe request and response, per subset font table.
        "stripe": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inside the web process (the demo): no "Task ... succeeded" line for each e-mail.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# --- Briefs and matching --------------------------------------------------------------------------
# Staff approve submitted briefs before they are published (0: brands publish directly).
AUX_BRIEF_REQUIRES_APPROVAL = env.bool("AUX_BRIEF_REQUIRES_APPROVAL", default=False)
AUX_DEFAULT_EMERGING_SHARE = env.float("AUX_DEFAULT_EMERGING_SHARE", default=0.3)
AUX_FAIRNESS_ALPHA = env.float("AUX_FAIRNESS_ALPHA", default=0.1)
AUX_MATCHES_KEPT = env.int("AUX_MATCHES_KEPT", default=200)
# This node's cache of the published matching snapshot (campaigns/briefs/snapshot_store.py): the
# processes of a node share it and memory-map it; the versions themselves live in the database.
AUX_SNAPSHOT_DIR = env("AUX_SNAPSHOT_DIR", default=str(BASE_DIR / "var" / "snapshot"))
AUX_MATCH_WEIGHTS = env.dict(
    "AUX_MATCH_WEIGHTS",
    cast={"value": float},
    default={"genre": 3.0, "territory": 2.0, "language": 1.5, "age": 1.5, "budget": 1.0,
             "reach": 1.5, "engagement": 1.0, "rating": 1.0, "text": 1.0, "verified": 0.5},
)  # fmt: skip
# 1 unit of each currency in EUR, to compare fees with budgets in another currency.
AUX_FX_RATES = env.dict(
    "AUX_FX_RATES", cast={"value": float}, default={"EUR": 1.0, "USD": 0.92, "GBP": 1.17}
)
# Artist changes are batched: one snapshot refresh (and re-ranking) at most every N seconds.
AUX_MATCHING_DEBOUNCE_SECONDS = env.int("AUX_MATCHING_DEBOUNCE_SECONDS", default=30)
AUX_ARTIST_TOP_RANK = env.int("AUX_ARTIST_TOP_RANK", default=50)  # "briefs you rank well for"

# --- Bookings -------------------------------------------------------------------------------------
# An offer (and each counter-offer) stays open this many days unless the brand picks its expiry
# (1 to 30 days: campaigns.bookings.services.OFFER_EXPIRY_DAYS).
AUX_OFFER_TTL_DAYS = env.int("AUX_OFFER_TTL_DAYS", default=7)
# A submitted deliverable the brand neither approves nor questions is approved after this.
AUX_REVIEW_WINDOW_DAYS = env.int("AUX_REVIEW_WINDOW_DAYS", default=7)
# Deliverable types that carry the paid-partnership disclosure (#ad / platform label).
AUX_SOCIAL_DELIVERABLE_SLUGS = env.list(
    "AUX_SOCIAL_DELIVERABLE_SLUGS", default=["social-post", "short-video"]
)
# A side's request to cancel a contract, or its settlement proposal, expires after this many
# hours if the other side has not agreed (it lapses sooner when the contract changes).
AUX_CANCEL_REQUEST_TTL_HOURS = env.int("AUX_CANCEL_REQUEST_TTL_HOURS", default=72)
# Brands are reminded this many hours before a submitted deliverable is approved automatically.
AUX_REVIEW_REMINDER_HOURS = env.int("AUX_REVIEW_REMINDER_HOURS", default=24)
# Reviews are double-blind: one becomes public when the other side has written theirs, or this
# many days after it was written (the other side may no longer review then).
AUX_REVIEW_BLIND_DAYS = env.int("AUX_REVIEW_BLIND_DAYS", default=14)
# Brands publish briefs and send offers only once staff verified them (they may draft and browse
# before). On in production (DEBUG off), off in the local demo and the tests unless set.
AUX_REQUIRE_BRAND_VERIFICATION = env.bool("AUX_REQUIRE_BRAND_VERIFICATION", default=not DEBUG)

# --- Notifications --------------------------------------------------------------------------------
# The bell re-asks the unread count this often (and at once on a `notifications-changed` event).
AUX_NOTIFICATIONS_POLL_SECONDS = env.int("AUX_NOTIFICATIONS_POLL_SECONDS", default=30)
# The daily digest e-mail: sent at this UTC hour to everyone with digest items waiting.
AUX_NOTIFICATIONS_DIGEST_HOUR = env.int("AUX_NOTIFICATIONS_DIGEST_HOUR", default=7)

# --- Payments -------------------------------------------------------------------------------------
# The platform fee, charged to the brand on top of the contract total (basis points: 1000 = 10%).
AUX_PLATFORM_FEE_BPS = env.int("AUX_PLATFORM_FEE_BPS", default=1000)

# --- Personal data (aux/privacy) ------------------------------------------------------------------
# The version of the terms and privacy notice (templates/privacy/); sign-up records the one shown.
# Change it whenever the operator changes either text.
AUX_TERMS_VERSION = env("AUX_TERMS_VERSION", default="2026-12")
# Who runs this deployment, as the privacy notice and terms name them (the data controller).
AUX_OPERATOR_NAME = env("AUX_OPERATOR_NAME", default="")  # empty: "the operator of this site"
AUX_OPERATOR_CONTACT = env("AUX_OPERATOR_CONTACT", default="privacy@aux.localhost")
# A data export archive can be downloaded for this many hours (signed link), then it is deleted.
AUX_EXPORT_TTL_HOURS = env.int("AUX_EXPORT_TTL_HOURS", default=72)
# The retention schedule applied daily by privacy.retention_apply (days; 0 switches a rule off).
# Ledger entries, payments, payouts, refunds and the contracts behind them are never removed by
# it: accounting law keeps them (10 years in France).
AUX_RETENTION_DAYS = env.dict(
    "AUX_RETENTION_DAYS",
    cast={"value": int},
    default={
        # Messages (and their files) of bookings that ended (contract completed or cancelled,
        # or offer closed without one) this long ago.
        "messages_after_end": 3 * 365,
        # Sign-ups whose e-mail address was never confirmed (they never could sign in).
        "unverified_signups": 30,
        # Notifications already read.
        "read_notifications": 365,
        # Stripe webhook payloads (they carry names and addresses) once processed.
        "webhook_events": 90,
    },
)

# --- Periodic tasks (celery beat) -----------------------------------------------------------------
# celery beat runs the schedule only while it holds a PostgreSQL lock: a second beat, or a second
# deployment on the same database, stands by instead of running every job again (aux/schedule.py).
CELERY_BEAT_SCHEDULER = "aux.schedule:SingleBeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "offers-expire": {"task": "campaigns.offers_expire", "schedule": 300.0},
    "milestones-auto-approve": {"task": "campaigns.milestones_auto_approve", "schedule": 900.0},
    "milestones-flag-overdue": {"task": "campaigns.milestones_flag_overdue", "schedule": 3600.0},
    "milestones-review-remind": {"task": "campaigns.milestones_review_remind", "schedule": 1800.0},
    # Incremental refreshes follow artist changes; a nightly full rebuild compacts the snapshot.
    "matching-snapshot-catch-up": {"task": "campaigns.snapshot_catch_up", "schedule": 300.0},
    "matching-snapshot-rebuild": {
        "task": "campaigns.snapshot_rebuild",
        "schedule": crontab(minute=0, hour=2),
    },
    "notifications-daily-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(minute=0, hour=AUX_NOTIFICATIONS_DIGEST_HOUR),
    },
    "payments-reconcile": {"task": "payments.reconcile", "schedule": crontab(minute=30, hour=3)},
    # Work whose task was never queued because the broker was down (aux/dispatch.py).
    "payments-sweep": {"task": "payments.sweep", "schedule": 600.0},
    "campaigns-sweep": {"task": "campaigns.sweep", "schedule": 600.0},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 600.0},
    # The retention schedule (AUX_RETENTION_DAYS) and expired export archives; idempotent.
    "privacy-retention": {
        "task": "privacy.retention_apply",
        "schedule": crontab(minute=15, hour=4),
    },
}
