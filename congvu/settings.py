"""Công vụ settings: one module, driven by environment variables with safe embedded defaults.

Embedded (no variables): SQLite in var/, Huey on SQLite, local files, in-process cache, DEBUG off.
Across machines: DATABASE_URL (PostgreSQL), REDIS_URL (cache, throttling, queue), STORAGE_S3_* (attachments).
"""

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CONGVU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/ (never a shared default)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "")  # empty: the name of the root province unit

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "bootstrap",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "apps.core",
    "apps.org",
    "apps.calendar",
    "apps.procedures",
    "apps.dossiers",
    "apps.payments",
    "apps.feedback",
    "apps.documents",
    "apps.stats",
    "apps.work",
    "apps.portal",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.PublicReadMiddleware",  # the tracking API and lookup, ahead of what they never use
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.LanguageMiddleware",
    "apps.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
]

# Answered by PublicReadMiddleware before the session, CSRF, authentication and the URL resolver:
# a URL's name → view(request, the URL's one argument)
PUBLIC_FAST_READS = {"v1:public-dossier": "apps.dossiers.api.public_tracking_answer"}
# ... and forms posted to their page: a URL's name → form(request), the answer or None to take the whole chain
PUBLIC_FAST_FORMS = {"portal:track": "apps.portal.citizen.owner_answer"}

ROOT_URLCONF = os.environ.get("ROOT_URLCONF", "congvu.urls")  # bench/urls.py adds the baseline view
WSGI_APPLICATION = "congvu.wsgi.application"
ASGI_APPLICATION = "congvu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.portal.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "congvu.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    # No health check: it is a `SELECT 1` before every request's first query, doubling the round trips of the
    # public lookups. After a database restart each stale connection fails one request and is then replaced.
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Persistent per-thread connections: opening one and running the PRAGMAs below cost ~1 ms a request.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE: every transaction takes the write lock at BEGIN, so writers queue instead of
                # failing with "database is locked" when a read transaction tries to upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, queue ---------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "congvu",
            # Short timeouts: while Redis is unreachable the cache falls back to process memory (apps.core.cache)
            # and must find out fast; a healthy Redis answers in well under a millisecond.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    # Each process's own memory for cached values; the rate limits count in a small SQLite file that every process
    # of the machine shares (gunicorn's workers would otherwise each allow the whole limit): apps.core.cache.
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.LocalCache",
            "LOCATION": "congvu",
            "OPTIONS": {"COUNTER_FILE": VAR_DIR / "ratelimit.sqlite3"},
        }
    }
# Rendered template fragments that depend only on the language and the province (base.html's header and footer):
# each process keeps its own, never a round trip to Redis for what the process itself rendered.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
# Pages every visitor not signed in sees alike are served from a copy at most this old, kept in process memory
# (apps.core.pagecache).
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
                   "OPTIONS": {"MAX_ENTRIES": 300}}  # fmt: skip
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "30"))

HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "congvu",
        # Enqueueing after a commit must fail fast when Redis is down (the notification outbox sends the message
        # later); the worker's blocking read waits up to 1 s, under socket_timeout.
        "connection_pool": redis.ConnectionPool.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=5),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "congvu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- files ----------------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))  # outside the web root; served with checks
MEDIA_URL = "/media/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
if os.environ.get("STORAGE_S3_BUCKET"):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["STORAGE_S3_BUCKET"],
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    # WhiteNoise's hashed and compressed files, compressing only what changed since the last collectstatic.
    "staticfiles": {"BACKEND": "apps.core.staticfiles.IncrementalCompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Any request body over this is refused with 413 before it is read; above the files one submission may carry
# together (apps.core.files.MAX_SET_BYTES, 25 MB) with room for the form fields.
MAX_REQUEST_BODY = int(os.environ.get("MAX_REQUEST_BODY", 30 * 1024 * 1024))

# --- auth and security ----------------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:staff-home"
LOGOUT_REDIRECT_URL = "portal:home"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False


def _create_once(path: Path, text: str) -> None:
    """Write a private file unless it exists, atomically: workers starting together all keep the first one."""
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(text)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def _audit_keys() -> dict[str, str]:
    """The audit chain's HMAC keys, {key id: secret}, the current one last. Kept outside the database: from
    AUDIT_KEY (lines or commas of `id secret`, or one bare secret), else from a file generated once (0600)."""
    text = os.environ.get("AUDIT_KEY", "").replace(",", "\n")
    if not text.strip():
        key_file = Path(os.environ.get("AUDIT_KEY_FILE", VAR_DIR / "audit_key"))
        if not key_file.exists():
            _create_once(key_file, secrets.token_hex(32) + "\n")
        text = key_file.read_text()
    keys = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 1:
            parts = [f"k{hashlib.sha256(parts[0].encode()).hexdigest()[:8]}", parts[0]]
        if len(parts) == 2 and not parts[0].startswith("#"):
            keys[parts[0]] = parts[1]
    return keys


AUDIT_KEYS = _audit_keys()
AUDIT_KEY_ID = list(AUDIT_KEYS)[-1]  # new events are keyed with the last key; older ones verify with theirs
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit"))
# The exchange between agencies (edXML): this installation's agency id and its key pair (made by
# `manage.py exchange_identity`, kept outside the database); retries of undelivered messages back off from
# EXCHANGE_RETRY_BASE_SECONDS, doubling, up to EXCHANGE_RETRY_CAP_SECONDS.
EXCHANGE_DIR = Path(os.environ.get("EXCHANGE_DIR", VAR_DIR / "exchange"))
EXCHANGE_AGENCY_ID = os.environ.get("EXCHANGE_AGENCY_ID", "")
EXCHANGE_RETRY_BASE_SECONDS = float(os.environ.get("EXCHANGE_RETRY_BASE_SECONDS", "30"))
EXCHANGE_RETRY_CAP_SECONDS = float(os.environ.get("EXCHANGE_RETRY_CAP_SECONDS", "3600"))
EXCHANGE_TIMEOUT_SECONDS = float(os.environ.get("EXCHANGE_TIMEOUT_SECONDS", "10"))
# Peers are reached over https; plain http only on this machine (tests) or when this allows it (a closed network).
EXCHANGE_ALLOW_HTTP = os.environ.get("EXCHANGE_ALLOW_HTTP", "") == "1"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script and style comes from our own static files; no inline script,
# style attribute or event handler anywhere (the pages' behaviour is in static/js/congvu.js). Images may be data:
# URIs (Bootstrap draws its form controls with them). The API docs page relaxes styles only (congvu/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("HTTPS"):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: the first class names the scheme, so an unauthenticated call answers 401 with
    # `WWW-Authenticate: Token` (SessionAuthentication first would answer 403). Staff pages still use the session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("THROTTLE_USER", "2000/minute"),
        "public_lookup": os.environ.get("THROTTLE_PUBLIC_LOOKUP", "60/minute"),
        # the tracking page (a person typing codes; the API above serves programs as well)
        "tracking_page": os.environ.get("THROTTLE_TRACKING_PAGE", "20/minute"),
        "public_submit": os.environ.get("THROTTLE_PUBLIC_SUBMIT", "20/hour"),
        # messages refused by the exchange's receive endpoint, per client address (accepted ones are not counted)
        "exchange_refused": os.environ.get("THROTTLE_EXCHANGE_REFUSED", "30/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Công vụ API",
    "DESCRIPTION": "API của hệ thống Công vụ: đơn vị, lịch làm việc, hồ sơ một cửa, phản ánh kiến nghị.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v[0-9]",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from the drf-spectacular-sidecar wheel, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "apps.dossiers.models.Dossier.Status",
        "DossierChannelEnum": "apps.dossiers.models.Dossier.Channel",
        "RatingLevelEnum": "apps.dossiers.models.Rating.Level",
        "RoleEnum": "apps.org.models.Role",
        "ApologyStatusEnum": "apps.dossiers.models.Apology.Status",
        "FeedbackStatusEnum": "apps.feedback.models.Feedback.Status",
        "PaymentStatusEnum": "apps.payments.models.Payment.Status",
        "CommitmentStatusEnum": "apps.work.models.Commitment.Status",
        "CommitmentKindEnum": "apps.work.models.Commitment.Kind",
        "ReportRequestKindEnum": "apps.work.models.ReportRequest.Kind",
        "ReportFieldKindEnum": "apps.work.models.ReportField.Kind",
        "WalkInChannelEnum": [("desk", "Trực tiếp tại Bộ phận Một cửa"), ("post", "Qua bưu chính")],
        "WorkProgramStatusEnum": "apps.work.models.WorkProgram.Status",
        "TaskStatusEnum": "apps.work.models.Task.Status",
        "ExtensionRequestStatusEnum": "apps.work.models.ExtensionRequest.Status",
        "ProgramItemStatusEnum": "apps.work.models.ProgramItem.Status",
        "ReportRequestStatusEnum": "apps.work.models.ReportRequest.Status",
        "ReportSubmissionStatusEnum": "apps.work.models.ReportSubmission.Status",
        "PeriodKindEnum": "apps.work.models.PeriodKind",
        "MetricEnum": "apps.work.models.Metric",
        "BriefingStatusEnum": "apps.work.models.Briefing.Status",
        "BriefingKindEnum": "apps.work.models.Briefing.Kind",
        "ScheduleEntryKindEnum": "apps.work.models.ScheduleEntry.Kind",
    },
}

# --- notifications --------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cong vu <khongtraloi@congvu.local>")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "apps.core.sms.LogSmsBackend")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")  # for links in messages to citizens
OPEN311_JURISDICTION = os.environ.get("OPEN311_JURISDICTION", "congvu.local")  # GeoReport v2 jurisdiction_id
# BM.06: a province that keeps one tracking book per field (lĩnh vực) at each desk instead of one per desk and year
TRACKING_BOOK_PER_FIELD = env_bool("TRACKING_BOOK_PER_FIELD")

# --- online fee payment (VNPAY 2.1.0; apps.payments) -----------------------------------------------
# Without a merchant code (and without HTTPS) the site mounts its own VNPAY simulator at /_vnpay-sim/ and signs
# with a key derived from SECRET_KEY: the demo pays end to end and no real money moves. In production set
# VNPAY_TMN_CODE, VNPAY_HASH_SECRET and VNPAY_PAYMENT_URL (sandbox: https://sandbox.vnpayment.vn/paymentv2/
# vpcpay.html) and register <site>/api/v1/payments/vnpay/ipn as the IPN URL with VNPAY.
VNPAY_SIMULATOR = env_bool("VNPAY_SIMULATOR", not os.environ.get("VNPAY_TMN_CODE") and not env_bool("HTTPS"))
VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE", "CONGVUSM" if VNPAY_SIMULATOR else "")
VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET") or (
    hashlib.sha256(f"vnpay-simulator:{SECRET_KEY}".encode()).hexdigest() if VNPAY_SIMULATOR else ""
)
VNPAY_PAYMENT_URL = os.environ.get("VNPAY_PAYMENT_URL", "/_vnpay-sim/" if VNPAY_SIMULATOR else "")
if VNPAY_PAYMENT_URL.startswith("http"):
    # Browsers apply form-action to the redirect that follows the payment form: allow the gateway's origin.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(VNPAY_PAYMENT_URL.split("/")[:3]))

# --- logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "huey": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
