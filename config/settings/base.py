"""Harken settings. Production differs from development only by environment variables."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_from_url(url: str, *, key_prefix: str = "") -> dict[str, object]:
    """A cache from `CACHE_URL`: redis://host:port/db (rediss:// with TLS), db://table (the
    database cache: `harken createcachetable` first), locmem:// (one process only: rate limits
    then count per process) or dummy://."""
    scheme, _, rest = url.partition("://")
    backends = {
        "redis": "django.core.cache.backends.redis.RedisCache",
        "rediss": "django.core.cache.backends.redis.RedisCache",
        "db": "django.core.cache.backends.db.DatabaseCache",
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "dummy": "django.core.cache.backends.dummy.DummyCache",
    }
    if scheme not in backends:
        raise RuntimeError("CACHE_URL must start redis://, rediss://, db://, locmem:// or dummy://")
    location = url if scheme in ("redis", "rediss") else rest or "harken"
    if scheme == "db":
        location = rest or "harken_cache"
    return {"BACKEND": backends[scheme], "LOCATION": location, "KEY_PREFIX": key_prefix}


DEBUG = env_bool("DJANGO_DEBUG", False)
# A development key is only accepted with DEBUG on; production must set its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")
    SECRET_KEY = "harken-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "harken.core",
    "harken.accounts",
    "harken.workdays",
    "harken.procedures",
    "harken.cases",
    "harken.casework",
    "harken.documents",
    "harken.intake",
    "harken.reports",
    "harken.registers",
    "harken.subjectaccess",
    "harken.learning",
    "harken.homes",
    "harken.notifications",
    "harken.retention",
    "harken.correspondence",
    # Issue 14: the pool of independent people.
    "harken.pool",
    # Issue 14: satisfaction surveys and other survey returns.
    "harken.surveys",
    "harken.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their long cache lifetime; nothing else is stored.
    "harken.core.middleware.NoStoreMiddleware",
    "harken.core.middleware.PolicyOnceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "harken.accounts.middleware.SessionTimeoutMiddleware",
    "harken.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
# Widgets may use the project's templates (the GOV.UK date input does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "harken" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harken.core.context_processors.branding",
                "harken.access.navigation.staff_navigation",
            ],
            "builtins": ["harken.core.templatetags.harken"],
        },
    },
]

# Production names its database: a missing DATABASE_URL stops the start rather than quietly
# running on an empty SQLite file beside the code.
if not os.environ.get("DATABASE_URL") and not DEBUG:
    raise RuntimeError("Set DATABASE_URL (or DJANGO_DEBUG=1 for development on SQLite).")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'harken.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "harken" / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The cache holds the public forms' rate-limit counts: in production it must be shared by
# every process and server (Redis, or the database cache), or each counts alone.
CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL") or "locmem://",
        key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""),
    ),
    # The report's drawn charts, keyed by the hash of each chart's whole spec (ADR 0295): shared
    # by the web processes and the task worker when CACHE_URL is Redis; HARKEN_CHART_CACHE_URL
    # gives them a store of their own (db://harken_chart_cache: its own table and culling).
    # Never the database cache's own table: its culling past 300 entries would push out the
    # public forms' rate-limit counts.
    "charts": cache_from_url(
        os.environ.get("HARKEN_CHART_CACHE_URL")
        or (
            os.environ.get("CACHE_URL", "")
            if os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://"))
            else ""
        )
        or "locmem://harken-charts",
        key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""),
    ),
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only, on by default in production: browsers are told to use nothing else for a year
# (HSTS), and plain http is redirected. Behind a TLS proxy, name the header it sets
# (DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto) so Django knows a request was https:
# without it every request looks like http (a redirect loop) and e-mailed links say http.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
_proxy_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script but Harken's own files: no inline script, no script from elsewhere (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds to wait on the mail server for each step: one that accepts and never answers must
# not hold a task worker for ever (docs/email.md).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "feedback@harken.invalid")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "harken.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only: a form-encoded body reads a missing boolean as False, so an empty POST
    # to /restrict/ lifted a restriction. The token endpoint alone also takes form posts.
    # Every body is read in any Unicode encoding and checked for control characters and
    # oversized lists before a serializer sees it (harken/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["harken.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "harken.api.pagination.CasePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "harken.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Harken API",
    "DESCRIPTION": "Complaints, compliments and feedback case management for children's services.",
    "VERSION": "1.3.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema names every field of every record: only for those signed in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "harken.api.schema.document_errors",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PartyRoleEnum": "harken.cases.models.PartyRole",
        "AppointmentRoleEnum": "harken.cases.models.AppointmentRole",
        "CaseKindEnum": "harken.cases.models.Kind",
        "RetentionKindEnum": "harken.retention.models.RecordKind",
        "DisposalStatusEnum": "harken.retention.models.RunStatus",
        "LegalHoldReasonEnum": "harken.retention.models.HoldReason",
        "ProcedureKindEnum": "harken.procedures.definitions.ProcedureKind",
        # Choice sets sharing a field name, each named for what it is.
        "RecommendationDecisionEnum": "harken.learning.models.Decision",
        "OmbudsmanDecisionEnum": "harken.registers.models.OmbudsmanDecision",
        "PaymentKindEnum": "harken.registers.models.PaymentKind",
        "RemedyKindEnum": "harken.registers.models.RemedyKind",
        "OutcomeEnum": "harken.cases.models.Outcome",
        "AdvocacyOutcomeEnum": "harken.registers.models.AdvocacyOutcome",
        # Issue 14 (homes): the visitor's two opinions share one choice set.
        "OpinionEnum": "harken.homes.models.Opinion",
        # Issue 14 (pool): the roles of a pool entry and of a partner council's appointment,
        # and how that appointment ended.
        "PoolRoleEnum": "harken.pool.models.PoolRole",
        "PartnerOutcomeEnum": "harken.pool.models.PartnerOutcome",
        "CostRoleEnum": "harken.registers.models.CostRole",
        "SarPauseReasonEnum": "harken.registers.models.SarPauseReason",
        "RedactionReasonEnum": "harken.subjectaccess.models.RedactionReason",
        "RedactionKindEnum": "harken.subjectaccess.models.RedactionKind",
        "RightsKindEnum": "harken.subjectaccess.models.RightsKind",
        "RefusalReasonEnum": "harken.subjectaccess.models.RefusalReason",
        # The one outbox's, and the cases' ChannelEnum and StatusEnum under the names they had.
        "ChannelEnum": "harken.cases.models.Channel",
        "StatusEnum": "harken.cases.models.Status",
        # Issue 14
        "SurveyChannelEnum": "harken.surveys.models.InvitationChannel",
        "MessageChannelEnum": "harken.notifications.models.Channel",
        "MessageStatusEnum": "harken.notifications.models.MessageStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Harken: the council's own settings -------------------------------------------------
# Part of the UK whose bank holidays count: ENG (England & Wales), SCT, NIR.
HARKEN_UK_PART = os.environ.get("HARKEN_UK_PART", "ENG")
HARKEN_REFERENCE_PREFIX = os.environ.get("HARKEN_REFERENCE_PREFIX", "HK")
HARKEN_COUNCIL_NAME = os.environ.get("HARKEN_COUNCIL_NAME", "Harken Borough Council")
# PostgreSQL connections a report reads on (the heaviest passes on a second one, in the same
# snapshot: about half the time on two cores); 1 reads everything on the request's own.
HARKEN_REPORT_CONNECTIONS = int(os.environ.get("HARKEN_REPORT_CONNECTIONS", "2"))
# Days a report file built by the task worker is kept before `harken run-scheduled` deletes
# it (the build's row stays: who built what, when). docs/reports.md.
HARKEN_REPORT_BUILD_KEEP_DAYS = int(os.environ.get("HARKEN_REPORT_BUILD_KEEP_DAYS", "7"))
HARKEN_SERVICE_NAME = os.environ.get("HARKEN_SERVICE_NAME", "Feedback and complaints")
# Working days to answer an initial contact, enquiry, comment or suggestion (local practice).
HARKEN_CONTACT_RESPONSE_DAYS = int(os.environ.get("HARKEN_CONTACT_RESPONSE_DAYS", "10"))
# The team's own targets (replies to contacts and representations, the stage 2 statement)
# skip the council's closure days; statutory clocks never do (reg 2 does not list them).
HARKEN_TARGETS_SKIP_CLOSURE_DAYS = env_bool("HARKEN_TARGETS_SKIP_CLOSURE_DAYS", True)
# Working days after a stage 2 request by which the team aims to agree the statement of
# complaint (the stage 2 clock runs from it); later, the caseload flags it. 0: no target.
HARKEN_STATEMENT_TARGET_DAYS = int(os.environ.get("HARKEN_STATEMENT_TARGET_DAYS", "10"))
# Issue 14 (homes): managers see, read only, the children's homes their teams are responsible
# for (with those homes' visits, drop-ins, issues and compliance). Off: managers see no home.
HARKEN_MANAGERS_SEE_TEAM_HOMES = env_bool("HARKEN_MANAGERS_SEE_TEAM_HOMES", False)

# --- intake: the public online forms (docs/public-forms.md) ------------------------------
# How a complaint sent online arrives: "contact" (as an initial contact, triaged by an
# officer) or "complaint" (as a stage 1 complaint under the team's suggested procedure).
HARKEN_WEB_TRIAGE = os.environ.get("HARKEN_WEB_TRIAGE", "contact")
# Per client IP, counted in the cache (use a shared cache in production: see the doc).
HARKEN_INTAKE_RATE_LIMITS = env_bool("HARKEN_INTAKE_RATE_LIMITS", True)
HARKEN_INTAKE_SUBMISSIONS_PER_HOUR = int(os.environ.get("HARKEN_INTAKE_SUBMISSIONS_PER_HOUR", "10"))
HARKEN_INTAKE_POSTS_PER_MINUTE = int(os.environ.get("HARKEN_INTAKE_POSTS_PER_MINUTE", "60"))
# Proxies in front of Harken that append to X-Forwarded-For (0: use the socket's address).
HARKEN_INTAKE_TRUSTED_PROXIES = int(os.environ.get("HARKEN_INTAKE_TRUSTED_PROXIES", "0"))
HARKEN_INTAKE_MAX_FILES = int(os.environ.get("HARKEN_INTAKE_MAX_FILES", "5"))
HARKEN_INTAKE_MAX_FILE_MB = int(os.environ.get("HARKEN_INTAKE_MAX_FILE_MB", "10"))
# All the files of one form together, and all the files sent from one address in an hour.
HARKEN_INTAKE_MAX_FORM_MB = int(os.environ.get("HARKEN_INTAKE_MAX_FORM_MB", "25"))
HARKEN_INTAKE_UPLOAD_MB_PER_HOUR = int(os.environ.get("HARKEN_INTAKE_UPLOAD_MB_PER_HOUR", "50"))
# Unsent answers are deleted from the session after this long without a page being sent.
HARKEN_INTAKE_IDLE_MINUTES = int(os.environ.get("HARKEN_INTAKE_IDLE_MINUTES", "120"))
HARKEN_INTAKE_EMAIL_MAX_ATTEMPTS = int(os.environ.get("HARKEN_INTAKE_EMAIL_MAX_ATTEMPTS", "8"))
# Other e-mails (compliments passed on, password links): attempts before giving up.
HARKEN_EMAIL_MAX_ATTEMPTS = int(os.environ.get("HARKEN_EMAIL_MAX_ATTEMPTS", "8"))
# A task "running" for longer than this was left by a worker that stopped: run it again.
HARKEN_TASK_STALE_MINUTES = int(os.environ.get("HARKEN_TASK_STALE_MINUTES", "30"))

# --- accounts: signing in, two-factor authentication, lock-out, session timeout -----------
LOGIN_URL = "/staff/sign-in/"
# The start page; it sends those without one (appointees, report viewers) on to theirs.
LOGIN_REDIRECT_URL = "/staff/start/"
# Usernames or e-mail addresses, with lock-out. ModelBackend stays second only so existing
# sessions resolve; the first refuses (and so stops) every password it does not accept.
AUTHENTICATION_BACKENDS = [
    "harken.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failed passwords or codes within 15 minutes lock an account for 15 minutes.
HARKEN_SIGN_IN_MAX_FAILURES = int(os.environ.get("HARKEN_SIGN_IN_MAX_FAILURES", "5"))
HARKEN_SIGN_IN_FAILURE_WINDOW = 15 * 60
HARKEN_SIGN_IN_LOCKOUT = int(os.environ.get("HARKEN_SIGN_IN_LOCKOUT", str(15 * 60)))
# Hours an account may set up its authenticator app once the e-mailed link was used or an
# administrator confirmed it (a password alone never allows it).
HARKEN_TWO_FACTOR_ENROLMENT_HOURS = int(os.environ.get("HARKEN_TWO_FACTOR_ENROLMENT_HOURS", "24"))
# Signed out after 30 minutes without a request; warned 2 minutes before (timeout.js).
HARKEN_SESSION_IDLE_TIMEOUT = int(os.environ.get("HARKEN_SESSION_IDLE_TIMEOUT", str(30 * 60)))
HARKEN_SESSION_WARNING = 2 * 60
# The cookie outlives the idle timeout (which the middleware enforces) so the sign-in page
# can say why someone was signed out.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_ENGINE = "harken.core.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
# After an appointment ends (its stage concluded, or the case ended), the IO, IP or panel
# member may still download the documents they uploaded to that case for this many days.
HARKEN_APPOINTEE_DOCUMENT_DAYS = int(os.environ.get("HARKEN_APPOINTEE_DOCUMENT_DAYS", "30"))
# API tokens last 90 days unless their owner asks for another length, a year at most.
HARKEN_API_TOKEN_DAYS = int(os.environ.get("HARKEN_API_TOKEN_DAYS", "90"))
HARKEN_API_TOKEN_MAX_DAYS = int(os.environ.get("HARKEN_API_TOKEN_MAX_DAYS", "365"))
# Links to set a password (new accounts, forgotten passwords) work for 3 days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60

# --- Deployment and scale: several servers, health, metrics, logs (docs/deployment.md) ----
INSTALLED_APPS += ["harken.ops"]
# First of all: answers /healthz, /readyz and /metrics before the host check and the HTTPS
# redirect, and times, logs and counts every other request.
MIDDLEWARE = ["harken.ops.middleware.ObservabilityMiddleware", *MIDDLEWARE]
# JSON lines (one object a line, with the request id) unless HARKEN_LOG_FORMAT=plain.
HARKEN_LOG_FORMAT = os.environ.get("HARKEN_LOG_FORMAT", "plain" if DEBUG else "json")
from harken.ops.logs import logging_config  # noqa: E402

LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"), json=HARKEN_LOG_FORMAT != "plain"
)
# /metrics answers only `Authorization: Bearer <this>`; unset, /metrics is off (404).
HARKEN_METRICS_TOKEN = os.environ.get("HARKEN_METRICS_TOKEN", "")
# /readyz fails when the oldest task waiting to run has waited longer (seconds; 0: only
# reported). Off by default: a stuck worker is not a reason to take web servers out.
HARKEN_READY_MAX_TASK_AGE = int(os.environ.get("HARKEN_READY_MAX_TASK_AGE", "0"))

# --- Read replica: the report, the API's lists and the search (harken/ops/replica.py) ------
DATABASE_ROUTERS: list[str] = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
    DATABASE_ROUTERS = ["harken.ops.replica.ReplicaRouter"]
# Behind PgBouncer in transaction mode (docs/scaling.md): `.iterator()` must not use a
# server-side cursor, which would outlive the transaction PgBouncer gave it.
if env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS"):
    for _alias in DATABASES:
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A replica further behind than this (seconds) is not used: those reads go to the primary.
HARKEN_REPLICA_MAX_LAG = float(os.environ.get("HARKEN_REPLICA_MAX_LAG", "30"))
MIDDLEWARE += ["harken.ops.replica.ReplicaReadsMiddleware"]

# --- Documents: this server's disk (default), S3 or Azure Blob (harken/ops/storage.py) -----
# Every stored file (uploads, letters, online forms' files) goes to the default storage;
# `harken migrate-documents --to s3|azure|local` moves existing files before a switch.
HARKEN_DOCUMENT_STORAGE = os.environ.get("HARKEN_DOCUMENT_STORAGE", "local")
from harken.ops.storage import document_storage_config  # noqa: E402

# Encrypted at rest with HARKEN_DOCUMENT_KEYS (first encrypts, all decrypt): a missing or
# malformed key with HARKEN_DOCUMENT_ENCRYPTION=on stops every process here, at the start.
STORAGES["default"] = document_storage_config(HARKEN_DOCUMENT_STORAGE)
