"""Error reporting to Sentry, switched on by SENTRY_DSN, with personal data removed.

`send_default_pii=False` keeps cookies, client addresses and user names out; `scrub_event`
then drops what remains that could name a person: request bodies, query strings, headers
other than a few technical ones, local variables, and personal data inside messages.
"""

from ops.logging import scrub

_KEPT_HEADERS = {"content-type", "content-length", "user-agent", "x-request-id", "accept",
                 "accept-language", "host"}


def sentry_init(*, dsn, environment, release="", traces_sample_rate=0.0, transport=None):
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options = dict(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)


def scrub_event(event, hint=None):
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if request.get("url"):
            request["url"] = request["url"].split("?", 1)[0]
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if user.get("id") else {}
    if event.get("message"):
        event["message"] = scrub(event["message"])
    logentry = event.get("logentry")
    if logentry:
        logentry["message"] = scrub(logentry.get("message", ""))
        logentry["params"] = []
        if logentry.get("formatted"):
            logentry["formatted"] = scrub(logentry["formatted"])
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = scrub(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        if crumb.get("message"):
            crumb["message"] = scrub(crumb["message"])
        crumb.pop("data", None)
    return event
