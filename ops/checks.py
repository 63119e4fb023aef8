"""Configuration checked at start (`manage.py check`, and every command and server start):
one clear message per missing or wrong value, with the variable to set.

Errors stop the process; warnings tagged `deploy` appear with `check --deploy`.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from config import env

FIANZA = "fianza"


@register(FIANZA)
def environment_values(app_configs, **kwargs):
    """Values that were set but could not be read (a word where a number belongs...)."""
    return [Error(message, hint=f"Fix or unset {name}.", id="fianza.E001")
            for name, message in env.PROBLEMS]


@register(FIANZA)
def database(app_configs, **kwargs):
    # The configured mode, not settings.DEBUG, which test runners switch off.
    development = env.env_bool("DJANGO_DEBUG")
    if development or settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return []
    return [Error(
        "Production needs PostgreSQL: the ledger's constraints and row locks depend on it.",
        hint="Set DATABASE_URL=postgres://user:password@host:5432/fianza.",
        id="fianza.E002")]


@register(FIANZA)
def private_storage(app_configs, **kwargs):
    backend = settings.STORAGES["default"]["BACKEND"]
    options = settings.STORAGES["default"].get("OPTIONS", {})
    if backend.endswith("S3Storage"):
        if not options.get("bucket_name"):
            return [Error("FIANZA_STORAGE=s3 needs a bucket.",
                          hint="Set FIANZA_S3_BUCKET (and FIANZA_S3_ENDPOINT_URL for a "
                               "non-AWS service).", id="fianza.E003")]
        return []
    return _local_folder_problems(Path(options.get("location") or settings.PRIVATE_MEDIA_ROOT))


def _local_folder_problems(root):
    served = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    served += [Path(d) for d in settings.STATICFILES_DIRS]
    if any(root.resolve().is_relative_to(folder.resolve()) for folder in served):
        return [Error(f"The private documents folder {root} is inside a served static folder.",
                      hint="Point FIANZA_PRIVATE_MEDIA_ROOT outside STATIC_ROOT and static/.",
                      id="fianza.E004")]
    existing = next((p for p in (root, *root.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK):
        return [Error(f"The private documents folder {root} cannot be written.",
                      hint="Create it, owned by the user running Fianza, or set "
                           "FIANZA_PRIVATE_MEDIA_ROOT to a writable folder.",
                      id="fianza.E005")]
    return []


@register(FIANZA)
def redis_urls(app_configs, **kwargs):
    problems = []
    for name in ("FIANZA_REDIS_URL", "CELERY_BROKER_URL"):
        value = getattr(settings, name, "")
        if value and urlparse(value).scheme not in ("redis", "rediss", "unix"):
            problems.append(Error(f"{name} must be a redis:// or rediss:// URL, not {value!r}.",
                                  hint=f"Set {name}=redis://host:6379/0.", id="fianza.E006"))
    return problems


@register(FIANZA)
def sentry_dsn(app_configs, **kwargs):
    dsn = env.env_str("SENTRY_DSN", "")
    parsed = urlparse(dsn)
    if dsn and (parsed.scheme not in ("http", "https") or not parsed.username):
        return [Error("SENTRY_DSN is not a Sentry DSN (https://key@host/project).",
                      hint="Copy the DSN from the Sentry project's settings.",
                      id="fianza.E007")]
    return []


@register(FIANZA, Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    if settings.FIANZA_REDIS_URL:
        return []
    return [Warning(
        "No FIANZA_REDIS_URL: the cache lives in each process, so sign-in limits and lockouts "
        "are counted per worker.",
        hint="Set FIANZA_REDIS_URL=redis://host:6379/0.", id="fianza.W001")]


@register(FIANZA, deploy=True)
def sender_address(app_configs, **kwargs):
    if not settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        return []
    return [Warning("E-mail would be sent from an address at localhost.",
                    hint="Set DJANGO_DEFAULT_FROM_EMAIL to the fund's address.",
                    id="fianza.W002")]
