"""django-hordak 2.0 as the peer of `benchmarks/ledger_hot.py`; run by it, in hordak's own
virtualenv (never the project's):

    python3 -m venv /tmp/hordak-venv && /tmp/hordak-venv/bin/pip install django-hordak==2.0.0 \
        "psycopg[binary]"
    /tmp/hordak-venv/bin/python benchmarks/hordak_peer.py --url postgres://.../db --setup
    /tmp/hordak-venv/bin/python benchmarks/hordak_peer.py --url ... --clients 8 --duration 10

Each client process calls `Account.transfer_to` between the same two accounts (the hot pair)
inside a caller's `transaction.atomic()`, as the ledger side does; prints one JSON line with
the same figures as `benchlib.run_clients`.
"""

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
# This folder goes last: a script named like a standard module must not shadow it.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import benchlib  # noqa: E402


def configure(url):
    import django
    from django.conf import settings

    parts = urlsplit(url)
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "mptt", "djmoney",
                        "hordak"],
        DATABASES={"default": {
            "ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": parts.username or "postgres", "HOST": parts.hostname,
            "PORT": parts.port or 5432}},
        USE_TZ=True, DEFAULT_CURRENCY="USD", HORDAK_CURRENCIES=["USD"], CURRENCIES=["USD"],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField", DEBUG=False)
    django.setup()


def setup_accounts():
    from django.core.management import call_command
    from hordak.models import Account

    call_command("migrate", verbosity=0)
    Account.objects.get_or_create(code="1", defaults={"name": "Cash", "type": "AS",
                                                      "currencies": ["USD"]})
    Account.objects.get_or_create(code="2", defaults={"name": "Expense", "type": "EX",
                                                      "currencies": ["USD"]})


def measure(clients, duration):
    from django.db import connections, transaction
    from djmoney.money import Money
    from hordak.models import Account

    def setup(_tag):
        return Account.objects.get(code="1"), Account.objects.get(code="2")

    def op(pair, _key):
        with transaction.atomic():
            pair[0].transfer_to(pair[1], Money(1, "USD"))
        return True

    connections.close_all()
    return benchlib.run_clients(clients, setup, op, duration)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    configure(args.url)
    if args.setup:
        setup_accounts()
        return
    print(json.dumps(measure(args.clients, args.duration)))


if __name__ == "__main__":
    main()
