"""Requests per second of a running server, on loopback, with keep-alive connections.

    .venv/bin/python benchmarks/http_load.py http://127.0.0.1:8000/healthz/ --clients 8
    # a signed-in page: a session for a demo user is made in the server's database
    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/http_load.py \
        http://127.0.0.1:8000/beneficiaries/ --as oficial.chicago

Prints requests/s, the status codes seen and latency percentiles.
"""

import sys
from pathlib import Path

# Run as a script, this folder comes first on the path, where a script named like a standard
# module would hide the standard library's: look from the project root instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402


def session_cookie(username):
    """A signed-in, second-factor-verified session for `username`, as the sign-in makes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from core.models import User

    user = User.objects.get(username=username)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store["fianza_signed_in_at"] = store["fianza_seen_at"] = time.time()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def client(url, cookie, deadline, results):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            status = "error"
            conn.close()
        results.append((status, time.monotonic() - started))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--as", dest="username")
    args = parser.parse_args()
    cookie = session_cookie(args.username) if args.username else ""
    results, deadline = [], time.monotonic() + args.duration
    threads = [threading.Thread(target=client, args=(args.url, cookie, deadline, results))
               for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(seconds for _, seconds in results)
    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"{args.url} ({args.clients} clients, {args.duration:g} s"
          f"{', as ' + args.username if args.username else ''}): "
          f"{len(results) / args.duration:.1f} requests/s; statuses {statuses}; "
          f"p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
