"""The client's address, as the trusted proxies in front of us saw it.

Behind N trusted proxies (FIANZA_TRUSTED_PROXY_COUNT), each proxy appends the address it
received the request from to X-Forwarded-For, so the client is the N-th entry from the right
of "X-Forwarded-For + REMOTE_ADDR"; everything further left was written by the client and
cannot be trusted. With no trusted proxy the header is ignored: REMOTE_ADDR is the client.

django-ipware's proxy count is not used here: with a count of 0 it still believes a single
X-Forwarded-For entry, which lets any client choose its own address.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = max(int(getattr(settings, "FIANZA_TRUSTED_PROXY_COUNT", 0) or 0), 0)
    if count == 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    if len(hops) <= count:
        # Fewer hops than proxies: the request did not come the way it should, and any
        # header entry may be the client's own. Count it against whoever connected.
        return remote
    candidate = hops[-(count + 1)]
    return candidate if _valid(candidate) else remote


def _valid(value) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
