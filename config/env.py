"""Reading settings from the environment, with typed helpers."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in _TRUE


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return default
