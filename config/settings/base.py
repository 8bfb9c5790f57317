"""Settings shared by every environment, read from the environment with safe defaults."""

import os
from pathlib import Path

import dj_database_url
from django.utils.functional import SimpleLazyObject

from config.embedded import embedded_redis_pool

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable such as ``DEBUG=true``."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def throttle_rate(value: str) -> str | None:
    """A DRF throttle rate such as "100/minute"; "none", "off" or empty turns the throttle off."""
    return None if value.strip().lower() in {"", "none", "off"} else value.strip()


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_rq",
    "core",
    "missions",
    "analysis",
    "original",
    "pages",
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",  # first: probes bypass host checks and the HTTPS redirect
    "config.database.DatabaseDeadlineMiddleware",  # every statement of a request has a deadline; 503 past it
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy of the HTML pages.
    "core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
# A failed CSRF check answers in the one JSON error shape, like every other refusal.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# DATABASE_URL points at PostgreSQL; the embedded default is an SQLite file under var/, whose folder the backend
# makes on its first connection.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["ENGINE"] = "config.sqlite"
# Seconds to wait for PostgreSQL: to connect, and for each statement (0: no limit). Web requests also stop waiting
# for a frozen server a second past the statement timeout (config.database); imports set their own timeout.
# The connect timeout (libpq's least is 2) also bounds the health check of a reused connection: two of them fit
# inside the readiness probe's 5 seconds.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "2"))
DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", "10"))
# /readyz answers within this many seconds, inside the readiness probe's timeout (k8s/web.yaml: 5).
READYZ_TIMEOUT = float(os.environ.get("READYZ_TIMEOUT", "3"))
IMPORT_STATEMENT_TIMEOUT = float(os.environ.get("IMPORT_STATEMENT_TIMEOUT", "0"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, whose health check of a reused connection cannot hang on a frozen server.
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["connect_timeout"] = DB_CONNECT_TIMEOUT
    _options["options"] = (
        f"{_options.get('options', '')} -c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Launch data: the default dataset (an http(s) URL or a local path), its expected checksum and the download cache.
LAUNCH_DATA_URL = os.environ.get(
    "LAUNCH_DATA_URL",
    "https://raw.githubusercontent.com/dozkanpro/colab_space_mission_analysis/master/mission_launches.csv",
)
LAUNCH_DATA_SHA256 = os.environ.get(
    "LAUNCH_DATA_SHA256", "ae8097c187d910380a92c5258582981246856766e31541687f04909e78888084"
)
LAUNCH_DATA_CACHE_DIR = Path(os.environ.get("LAUNCH_DATA_CACHE_DIR", VAR_DIR / "cache"))
LAUNCH_DATA_TIMEOUT = float(os.environ.get("LAUNCH_DATA_TIMEOUT", "20"))

# Geocoding launch sites: the shipped gazetteer always; Nominatim only when enabled (one request a second).
GEOCODING_NOMINATIM = env_bool("GEOCODING_NOMINATIM", False)
GEOCODING_USER_AGENT = os.environ.get("GEOCODING_USER_AGENT", "space-mission-analysis")
GEOCODING_TIMEOUT = float(os.environ.get("GEOCODING_TIMEOUT", "10"))

# Launch Library 2 (sync_launches): the API's base URL, an optional token, the wait between requests (the free tier
# allows about 15 requests an hour: 240 s apart; a token or the development mirror allows shorter waits) and the
# timeout of one request, in seconds.
LL2_BASE_URL = os.environ.get("LL2_BASE_URL", "https://ll.thespacedevs.com/2.3.0")
LL2_API_TOKEN = os.environ.get("LL2_API_TOKEN", "")
LL2_REQUEST_WAIT_SECONDS = float(os.environ.get("LL2_REQUEST_WAIT_SECONDS", "240"))
LL2_TIMEOUT_SECONDS = float(os.environ.get("LL2_TIMEOUT_SECONDS", "30"))
# Map tiles behind the interactive maps; markers, popups and legend work even where tiles cannot load.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

# Background jobs: real Redis when REDIS_URL is set, otherwise an in-process fakeredis (jobs run synchronously).
REDIS_URL = os.environ.get("REDIS_URL", "")
RQ_JOB_TIMEOUT = int(os.environ.get("RQ_JOB_TIMEOUT", "600"))
if REDIS_URL:
    _rq_queue = {"URL": REDIS_URL, "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT}
else:
    # django-rq builds a redis.Redis from HOST/PORT plus REDIS_CLIENT_KWARGS: an in-process fakeredis pool, built
    # when the first queue connects, makes jobs run in-process.
    _rq_queue = {
        "HOST": "localhost",
        "PORT": 6379,
        "DB": 0,
        "DEFAULT_TIMEOUT": RQ_JOB_TIMEOUT,
        "ASYNC": False,
        "REDIS_CLIENT_KWARGS": {"connection_pool": SimpleLazyObject(embedded_redis_pool)},
    }
# Analyses run on the "analysis" queue; workers run `manage.py rqworker analysis default`.
RQ_QUEUES = {"default": _rq_queue, "analysis": _rq_queue}
ANALYSIS_QUEUE = "analysis"
# Seconds a queued job may wait for its Redis entry to appear before it counts as lost from the queue.
ANALYSIS_JOB_LOST_AFTER = int(os.environ.get("ANALYSIS_JOB_LOST_AFTER", "60"))

# The worker: jobs run in the worker's process (no fork per job) with a heartbeat thread. A worker whose heartbeat
# is older than ANALYSIS_WORKER_DEAD_AFTER seconds is dead, and its job is failed on reconciliation. The worker
# touches ANALYSIS_WORKER_ALIVE_FILE while its work loop moves: the containers' liveness checks read it.
RQ = {"WORKER_CLASS": "analysis.worker.AnalysisWorker"}
ANALYSIS_WORKER_HEARTBEAT = int(os.environ.get("ANALYSIS_WORKER_HEARTBEAT", "5"))
ANALYSIS_WORKER_DEAD_AFTER = int(os.environ.get("ANALYSIS_WORKER_DEAD_AFTER", "20"))
ANALYSIS_WORKER_ALIVE_FILE = os.environ.get("ANALYSIS_WORKER_ALIVE_FILE", "")
# Seconds a job's (and only a job's) SQL statement may run: longer than a web request's.
JOB_STATEMENT_TIMEOUT = int(os.environ.get("JOB_STATEMENT_TIMEOUT", str(RQ_JOB_TIMEOUT)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# REST API: token and session authentication, public reads, staff-only writes, one JSON error shape.
# Throttle rates such as "100/minute" ("none" turns a throttle off); counted in the "throttle" cache, in Redis when
# REDIS_URL is set. Sign-in attempts (API token and admin) are limited per client address and per username.
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "100/minute")
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "1000/minute")
API_THROTTLE_JOB_SUBMIT = os.environ.get("API_THROTTLE_JOB_SUBMIT", "60/minute")
API_THROTTLE_LOGIN = os.environ.get("API_THROTTLE_LOGIN", "10/minute")
# Proxies in front of the web server that append the client's address to X-Forwarded-For; 0 ignores the header.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.IsStaffOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": throttle_rate(API_THROTTLE_ANON),
        "user": throttle_rate(API_THROTTLE_USER),
        "job_submit": throttle_rate(API_THROTTLE_JOB_SUBMIT),
        "login": throttle_rate(API_THROTTLE_LOGIN),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # JSON nested past the recursion limit is a 400 like any other unreadable body.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# In-process caches: each web process keeps its own request history and answers (the embedded default).
LOCAL_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    # API answers keyed by the data version.
    "api": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "api",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}


def shared_caches(redis_url: str) -> dict:
    """Throttle counters and API answers in Redis, shared by every web process and pod; the rest stays local.

    A Redis that does not answer costs at most a second per request; the backend then counts and caches nothing.
    """
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    backend = "core.cache_backends.TolerantRedisCache"
    return {
        **LOCAL_CACHES,
        "throttle": {"BACKEND": backend, "LOCATION": redis_url, "KEY_PREFIX": "sma:throttle", "OPTIONS": options},
        "api": {"BACKEND": backend, "LOCATION": redis_url, "KEY_PREFIX": "sma:api", "OPTIONS": options},
    }


CACHES = shared_caches(REDIS_URL) if REDIS_URL else LOCAL_CACHES
# Seconds a JSON answer of the launch data API may be served from the cache; 0 turns the cache off.
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "300"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Space Mission Analysis API",
    "DESCRIPTION": "Every space launch since Sputnik: launches, organisations, rockets, sites and analyses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs' JavaScript and CSS come from drf-spectacular-sidecar's static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would show a badge from validator.swagger.io: nothing is fetched from another host.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" field with its own choices: give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "RocketStatusEnum": "missions.models.RocketStatus",
        "ImportStatusEnum": "missions.models.ImportStatus",
        "JobStatusEnum": "analysis.models.JobStatus",
    },
}
