"""The hot pair: every process moves money between the same two accounts, against
django-hordak 2.0 on the same PostgreSQL; prints figures, is not a test.

    .venv/bin/python benchmarks/ledger_hot.py --hordak-python /tmp/hordak-venv/bin/python

Fianza's side: `ledger.services.transfer_create` from a limited account (funded so that it
never runs dry: the limit is checked on every transfer, as a consulate's available budget is)
to an unlimited one, inside a caller's `transaction.atomic()`. Hordak's side
(`benchmarks/hordak_peer.py`, run in hordak's own virtualenv): `Account.transfer_to` between
two accounts inside a caller's `transaction.atomic()`; hordak checks no limit, it appends
legs. The sides alternate over `--rounds` rounds per client count; prints min / median / max
transfers per second, the median p50 and p99, the ratio of medians and the load. Without
`--hordak-python` only Fianza's side runs.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# This folder goes last (Python put it first): a script named like a standard module
# must never shadow it.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.append(str(ROOT / "benchmarks"))

import benchlib  # noqa: E402


def recreate(args, db):
    import psycopg

    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    return f"{args.server}/{db}"


def fianza_setup(args):
    os.environ["DATABASE_URL"] = recreate(args, f"{args.prefix}_hot")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from ledger import services

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    opened = {"book": "money", "code": "hot", "currency": "USD", "program_ref": "hot"}
    source = services.account_open(key="hot:capital", name="Capital", **opened)
    cash = services.account_open(key="hot:cash", name="Cash", **opened,
                                 debits_must_not_exceed_credits=True)
    expense = services.account_open(key="hot:expense", name="Expense", **opened)
    services.transfer_create(key="hot:fund", debit_account_id=source.pk,
                             credit_account_id=cash.pk, amount=10**15, code="fund")
    return cash.pk, expense.pk


def fianza_side(pair, clients, duration):
    from django.db import connections, transaction

    from ledger import services

    def op(_state, key):
        with transaction.atomic():
            services.transfer_create(key=key, debit_account_id=pair[0],
                                     credit_account_id=pair[1], amount=1, code="disburse")
        return True

    connections.close_all()
    return benchlib.run_clients(clients, lambda tag: None, op, duration)


def hordak_side(args, url, clients):
    out = subprocess.run(
        [args.hordak_python, str(ROOT / "benchmarks" / "hordak_peer.py"), "--url", url,
         "--clients", str(clients), "--duration", str(args.duration)],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(clients, res):
    mine, theirs = res["fianza"], res.get("hordak")
    med = benchlib.median_of(mine, "tps")
    line = (f"{clients:7d} | {benchlib.fmt_spread([r['tps'] for r in mine]):>20} |"
            f" {benchlib.median_of(mine, 'p50'):6.1f} | {benchlib.median_of(mine, 'p99'):6.1f} |")
    if theirs:
        line += (f" {benchlib.fmt_spread([r['tps'] for r in theirs]):>20} |"
                 f" {benchlib.median_of(theirs, 'p50'):6.1f} |"
                 f" {benchlib.median_of(theirs, 'p99'):6.1f} |"
                 f" {med / benchlib.median_of(theirs, 'tps'):5.2f} |")
    loads = [r["load"] for r in mine + (theirs or [])]
    print(line + f" {benchlib.fmt_spread(loads, 1)}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="fianza")
    parser.add_argument("--hordak-python", help="python of a virtualenv with django-hordak")
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"# Hot pair ({os.cpu_count()} CPUs, load {benchlib.load():.2f})", flush=True)
    pair = fianza_setup(args)
    url = None
    if args.hordak_python:
        url = recreate(args, f"{args.prefix}_hordak")
        subprocess.run([args.hordak_python, str(ROOT / "benchmarks" / "hordak_peer.py"),
                        "--url", url, "--setup"], check=True)
    rows = []
    for clients in [int(c) for c in args.clients.split(",")]:
        sides = [("fianza", lambda c=clients: fianza_side(pair, c, args.duration))]
        if url:
            sides.append(("hordak", lambda c=clients: hordak_side(args, url, c)))
        rows.append((clients, benchlib.alternate(args.rounds, sides)))
    print("\nclients | fianza tps min/med/max | p50 ms | p99 ms | hordak tps min/med/max |"
          " p50 ms | p99 ms | ratio | load min/med/max")
    for clients, res in rows:
        report(clients, res)


if __name__ == "__main__":
    main()
