"""Fianza settings, read from the environment.

Development defaults (secret key, SQLite, console e-mail) apply only with DJANGO_DEBUG=1.
Production must set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config import deploy
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    "dev-only-insecure-key-fianza" if DEBUG else None,
    required=not DEBUG,
)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.admin_apps.FianzaAdminConfig",  # the admin behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "djmoney",
    "import_export",
    "core",
    "ledger",
    "casework",
    "bondfund",
    "grants",
    "payments",
    "pale",
    "public",
    "notifications",
    "obligations",
    "monitoring",
    "demo",
    "health_check",
    "ops",
    "administration",  # last: its post_migrate needs every app's permissions
]

MIDDLEWARE = [
    "ops.logging.RequestIdMiddleware",
    "ops.limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.timezones.ConsulateTimeZoneMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionLifetimeMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}" if DEBUG else None,
                required=not DEBUG),
        # Seconds a connection is kept between requests (0: one per request).
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN: concurrent writers queue instead of
    # reading stale rows and failing later (SQLite has no SELECT ... FOR UPDATE).
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "two_factor:login"
TWO_FACTOR_PATCH_ADMIN = False  # core.admin_site replaces the admin site instead
# Sessions end after this long without a request, and this long after sign-in in any case.
FIANZA_SESSION_IDLE_MINUTES = int(env_str("FIANZA_SESSION_IDLE_MINUTES", "30"))
FIANZA_SESSION_MAX_HOURS = int(env_str("FIANZA_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = FIANZA_SESSION_MAX_HOURS * 3600
# How many reverse proxies (load balancer, ingress) append to X-Forwarded-For in front of
# the app; 0 ignores the header. Rate limits, lockouts and audit events use this address.
FIANZA_TRUSTED_PROXY_COUNT = int(env_str("FIANZA_TRUSTED_PROXY_COUNT", "0"))

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_address"
# Also locks a client that fails against many accounts (password spraying).
AXES_HANDLER = "core.lockout.ClientLockoutHandler"
FIANZA_CLIENT_FAILURE_LIMIT = int(env_str("FIANZA_CLIENT_FAILURE_LIMIT", "20"))

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_MEDIA_ROOT = Path(env_str("FIANZA_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    # Uploaded documents live outside any served folder; only permission-checked views
    # stream them.
    "default": deploy.private_storage(local_root=PRIVATE_MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Any request body above this is refused (413) before it is read: the largest upload or
# import plus the form around it. Gunicorn bounds the request line and headers.
FIANZA_MAX_REQUEST_BYTES = env_int("FIANZA_MAX_REQUEST_BYTES", 32 * 1024 * 1024, minimum=1024)
# An import file above this is refused before it is read (core.imports_files); an import whose
# worker sent no heartbeat for this long is resumed or failed by the sweep (core.imports).
FIANZA_IMPORT_MAX_BYTES = env_int("FIANZA_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
FIANZA_IMPORT_STALE_SECONDS = env_int("FIANZA_IMPORT_STALE_SECONDS", 600, minimum=60)

# Shared by every process on Redis when FIANZA_REDIS_URL is set; personal data is never
# cached.
CACHES = deploy.caches()
SESSION_ENGINE = deploy.session_engine()
FIANZA_REDIS_URL = env_str("FIANZA_REDIS_URL", "")
# /healthz/ fails when the last nightly ledger_verify or audit_verify is older than this.
FIANZA_NIGHTLY_MAX_AGE_HOURS = env_int("FIANZA_NIGHTLY_MAX_AGE_HOURS", 36, minimum=1)

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", not env_bool("DJANGO_EMAIL_USE_SSL"))
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
# A server that accepts the connection and never answers must not hold a worker.
EMAIL_TIMEOUT = int(env_str("DJANGO_EMAIL_TIMEOUT", "15"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "fianza@localhost")

# --- The queue (Celery on Redis) and outgoing messages -----------------------------------
# Without a broker every task runs in the calling process, after the transaction commits.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", env_str("FIANZA_REDIS_URL", ""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(env_str("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_TASK_TIME_LIMIT = int(env_str("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged task (its worker died) goes back to the queue after this many seconds.
# kombu looks for such tasks every interval x throttle seconds (10 x 10 by default, so a
# redelivery could wait 100 s past the timeout); here every interval.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env_str("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(env_str("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": 1,
}
# Every app adds its scheduled jobs here; each job is safe to run twice.
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.notifications_sweep",
        "schedule": 60.0,
    },
    # Imports whose worker died are resumed (or failed) and unconfirmed files deleted.
    "imports-sweep": {"task": "core.tasks.import_jobs_sweep", "schedule": 300.0},
    # ledger_verify, audit_verify and yesterday's Stripe reconciliation (fund's zone).
    "nightly-checks": {"task": "monitoring.tasks.nightly_checks",
                       "schedule": crontab(hour=2, minute=30)},
    # Ageing money: late reservations, unposted payments, overdue refunds.
    "ageing-scan": {"task": "monitoring.tasks.ageing_scan",
                    "schedule": crontab(hour="7,13", minute=15)},
    # Last month's statements of every consulate and partner.
    "monthly-statements": {"task": "ledger.tasks.statement_batch_previous_month",
                           "schedule": crontab(day_of_month=1, hour=5, minute=0)},
    # Families who asked for it are told when their relative's case changes stage.
    "family-stage-notify": {"task": "public.tasks.family_stage_notify", "schedule": 900.0},
    # Likely duplicates across consulates among people registered in the last two days.
    "duplicate-review-scan": {"task": "core.tasks.duplicate_review_scan",
                              "schedule": crontab(hour=3, minute=10)},
    # Legal advice referrals unanswered past their due time alert the officer (once each).
    "pale-referrals-overdue": {"task": "pale.referrals_alert_overdue", "schedule": 900.0},
    # Hearing and check-in reminders due now, at hours local to each case's consulate.
    "obligation-reminders": {"task": "obligations.tasks.reminders_send_due",
                             "schedule": 900.0},
    # Unclaimed refunds (90/180/365 days) to the obligor, breach appeal deadlines to officers.
    "bond-end-reminders": {"task": "obligations.tasks.bond_end_reminders",
                           "schedule": crontab(hour=9, minute=30)},
}

# A message in "sending" longer than this is checked with its provider, then sent again.
NOTIFICATIONS_SENDING_TIMEOUT = int(env_str("FIANZA_NOTIFICATIONS_SENDING_TIMEOUT", "600"))
NOTIFICATIONS_MAX_ATTEMPTS = int(env_str("FIANZA_NOTIFICATIONS_MAX_ATTEMPTS", "6"))
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_SMS_FROM = env_str("TWILIO_SMS_FROM", "")
TWILIO_WHATSAPP_FROM = env_str("TWILIO_WHATSAPP_FROM", "")
TWILIO_TIMEOUT = int(env_str("TWILIO_TIMEOUT", "15"))
# Public base URL Twilio calls back (status of each message); empty: no callback.
TWILIO_STATUS_CALLBACK_BASE = env_str("TWILIO_STATUS_CALLBACK_BASE", "")
# Dotted path of a twilio.http.HttpClient subclass; empty: the SDK's own, with the timeout.
TWILIO_HTTP_CLIENT = env_str("TWILIO_HTTP_CLIENT", "")

CURRENCIES = ("USD", "MXN")
CURRENCY_CHOICES = [("USD", "USD"), ("MXN", "MXN")]
AUTO_CONVERT_MONEY = False
# Amounts always name their currency (USD and MXN live side by side): "USD 1,800.00".
MONEY_FORMAT = {"format": "\u00a4\u00a4\u00a0#,##0.00", "currency_digits": False}
FORMAT_MODULE_PATH = ["config.formats"]

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# PostgreSQL enforces Membership's unique constraint (nulls not distinct); SQLite, used for
# the demo, cannot, and says so on every command.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# JSON lines in production (FIANZA_LOG_FORMAT=text|json overrides), each with request_id,
# user_id and tenant, personal data scrubbed.
LOGGING = deploy.logging_config(
    json_logs=env_str("FIANZA_LOG_FORMAT", "text" if DEBUG else "json") == "json",
    level=env_str("DJANGO_LOG_LEVEL", "INFO"),
)
# Errors go to Sentry when SENTRY_DSN is set, without personal data.
SENTRY_ENABLED = deploy.sentry_from_env(debug=DEBUG)
