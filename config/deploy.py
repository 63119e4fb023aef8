"""The parts of the settings an operator chooses through the environment: private storage,
cache and sessions, logging and error reporting. Each builder reads the environment when
called, so tests can call it under another one."""

from config.env import env_bool, env_choice, env_str

STORAGE_CHOICES = ("local", "s3")
SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}


def private_storage(*, local_root):
    """Where uploaded documents live. Local folder by default; FIANZA_STORAGE=s3 puts them
    in a private S3-compatible bucket. Either way nothing has a public URL: documents are
    streamed only by the permission-checked views."""
    if env_choice("FIANZA_STORAGE", "local", STORAGE_CHOICES) == "local":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": local_root, "base_url": None},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("FIANZA_S3_BUCKET", ""),
            "endpoint_url": env_str("FIANZA_S3_ENDPOINT_URL"),
            "region_name": env_str("FIANZA_S3_REGION"),
            "access_key": env_str("FIANZA_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("FIANZA_S3_SECRET_ACCESS_KEY"),
            "location": env_str("FIANZA_S3_PREFIX", "private"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if env_bool("FIANZA_S3_ENCRYPT", True) else {},
        },
    }


def caches():
    """Redis when FIANZA_REDIS_URL is set (shared by every process: rate limits and lockouts
    count across workers); otherwise memory of one process, fine for development only."""
    url = env_str("FIANZA_REDIS_URL")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "fianza",
            "TIMEOUT": 300,
        }
    }


def session_engine():
    default = "cached_db" if env_str("FIANZA_REDIS_URL") else "db"
    return SESSION_ENGINES[env_choice("DJANGO_SESSION_ENGINE", default, tuple(SESSION_ENGINES))]


def logging_config(*, json_logs, level):
    """One console handler: JSON lines in production, readable text in development. Every
    record carries request_id, user_id and tenant, and passes the personal-data scrubber."""
    fields = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(tenant)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "ops.logging.RequestContextFilter"},
            "personal_data": {"()": "ops.logging.PersonalDataFilter"},
        },
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": fields,
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            "text": {
                "format": "%(asctime)s %(levelname)s [%(request_id)s user=%(user_id)s "
                          "tenant=%(tenant)s] %(name)s: %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context", "personal_data"],
                "formatter": "json" if json_logs else "text",
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own request lines repeat ours (with the query string): keep errors.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "ERROR"},
            # Chatty libraries: their progress notes are not events.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
        },
    }


def sentry_from_env(*, debug):
    dsn = env_str("SENTRY_DSN")
    if not dsn:
        return False
    from ops.sentry import sentry_init

    sentry_init(
        dsn=dsn,
        environment=env_str("SENTRY_ENVIRONMENT", "development" if debug else "production"),
        release=env_str("SENTRY_RELEASE", ""),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
    return True
