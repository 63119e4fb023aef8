"""The current request's client address, for audit events written deep in services."""

from contextvars import ContextVar

_ip = ContextVar("fianza_request_ip", default=None)


def current_ip():
    return _ip.get()


def set_ip(value):
    return _ip.set(value)


def reset_ip(token):
    _ip.reset(token)
