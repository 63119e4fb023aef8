"""Ledger benchmark against PostgreSQL over TCP; prints figures, is not a test.

    .venv/bin/python benchmarks/ledger.py --quick
    .venv/bin/python benchmarks/ledger.py --duration 10 --rounds 3 --skip-reads
    .venv/bin/python benchmarks/ledger.py --skip-throughput --sizes 1000000,10000000

1. Transfers per second with 1, 4 and 8 client processes through the real
   `ledger.services.transfer_create`, inside a caller's `transaction.atomic()` (how every
   service calls it) and then on its own (`--standalone` adds that mode); beside it pgbench's
   builtin tpcb-like on the same server with the same clients and duration. The two sides
   alternate over `--rounds` rounds (which one goes first flips every round); each line prints
   min / median / max and the ratio of the medians, with the machine's load. Only operations
   that began and ended inside the window count (clients warm up for a second first).
   Contention is made comparable: tpcb-like updates one of `scale` (8) branch rows per
   transaction, so each transfer touches one of `--hot` (8) hot accounts and one of
   `--accounts` limited accounts. The limited accounts hold little (`--funding`), so some
   transfers are refused by their limit (counted apart, as refusals per second); one transfer
   in five goes back from a hot account, so the refusals stay steady over the run.
2. Balance read, statement page and full reconciliation with N transfers loaded (bulk-loaded
   with generate_series, counters kept consistent), to show they don't grow with N.

`--profile N` instead measures client CPU per transfer (time.process_time over N transfers in
one process, then a cProfile of them) and the queries one transfer sends: load-independent
figures, unlike throughput on a shared machine.

The hot pair against django-hordak is `benchmarks/ledger_hot.py`; batches are
`benchmarks/ledger_batch.py`.
"""

import argparse
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
# This folder goes last (Python put it first): a script named like a standard module
# must never shadow it.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.append(str(ROOT / "benchmarks"))

import benchlib  # noqa: E402


def server_url(args, db):
    return f"{args.server}/{db}"


def recreate(args, db):
    import psycopg

    with psycopg.connect(server_url(args, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def django_setup(args):
    os.environ["DATABASE_URL"] = server_url(args, f"{args.prefix}_bench")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def prepare(args):
    recreate(args, f"{args.prefix}_bench")
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
                                 credit_account_id=a.pk, amount=args.funding, code="fund")
        ids.append(a.pk)
    hot = [services.account_open(key=f"bench:hot:{i}", book="money", code="bench",
                                 currency="USD", name=f"Bench hot {i}", program_ref="bench").pk
           for i in range(args.hot)]
    return ids, hot


def one_transfer(services, rng, ids, hot, key):
    """Four in five: a limited account pays one of the hot accounts (tpcb-like's branch row),
    refused when the account is short; one in five: a hot account pays it back."""
    limited, branch = rng.choice(ids), rng.choice(hot)
    if rng.random() < 0.8:
        debit, credit, amount = limited, branch, rng.randint(1, 100)
    else:
        debit, credit, amount = branch, limited, rng.randint(1, 400)
    services.transfer_create(key=key, debit_account_id=debit, credit_account_id=credit,
                             amount=amount, code="disburse")


def ledger_side(args, ids, hot, clients, in_transaction):
    def setup(tag):
        django_setup(args)
        from django.conf import settings

        settings.DEBUG = False  # production settings: no query log kept per statement
        return random.Random(tag)

    def op(rng, key):
        import contextlib

        from django.db import transaction

        from ledger import services
        from ledger.exceptions import LimitExceeded

        wrap = transaction.atomic if in_transaction else contextlib.nullcontext
        try:
            with wrap():
                one_transfer(services, rng, ids, hot, key)
        except LimitExceeded:
            return False
        return True

    from django.db import connections

    connections.close_all()
    return benchlib.run_clients(clients, setup, op, args.duration)


def pgbench_init(args):
    recreate(args, f"{args.prefix}_pgbench")
    subprocess.run(["pgbench", "-i", "-q", "-s", str(args.scale),
                    server_url(args, f"{args.prefix}_pgbench")],
                   check=True, capture_output=True)


def pgbench_side(args, clients):
    out = subprocess.run(
        ["pgbench", "-n", "-c", str(clients), "-j", str(clients), "-T", str(args.duration),
         "-b", "tpcb-like", "-r", server_url(args, f"{args.prefix}_pgbench")],
        check=True, capture_output=True, text=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    return {"tps": tps, "p50": float(lat.group(1)) if lat else float("nan"),
            "load": benchlib.load()}


def throughput(args, ids, hot):
    modes = [("inside a caller's transaction", True)]
    if args.standalone:
        modes.append(("on its own (autocommit)", False))
    if not args.skip_pgbench:
        pgbench_init(args)
    for title, in_tx in modes:
        print(f"\n## Transfers/s {title}: {args.duration}s windows, {args.rounds} rounds"
              f" alternating with pgbench -b tpcb-like; {args.accounts} limited accounts"
              f" funded {args.funding}, {args.hot} hot accounts", flush=True)
        rows = []
        for clients in args.clients:
            sides = [("ledger",
                      lambda c=clients, t=in_tx: ledger_side(args, ids, hot, c, t))]
            if not args.skip_pgbench:
                sides.append(("pgbench", lambda c=clients: pgbench_side(args, c)))
            rows.append((clients, benchlib.alternate(args.rounds, sides)))
        print_throughput(rows)


def print_throughput(rows):
    print("clients | ledger tps min/med/max | refused/s | p50 ms | p99 ms |"
          " pgbench tps min/med/max | ratio of medians | load min/med/max")
    for clients, res in rows:
        mine, theirs = res["ledger"], res.get("pgbench")
        med = benchlib.median_of(mine, "tps")
        ratio = med / benchlib.median_of(theirs, "tps") if theirs else float("nan")
        loads = [r["load"] for r in mine + (theirs or [])]
        print(f"{clients:7d} | {benchlib.fmt_spread([r['tps'] for r in mine]):>22} |"
              f" {benchlib.median_of(mine, 'refused'):9.0f} |"
              f" {benchlib.median_of(mine, 'p50'):6.2f} | {benchlib.median_of(mine, 'p99'):6.2f} |"
              f" {benchlib.fmt_spread([r['tps'] for r in theirs or [{'tps': 0}]]):>23} |"
              f" {ratio:16.2f} | {benchlib.fmt_spread(loads, 1)}", flush=True)
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
        from ledger.exceptions import LimitExceeded

        for i in range(n):
            try:
                with transaction.atomic():
                    one_transfer(services, rng, ids, hot, f"{tag}-{i}")
            except LimitExceeded:
                pass

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
    parser.add_argument("--prefix", default="fianza", help="databases <prefix>_bench, _pgbench")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--accounts", type=int, default=1000, help="limited accounts")
    parser.add_argument("--funding", type=int, default=150,
                        help="what each limited account holds at the start (minor units)")
    parser.add_argument("--hot", type=int, default=8,
                        help="hot accounts (tpcb-like's branches: pgbench's scale)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="only measure client CPU per transfer over N transfers")
    parser.add_argument("--scale", type=int, default=8, help="pgbench -s")
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--quick", action="store_true",
                        help="5 s windows, 2 rounds, 100 accounts, 100k and 1M transfers")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--verify", action="store_true", help="run ledger_verify at the end")
    parser.add_argument("--standalone", action="store_true",
                        help="also measure transfer_create outside a caller's transaction")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rounds, args.accounts, args.sizes = 5, 2, 100, "100000,1000000"
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
