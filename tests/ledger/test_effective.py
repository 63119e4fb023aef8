"""Transfers of a replayed historical case keep the instant they took effect (effective_at)
apart from the instant they were recorded (created_at), on every write path: the ORM
(SQLite), PostgreSQL's one-statement and two-statement paths, and the batch."""

import datetime

import pytest
from django.utils import timezone

from ledger import services
from ledger.models import Transfer
from ledger.services import TransferSpec
from tests.ledger.factories import AccountFactory

pytestmark = pytest.mark.django_db

IN_2025 = datetime.datetime(2025, 3, 10, 15, 0, tzinfo=datetime.UTC)
SLACK = datetime.timedelta(seconds=1)


def _clock():
    """Now, as the transfers are stamped: Django's clock, or on PostgreSQL the database's
    (the same host clock; the time is not frozen here, so both paths agree)."""
    return timezone.now()


@pytest.fixture
def accounts():
    return AccountFactory(name="From"), AccountFactory(name="To")


def _plain(key, accounts, **extra):
    source, sink = accounts
    return services.transfer_create(key=key, debit_account_id=source.pk,
                                    credit_account_id=sink.pk, amount=500, code="fund",
                                    **extra)


def _assert_recorded_now(transfer, before, after):
    stored = Transfer.objects.get(pk=transfer.pk)
    assert before - SLACK <= stored.created_at <= after + SLACK
    assert transfer.created_at == stored.created_at
    return stored


def test_a_transfer_created_inside_effective_takes_effect_then(accounts):
    before = _clock()
    with services.effective(IN_2025):
        made = _plain("historical", accounts)
    stored = _assert_recorded_now(made, before, _clock())
    assert stored.effective_at == IN_2025 == made.effective_at


def test_outside_effective_a_transfer_takes_effect_when_recorded(accounts):
    with services.effective(IN_2025):
        _plain("inside", accounts)
    made = _plain("after", accounts)
    stored = Transfer.objects.get(pk=made.pk)
    assert stored.effective_at == stored.created_at == made.effective_at


def test_linked_transfers_and_a_posting_all_take_the_effective_instant(accounts):
    source, sink = accounts
    before = _clock()
    with services.effective(IN_2025):
        linked = services.transfers_create(transfers=[
            TransferSpec(id="a", debit_account_id=source.pk, credit_account_id=sink.pk,
                         amount=100, code="fund", pending=True),
            TransferSpec(id="b", debit_account_id=source.pk, credit_account_id=sink.pk,
                         amount=200, code="fund")])
        posted = services.transfer_post(key="a-post", pending_id="a")
    after = _clock()
    for made in (*linked, posted):
        stored = _assert_recorded_now(made, before, after)
        assert stored.effective_at == IN_2025


def test_the_batch_path_takes_the_effective_instant(accounts):
    source, sink = accounts
    items = [TransferSpec(id=f"batch-{n}", debit_account_id=source.pk,
                          credit_account_id=sink.pk, amount=10, code="fund")
             for n in range(3)]
    before = _clock()
    with services.effective(IN_2025):
        results = services.transfers_create_batch(transfers=items)
    after = _clock()
    assert all(result.ok for result in results)
    for result in results:
        stored = _assert_recorded_now(result.transfers[0], before, after)
        assert stored.effective_at == IN_2025
    later = services.transfers_create_batch(transfers=[TransferSpec(
        id="batch-now", debit_account_id=source.pk, credit_account_id=sink.pk, amount=10,
        code="fund")])
    stored = Transfer.objects.get(pk=later[0].transfers[0].pk)
    assert stored.effective_at == stored.created_at


def test_the_instant_is_forgotten_when_the_block_fails(accounts):
    with pytest.raises(RuntimeError), services.effective(IN_2025):
        raise RuntimeError("the replay stopped")
    made = _plain("after-failure", accounts)
    assert Transfer.objects.get(pk=made.pk).effective_at == made.created_at


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError), services.effective(datetime.datetime(2025, 3, 10, 15)):
        pass
