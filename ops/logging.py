"""Structured logs: every record carries the request id, the user id and the tenant, and
nothing that identifies a person.

`RequestIdMiddleware` gives each request an id (the proxy's `X-Request-ID` when it is a
plain token, else a fresh one), answers it in the response header and logs one line per
request with the path but never the query string (the family lookup's query names people).
`RequestContextFilter` stamps the current request's facts on every record;
`PersonalDataFilter` scrubs what a message or traceback could carry (e-mail addresses,
phone and alien numbers, CURPs, query strings, the values PostgreSQL quotes in its errors).
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

_request = ContextVar("fianza_log_request", default=None)
_request_id = ContextVar("fianza_request_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
EMPTY = "-"

request_logger = logging.getLogger("ops.request")


def current_request_id():
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = (_request.set(request), _request_id.set(request_id))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
            )
            return response
        finally:
            _request_id.reset(tokens[1])
            _request.reset(tokens[0])


def _user_facts(request):
    """(user id, tenant) of the signed-in user, or ("-", "-"). Read only when a record is
    written, so a request that logs nothing costs nothing."""
    user = getattr(request, "user", None)
    try:
        if user is None or not user.is_authenticated:
            return EMPTY, EMPTY
        from core.tenancy import Scope

        return str(user.pk), tenant_label(Scope.of(user))
    except Exception:  # a log line must never fail the request it describes
        return EMPTY, EMPTY


def tenant_label(scope):
    """The consulates and partners a user acts for, by id: 'hq', 'c3', 'p5', 'c3,p5'."""
    if scope.is_headquarters():
        return "hq"
    parts = [f"c{pk}" for pk in sorted(scope.consulate_ids())]
    parts += [f"p{pk}" for pk in sorted(scope.partner_ids)]
    return ",".join(parts) or EMPTY


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        request = _request.get()
        record.request_id = _request_id.get() or EMPTY
        if request is not None and not hasattr(record, "user_id"):
            record.user_id, record.tenant = _user_facts(request)
        record.user_id = getattr(record, "user_id", EMPTY)
        record.tenant = getattr(record, "tenant", EMPTY)
        return True


_SCRUBBERS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(/[^\s?\"']*)\?[^\s\"']*"), r"\1?[query]"),
    (re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b"), "[curp]"),
    (re.compile(r"\bA-?\d{8,9}\b"), "[a-number]"),
    (re.compile(r"\+\d[\d ]{9,16}\d"), "[phone]"),
    (re.compile(r"\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b"), "[phone]"),
    (re.compile(r"\)=\([^)]*\)"), ")=([redacted])"),
)


def scrub(text):
    """The text with personal data replaced by placeholders."""
    text = str(text)
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record):
        record.msg, record.args = scrub(record.getMessage()), ()
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        # Django attaches the request object, whose repr carries the query string.
        for name in ("request", "args_repr"):
            if hasattr(record, name):
                delattr(record, name)
        return True
