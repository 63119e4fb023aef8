"""The batch path: independent transfers answered one by one, linked chains all or none, the
single path's refusals, idempotency keys repeated inside a batch and across batches."""

import pytest
from django.db import transaction

from ledger import services
from ledger.exceptions import (
    AlreadyResolved,
    IdempotencyConflict,
    InvalidTransfer,
    LimitExceeded,
    UnknownTransfer,
)
from ledger.models import Account, Transfer
from ledger.services import TransferSpec
from ledger.verify import verify
from tests.ledger.factories import AccountFactory, LimitedAccountFactory

pytestmark = pytest.mark.django_db


def pay(key, wallet, sink, amount, **extra):
    return TransferSpec(id=key, debit_account_id=wallet.pk, credit_account_id=sink.pk,
                        amount=amount, code="disburse", **extra)


def batch(items):
    with transaction.atomic():
        return services.transfers_create_batch(transfers=items)


def held(account):
    account.refresh_from_db()
    return account.credits_posted - account.debits_posted - account.debits_pending


def test_independent_transfers_answer_one_by_one_and_a_limit_refuses_inside(wallet, sink):
    results = batch([pay("a", wallet, sink, 600), pay("b", wallet, sink, 500),
                     pay("c", wallet, sink, 400)])
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, LimitExceeded)
    assert results[1].error.transfer_id == "b" and results[1].error.shortfall == 100
    assert "Wallet is short by USD 1.00." in str(results[1].error)
    assert [t.id for t in results[0].transfers + results[2].transfers] == ["a", "c"]
    assert held(wallet) == 0
    assert not Transfer.objects.filter(pk="b").exists()
    assert verify() == []


def test_linked_chain_is_all_or_nothing_and_names_the_failing_transfer(wallet, sink, source):
    chain = [pay("x1", wallet, sink, 300), pay("x2", wallet, sink, 800)]
    results = batch([chain, pay("y", wallet, sink, 900)])
    assert not results[0].ok and results[0].error.transfer_id == "x2"
    assert results[0].transfers == []
    assert results[1].ok, "the chain's refusal gave its reservation back before the next item"
    assert not Transfer.objects.filter(pk__in=["x1", "x2"]).exists()
    assert held(wallet) == 100
    ok = batch([[pay("z1", wallet, sink, 60), pay("z2", wallet, sink, 40)]])[0]
    assert ok.ok and {t.linked for t in ok.transfers} == {"z1"}
    assert held(wallet) == 0


def test_a_key_repeated_inside_a_batch_replays_or_conflicts(wallet, sink):
    results = batch([pay("k", wallet, sink, 100), pay("k", wallet, sink, 100),
                     pay("k", wallet, sink, 200)])
    assert results[0].ok and results[1].ok
    assert results[1].transfers[0].pk == "k"
    assert isinstance(results[2].error, IdempotencyConflict)
    assert results[2].error.field == "amount"
    assert Transfer.objects.filter(pk="k").count() == 1
    assert held(wallet) == 900


def test_a_key_repeated_across_batches_replays_or_conflicts(wallet, sink):
    batch([pay("k1", wallet, sink, 100), pay("k2", wallet, sink, 100)])
    again = batch([pay("k1", wallet, sink, 100), pay("k2", wallet, sink, 999),
                   pay("k3", wallet, sink, 100)])
    assert again[0].ok and again[0].transfers[0].created_at is not None
    assert isinstance(again[1].error, IdempotencyConflict)
    assert again[2].ok
    assert held(wallet) == 700
    assert Transfer.objects.filter(pk__in=["k1", "k2", "k3"]).count() == 3


def test_keys_from_the_single_path_replay_in_a_batch(wallet, sink):
    services.transfer_create(key="one", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=250, code="disburse")
    result = batch([pay("one", wallet, sink, 250)])[0]
    assert result.ok and result.transfers[0].amount == 250
    assert held(wallet) == 750


def test_pending_then_post_and_void_inside_one_batch(wallet, sink):
    results = batch([
        pay("p1", wallet, sink, 400, pending=True),
        pay("p2", wallet, sink, 500, pending=True),
        pay("over", wallet, sink, 200),  # 900 reserved: 100 left
        TransferSpec(id="post1", post_pending=True, pending_id="p1", amount=300, code="post"),
        TransferSpec(id="void2", void_pending=True, pending_id="p2", code="void"),
        TransferSpec(id="post1b", post_pending=True, pending_id="p1", code="post"),
        TransferSpec(id="ghost", post_pending=True, pending_id="nope", code="post"),
    ])
    assert [r.ok for r in results] == [True, True, False, True, True, False, False]
    assert isinstance(results[2].error, LimitExceeded)
    assert isinstance(results[5].error, AlreadyResolved)
    assert isinstance(results[6].error, UnknownTransfer)
    wallet.refresh_from_db()
    assert (wallet.debits_pending, wallet.debits_posted) == (0, 300)
    assert verify() == []


def test_item_refusals_match_the_single_path(wallet, sink, source):
    mxn = AccountFactory(currency="MXN", name="Pesos")
    items = [pay("bad1", wallet, mxn, 10), pay("bad2", wallet, sink, -5),
             TransferSpec(id="bad3", debit_account_id=wallet.pk, credit_account_id=999_999,
                          amount=1, code="x"),
             [pay("dup", wallet, sink, 1), pay("dup", wallet, sink, 1)]]
    results = batch(items)
    assert all(isinstance(r.error, InvalidTransfer) for r in results)
    for item, result in zip(items, results, strict=True):
        chain = item if isinstance(item, list) else [item]
        with pytest.raises(InvalidTransfer) as single, transaction.atomic():
            services.transfers_create(transfers=chain)
        assert str(single.value) == str(result.error)
    assert Transfer.objects.count() == 1  # the seed


def test_empty_batch_and_bad_items():
    assert services.transfers_create_batch(transfers=[]) == []
    with pytest.raises(TypeError):
        services.transfers_create_batch(transfers=[[]])


def test_a_large_batch_writes_every_row_and_counter(source):
    accounts = [LimitedAccountFactory() for _ in range(5)]
    batch([TransferSpec(id=f"f{a.pk}", debit_account_id=source.pk, credit_account_id=a.pk,
                        amount=10_000, code="fund") for a in accounts])
    items = [TransferSpec(id=f"t{i}", debit_account_id=accounts[i % 5].pk,
                          credit_account_id=accounts[(i + 1) % 5].pk, amount=7, code="x")
             for i in range(1_000)]
    results = batch(items)
    assert all(r.ok for r in results)
    assert Transfer.objects.filter(pk__startswith="t").count() == 1_000
    assert sum(a.credits_posted for a in Account.objects.filter(pk__in=[a.pk for a in accounts])
               ) == 50_000 + 7_000
    assert verify() == []
