"""Refuse an oversized request body before any of it is read.

The limit (`FIANZA_MAX_REQUEST_BYTES`) covers the largest upload or import plus the form
around it. A declared Content-Length over it is answered 413 at once; a chunked body (no
length) is read up to the limit and refused as soon as it passes it. Gunicorn then closes
the connection instead of reading the rest (it drains at most 64 KB before a keep-alive).
"""

import io

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

_READ_CHUNK = 64 * 1024


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.FIANZA_MAX_REQUEST_BYTES
        declared = _declared_length(request.META)
        if declared is not None and declared > limit:
            return too_large_response(request, limit)
        if declared is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", ""):
            if not _buffer_chunked_body(request, limit):
                return too_large_response(request, limit)
        return self.get_response(request)


def _declared_length(meta):
    try:
        return int(meta.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _buffer_chunked_body(request, limit):
    """Read a chunked body into memory up to the limit. False when it is longer; else the
    request reads the buffered copy with its now-known length, as Django expects."""
    stream, body = request.META["wsgi.input"], bytearray()
    while True:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
        if len(body) > limit:
            return False
    request.META["CONTENT_LENGTH"] = str(len(body))
    request.META["wsgi.input"] = io.BytesIO(bytes(body))
    request._stream = io.BytesIO(bytes(body))
    return True


def too_large_response(request, limit):
    """The 413 page, in the language the visitor's cookie or browser asks for: the
    locale middleware has not run yet, and must not, since it may read the session."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        html = render_to_string("ops/413.html", {
            "limit_mb": limit // (1024 * 1024), "LANGUAGE_CODE": language})
    response = HttpResponse(html, status=413)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response
