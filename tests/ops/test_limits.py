"""A body larger than the limit is refused before a byte of it is read."""

import io

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from ops.limits import RequestBodyLimitMiddleware

TWO_HUNDRED_MB = 200 * 1024 * 1024


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_200_mb_body_is_refused_in_spanish_without_reading_it(client, db):
    response = client.generic("POST", "/status/", data=b"", CONTENT_LENGTH=str(TWO_HUNDRED_MB),
                              **{"wsgi.input": Unreadable()})

    assert response.status_code == 413
    assert response["Content-Language"] == "es"
    assert "demasiado grande" in response.content.decode()
    assert "32 MB" in response.content.decode()
    assert response["X-Request-ID"]


def test_the_413_page_speaks_the_visitors_language(client, db):
    response = client.generic("POST", "/bonds/", data=b"", CONTENT_LENGTH=str(TWO_HUNDRED_MB),
                              HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
                              **{"wsgi.input": Unreadable()})

    assert response.status_code == 413
    assert "The file or form is too large" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_body_within_the_limit_is_served_as_usual(client, db):
    response = client.post("/status/", {"reference": "CHI-2026-000001"})

    assert response.status_code != 413


def _echo(request):
    return HttpResponse(request.POST.get("note", "") + "|" + str(len(request.body)))


def _chunked(factory, body):
    request = factory.generic("POST", "/echo/", data=b"placeholder",
                              content_type="application/x-www-form-urlencoded")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = io.BytesIO(body)
    return request


@override_settings(FIANZA_MAX_REQUEST_BYTES=1024)
def test_a_chunked_body_past_the_limit_is_refused_once_it_passes_it():
    stream = io.BytesIO(b"note=" + b"x" * 5000)
    request = _chunked(RequestFactory(), b"")
    request.META["wsgi.input"] = stream

    response = RequestBodyLimitMiddleware(_echo)(request)

    assert response.status_code == 413
    assert stream.tell() == 1025  # read one byte past the limit, no further


@override_settings(FIANZA_MAX_REQUEST_BYTES=1024)
def test_a_chunked_body_within_the_limit_reaches_the_view_whole():
    request = _chunked(RequestFactory(), b"note=hola")

    response = RequestBodyLimitMiddleware(_echo)(request)

    assert response.status_code == 200
    assert response.content == b"hola|9"


@pytest.mark.parametrize("length", ["", "abc"])
def test_a_missing_or_bad_length_is_left_to_django(length):
    request = RequestFactory().post("/echo/", {"note": "x"})
    request.META["CONTENT_LENGTH"] = length

    assert RequestBodyLimitMiddleware(lambda r: HttpResponse("ok"))(request).status_code == 200
