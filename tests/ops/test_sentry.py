"""Errors reach Sentry without the personal data around them."""

import sentry_sdk
from django.urls import path
from sentry_sdk.transport import Transport

from ops.sentry import scrub_event, sentry_init


class Captured(Transport):
    events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                Captured.events.append(item.payload.json)


def failing(request):
    raise ValueError("beneficiary maria.lopez@example.com has CURP LOAX900102HDFPRN09")


urlpatterns = [path("boom/", failing)]


def test_an_error_in_a_page_reaches_sentry_without_personal_data(client, db, settings):
    settings.ROOT_URLCONF = __name__
    Captured.events.clear()
    sentry_init(dsn="https://public@sentry.example.org/1", environment="test",
                transport=Captured)
    try:
        client.raise_request_exception = False
        client.cookies["sessionid"] = "secret-session"
        assert client.get("/boom/?reference=CHI-2026-000012&given_names=Maria",
                          HTTP_AUTHORIZATION="Bearer x").status_code == 500
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # switch reporting off again for the other tests

    assert Captured.events, "nothing reached the transport"
    event = Captured.events[-1]
    assert event["exception"]["values"][-1]["value"] == "beneficiary [email] has CURP [curp]"
    request = repr(event["request"])
    for secret in ("secret-session", "Bearer x", "given_names", "Maria", "CHI-2026"):
        assert secret not in request
    text = repr(event)
    assert "/boom/" in text


def test_the_scrubber_keeps_only_technical_request_facts():
    event = {
        "request": {"url": "https://fianza.example.org/status/?reference=CHI-1",
                    "query_string": "reference=CHI-1", "data": {"given_names": "Maria"},
                    "cookies": {"sessionid": "s"},
                    "headers": {"Cookie": "sessionid=s", "User-Agent": "UA",
                                "X-Request-ID": "abc12345", "Authorization": "Basic x"}},
        "user": {"id": "7", "email": "ana@example.org", "username": "oficial.chicago"},
        "logentry": {"message": "sent to %s", "params": ["ana@example.org"],
                     "formatted": "sent to ana@example.org"},
        "exception": {"values": [{"value": "no row for A212345678",
                                  "stacktrace": {"frames": [{"vars": {"curp": "X"}}]}}]},
        "breadcrumbs": {"values": [{"message": "mail to ana@example.org",
                                    "data": {"to": "ana@example.org"}}]},
    }

    scrubbed = scrub_event(event)

    assert scrubbed["request"] == {"url": "https://fianza.example.org/status/",
                                   "headers": {"User-Agent": "UA", "X-Request-ID": "abc12345"}}
    assert scrubbed["user"] == {"id": "7"}
    assert scrubbed["logentry"] == {"message": "sent to %s", "params": [],
                                    "formatted": "sent to [email]"}
    assert scrubbed["exception"]["values"][0] == {"value": "no row for [a-number]",
                                                  "stacktrace": {"frames": [{}]}}
    assert scrubbed["breadcrumbs"]["values"] == [{"message": "mail to [email]"}]
