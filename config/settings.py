"""Flexwork settings: one file, every difference between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_str, machine_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
# Plain HTTP on one's own machine (make run, the tests): no Secure cookies, no HSTS, no
# redirect. A mode of its own, so production cannot fall into it by turning the redirect off;
# `check --deploy` reports it (flexwork.W001, config/checks.py).
LOCAL_HTTP = env_bool("DJANGO_LOCAL_HTTP", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY and (DEBUG or LOCAL_HTTP):
    SECRET_KEY = machine_secret_key(BASE_DIR / "var" / "secret-key")
if not (DEBUG or LOCAL_HTTP) and (not SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    # The key signs self-check links: a known key lets anyone answer for any resident.
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a long random value of this installation's own, e.g. the output "
        'of python -c "import secrets; print(secrets.token_urlsafe(50))" (on your own machine '
        "over plain HTTP, set DJANGO_LOCAL_HTTP=1 instead)."
    )
ALLOWED_HOSTS = [
    h.strip()
    for h in env_str("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env_str("DJANGO_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]
# Where the portal is reached from outside: links in e-mails and SMS are built on it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "axes",
    "csp",
    "django_celery_beat",
    "accounts",
    "approvals",
    "smartcenters",
    "worktime",
    "rpa",
    "config.apps.ProjectConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their long caching.
    "config.no_store.NoStoreForPersonalData",
    "csp.middleware.CSPMiddleware",
    # Before everything that reads the database: a dropped connection answers 503.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireVerifiedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a service's refusal that no view caught becomes a message on the page.
    "config.errors.DomainErrorMiddleware",
    # After messages: an idle session is signed out with a sentence on the sign-in page.
    "accounts.middleware.SignOutIdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/flexwork"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "flexwork",
        # A cache that does not answer must not take pages down with it.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend that also applies the per-address limit (accounts/backends.py).
    "accounts.backends.AddressLimitedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The client's address: behind TRUSTED_PROXY_COUNT reverse proxies it is the Nth
# X-Forwarded-For entry from the right (config/client_address.py); with 0 the header is ignored.
# Sign-in limits, self-check limits (django-ratelimit's "ip" key) and API throttles all use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
RATELIMIT_IP_META_KEY = "config.client_address.client_address"

# Lockout (django-axes): five wrong passwords lock that account, from anywhere, for fifteen
# minutes. Only the username: an office's staff share one NAT address, and locking the
# address would lock all of them out for one person's typos.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns when addresses are not locked; ours are limited separately, with a cap an office
# cannot reach (SIGNIN_ADDRESS_FAILURE_LIMIT below, tests/security/test_signin_lockout.py).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Tries while locked neither count nor extend the lock, so "locked for 15 minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Failed password checks per client address and hour (accounts/signin_limits.py). Past it,
# that address may sign in only from browsers that signed in there before. Sessions last a
# working day, so people sign in about once a day; an account stops adding failures at its
# lock (five), and even 1,000 staff behind one address signing in within the same hour, one in
# ten mistyping twice, make 200. Spraying one password over many accounts stops at 300 an hour.
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("SIGNIN_ADDRESS_FAILURE_LIMIT", 300)

OTP_TOTP_ISSUER = "Flexwork"
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Security: with debug off every HTTPS protection is on. DJANGO_SECURE_SSL_REDIRECT=0 turns off
# only Django's own redirect (a proxy in front that redirects itself); cookies stay Secure and
# HSTS stays on. Plain HTTP is DJANGO_LOCAL_HTTP, above, alone.
_https = not (DEBUG or LOCAL_HTTP)
SECURE_SSL_REDIRECT = _https and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
# Pages' scripts take the CSRF token from the form field (static/js/app.js), never the cookie.
CSRF_COOKIE_HTTPONLY = True
# A session ends 10 hours after sign-in at the latest (a working day), and earlier when idle:
# after 30 minutes for roles that sign in with a one-time code, 2 hours for everyone else.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_IDLE_TIMEOUT_OTP_MINUTES = env_int("SESSION_IDLE_TIMEOUT_OTP_MINUTES", 30)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 120)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Content Security Policy: everything is served from this origin; no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }
}

REST_FRAMEWORK = {
    # The token class first: a refused token (or no sign-in at all) answers 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"booking": "6000/minute"},
    # Throttles count the same client as everything else (config/client_address.py).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Flexwork API",
    "DESCRIPTION": "Flexible work, seats, approvals and health-team messaging.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint: for signed-in people only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields named "kind" and "status" carry different choice sets across the apps: name each.
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "accounts.models.Department.Kind",
        "WorkplaceKindEnum": "accounts.models.Workplace.Kind",
        "DocumentStatusEnum": "approvals.models.Document.Status",
        "StepKindEnum": "approvals.models.ApprovalStep.Kind",
        "StepStatusEnum": "approvals.models.ApprovalStep.Status",
        "ActionKindEnum": "approvals.models.Action.Kind",
        "BookingStatusEnum": "smartcenters.models.Booking.Status",
        "ArrangementKindEnum": "worktime.models.Kind",
        "ArrangementStatusEnum": "worktime.models.Status",
        "UploadStatusEnum": "rpa.models.Upload.Status",
        "RecipientStatusEnum": "rpa.models.Recipient.Status",
        "MessageKindEnum": "rpa.models.MessageKind",
        "MessageStatusEnum": "rpa.models.OutboxMessage.Status",
    },
}

# Celery: Redis is the broker; PostgreSQL holds every piece of work that must not be lost.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Beat reads its jobs from the database (editable in the admin, picked up without a restart);
# CELERY_BEAT_SCHEDULE below holds the defaults it creates when a job is missing (config.beat).
CELERY_BEAT_SCHEDULER = env_str("CELERY_BEAT_SCHEDULER", "config.beat:DefaultsDatabaseScheduler")
CELERY_BEAT_SCHEDULE = {
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    "accounts-deliver-pending-notifications": {
        "task": "accounts.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    "approvals-send-reminders": {
        "task": "approvals.tasks.send_reminders",
        "schedule": crontab(minute="*/15", hour="8-19", day_of_week="mon-fri"),
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "flexwork@localhost")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_CLAIMS_SUB = env_str("VAPID_CLAIMS_SUB", "mailto:flexwork@localhost")
# The push services whose https addresses a browser's subscription may hold: "*." takes the
# subdomains of a domain, ":port" a port other than 443. Nothing else is ever called.
WEBPUSH_ALLOWED_HOSTS = [
    h.strip().lower()
    for h in env_str(
        "WEBPUSH_ALLOWED_HOSTS",
        "fcm.googleapis.com,updates.push.services.mozilla.com,*.notify.windows.com,"
        "web.push.apple.com",
    ).split(",")
    if h.strip()
]

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "flexwork-demo-2026")

# API tokens expire after this many days; a person may choose fewer, an admin's command more.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Self-check links and calendar-feed addresses are secrets: every line is written without them.
    "filters": {"secret_urls": {"()": "config.secret_urls.RedactSecretURLs"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_urls"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own loggers write through the console above, not their default handlers,
        # which would print the paths as they are.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # Request logs carry URLs only; no bodies, no personal data.
        "django.request": {"level": "WARNING"},
    },
}

# Case sheets (rpa importer): files over this size are refused before they are read.
RPA_MAX_UPLOAD_BYTES = env_int("RPA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# ...and sheets beyond these shapes before a reader builds their grid (rpa/importer/shape.py):
# twice the 50,000-row sample, and a dry run of the largest allowed sheet fits in 600 MB.
RPA_MAX_ROWS = env_int("RPA_MAX_ROWS", 100_000)
RPA_MAX_COLUMNS = env_int("RPA_MAX_COLUMNS", 200)
RPA_MAX_CELLS = env_int("RPA_MAX_CELLS", 1_000_000)
RPA_MAX_SHEETS = env_int("RPA_MAX_SHEETS", 100)
RPA_MAX_SHEET_TEXT_BYTES = env_int("RPA_MAX_SHEET_TEXT_BYTES", 64 * 1024 * 1024)

# Case sheets (rpa sending): the SMS provider, private files, retention and the beat jobs.
# SMS_PROVIDER: simulator (the portal's own protocol, development only), sens (NAVER Cloud
# SENS) or nhn (NHN Cloud Notification). Anything else refuses to start (rpa.apps).
SMS_PROVIDER = env_str("SMS_PROVIDER", "simulator").strip().lower()
# The simulator's address (SMS_PROVIDER=simulator); the real providers have their own below.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "http://127.0.0.1:8025").rstrip("/")
if SMS_PROVIDER == "simulator" and urlsplit(SMS_GATEWAY_URL).scheme not in {"http", "https"}:
    # Every send would fail with "unknown url type" and come back for another try: refuse to
    # start instead, in every process (web, worker, beat, manage.py).
    raise ImproperlyConfigured(
        f"SMS_GATEWAY_URL is {SMS_GATEWAY_URL!r}: set it to the simulator's http(s) address, "
        "or leave it unset on a development machine to use the local simulator."
    )
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 30)
# SENS SMS API v2; the public-sector region is https://sens.apigw.gov-ntruss.com (docs/DEPLOY.md).
SENS_API_URL = env_str("SENS_API_URL", "https://sens.apigw.ntruss.com").rstrip("/")
SENS_SERVICE_ID = env_str("SENS_SERVICE_ID")
SENS_ACCESS_KEY = env_str("SENS_ACCESS_KEY")
SENS_SECRET_KEY = env_str("SENS_SECRET_KEY")
# NHN Cloud Notification SMS API v3.0.
NHN_SMS_API_URL = env_str("NHN_SMS_API_URL", "https://api-sms.cloud.toast.com").rstrip("/")
NHN_SMS_APP_KEY = env_str("NHN_SMS_APP_KEY")
NHN_SMS_SECRET_KEY = env_str("NHN_SMS_SECRET_KEY")
# KakaoTalk 알림톡 with SMS failover, for templates that have an approved 알림톡 code; empty
# keys send those templates as SMS/LMS. SENS: the Biz Message service and the channel id.
SENS_ALIMTALK_SERVICE_ID = env_str("SENS_ALIMTALK_SERVICE_ID")
SENS_KAKAO_CHANNEL_ID = env_str("SENS_KAKAO_CHANNEL_ID")
# NHN Cloud KakaoTalk Bizmessage (알림톡 API v2.3): its own app key and secret, the channel's
# sender key.
NHN_ALIMTALK_API_URL = env_str(
    "NHN_ALIMTALK_API_URL", "https://api-alimtalk.cloud.toast.com"
).rstrip("/")
NHN_ALIMTALK_APP_KEY = env_str("NHN_ALIMTALK_APP_KEY")
NHN_ALIMTALK_SECRET_KEY = env_str("NHN_ALIMTALK_SECRET_KEY")
NHN_ALIMTALK_SENDER_KEY = env_str("NHN_ALIMTALK_SENDER_KEY")
RPA_PRIVATE_ROOT = Path(env_str("RPA_PRIVATE_ROOT", str(BASE_DIR / "var" / "rpa-private")))
RPA_RETENTION_DAYS = env_int("RPA_RETENTION_DAYS", 30)
RPA_SEND_BATCH_SIZE = env_int("RPA_SEND_BATCH_SIZE", 1000)
RPA_SEND_PARALLELISM = env_int("RPA_SEND_PARALLELISM", 4)
RPA_STALE_SENDING_SECONDS = env_int("RPA_STALE_SENDING_SECONDS", 15)
RPA_RETRY_BASE_SECONDS = env_int("RPA_RETRY_BASE_SECONDS", 2)
RPA_MAX_ATTEMPTS = env_int("RPA_MAX_ATTEMPTS", 8)
RPA_SELFCHECK_REMINDER_TIMES = [
    t.strip()
    for t in env_str("RPA_SELFCHECK_REMINDER_TIMES", "10:00,15:00").split(",")
    if t.strip()
]
CELERY_BEAT_SCHEDULE.update(
    {
        "rpa-sweep-outbox": {"task": "rpa.tasks.sweep_outbox", "schedule": 30.0},
        "rpa-pull-delivery-reports": {"task": "rpa.tasks.pull_delivery_reports", "schedule": 15.0},
        "rpa-sweep-pending-reports": {
            "task": "rpa.tasks.sweep_pending_reports",
            "schedule": 60.0,
        },
        "rpa-purge-expired": {
            "task": "rpa.tasks.purge_expired",
            "schedule": crontab(minute=40, hour=3),
        },
        **{
            f"rpa-selfcheck-reminders-{_time}": {
                "task": "rpa.tasks.send_selfcheck_reminders",
                "schedule": crontab(hour=int(_time.split(":")[0]), minute=int(_time.split(":")[1])),
                "kwargs": {"slot": _time},
            }
            for _time in RPA_SELFCHECK_REMINDER_TIMES
        },
    }
)

# Smart-work centers: release seats nobody checked into; close finished check-ins.
CELERY_BEAT_SCHEDULE.update(
    {
        "smartcenters-release-unchecked-bookings": {
            "task": "smartcenters.tasks.release_unchecked_bookings",
            "schedule": 300.0,
        },
        "smartcenters-complete-finished-bookings": {
            "task": "smartcenters.tasks.complete_finished_bookings",
            "schedule": crontab(minute="5,35", hour="13-19"),
        },
    }
)

# Rate limits (django-ratelimit) count in the cache; if Redis is down, let residents through.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_USE_CACHE = "default"
# Self-check links (rpa/views.py): links that are not valid, per client address and hour. A
# valid link is never stopped by it, so residents behind one carrier NAT are unaffected; it
# only turns an address's guessing into 429s (signed links cannot be guessed anyway).
RPA_SELFCHECK_BAD_LINKS_PER_HOUR = env_int("RPA_SELFCHECK_BAD_LINKS_PER_HOUR", 100)
# Answers one valid link may post per hour: a form sent once a day needs a few tries at most.
RPA_SELFCHECK_ANSWERS_PER_HOUR = env_int("RPA_SELFCHECK_ANSWERS_PER_HOUR", 30)
