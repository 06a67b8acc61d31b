"""Settings for factcheck, read top to bottom, every knob from the environment.

With no environment at all the app runs on a SQLite file and a broker that
needs no server (both under ``var/``). Production sets ``DATABASE_URL``,
``CELERY_BROKER_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``HTTPS``. Every
variable is documented in the README; a wrong value stops start-up with
``ImproperlyConfigured``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from factcheck.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR") or BASE_DIR / "var")

# --- Core ------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {_origin!r} must start with http:// or https://."
        )

INSTALLED_APPS = [
    # Django's admin, its site limiting sign-in attempts like the other sign-in pages.
    "siteadmin.apps.AdminSiteConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "django_htmx",
    "accounts",
    "claims",
    # Holds only the migrations that created the quote checks' table (now claims').
    "verification",
    "editorial",
    "memory",
    "webhooks",
    "notifications",
    "web",
    "demo",
    "siteadmin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.robots.RobotsTagMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The site-wide templates: templates/ beside manage.py in a checkout; an installed
# wheel carries them inside the factcheck package (see setup.py).
_site_templates = BASE_DIR / "templates"
if not (_site_templates / "base.html").is_file():
    _site_templates = Path(__file__).resolve().parent / "templates"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_site_templates],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.site",
            ],
        },
    },
]
# Django's form renderer, with <select>, <input>, <textarea> and groups of radio buttons
# and checkboxes written in Python (``web.renderers``).
FORM_RENDERER = "web.renderers.FormRenderer"

# --- Database --------------------------------------------------------------

_database_url = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
try:
    _database = dj_database_url.parse(
        _database_url, conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0)
    )
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL={_database_url!r} is not a database URL this app understands "
        f"({exc}). Use postgres://user:password@host:5432/name or sqlite:///path."
    ) from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes; IMMEDIATE avoids
    # "database is locked" when two processes upgrade a read lock at once.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _database["ENGINE"] not in {
    "django.db.backends.postgresql",
    "django.contrib.gis.db.backends.postgis",
}:
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {_database['ENGINE']}; factcheck supports PostgreSQL and SQLite."
    )
else:
    # Without it an unreachable server hangs requests and /healthz for minutes;
    # ?connect_timeout=N in DATABASE_URL overrides the 5 seconds.
    _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # PostgreSQL's default (4) prices a page read from an index as if from a spinning
    # disk, so a search for a word one claim in twenty holds scanned the whole table
    # (70 ms at 100,000 claims) rather than its full-text index (10 ms). 1.1 is what
    # PostgreSQL's documentation suggests when the data is in memory or on SSD; empty
    # leaves the server's setting (a pooler such as PgBouncer may refuse ``options``).
    if env_str("DATABASE_RANDOM_PAGE_COST", "1.1"):
        _cost = env_float("DATABASE_RANDOM_PAGE_COST", 1.1, minimum=0.01, maximum=100)
        _options = _database["OPTIONS"].get("options", "")
        if "random_page_cost" not in _options:
            _database["OPTIONS"]["options"] = f"{_options} -c random_page_cost={_cost:g}".strip()
    # A pool of at most this many connections per process (psycopg_pool), shared by its
    # threads: a fetch worker's 32 threads then need a few connections, not 32, since a
    # thread gives its connection back while it waits on a site. 0: one per thread.
    if _pool_size := env_int("DATABASE_POOL_MAX_SIZE", 0, minimum=0):
        _database["OPTIONS"]["pool"] = {"min_size": 1, "max_size": _pool_size, "timeout": 30}
        _database["CONN_MAX_AGE"] = 0  # a pooled connection goes back to the pool instead
# A reused connection is checked (one round trip) before each request uses it, so a
# database restart costs no failed request.
_database["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
DATABASES = {"default": _database}

# --- Auth ------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The reviewers' web UI signs people in and out (the admin keeps its own page).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation --------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------

STATIC_URL = "static/"
# Where collectstatic gathers the files WhiteNoise serves; an installed copy of the
# project sets it outside site-packages.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
# The raw bodies of fetched pages (claims.bodies), named by their sha256: in a folder
# (SNAPSHOT_STORAGE=filesystem, the default) or in an S3-compatible object store
# (SNAPSHOT_STORAGE=s3, through django-storages; AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role, give the credentials, as boto3 reads them).
SNAPSHOT_BODIES_DIR = Path(env_str("SNAPSHOT_BODIES_DIR") or DATA_DIR / "snapshots")
SNAPSHOT_STORAGE = env_str("SNAPSHOT_STORAGE") or "filesystem"
_snapshot_storage: dict[str, Any]
if SNAPSHOT_STORAGE == "filesystem":
    _snapshot_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(SNAPSHOT_BODIES_DIR), "allow_overwrite": True},
    }
elif SNAPSHOT_STORAGE == "s3":
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("SNAPSHOT_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _snapshot_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,  # None: AWS itself
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION"),  # a prefix inside the bucket
            "default_acl": None,  # private: the bucket's own policy applies
            "querystring_auth": True,
            "file_overwrite": True,  # same name, same bytes
        },
    }
else:
    raise ImproperlyConfigured(
        f"SNAPSHOT_STORAGE must be filesystem or s3, not {SNAPSHOT_STORAGE!r}."
    )
# Raw bodies of superseded snapshots older than this are let go by
# ``manage.py prune_snapshots`` (0: kept forever); each source's latest stays.
SNAPSHOT_BODY_RETENTION_DAYS = env_int("SNAPSHOT_BODY_RETENTION_DAYS", 365, minimum=0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "snapshots": _snapshot_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- HTTPS and security headers --------------------------------------------

HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
# Health checks come from inside the deployment over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response: scripts and styles only from our own static
# files, so nothing injected into a page (an article's text, a comment) can run or restyle
# it. A view that needs another policy says so with a decorator (web.csp; Redoc's page and
# the admin's history pages relax styles, a sandboxed view tightens everything; README,
# "Content-Security-Policy"). CSP_REPORT_ONLY sends the same policy
# as Content-Security-Policy-Report-Only: browsers report violations but block nothing.
# (Not kept as a setting: django-csp's system check takes any CSP_* setting for one of
# its pre-4.0 settings.)
_csp_report_only = env_bool("CSP_REPORT_ONLY", default=False)
_content_security_policy = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the favicon drawn in base.html and the icons in Swagger UI's stylesheet.
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
CONTENT_SECURITY_POLICY = None if _csp_report_only else _content_security_policy
CONTENT_SECURITY_POLICY_REPORT_ONLY = _content_security_policy if _csp_report_only else None

# --- Notifications by e-mail ------------------------------------------------

# Where the app is served, for the absolute links in e-mails (no request to ask).
SITE_URL = env_url("SITE_URL") or "http://localhost:8000"
# smtp://user:password@host:587/?tls=True, smtps://..., console:, dummy:, file:/path.
# Unset: the usual EMAIL_HOST, EMAIL_PORT, ... (Django's), with the console backend.
EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    try:
        _email = dj_email_url.parse(EMAIL_URL)
    except ValueError as exc:
        _email = {"error": str(exc)}
    if "EMAIL_BACKEND" not in _email:  # an unknown scheme
        raise ImproperlyConfigured(
            f"EMAIL_URL is not an e-mail URL this app understands ({_email.get('error', '')}); "
            "use e.g. smtp://user:password@mail.example.org:587/?tls=True or console:"
        )
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = bool(_email["EMAIL_USE_TLS"])
    EMAIL_USE_SSL = bool(_email["EMAIL_USE_SSL"])
    if _email.get("EMAIL_FILE_PATH"):
        EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Use TLS (STARTTLS) or SSL for e-mail, not both.")
# A mail server that does not answer holds a worker's job for at most this long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "factcheck@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The hour (in TIME_ZONE) of the daily digest e-mail.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7, minimum=0)
if NOTIFICATIONS_DIGEST_HOUR > 23:
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_HOUR must be an hour from 0 to 23.")

# --- Celery ----------------------------------------------------------------

# The default broker keeps messages in files under var/broker, so a worker
# runs beside the web server with no broker server installed.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://"
# A message taken by a worker that dies before finishing it goes back to the
# queue after this many seconds (Redis); keep it well above FETCH_TOTAL_TIMEOUT.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 300, minimum=1)
# A web request queues its jobs after its transaction commits; with the broker gone it
# waits at most about twice this long per job, then leaves the job to the recheck (the
# rows stay pending). Above kombu's 1-second BRPOP poll, which the same timeout bounds.
CELERY_BROKER_TIMEOUT = env_float("CELERY_BROKER_TIMEOUT", 2.0, minimum=1.5)
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
# One quick second try: a pooled connection to a broker that restarted fails once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # kombu looks for new files once a second by default: too slow for a queue
        # of short fetches.
        "polling_interval": 0.1,
    }
elif CELERY_BROKER_URL == "memory://":
    # In-process only: for tests, where nothing consumes the queue.
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
elif not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r} is not supported; "
        "use redis://host:6379/0, amqp://user:password@host:5672// or filesystem://."
    )
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Look for such messages every few seconds, not kombu's default ~100 s.
        "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 3)),
        "unacked_restore_throttle": 1,
        # Without them a publish to a Redis that stopped answering (paused, or cut off
        # without closing the connection) waits forever.
        "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
        "socket_timeout": CELERY_BROKER_TIMEOUT,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Jobs a worker process reserves beyond the ones it runs. 1 suits fetches (long waits: a
# job reserved by a busy thread would wait behind it); the compute worker's jobs last tens
# of milliseconds, so it reserves more (scripts/run, docker-compose: 16) and its cores do
# not wait for the broker between jobs. Jobs are acknowledged late, so those a killed
# worker had reserved go to another.
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 1, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Background work is fetching web pages: I/O-bound, so a worker runs many fetches
# in threads rather than one process per fetch. Celery's task time limits would
# apply to the prefork pool only, so there are none: every fetch is bounded by its
# own deadline, FETCH_TOTAL_TIMEOUT, whatever the pool.
CELERY_WORKER_POOL = env_str("CELERY_WORKER_POOL") or "threads"
if CELERY_WORKER_POOL not in {"threads", "prefork", "solo"}:
    raise ImproperlyConfigured(
        f"CELERY_WORKER_POOL={CELERY_WORKER_POOL!r} must be threads, prefork or solo."
    )
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 32, minimum=1)
# Two kinds of work, two queues. "celery" waits on the network (fetches: many threads
# per process, almost no CPU); "compute" reads what was fetched (extracting a page's
# text, checking quotes, computing a claim's vector: CPU, one process per core, the
# prefork pool). A worker started without -Q takes both; scripts/run and
# docker-compose start one worker of each kind, so each scales on its own.
CELERY_TASK_DEFAULT_QUEUE = "celery"
COMPUTE_QUEUE = "compute"
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(COMPUTE_QUEUE))
CELERY_TASK_ROUTES = {
    "claims.tasks.read_*": {"queue": COMPUTE_QUEUE},
    "claims.tasks.verify_*": {"queue": COMPUTE_QUEUE},
    "claims.tasks.warm_*": {"queue": COMPUTE_QUEUE},
    "memory.tasks.*": {"queue": COMPUTE_QUEUE},
}
CELERY_BEAT_SCHEDULE = {
    "recheck-sources": {
        "task": "claims.tasks.recheck_sources",
        "schedule": float(env_int("FETCH_RECHECK_EVERY_SECONDS", 300, minimum=10)),
    },
    "recheck-article-revisions": {
        "task": "claims.tasks.recheck_article_revisions",
        "schedule": float(env_int("FETCH_RECHECK_EVERY_SECONDS", 300, minimum=10)),
    },
    "resend-lost-webhooks": {
        "task": "webhooks.tasks.resend_lost_webhooks",
        "schedule": 300.0,
    },
    # One e-mail a day with the notifications each person asked for as a digest.
    "notification-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(
            hour=NOTIFICATIONS_DIGEST_HOUR,
            minute=0,
        ),
    },
    # E-mails to send at once whose job never reached the broker (it was down).
    "notification-overdue-emails": {
        "task": "notifications.tasks.send_overdue_emails",
        "schedule": 600.0,
    },
}

# --- Fetching cited sources and evidence -------------------------------------

# Tests and local demos fetch from servers on this machine: allows 127.0.0.0/8
# and ::1 only, never other private addresses. Off in production.
FETCH_ALLOW_LOOPBACK = env_bool("FETCH_ALLOW_LOOPBACK", default=False)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FETCH_CONNECT_TIMEOUT = env_int("FETCH_CONNECT_TIMEOUT", 5, minimum=1)
FETCH_READ_TIMEOUT = env_int("FETCH_READ_TIMEOUT", 15, minimum=1)
FETCH_TOTAL_TIMEOUT = env_int("FETCH_TOTAL_TIMEOUT", 30, minimum=1)
FETCH_MAX_PER_HOST = env_int("FETCH_MAX_PER_HOST", 4, minimum=1)
# Where every worker's requests in flight per site are counted (fetching.host_slots), so
# that FETCH_MAX_PER_HOST holds across processes and machines: a Redis URL, by default the
# broker's when it is Redis. "none" (or a broker that is not Redis) keeps the limit per
# process, which is all the embedded default (one worker) needs.
_host_slots_url = env_str("FETCH_HOST_SLOTS_URL")
FETCH_HOST_SLOTS_URL = (
    ""
    if _host_slots_url.lower() == "none"
    else _host_slots_url
    or (CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "")
)
FETCH_MAX_RETRIES = env_int("FETCH_MAX_RETRIES", 4, minimum=0)
FETCH_RETRY_BASE_SECONDS = env_int("FETCH_RETRY_BASE_SECONDS", 10, minimum=1)
# A pending job this many seconds overdue, or a fetch claimed this long ago (and at least
# twice FETCH_TOTAL_TIMEOUT ago), lost its job (a broker restarted without its queue, a
# worker died): the periodic recheck queues another.
FETCH_LOST_AFTER_SECONDS = env_int("FETCH_LOST_AFTER_SECONDS", 900, minimum=1)
# How often a fetched source is fetched again to detect links that died.
FETCH_RECHECK_AFTER_HOURS = env_int("FETCH_RECHECK_AFTER_HOURS", 24 * 7, minimum=1)
# How often the page of an article imported from its URL is fetched again to look for a
# new revision of its text; 0: never (reviewers still "Check for updates").
ARTICLE_RECHECK_AFTER_HOURS = env_int("ARTICLE_RECHECK_AFTER_HOURS", 24, minimum=0)
# A recheck that finds fewer changed words than this in a page's main text does not call
# it an edit (a typo fixed); a changed number in running text always is one.
SOURCE_CHANGE_MIN_WORDS = env_int("SOURCE_CHANGE_MIN_WORDS", 3, minimum=1)
FETCH_USER_AGENT = env_str("FETCH_USER_AGENT") or (
    "factcheck/0.1 (collaborative fact-checking; checks cited sources)"
)

# --- Public web archives (claims.pipeline.archives) ---------------------------

# Ask a public web archive to capture each page on its first successful fetch, and look up
# a dead source's closest archived copy. Off by default: it sends every cited URL out.
WEB_ARCHIVE_ENABLED = env_bool("WEB_ARCHIVE_ENABLED", default=False)
# The page's URL is appended to the save URL, after a slash.
WEB_ARCHIVE_SAVE_URL = (env_url("WEB_ARCHIVE_SAVE_URL") or "https://web.archive.org/save") + "/"
WEB_ARCHIVE_AVAILABILITY_URL = (
    env_url("WEB_ARCHIVE_AVAILABILITY_URL") or "https://archive.org/wayback/available"
)
# Requests to the archive per minute, all workers together when CACHE_URL is shared.
WEB_ARCHIVE_REQUESTS_PER_MINUTE = env_int("WEB_ARCHIVE_REQUESTS_PER_MINUTE", 10, minimum=1)
WEB_ARCHIVE_MAX_RETRIES = env_int("WEB_ARCHIVE_MAX_RETRIES", 3, minimum=0)
# A capture can take the archive a while.
WEB_ARCHIVE_TIMEOUT_SECONDS = env_int("WEB_ARCHIVE_TIMEOUT_SECONDS", 60, minimum=1)

# --- Webhooks (webhooks) ----------------------------------------------------

# Attempts at one delivery (the first and its retries) before it is given up.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
# The first retry comes after about this many seconds; each next one waits twice as long.
WEBHOOK_RETRY_BASE_SECONDS = env_float("WEBHOOK_RETRY_BASE_SECONDS", 30.0, minimum=0.1)
# One attempt's limit, from connecting to the receiver's last byte.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# Deliveries given up in a row after which a subscription is disabled (owner told).
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 20, minimum=1)

# --- factcheck -------------------------------------------------------------

# Largest article accepted by import (pasted, uploaded or from a file), in bytes.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
# A form may carry an article of that size in its fields, not only as a file: pasted
# (percent-encoded, up to three bytes for one) or a file sent back in base64.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, 3 * IMPORT_MAX_BYTES + 65_536)

# --- Claims checked before (memory) ----------------------------------------

# Lowest score (0.8 x meaning + 0.2 x shared trigrams, see memory/selectors.py) for a
# claim of another article to be shown as saying the same thing.
SIMILAR_CLAIMS_THRESHOLD = env_float("SIMILAR_CLAIMS_THRESHOLD", 0.55, minimum=0.0, maximum=1.0)
# The nearest-vector search (memory/index.py); a pgvector class can take its place.
SIMILAR_CLAIMS_INDEX = env_str("SIMILAR_CLAIMS_INDEX") or "memory.index.NumpyVectorIndex"

# --- Consensus and publishing (editorial) ----------------------------------

# A claim has no consensus before this many ratings.
CONSENSUS_MIN_RATINGS = env_int("CONSENSUS_MIN_RATINGS", 2, minimum=1)
# Share of a claim's ratings that must back the leading verdict for a consensus.
CONSENSUS_MIN_AGREEMENT = env_float("CONSENSUS_MIN_AGREEMENT", 0.6, minimum=0.0, maximum=1.0)
# Independent ratings: a reviewer sees the others' ratings of a claim, and its consensus,
# only once they have rated it themselves (or it is published); editors see everything.
BLIND_RATINGS = env_bool("BLIND_RATINGS", default=True)
# A claim under review with no activity (rating, evidence, comment, move or edit) for
# this many days is stale: the editors' queues list it.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 7, minimum=1)
# Where the public fact-check pages are served (ClaimReview's url); empty: the
# host of the request that asks for the ClaimReview.
PUBLIC_BASE_URL = env_url("PUBLIC_BASE_URL")
# The organisation that publishes the fact-checks (ClaimReview's author).
CLAIMREVIEW_ORGANIZATION_NAME = env_str("CLAIMREVIEW_ORGANIZATION_NAME") or "factcheck"
CLAIMREVIEW_ORGANIZATION_URL = env_url("CLAIMREVIEW_ORGANIZATION_URL")
# The public page names the reviewers who rated a fact-check; off: it says how many.
PUBLIC_REVIEWER_NAMES = env_bool("PUBLIC_REVIEWER_NAMES", default=False)
# Readers' reports of errors accepted per client address within the window.
CORRECTION_REQUESTS_PER_CLIENT = env_int("CORRECTION_REQUESTS_PER_CLIENT", 5, minimum=1)
CORRECTION_REQUEST_WINDOW_MINUTES = env_int("CORRECTION_REQUEST_WINDOW_MINUTES", 60, minimum=1)
# The organisation's own sites (host names, comma-separated; subdomains count), besides
# the hosts of PUBLIC_BASE_URL and CLAIMREVIEW_ORGANIZATION_URL: publishing a check of an
# article found there warns that the claim reviewed is the organisation's own.
CLAIMREVIEW_ORGANIZATION_DOMAINS = [
    host.lower().strip(".") for host in env_list("CLAIMREVIEW_ORGANIZATION_DOMAINS")
]

# --- Cache, client addresses, sign-in limits --------------------------------

# Cache used by rate limits (API throttling and sign-in failures): a Redis URL in
# production so every web process shares the counters; per-process otherwise. Rate limits
# let requests through while it is unreachable, so keep them from waiting on it for long.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} must be a redis:// URL.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Open readers and claim pages ask every this many seconds whether anything on them
# changed (a 304 while nothing did). Who else has a page open is kept in the cache above:
# with several web processes, set CACHE_URL so that they all see everyone.
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 2, minimum=1)

# Proxies whose X-Forwarded-For is believed: the client address (rate limits, sign-in
# limits) is the nearest address in that header not in this list. Empty: REMOTE_ADDR,
# the header ignored, as anyone can send one.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Failed sign-ins (web, admin and API token) allowed per account and per client address
# within the window; past them, sign-in is refused, even with the right password.
SIGNIN_MAX_FAILURES_PER_ACCOUNT = env_int("SIGNIN_MAX_FAILURES_PER_ACCOUNT", 10, minimum=1)
SIGNIN_MAX_FAILURES_PER_ADDRESS = env_int("SIGNIN_MAX_FAILURES_PER_ADDRESS", 30, minimum=1)
SIGNIN_FAILURE_WINDOW_MINUTES = env_int("SIGNIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)

# --- REST API --------------------------------------------------------------

API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100, minimum=1)
# Lists count their rows up to this many (API ``count``, the web's and the admin's page
# counts); past it they say "more than" (``count_is_estimate``) instead of counting them all.
LIST_COUNT_LIMIT = env_int("LIST_COUNT_LIMIT", 10_000, minimum=100)
# A list narrowed by filters (``?consensus=``, ``?status=``, the web's filters) counts up
# to this many: each of its rows is found through joins and visibility rules, not read
# off an index, so counting 10,000 of them would cost many times the page shown.
FILTERED_LIST_COUNT_LIMIT = env_int("FILTERED_LIST_COUNT_LIMIT", 1_000, minimum=100)
# A search ranks at most this many matches, the newest (ranking costs a little for each
# match, and a common word matches tens of thousands of claims): it counts up to this
# many, and past it says "more than" and ranks the newest of them.
SEARCH_RANK_LIMIT = env_int("SEARCH_RANK_LIMIT", 2_000, minimum=100)


def _throttle_rate(name: str, default: str) -> str:
    rate = env_str(name) or default
    count, _, period = rate.partition("/")
    if not count.isdigit() or period not in {"s", "sec", "m", "min", "h", "hour", "d", "day"}:
        raise ImproperlyConfigured(
            f"{name}={rate!r} is not a rate; use N/second, N/minute, N/hour or N/day (e.g. 60/min)."
        )
    return rate


REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "not signed in" a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "factcheck.throttling.AnonRateThrottle",
        "factcheck.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _throttle_rate("API_THROTTLE_ANON", "120/min"),
        "user": _throttle_rate("API_THROTTLE_USER", "2000/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": (
        "Import articles, mark claims, attach evidence and rate claims. Authenticate with a "
        "session or with `Authorization: Token <key>` (POST /api/v1/auth/token/). Every error "
        'is JSON: `{"detail": "...", "code": "...", "errors": {field: [messages]}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar), not a CDN:
    # the docs work offline and satisfy the site's Content-Security-Policy for scripts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The router's `.json` suffix routes are the same operations: documented once.
    "PREPROCESSING_HOOKS": ["drf_spectacular.hooks.preprocess_exclude_path_format"],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "claims.models.ArticleStatus",
        "ArticleFormatEnum": "claims.models.ArticleFormat",
        "SourceStatusEnum": "claims.models.SourceStatus",
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "ClaimKindEnum": "claims.models.ClaimKind",
        "VerdictEnum": "claims.models.Verdict",
        "ConsensusStateEnum": "editorial.models.ConsensusState",
        "CorrectionRequestStatusEnum": "editorial.models.CorrectionRequestStatus",
        "NotificationKindEnum": "notifications.models.Kind",
        "NotificationDeliveryEnum": "notifications.models.Delivery",
        "ClaimantKindEnum": "claims.models.ClaimantKind",
    },
}

# --- Logging: one JSON object per line on stdout ---------------------------

LOG_LEVEL = (env_str("LOG_LEVEL") or "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
    )
LOG_FORMAT = (env_str("LOG_FORMAT") or "json").lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}
