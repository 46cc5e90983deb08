"""SIV settings, read from the environment with safe defaults.

Without any environment the app runs on the embedded defaults: a private PostgreSQL cluster
in var/pgdata, an in-process cache and Celery over kombu's filesystem transport. Production
sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and leaves DEBUG off.
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from siv import keyring

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SIV_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The demo (make run) is its own mode, apart from DEBUG: it runs with DEBUG off (Danish error
# pages, no debug pages listing the URLs), on plain HTTP on loopback, with keys of its own and
# whitenoise serving the static files straight from the source folders.
SIV_DEMO = envbool("SIV_DEMO", False)

# The secrets: Django's key, the keys that encrypt personal data (SIV_FIELD_KEYS, a keyring
# "2:<new>,1:<old>" of versioned keys, or the older single SIV_FIELD_KEY) and the key that
# seals the ledger (SIV_LEDGER_KEY). In production nothing starts without all three; the demo
# and development (DEBUG on) keep keys of their own, generated once in var/keys/.
SECRETS = ("SECRET_KEY", "SIV_FIELD_KEY", "SIV_LEDGER_KEY")


def development_secret(name: str) -> str:
    path = VAR_DIR / "keys" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _given(name: str) -> bool:
    return bool(
        os.environ.get(name) or (name == "SIV_FIELD_KEY" and os.environ.get("SIV_FIELD_KEYS"))
    )


_missing = [name for name in SECRETS if not _given(name)]
if _missing and not (DEBUG or SIV_DEMO):
    raise ImproperlyConfigured(
        f"{', '.join(_missing)} must be set: production (DEBUG off) keeps no default secret."
    )
SECRET_KEY, SIV_LEDGER_KEY = (
    os.environ.get(name) or development_secret(name) for name in ("SECRET_KEY", "SIV_LEDGER_KEY")
)
# The keyring, {version: key}; the newest encrypts, every key decrypts (siv/keyring.py).
# SIV_FIELD_KEY is the newest key, for what is derived from the current key only (the
# private searches' sealing and the audit log's search pseudonyms).
SIV_FIELD_KEYS = keyring.parse(
    os.environ.get("SIV_FIELD_KEYS", ""),
    os.environ.get("SIV_FIELD_KEY")
    or ("" if _given("SIV_FIELD_KEY") else development_secret("SIV_FIELD_KEY")),
)
SIV_FIELD_KEY = SIV_FIELD_KEYS[max(SIV_FIELD_KEYS)]
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "siv.errors.csrf_failure"

# The demo (make run) may relax the second factor; it says so on every page.
SIV_REQUIRE_2FA = envbool("SIV_REQUIRE_2FA", True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "siv",
    "partnerships",
    "accelerator",
    "participants",
    "privacy",
    "pbr",
    "reporting",
    "economy",
    "documents",
    "calendars",
    "siv_api",
    "oidc",
    "reminders",
]
# The demo programme and the bench's synthetic data (seed_demo, seed_scale), never in
# production; the test settings install it too.
if SIV_DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "siv.middleware.UntrustedForwardingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "siv.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "siv.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siv.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "siv.middleware.RequestContextMiddleware",
    "siv.middleware.SessionLimitsMiddleware",
    "oidc.middleware.ProviderRenewalMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "siv.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "siv.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "siv.urls"
WSGI_APPLICATION = "siv.wsgi.application"

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
                "siv.context_processors.siv",
                "reminders.context_processors.reminders",
            ],
        },
    }
]

# DATABASE_URL names the PostgreSQL database; without it, the embedded cluster in var/pgdata
# (siv/embedded_db.py), started when it is not running.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    from . import embedded_db

    DATABASE_URL = embedded_db.database_url(VAR_DIR / "pgdata")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("SIV runs on PostgreSQL only: DATABASE_URL must be postgres://…")
# PostgreSQL with the flush that passes the append-only guards (siv/postgresql/base.py).
DATABASES["default"]["ENGINE"] = "siv.postgresql"
# Every query here reads indexed rows or aggregates some ten thousand of them: compiling it
# with JIT costs more than it saves (45 ms of a 230 ms indicator query at 50,000 citizens),
# so it is off for the app's sessions.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# TLS to PostgreSQL (ASVS 9.2.2): SIV_DB_SSLMODE (e.g. verify-full) and SIV_DB_SSLROOTCERT, or
# the same as `?sslmode=` in DATABASE_URL; the environment wins.
for _option in ("sslmode", "sslrootcert"):
    if _value := os.environ.get(f"SIV_DB_{_option.upper()}"):
        DATABASES["default"]["OPTIONS"][_option] = _value
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "siv",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: the Danish public-sector clause, 3 failures within 24 hours (configurable).
AXES_FAILURE_LIMIT = envint("SIV_LOCKOUT_FAILURES", 3)
AXES_COOLOFF_TIME = envint("SIV_LOCKOUT_HOURS", 24)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Axes names the same client as the audit log and the throttle (siv/client.py).
AXES_CLIENT_IP_CALLABLE = "siv.client.client_ip"
# Beside the per-account lockout, a throttle per client address that slows and never locks:
# more than SIV_SIGNIN_ADDRESS_FAILURES failed sign-ins from one address within the window
# refuse that address's sign-in attempts (HTTP 429) for SIV_SIGNIN_ADDRESS_WAIT_SECONDS.
SIV_SIGNIN_ADDRESS_FAILURES = envint("SIV_SIGNIN_ADDRESS_FAILURES", 30)
SIV_SIGNIN_ADDRESS_WINDOW_SECONDS = envint("SIV_SIGNIN_ADDRESS_WINDOW_SECONDS", 10 * 60)
SIV_SIGNIN_ADDRESS_WAIT_SECONDS = envint("SIV_SIGNIN_ADDRESS_WAIT_SECONDS", 10 * 60)
# Limits per user on the screens that reveal, hand out or take in personal data (siv/throttle.py):
# (requests, window in seconds), counted in fixed windows. An hour's work by a busy caseworker
# stays well below them; a script harvesting CPR numbers, files or search results does not.
# The first request past a limit in a window writes an audit row for the administrators.
SIV_SCREEN_LIMITS = {
    # "Vis CPR-nummer": a handful an hour is normal work.
    "cpr_reveal": (envint("SIV_SCREEN_LIMIT_CPR_REVEAL", 30), 60 * 60),
    # Downloads of personal data or report files: lookup logs, art. 15 exports, invoices,
    # report files.
    "export": (envint("SIV_SCREEN_LIMIT_EXPORT", 60), 60 * 60),
    # Report orders: each one is a job for the worker.
    "report_order": (envint("SIV_SCREEN_LIMIT_REPORT_ORDER", 20), 60 * 60),
    # Uploaded files (the hours upload), each parsed in full.
    "upload": (envint("SIV_SCREEN_LIMIT_UPLOAD", 30), 60 * 60),
    # Citizen searches with free text (a name or a CPR number); plain paging is not counted.
    "search": (envint("SIV_SCREEN_LIMIT_SEARCH", 300), 60 * 60),
}

OTP_TOTP_ISSUER = "SIV"
# Where 2FA is required, a user without a device enrols one only with a code from an
# administrator, valid this many hours.
SIV_ENROLMENT_CODE_HOURS = envint("SIV_ENROLMENT_CODE_HOURS", 72)
# An administrator never chooses a user's password: they issue a one-time link with which the
# user sets it (a new account, a forgotten password), valid this many hours.
SIV_PASSWORD_LINK_HOURS = envint("SIV_PASSWORD_LINK_HOURS", 48)

# Sign-in with the organisation's own account (OpenID Connect, oidc/): one provider, on when
# the three are set; discovery at <issuer>/.well-known/openid-configuration.
SIV_OIDC_ISSUER = os.environ.get("SIV_OIDC_ISSUER", "")
SIV_OIDC_CLIENT_ID = os.environ.get("SIV_OIDC_CLIENT_ID", "")
SIV_OIDC_CLIENT_SECRET = os.environ.get("SIV_OIDC_CLIENT_SECRET", "")
SIV_OIDC_SCOPES = os.environ.get("SIV_OIDC_SCOPES", "openid profile email offline_access")
# The claim that lists the user's groups, for the administrator's group mappings.
SIV_OIDC_GROUPS_CLAIM = os.environ.get("SIV_OIDC_GROUPS_CLAIM", "groups")
# The provider's second factor: the ID token's `amr` (any of the values) or `acr` (one of
# them) must say so; an empty claim name asks nothing of the provider.
SIV_OIDC_MFA_CLAIM = os.environ.get("SIV_OIDC_MFA_CLAIM", "amr")
SIV_OIDC_MFA_VALUES = envlist("SIV_OIDC_MFA_VALUES", "mfa")
# A provider session's refresh token is renewed, server to server, at most this often; a
# refused renewal ends the session (a leaver is out within this time).
SIV_OIDC_RENEW_SECONDS = envint("SIV_OIDC_RENEW_SECONDS", 15 * 60)

# Sessions are stored in the database with their user's id beside them (siv/sessions.py): the
# account page lists a user's sessions and a password change ends the others.
SESSION_ENGINE = "siv.sessions"
# Sessions: 30 minutes idle, 12 hours absolute. The idle limit is the stored session's
# expiry, renewed by SessionLimitsMiddleware when it is a minute old (not every request).
SESSION_COOKIE_AGE = envint("SIV_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SIV_SESSION_RENEW_SECONDS = envint("SIV_SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SIV_SESSION_ABSOLUTE_SECONDS = envint("SIV_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS hardening is on unless DEBUG or the demo (plain HTTP on loopback), or SIV_SECURE=0
# behind a test server.
SIV_SECURE = envbool("SIV_SECURE", not (DEBUG or SIV_DEMO))
SECURE_SSL_REDIRECT = SIV_SECURE
SESSION_COOKIE_SECURE = SIV_SECURE
CSRF_COOKIE_SECURE = SIV_SECURE
# With HTTPS the cookies carry the __Host- prefix: the browser keeps them only when they came
# over HTTPS, for this host alone (no Domain) and the whole site (Path=/) (ASVS 3.4.4).
SESSION_COOKIE_NAME = "__Host-sessionid" if SIV_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SIV_SECURE else "csrftoken"
SECURE_HSTS_SECONDS = 31536000 if SIV_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SIV_SECURE
SECURE_HSTS_PRELOAD = SIV_SECURE
# The proxies in front of the app (comma-separated addresses or networks, e.g. the TLS
# proxy's address in the compose network): only a request whose direct peer is one of them
# may name the client (X-Forwarded-For) or claim HTTPS (X-Forwarded-Proto); from anyone else
# both headers are dropped (siv/middleware.py, siv/client.py). Empty: no proxy is believed.
SIV_TRUSTED_PROXIES = envlist("SIV_TRUSTED_PROXIES", "")
for _proxy in SIV_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"SIV_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from _error
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True
FORMAT_MODULE_PATH = ["siv.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("SIV_MEDIA_ROOT", str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or SIV_DEMO
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Documents attached to citizens, companies, partnerships, contracts and expenses (the
# documents app): outside the static files, served only through the download view. On the
# file system beside the media folder by default; in an S3-compatible store (django-storages)
# when SIV_DOCUMENTS_S3_BUCKET names a bucket. The credentials come as boto3 reads them
# (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
SIV_DOCUMENTS_S3_BUCKET = os.environ.get("SIV_DOCUMENTS_S3_BUCKET", "")
if SIV_DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SIV_DOCUMENTS_S3_BUCKET,
            "endpoint_url": os.environ.get("SIV_DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SIV_DOCUMENTS_S3_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(Path(STORAGES["default"]["OPTIONS"]["location"]) / "documents")
        },
    }
# The largest document a user may upload; the request limit above must leave room for it.
SIV_DOCUMENT_MAX_BYTES = envint("SIV_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
WHITENOISE_USE_FINDERS = DEBUG or SIV_DEMO

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Citizens are anonymised this many years after they left (GDPR storage limitation).
SIV_ANONYMISE_AFTER_YEARS = envint("SIV_ANONYMISE_AFTER_YEARS", 5)

# Sign-in attempts and access logs (django-axes) are kept this many days.
SIV_SIGN_IN_LOG_DAYS = envint("SIV_SIGN_IN_LOG_DAYS", 90)

# Report files (reporting's exports): each user's stored files may fill this many bytes
# before a new order is refused, and every file is removed this many days after it was made.
SIV_REPORT_QUOTA_BYTES = envint("SIV_REPORT_QUOTA_BYTES", 500 * 1024 * 1024)
SIV_REPORT_RETENTION_DAYS = envint("SIV_REPORT_RETENTION_DAYS", 30)

# A request body larger than this is refused (413) before it is read or spooled to disk; the
# largest legitimate one is an hours or legacy upload. Forms without files stay under
# Django's own DATA_UPLOAD_MAX_MEMORY_SIZE.
SIV_MAX_REQUEST_BYTES = envint("SIV_MAX_REQUEST_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Audit log retention: 13 months by default, never below 6 (the database refuses it too).
SIV_AUDIT_RETENTION_MONTHS = max(6, envint("SIV_AUDIT_RETENTION_MONTHS", 13))

# Celery: Redis when REDIS_URL is set, otherwise the filesystem transport (no service needed).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        # The broadcast exchanges (worker remote control) live beside the queue, not in
        # whatever folder the worker was started from.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("SIV_TASK_TIME_LIMIT", 15 * 60)
# Report jobs (reporting/services.py): a running job shows a sign of life this often; one
# silent for the stale limit lost its worker and is run again, at most this many times in
# all; a queued job whose message has not been taken for the resend limit is sent again
# (the queue lost it). kombu's visibility timeout (above) stays over the task time limit.
# A caseworker whose visitation proposals were refused (a CPR number they may not propose)
# more than this many times in an hour is asked to wait: no way to probe who is enrolled.
SIV_PROPOSAL_REFUSALS_PER_HOUR = envint("SIV_PROPOSAL_REFUSALS_PER_HOUR", 10)
SIV_JOB_HEARTBEAT_SECONDS = envint("SIV_JOB_HEARTBEAT_SECONDS", 10)
SIV_JOB_STALE_SECONDS = envint("SIV_JOB_STALE_SECONDS", 60)
SIV_JOB_MAX_ATTEMPTS = envint("SIV_JOB_MAX_ATTEMPTS", 3)
SIV_JOB_RESEND_SECONDS = envint("SIV_JOB_RESEND_SECONDS", 5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "audit-retention": {
        "task": "siv.tasks.purge_audit_log",
        "schedule": crontab(hour=2, minute=15),
    },
    "report-jobs-sweep": {
        "task": "reporting.tasks.sweep_report_jobs",
        "schedule": 60.0,
    },
    "monthly-indicator-snapshot": {
        "task": "reporting.tasks.take_indicator_snapshot",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
    "pbr-detect-outcomes": {
        "task": "pbr.tasks.detect_outcomes",
        "schedule": crontab(hour=3, minute=0),
    },
    "housekeeping": {
        "task": "siv.tasks.housekeeping",
        "schedule": crontab(hour=2, minute=30),
    },
    "report-files-retention": {
        "task": "reporting.tasks.purge_report_files",
        "schedule": crontab(hour=2, minute=35),
    },
    "documents-unreferenced-files": {
        "task": "documents.tasks.sweep_unreferenced_files",
        "schedule": crontab(hour=2, minute=50),
    },
    "anonymise-exited-citizens": {
        "task": "privacy.tasks.anonymise_due",
        "schedule": crontab(hour=2, minute=45),
    },
    "fold-figure-changes": {
        "task": "siv.tasks.fold_figure_changes",
        "schedule": 60.0,
    },
    "fold-hours-groups": {
        "task": "participants.tasks.fold_hours_groups",
        "schedule": 60.0,
    },
    "volume-alerts": {
        "task": "siv.tasks.raise_volume_alerts",
        "schedule": 10 * 60.0,
    },
    # Reminders (reminders/rules.py): recorded and mailed at once every hour; the users who
    # chose a digest get theirs each morning or on Monday morning.
    "reminders": {
        "task": "reminders.tasks.send_reminders",
        "schedule": crontab(minute=5),
    },
    "reminders-daily-digest": {
        "task": "reminders.tasks.send_digests",
        "schedule": crontab(hour=6, minute=30),
        "args": ("daily",),
    },
    "reminders-weekly-digest": {
        "task": "reminders.tasks.send_digests",
        "schedule": crontab(hour=6, minute=30, day_of_week=1),
        "args": ("weekly",),
    },
}

# The administrators are alerted (siv/alerts.py) when one user, within an hour, has CPR
# numbers shown, exports made or records outside their access asked for this many times.
SIV_ALERT_REVEALS_PER_HOUR = envint("SIV_ALERT_REVEALS_PER_HOUR", 50)
SIV_ALERT_EXPORTS_PER_HOUR = envint("SIV_ALERT_EXPORTS_PER_HOUR", 100)
SIV_ALERT_FOREIGN_PER_HOUR = envint("SIV_ALERT_FOREIGN_PER_HOUR", 20)

# Mail (the administrators' alerts, the reminders) through the SMTP relay the environment
# names. The demo without a relay writes its mails to var/mail, which a demo page lists.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "siv@localhost")
if SIV_DEMO and not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# Where SIV is reached, for the links in mails (no trailing slash).
SIV_BASE_URL = os.environ.get("SIV_BASE_URL", "http://localhost:8000")

# API tokens expire this many days after they are issued. A token's use is written to the
# audit log at most once per SIV_API_TOKEN_USE_LOG_MINUTES.
SIV_API_TOKEN_DAYS = envint("SIV_API_TOKEN_DAYS", 90)
SIV_API_TOKEN_USE_LOG_MINUTES = envint("SIV_API_TOKEN_USE_LOG_MINUTES", 15)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "siv_api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "siv_api.renderers.AttachmentJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["siv.throttle.AnonThrottle", "siv.throttle.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("SIV_API_RATE_ANON", "20/minute"),
        "user": os.environ.get("SIV_API_RATE_USER", "1200/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SIV API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "HoursKindEnum": "participants.models.HoursKind",
        "PlacementKindEnum": "participants.models.PlacementKind",
        "ExitStatusEnum": "participants.models.ExitStatus",
        "CompanyStatusEnum": "accelerator.models.CompanyStatus",
    },
}

# The log of the ledger's sealed heads outside the database (pbr/seal.py), in the media
# folder that backups carry.
SIV_LEDGER_HEAD_LOG = os.environ.get(
    "SIV_LEDGER_HEAD_LOG",
    str(Path(STORAGES["default"]["OPTIONS"]["location"]) / "ledger" / "heads.log"),
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A URL's query string may hold a name or a CPR number searched for: never logged.
    "filters": {"no_query_strings": {"()": "siv.log_filters.StripQueryStrings"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_strings"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["no_query_strings"]},
        "django.server": {
            "handlers": ["console"],
            "propagate": False,
            "filters": ["no_query_strings"],
        },
    },
}

# Lockout is per account, as the clause says; an IP-wide lockout would lock a whole
# jobcentre behind one address out after three colleagues' typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
