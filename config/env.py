"""Reading settings from the environment, with typed helpers.

A development checkout may keep its variables in a `.env` file at the project root (one
KEY=value a line; `make install` writes one with DJANGO_DEBUG=1). Real environment variables
always win, and production sets them instead of shipping the file.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_DOTENV = Path(__file__).resolve().parent.parent / ".env"


def _read_dotenv(path):
    values = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip("'\"")
    return values


_FILE = _read_dotenv(_DOTENV)


def _get(name):
    return os.environ.get(name, _FILE.get(name))


def env_bool(name, default=False):
    value = _get(name)
    if value is None:
        return default
    return value.strip().lower() in _TRUE


def env_list(name, default=()):
    value = _get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# Values that could not be read, as (variable, message): settings carry on with the
# default and the `fianza` system checks report every one of them at start.
PROBLEMS = []


def env_int(name, default, *, minimum=None):
    value = _get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        PROBLEMS.append((name, f"{name} must be a whole number, not {value!r}."))
        return default
    if minimum is not None and number < minimum:
        PROBLEMS.append((name, f"{name} must be at least {minimum}, not {number}."))
        return default
    return number


def env_choice(name, default, choices):
    value = (_get(name) or "").strip().lower() or default
    if value not in choices:
        PROBLEMS.append((name, f"{name} must be one of {', '.join(choices)}, not {value!r}."))
        return default
    return value


def env_str(name, default=None, *, required=False):
    value = _get(name)
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return default
