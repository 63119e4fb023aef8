"""Batches racing each other and single transfers on PostgreSQL: limits exact, keys stored once."""

import pytest
from django.db import transaction

from ledger import services
from ledger.exceptions import LimitExceeded
from ledger.models import Account, Transfer
from ledger.services import TransferSpec
from ledger.verify import verify
from tests.ledger.factories import AccountFactory, LimitedAccountFactory
from tests.ledger.test_postgres import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_batches_and_singles_never_overspend():
    source, sink = AccountFactory(), AccountFactory()
    wallet = LimitedAccountFactory(name="Wallet")
    services.transfer_create(key="seed", debit_account_id=source.pk,
                             credit_account_id=wallet.pk, amount=10_000, code="fund")

    def spend(i):
        if i % 2:  # a single transfer in a caller's transaction
            try:
                with transaction.atomic():
                    services.transfer_create(key=f"s{i}", debit_account_id=wallet.pk,
                                             credit_account_id=sink.pk, amount=100, code="x")
                return 1
            except LimitExceeded:
                return 0
        items = [TransferSpec(id=f"b{i}-{n}", debit_account_id=wallet.pk,
                              credit_account_id=sink.pk, amount=100, code="x")
                 for n in range(20)]
        with transaction.atomic():
            results = services.transfers_create_batch(transfers=items)
        assert all(r.ok or isinstance(r.error, LimitExceeded) for r in results)
        return sum(r.ok for r in results)

    results, errors = run_threads(spend)
    assert errors == []
    assert sum(results) == 100  # 100.00 in steps of 1.00: exactly a hundred went through
    wallet.refresh_from_db()
    assert wallet.debits_posted == wallet.credits_posted == 10_000
    assert Transfer.objects.filter(debit_account=wallet).count() == 100
    assert verify() == []


def test_racing_batches_with_the_same_keys_store_each_once():
    source, target = AccountFactory(), LimitedAccountFactory()
    items = [TransferSpec(id=f"same-{n}", debit_account_id=source.pk,
                          credit_account_id=target.pk, amount=10, code="fund")
             for n in range(50)]

    def create(_i):
        with transaction.atomic():
            results = services.transfers_create_batch(transfers=items)
        return [t.pk for r in results for t in r.transfers]

    results, errors = run_threads(create, n=8)
    assert errors == []
    assert all(r == [s.id for s in items] for r in results)
    assert Transfer.objects.filter(pk__startswith="same-").count() == 50
    assert Account.objects.get(pk=target.pk).credits_posted == 500
    assert verify() == []
