"""The audit list with ten years of the network's events (5 million by default); prints
figures, is not a test.

    .venv/bin/python benchmarks/pages_audit.py [--events 5000000] [--repeat 30] [--reload]

It creates the database `<prefix>_audit` on the local PostgreSQL once (kept between runs; the
events are loaded again only with `--reload` or when fewer are there), migrates it, loads the
demo, and appends the events with one INSERT ... SELECT FROM generate_series: 40 actions, 12
object types, spread over 10 years and the demo's consulates. These rows link prev_hash to the
previous row's hash but their hashes are not the content's (audit_verify is not meaningful in
this database). Then, signed in as the demo auditor through django.test.Client (real
middleware, templates and second factor), it requests the list as people use it (first page,
an action, a date range, a user, 100 pages deep) and prints per request the queries, median and
p95 ms and the load; beside them, what the removed queries cost on the same table (the two
SELECT DISTINCT for the filter choices and the paginator's COUNT(*)).
"""

import argparse
import os
import statistics
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

LOAD_SQL = """
INSERT INTO core_auditevent (created_at, actor_id, action, object_type, object_id, changes,
    comment, consulate_id, prev_hash, hash)
SELECT now() - make_interval(secs => (%(n)s - g) * (315360000.0 / %(n)s)),
       (%(actors)s::int[])[1 + g %% cardinality(%(actors)s::int[])],
       'action.' || (g * 7919 %% 40), 'app.model' || (g %% 12), (g %% 1300000)::text,
       '{}'::jsonb, '', (%(consulates)s::int[])[1 + g %% cardinality(%(consulates)s::int[])],
       encode(sha256(('bulk' || (g - 1))::bytea), 'hex'),
       encode(sha256(('bulk' || g)::bytea), 'hex')
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
"""


def prepare(args):
    import psycopg

    db = f"{args.prefix}_audit"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db}"')
    os.environ.update({"DATABASE_URL": f"{args.server}/{db}", "DJANGO_DEBUG": "0",
                       "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
                       "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_SECURE_SSL_REDIRECT": "0",
                       "DJANGO_SETTINGS_MODULE": "config.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not exists:
        call_command("load_demo", verbosity=0)
    load_events(args)


def load_events(args):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from core.models import AuditEvent, Consulate

    have = AuditEvent.objects.count()
    if have >= args.events and not args.reload:
        print(f"{have:,} audit events already loaded", flush=True)
        return
    params = {"n": args.events, "actors": list(get_user_model().objects.values_list("pk",
                                                                                   flat=True)),
              "consulates": list(Consulate.objects.values_list("pk", flat=True))}
    t0 = time.perf_counter()
    step = 1_000_000
    for lo in range(1, args.events + 1, step):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(LOAD_SQL, {**params, "lo": lo, "hi": min(lo + step - 1, args.events)})
        print(f"  {min(lo + step - 1, args.events):,} events ({time.perf_counter() - t0:.0f} s,"
              f" load {benchlib.load():.1f})", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditevent")


def client_for(username):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp.plugins.otp_static.models import StaticDevice

    setup_test_environment()  # the client then keeps each response's template context
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = StaticDevice.objects.filter(user=user).first().persistent_id
    session.save()
    return client


def timed(fn, repeat):
    from django.db import connection

    fn()
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return (len(statements), statistics.median(samples),
            samples[min(len(samples) - 1, int(len(samples) * 0.95))])


def deep_before(client, pages):
    """The `before` id of the page `pages` pages down, following the Older links."""
    before = None
    for _ in range(pages):
        page = client.get("/audit/", {"before": before} if before else {}).context["page"]
        before = page.older
    return before


def measure(args):
    from django.db import connection

    client = client_for("auditoria")
    deep = deep_before(client, 100)
    cases = [("first page", {}), ("one action", {"action": "action.7"}),
             ("a month", {"date_from": "2022-03-01", "date_to": "2022-03-31"}),
             ("a user", {"actor": "oficial.chicago"}), ("100 pages deep", {"before": deep})]
    print(f"\n## /audit/ with {args.events:,} events, signed in as the auditor"
          f" ({args.repeat} requests each)")
    print("request | queries | median ms | p95 ms | load")
    for name, params in cases:
        def get(params=params):
            assert client.get("/audit/", params).status_code == 200

        n, med, p95 = timed(get, args.repeat)
        print(f"{name:15} | {n:7d} | {med:9.1f} | {p95:6.1f} | {benchlib.load():.1f}", flush=True)
    print("\nwhat the page no longer runs (same table, median ms over 5):")
    for sql in ("SELECT DISTINCT action FROM core_auditevent ORDER BY action",
                "SELECT DISTINCT object_type FROM core_auditevent ORDER BY object_type",
                "SELECT COUNT(*) FROM core_auditevent"):
        def run(sql=sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        _n, med, _p95 = timed(run, 5)
        print(f"  {med:8.1f} ms  {sql}  (load {benchlib.load():.1f})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="fianza")
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    print(f"# Audit list at volume ({os.cpu_count()} CPUs, load {benchlib.load():.2f})",
          flush=True)
    prepare(args)
    measure(args)


if __name__ == "__main__":
    main()
