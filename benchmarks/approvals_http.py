"""An approval over HTTP against a trivial signed-in page, on the same gunicorn; prints
figures, is not a test.

    .venv/bin/python benchmarks/approvals_http.py [--clients 8] [--duration 10] [--rounds 3]

It (re)creates the database `<prefix>_http` on the local PostgreSQL, migrates it, loads the
demo (`load_demo`), opens a bond program of its own with budget to spare (one signature
approves), and creates `--requests` submitted bond requests through the real services. Then it
starts gunicorn on 127.0.0.1 (`--workers` x `--threads`, production settings: DEBUG off) and
signs in `--clients` finance approvers' sessions (the second factor marked as passed, as the
sign-in wizard leaves it). Each client keeps one keep-alive connection and, in alternating
rounds, either POSTs "approve" for the next request of its own share (`/bonds/<id>/do/approve/`,
the redirect not followed) or GETs the trivial page (`--trivial`, the two-factor profile page).
With `--broker`, the server queues its notifications on that broker (as production does)
instead of delivering them inside the request (the default without one).
Prints requests per second, p50 / p95 / p99, the ratio of medians and the load; at the end,
how many requests the database shows approved against the POSTs that answered 302.
"""

import argparse
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# This folder goes last (Python put it first): a script named like a standard module
# must never shadow it.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.append(str(ROOT / "benchmarks"))

import benchlib  # noqa: E402

CSRF = "benchmarkcsrfsecret0123456789abc"  # 32 characters: Django accepts it unmasked


def environment(args):
    return {**os.environ, "DATABASE_URL": f"{args.server}/{args.prefix}_http",
            "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "CELERY_BROKER_URL": args.broker, "DJANGO_SETTINGS_MODULE": "config.settings"}


def prepare(args):
    import psycopg

    if not args.reuse:
        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.prefix}_http" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.prefix}_http"')
    os.environ.update(environment(args))
    import django

    django.setup()
    from django.core.management import call_command

    if args.reuse:  # the requests a previous run left submitted
        from bondfund.models import BondRequest

        return list(BondRequest.objects.filter(program__name="Benchmark program",
                                               state="submitted").values_list("pk", flat=True))

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    return program_with_requests(args)


def program_with_requests(args):
    import datetime

    from django.contrib.auth import get_user_model
    from djmoney.money import Money

    from bondfund import services
    from bondfund.models import AllocationKind
    from core.models import Beneficiary, Consulate

    users = get_user_model().objects.in_bulk(
        ["admin.programas", "oficial.chicago"], field_name="username")
    admin, officer = users["admin.programas"], users["oficial.chicago"]
    usd = lambda amount: Money(amount, "USD")  # noqa: E731
    program = services.program_create(
        actor=admin, name="Benchmark program", total_budget=usd(50_000_000),
        per_case_maximum=usd(25_000), approval_tiers=[],
        starts_on=datetime.date(2020, 1, 1))
    chicago = Consulate.objects.get(code="CHI")
    services.program_budget_change(actor=admin, program_id=program.pk,
                                   kind=AllocationKind.CONSULATE, amount=usd(40_000_000),
                                   consulate=chicago, memo="benchmark")
    partner = services.obligor_choices(chicago.pk).first()
    services.program_budget_change(actor=admin, program_id=program.pk,
                                   kind=AllocationKind.PARTNER_CAP, amount=usd(40_000_000),
                                   partner=partner, memo="benchmark")
    people = list(Beneficiary.objects.active().filter(consulate=chicago).order_by("pk"))
    ids = []
    for i in range(args.requests):
        bond = services.bond_request_create(
            actor=officer, beneficiary=people[i % len(people)], program=program,
            facility=f"Benchmark facility {i}", detained_on=datetime.date(2026, 1, 2),
            obligor=partner, eligibility_answers={}, authority="ij",
            decided_on=datetime.date(2026, 1, 10), judge_or_court="IJ", amount=usd(1_500),
            bond_type="delivery")
        services.bond_request_submit(actor=officer, request_id=bond.pk)
        ids.append(bond.pk)
    return ids


def sessions(n):
    """n signed-in approver sessions (alternating the demo's two Chicago approvers), each with
    its second factor passed."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    keys = []
    for i in range(n):
        user = get_user_model().objects.get(
            username=("finanzas.chicago", "finanzas.chicago2")[i % 2])
        client = Client()
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = StaticDevice.objects.filter(user=user).first().persistent_id
        session.save()
        keys.append(session.session_key)
    return keys


def start_gunicorn(args):
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{args.port}",
         "-w", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"],
        cwd=ROOT, env=environment(args))
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def side(args, keys, shares, approve):
    def setup(tag):
        index = int(tag.split("-")[1])
        return {"conn": http.client.HTTPConnection("127.0.0.1", args.port, timeout=120),
                "cookie": f"sessionid={keys[index]}; csrftoken={CSRF}",
                "todo": shares[index] if shares else []}

    def op(state, _key):
        conn, headers = state["conn"], {"Cookie": state["cookie"]}
        if approve:
            pk = state["todo"].pop()
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": CSRF})
            conn.request("POST", f"/bonds/{pk}/do/approve/", body="approve-comment=ok&confirm=1",
                         headers=headers)
        else:
            conn.request("GET", args.trivial, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status == (302 if approve else 200)

    return benchlib.run_clients(args.clients, setup, op, args.duration)


def profile(args, ids, keys):
    """In-process: the queries of one approval POST (grouped by table and verb), then a
    cProfile over `--profile` approvals: where an approval's time goes."""
    import collections
    import cProfile
    import pstats
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"], client.cookies["csrftoken"] = keys[0], CSRF
    post = lambda pk: client.post(f"/bonds/{pk}/do/approve/",  # noqa: E731
                                  {"approve-comment": "ok", "confirm": "1"},
                                  HTTP_X_CSRFTOKEN=CSRF)
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        status = post(ids.pop()).status_code
        took = (time.perf_counter() - t0) * 1000
    kinds = collections.Counter(
        " ".join(re.findall(r'^\s*(\w+)|(?:FROM|INTO|UPDATE) "?(\w+)', q["sql"])[0]).strip()
        + " " + (re.search(r'(?:FROM|INTO|UPDATE) "?(\w+)', q["sql"]) or [""] * 2)[1]
        for q in queries.captured_queries)
    print(f"\n## One approval: HTTP {status}, {len(queries.captured_queries)} queries,"
          f" {took:.0f} ms (load {benchlib.load():.1f})")
    for kind, n in kinds.most_common(25):
        print(f"  {n:4d}  {kind}")
    print("in order:")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {' '.join(q['sql'].split())[:110]}")
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [post(ids.pop()) for _ in range(args.profile)])
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def remaining_shares(ids, n):
    from django.db import connections

    from bondfund.models import BondRequest

    left = list(BondRequest.objects.filter(pk__in=ids, state="submitted")
                .order_by("-pk").values_list("pk", flat=True))
    connections.close_all()  # the clients are forked: no connection crosses the fork
    return [left[i::n] for i in range(n)], len(left)


def report(res, approved, posts):
    mine, theirs = res["approve"], res["trivial"]
    print("\nwhat | requests/s min/med/max | p50 ms | p95 ms | p99 ms | load min/med/max")
    for name, results in (("approve", mine), ("trivial", theirs)):
        print(f"{name:7} | {benchlib.fmt_spread([r['tps'] for r in results]):>22} |"
              f" {benchlib.median_of(results, 'p50'):6.1f} |"
              f" {benchlib.median_of(results, 'p95'):6.1f} |"
              f" {benchlib.median_of(results, 'p99'):6.1f} |"
              f" {benchlib.fmt_spread([r['load'] for r in results], 1)}")
    ratio = benchlib.median_of(theirs, "tps") / benchlib.median_of(mine, "tps")
    print(f"an approval costs {ratio:.2f}x a trivial page (goal <= 2x); p95"
          f" {benchlib.median_of(mine, 'p95'):.0f} ms (goal < 150 ms)")
    print(f"approved in the database: {approved} of {posts} POSTs answered with a redirect")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="fianza")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--trivial", default="/account/two_factor/")
    parser.add_argument("--broker", default="",
                        help="CELERY_BROKER_URL for the server (e.g. a Redis database no worker"
                             " reads): notifications are queued as in production instead of"
                             " delivered inside the request")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead: the queries of one approval and a profile of N more")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of a previous run and its submitted requests")
    args = parser.parse_args()
    print(f"# Approvals over HTTP ({os.cpu_count()} CPUs, load {benchlib.load():.2f})",
          flush=True)
    ids = prepare(args)
    keys = sessions(args.clients)
    if args.profile:
        return profile(args, ids, keys)
    server = start_gunicorn(args)
    posts = 0
    try:
        def approve():
            nonlocal posts
            shares, left = remaining_shares(ids, args.clients)
            result = side(args, keys, shares, approve=True)
            posts += left - remaining_shares(ids, args.clients)[1]
            return result

        res = benchlib.alternate(args.rounds, [
            ("approve", approve),
            ("trivial", lambda: side(args, keys, None, approve=False))])
    finally:
        server.terminate()
        server.wait()
    from bondfund.models import BondRequest

    report(res, BondRequest.objects.filter(pk__in=ids, state="approved").count(), posts)


if __name__ == "__main__":
    main()
