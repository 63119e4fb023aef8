"""Batches against single transfers on PostgreSQL; prints figures, is not a test.

    .venv/bin/python benchmarks/ledger_batch.py [--batch 1000] [--batches 20] [--rounds 3]

One process, one batch per transaction: `ledger.services.transfers_create_batch` with
`--batch` independent transfers between `--accounts` limited accounts (funded tightly, so some
are refused inside the batch, counted apart), alternating over rounds with the same number of
single `transfer_create` calls, each in its own transaction. Prints transfers per second
(committed and refused), min / median / max over rounds, and the load.
"""

import argparse
import os
import random
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


def setup(args):
    import psycopg

    db = f"{args.prefix}_batch"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = f"{args.server}/{db}"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def accounts(args):
    from ledger import services

    source = services.account_open(key="b:source", book="money", code="b", currency="USD",
                                   name="Source", program_ref="b")
    ids = []
    for i in range(args.accounts):
        a = services.account_open(key=f"b:{i}", book="money", code="b", currency="USD",
                                  name=f"Account {i}", program_ref="b",
                                  debits_must_not_exceed_credits=True)
        services.transfer_create(key=f"b:seed:{i}", debit_account_id=source.pk,
                                 credit_account_id=a.pk, amount=args.funding, code="fund")
        ids.append(a.pk)
    return ids


def specs(ids, rng, tag, n):
    from ledger.services import TransferSpec

    out = []
    for i in range(n):
        debit, credit = rng.sample(ids, 2)
        out.append(TransferSpec(id=f"{tag}-{i}", debit_account_id=debit,
                                credit_account_id=credit, amount=rng.randint(1, 300),
                                code="disburse"))
    return out


def run_batches(args, ids, tag):
    from django.db import transaction

    from ledger import services

    rng, done, refused = random.Random(tag), 0, 0
    batches = [specs(ids, rng, f"{tag}-{b}", args.batch) for b in range(args.batches)]
    t0 = time.perf_counter()
    for items in batches:
        with transaction.atomic():
            results = services.transfers_create_batch(transfers=items)
        done += sum(r.ok for r in results)
        refused += sum(not r.ok for r in results)
    elapsed = time.perf_counter() - t0
    return {"tps": done / elapsed, "refused": refused / elapsed, "load": benchlib.load()}


def run_singles(args, ids, tag):
    from django.db import transaction

    from ledger import services
    from ledger.exceptions import LimitExceeded

    rng, done, refused = random.Random(tag), 0, 0
    items = specs(ids, rng, tag, args.batch * args.batches // 4)
    t0 = time.perf_counter()
    for spec in items:
        try:
            with transaction.atomic():
                services.transfers_create(transfers=[spec])
            done += 1
        except LimitExceeded:
            refused += 1
    elapsed = time.perf_counter() - t0
    return {"tps": done / elapsed, "refused": refused / elapsed, "load": benchlib.load()}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="fianza")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--funding", type=int, default=5000)
    args = parser.parse_args()
    print(f"# Ledger batches ({os.cpu_count()} CPUs, load {benchlib.load():.2f})", flush=True)
    setup(args)
    ids = accounts(args)
    counter = iter(range(10**6))
    res = benchlib.alternate(args.rounds, [
        ("batch", lambda: run_batches(args, ids, f"b{next(counter)}")),
        ("single", lambda: run_singles(args, ids, f"s{next(counter)}")),
    ])
    print(f"\n{'path':8} | committed/s min/med/max | refused/s (median) | load min/med/max")
    for name, results in res.items():
        print(f"{name:8} | {benchlib.fmt_spread([r['tps'] for r in results]):>23} |"
              f" {benchlib.median_of(results, 'refused'):18.0f} |"
              f" {benchlib.fmt_spread([r['load'] for r in results], 1)}")
    ratio = benchlib.median_of(res["batch"], "tps") / benchlib.median_of(res["single"], "tps")
    print(f"batches of {args.batch}: {ratio:.1f}x the single path (goal: >= 10,000/s)")


if __name__ == "__main__":
    main()
