"""The current request's client address and user, for audit events written deep in services
and in signal receivers (device enrolment) that get no request."""

from contextvars import ContextVar

_ip = ContextVar("fianza_request_ip", default=None)
_user = ContextVar("fianza_request_user", default=None)


def current_ip():
    return _ip.get()


def set_ip(value):
    return _ip.set(value)


def reset_ip(token):
    _ip.reset(token)


def current_user():
    """The signed-in user of the current request, or None (commands, tasks, anonymous)."""
    user = _user.get()
    return user if getattr(user, "is_authenticated", False) else None


def set_user(value):
    return _user.set(value)


def reset_user(token):
    _user.reset(token)
