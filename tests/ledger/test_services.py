import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger import services
from ledger.exceptions import (
    AlreadyResolved,
    AlreadyReversed,
    IdempotencyConflict,
    InvalidTransfer,
    LimitExceeded,
    UnknownTransfer,
)
from ledger.models import Account, Transfer
from ledger.services import TransferSpec
from ledger.verify import verify
from tests.ledger.factories import AccountFactory

pytestmark = pytest.mark.django_db


def counters(account):
    account.refresh_from_db()
    return (account.debits_pending, account.debits_posted, account.credits_pending,
            account.credits_posted)


def test_pending_then_partial_post_releases_rest(wallet, sink):
    services.transfer_create(key="p", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=600, code="authorize", pending=True)
    assert counters(wallet) == (600, 0, 0, 1_000)
    post = services.transfer_post(key="p-post", pending_id="p", amount=250)
    assert post.pending_id == "p" and post.amount == 250
    assert counters(wallet) == (0, 250, 0, 1_000)
    assert counters(sink) == (0, 0, 0, 250)
    assert services.transfer_post(key="p-post", pending_id="p", amount=250).pk == "p-post"
    with pytest.raises(AlreadyResolved):
        services.transfer_post(key="p-post-2", pending_id="p")
    with pytest.raises(AlreadyResolved):
        services.transfer_void(key="p-void", pending_id="p")
    assert verify() == []


def test_full_post_by_default(wallet, sink):
    services.transfer_create(key="p", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=600, code="authorize", pending=True)
    assert services.transfer_post(key="pp", pending_id="p").amount == 600


def test_void_once(wallet, sink):
    services.transfer_create(key="p", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=600, code="authorize", pending=True)
    services.transfer_void(key="v", pending_id="p")
    assert counters(wallet) == (0, 0, 0, 1_000)
    services.transfer_void(key="v", pending_id="p")
    with pytest.raises(AlreadyResolved):
        services.transfer_void(key="v2", pending_id="p")
    with pytest.raises(AlreadyResolved):
        services.transfer_post(key="v3", pending_id="p")


def test_post_more_than_pending_refused(wallet, sink):
    services.transfer_create(key="p", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=600, code="authorize", pending=True)
    with pytest.raises(InvalidTransfer):
        services.transfer_post(key="pp", pending_id="p", amount=601)


def test_post_of_non_pending_or_unknown_refused(wallet, sink):
    with pytest.raises(InvalidTransfer):
        services.transfer_post(key="x", pending_id="seed")
    with pytest.raises(UnknownTransfer):
        services.transfer_void(key="y", pending_id="missing")


def test_limit_counts_pending(wallet, sink):
    services.transfer_create(key="p", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=900, code="authorize", pending=True)
    with pytest.raises(LimitExceeded) as exc:
        services.transfer_create(key="q", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                                 amount=200, code="disburse")
    assert exc.value.shortfall == 100
    assert str(exc.value) == "Transfer q: Wallet is short by USD 1.00."


def test_idempotent_retry_and_conflict(wallet, sink):
    first = services.transfer_create(key="t", debit_account_id=wallet.pk,
                                     credit_account_id=sink.pk, amount=100, code="disburse")
    again = services.transfer_create(key="t", debit_account_id=wallet.pk,
                                     credit_account_id=sink.pk, amount=100, code="disburse",
                                     memo="retry")
    assert again.pk == first.pk and again.memo == ""
    assert counters(sink) == (0, 0, 0, 100)
    with pytest.raises(IdempotencyConflict) as exc:
        services.transfer_create(key="t", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                                 amount=101, code="disburse")
    assert exc.value.field == "amount"


def test_reversal_by_new_transfer_once(wallet, sink):
    services.transfer_create(key="t", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                             amount=300, code="disburse")
    back = services.transfer_reverse(key="t-back", transfer_id="t")
    assert (back.debit_account_id, back.credit_account_id, back.amount) == (sink.pk, wallet.pk,
                                                                            300)
    assert counters(wallet) == (0, 300, 0, 1_300)
    assert Transfer.objects.get(pk="t").reversal.pk == "t-back"
    with pytest.raises(AlreadyReversed):
        services.transfer_reverse(key="t-back-2", transfer_id="t")


def test_linked_group_all_or_nothing_names_culprit(wallet, sink, source):
    specs = [
        TransferSpec(id="g1", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                     amount=700, code="disburse"),
        TransferSpec(id="g2", debit_account_id=wallet.pk, credit_account_id=sink.pk,
                     amount=400, code="disburse"),
    ]
    with pytest.raises(LimitExceeded) as exc:
        services.transfers_create(transfers=specs)
    assert exc.value.transfer_id == "g2" and exc.value.account == wallet
    assert "g2" in str(exc.value) and "Wallet" in str(exc.value)
    assert not Transfer.objects.filter(pk__in=["g1", "g2"]).exists()
    assert counters(wallet) == (0, 0, 0, 1_000)
    made = services.transfers_create(transfers=specs[:1] + [
        TransferSpec(id="g3", debit_account_id=source.pk, credit_account_id=wallet.pk,
                     amount=5, code="fund")])
    assert {t.linked for t in made} == {"g1"}


def test_currency_must_match(wallet):
    mxn = AccountFactory(currency="MXN", name="Pesos")
    with pytest.raises(InvalidTransfer):
        services.transfer_create(key="fx", debit_account_id=wallet.pk, credit_account_id=mxn.pk,
                                 amount=1, code="disburse")
    with pytest.raises(InvalidTransfer):
        services.transfer_create(key="self", debit_account_id=wallet.pk,
                                 credit_account_id=wallet.pk, amount=1, code="disburse")


def test_transfers_refuse_update_and_delete(wallet):
    t = Transfer.objects.get(pk="seed")
    with pytest.raises(TypeError):
        t.save()
    with pytest.raises(TypeError):
        t.delete()
    with pytest.raises(TypeError):
        Transfer.objects.filter(pk="seed").update(amount=1)
    with pytest.raises(TypeError):
        Transfer.objects.all().delete()


def test_ledger_verify_command_names_culprit(wallet, capsys):
    call_command("ledger_verify")
    assert "balance" in capsys.readouterr().out
    Account.objects.filter(pk=wallet.pk).update(credits_posted=999)
    with pytest.raises(CommandError):
        call_command("ledger_verify")
    err = capsys.readouterr().err
    assert wallet.key in err and "credits_posted is 999" in err
    assert "USD: posted debits 1000 != posted credits 999" in err
    assert "past its limit" not in err
