"""Ledger benchmark against PostgreSQL over TCP; prints figures, is not a test.

    .venv/bin/python benchmarks/ledger.py --quick
    .venv/bin/python benchmarks/ledger.py --duration 20 --sizes 1000000,10000000

1. Posted transfers per second with 1, 4 and 8 client processes, each through the real
   `ledger.services.transfer_create` (one transaction per transfer), with p50 and p99 latency;
   beside it pgbench's builtin tpcb-like on the same server, same clients and duration, and the
   ratio. Contention is made comparable: tpcb-like updates one of `scale` (8) branch rows per
   transaction, so each transfer credits one of `--hot` (8) accounts and debits one of
   `--accounts` limited accounts. Each client keeps one connection open for the run and runs
   with DEBUG off (no query log), as pgbench keeps its connections.
2. Balance read, statement page and full reconciliation with N transfers loaded (bulk-loaded with
   generate_series, counters kept consistent), to show they don't grow with N.

`--profile N` instead measures client CPU per transfer (time.process_time over N transfers in
one process, then a cProfile of them) and the queries one transfer sends: load-independent
figures, unlike throughput on a shared machine.
"""

import argparse
import contextlib
import multiprocessing as mp
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB, PGBENCH_DB = "fianza_bench", "fianza_pgbench"


def server_url(args, db):
    return f"{args.server}/{db}"


def recreate(args, db):
    import psycopg

    with psycopg.connect(server_url(args, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def django_setup(args):
    os.environ["DATABASE_URL"] = server_url(args, BENCH_DB)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def prepare(args):
    recreate(args, BENCH_DB)
    django_setup(args)
    from django.core.management import call_command

    from ledger import services

    call_command("migrate", verbosity=0)
    source = services.account_open(key="bench:source", book="money", code="bench",
                                   currency="USD", name="Bench source", program_ref="bench")
    ids = []
    for i in range(args.accounts):
        a = services.account_open(key=f"bench:{i}", book="money", code="bench", currency="USD",
                                  name=f"Bench {i}", program_ref="bench",
                                  debits_must_not_exceed_credits=True)
        services.transfer_create(key=f"bench:seed:{i}", debit_account_id=source.pk,
                                 credit_account_id=a.pk, amount=10**12, code="fund")
        ids.append(a.pk)
    hot = [services.account_open(key=f"bench:hot:{i}", book="money", code="bench",
                                 currency="USD", name=f"Bench hot {i}", program_ref="bench").pk
           for i in range(args.hot)]
    return ids, hot


def one_transfer(services, rng, ids, hot, key):
    """A posted transfer from a random limited account to one of the hot accounts (the
    counterpart of tpcb-like's branch row)."""
    services.transfer_create(key=key, debit_account_id=rng.choice(ids),
                             credit_account_id=rng.choice(hot), amount=rng.randint(1, 100),
                             code="disburse")


def client(args, ids, hot, tag, deadline, queue):
    django_setup(args)
    from django.conf import settings
    from django.db import connection, transaction

    from ledger import services

    settings.DEBUG = False  # production settings: no query log kept per statement
    rng = random.Random(tag)
    latencies, n = [], 0
    # A caller's transaction around each transfer (BEGIN, the statement, COMMIT), or the
    # transfer alone: on PostgreSQL a plain transfer is one statement, atomic by itself.
    wrap = transaction.atomic if args.in_transaction else contextlib.nullcontext
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        with wrap():
            one_transfer(services, rng, ids, hot, f"{tag}-{n}")
        latencies.append(time.perf_counter() - t0)
        n += 1
    connection.close()
    queue.put(latencies)


def run_ledger(args, ids, hot, clients):
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start = time.perf_counter() + 1.0
    deadline = start + args.duration
    procs = [ctx.Process(target=client, args=(args, ids, hot, f"c{clients}-{i}", deadline, queue))
             for i in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    lat = sorted(x for r in results for x in r)
    return {"tps": len(lat) / args.duration, "p50": lat[len(lat) // 2] * 1000,
            "p99": lat[int(len(lat) * 0.99)] * 1000}


def pgbench_init(args):
    recreate(args, PGBENCH_DB)
    subprocess.run(["pgbench", "-i", "-q", "-s", str(args.scale), server_url(args, PGBENCH_DB)],
                   check=True, capture_output=True)


def run_pgbench(args, clients):
    out = subprocess.run(
        ["pgbench", "-n", "-c", str(clients), "-j", str(clients), "-T", str(args.duration),
         "-b", "tpcb-like", server_url(args, PGBENCH_DB)],
        check=True, capture_output=True, text=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    return {"tps": tps, "avg": float(lat.group(1)) if lat else float("nan")}


def throughput(args, ids, hot):
    print(f"\n## Posted transfers/s ({args.duration}s per run, {args.accounts} accounts"
          f" -> {args.hot} hot accounts)")
    if not args.skip_pgbench:
        pgbench_init(args)
    print("clients | ledger tps | p50 ms | p99 ms | pgbench tps | ratio | load avg (1 min)")
    for clients in args.clients:
        mine = run_ledger(args, ids, hot, clients)
        theirs = run_pgbench(args, clients) if not args.skip_pgbench else {"tps": float("nan")}
        print(f"{clients:7d} | {mine['tps']:10.0f} | {mine['p50']:6.2f} | {mine['p99']:6.2f} |"
              f" {theirs['tps']:11.0f} | {mine['tps'] / theirs['tps']:.2f}  |"
              f" {os.getloadavg()[0]:.1f}", flush=True)


def profile(args, ids, hot):
    """Client CPU per transfer in one process (load-independent) and the queries of one."""
    import cProfile
    import pstats

    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from ledger import services

    settings.DEBUG = False
    rng = random.Random(0)

    def run(tag, n):
        for i in range(n):
            with transaction.atomic():
                one_transfer(services, rng, ids, hot, f"{tag}-{i}")

    with CaptureQueriesContext(connection) as queries:
        run("probe", 1)
    print(f"\n## One transfer: {len(queries.captured_queries)} statements")
    for q in queries.captured_queries:
        print("  ", " ".join(q["sql"].split())[:100])
    run("warm", 200)
    t0, c0 = time.perf_counter(), time.process_time()
    run("timed", args.profile)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{args.profile} transfers in one process: client CPU {cpu / args.profile * 1000:.3f}"
          f" ms, wall {wall / args.profile * 1000:.3f} ms per transfer")
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(run, "profiled", min(args.profile, 1000))
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


# Reads against a large history -------------------------------------------------------------

def chart_accounts():
    """A program's real chart: 50 consulates, 20 partners, their budget and money accounts."""
    from ledger import funds, services
    from ledger.models import Account

    dims = {"program": "bulk:1", "currency": "USD"}
    funds.program_open(**dims)
    accounts = []
    for c in range(1, 51):
        accounts += [funds.account(code, consulate_id=c, **dims)
                     for code in ("consulate_available", "consulate_committed")]
        accounts += [funds.account(code, consulate_id=c, partner_id=c % 20 + 1, **dims)
                     for code in ("partner_advance", "bonds_held", "grant_expense")]
    for p in range(1, 21):
        accounts += [funds.account(code, partner_id=p, **dims)
                     for code in ("partner_cap", "partner_committed")]
    source = funds.account("funding", **dims)
    for a in accounts:  # enough held that the bulk history never passes a limit
        services.transfer_create(key=f"bulk:seed:{a.pk}", debit_account_id=source.pk,
                                 credit_account_id=a.pk, amount=10**15, code="fund")
    return [a.pk for a in Account.objects.filter(pk__in=[a.pk for a in accounts])
            .order_by("pk")]


BULK_SQL = """
INSERT INTO ledger_transfer (id, debit_account_id, credit_account_id, amount, currency, code,
    pending, post_pending, void_pending, linked, reference, memo, created_at,
    debit_pending_after, debit_posted_after, credit_pending_after, credit_posted_after)
SELECT 'bulk-' || g, (%(ids)s::bigint[])[1 + g %% %(k)s],
       (%(ids)s::bigint[])[1 + (g + 1) %% %(k)s], 1 + g %% 100, 'USD', 'disburse',
       false, false, false, '', '', '', now() - make_interval(secs => g), 0, 0, 0, 0
FROM generate_series(%(lo)s, %(hi)s) g;
UPDATE ledger_account a SET debits_posted = a.debits_posted + s.total
FROM (SELECT (%(ids)s::bigint[])[1 + g %% %(k)s] AS id, sum(1 + g %% 100) AS total
      FROM generate_series(%(lo)s, %(hi)s) g GROUP BY 1) s WHERE a.id = s.id;
UPDATE ledger_account a SET credits_posted = a.credits_posted + s.total
FROM (SELECT (%(ids)s::bigint[])[1 + (g + 1) %% %(k)s] AS id, sum(1 + g %% 100) AS total
      FROM generate_series(%(lo)s, %(hi)s) g GROUP BY 1) s WHERE a.id = s.id;
"""


def bulk_load(ids, lo, hi):
    from django.db import connection, transaction

    params = {"ids": ids, "k": len(ids), "lo": lo, "hi": hi}
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in BULK_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_transfer; ANALYZE ledger_account")


def timed(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def reads(args):
    from ledger import selectors
    from ledger.models import Transfer

    print("\n## Reads with a large history (median ms)")
    ids = chart_accounts()
    loaded, busy = 0, ids[0]
    print("transfers | balance | statement page | reconciliation (all) | load")
    for size in args.sizes:
        t0 = time.perf_counter()
        bulk_load(ids, loaded + 1, size)
        load_s = time.perf_counter() - t0
        loaded = size
        balance = timed(lambda: selectors.account_balance(account_id=busy), 200)
        statement = timed(lambda: selectors.account_statement(account_id=busy), 50)
        recon = timed(lambda: selectors.reconciliation(), 20)
        total = Transfer.objects.count()
        print(f"{total:9d} | {balance:7.2f} | {statement:14.2f} | {recon:20.2f} |"
              f" (loaded in {load_s:.0f}s)", flush=True)
    if args.verify:
        from ledger.verify import verify

        t0 = time.perf_counter()
        problems = verify()
        print(f"ledger_verify over {loaded} transfers: {len(problems)} breaks,"
              f" {time.perf_counter() - t0:.1f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--accounts", type=int, default=1000, help="limited debit accounts")
    parser.add_argument("--hot", type=int, default=8,
                        help="credit accounts (tpcb-like's branches: pgbench's scale)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="only measure client CPU per transfer over N transfers")
    parser.add_argument("--scale", type=int, default=8, help="pgbench -s")
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--quick", action="store_true",
                        help="5 s runs, 100 accounts, 100k and 1M transfers")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--verify", action="store_true", help="run ledger_verify at the end")
    parser.add_argument("--standalone", dest="in_transaction", action="store_false",
                        help="call transfer_create outside a caller's transaction (autocommit)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.accounts, args.sizes = 5, 100, "100000,1000000"
    args.clients = [int(c) for c in args.clients.split(",")]
    args.sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# Fianza ledger benchmark ({args.server}, {os.cpu_count()} CPUs, load average"
          f" {' '.join(f'{x:.2f}' for x in os.getloadavg())}: the machine may be shared)")
    ids, hot = prepare(args)
    if args.profile:
        profile(args, ids, hot)
        return
    if not args.skip_throughput:
        throughput(args, ids, hot)
    if not args.skip_reads:
        reads(args)


if __name__ == "__main__":
    main()
