import pytest
from django.db import transaction

from ledger import funds, selectors
from ledger.exceptions import (
    AlreadyResolved,
    CapExceeded,
    IdempotencyConflict,
    InvalidTransfer,
    LimitExceeded,
    UnknownTransfer,
)
from ledger.models import Account, Transfer
from ledger.verify import verify
from tests.ledger.factories import funded_program, key

pytestmark = pytest.mark.django_db

P, C = "bond:1", "USD"


def position(**kw):
    return selectors.budget_position(program=P, currency=C, **kw)


@pytest.fixture
def program():
    return funded_program(program=P, amount=100_000, consulates={1: 60_000, 2: 10_000},
                          caps={7: 30_000})


@pytest.fixture(autouse=True)
def books_balance():
    yield
    assert verify() == []


def test_program_fund_and_allocate(program):
    assert position(consulate_id=1) == selectors.BudgetPosition(
        allocated=60_000, reserved=0, committed=0, available=60_000)
    assert position().unallocated == 30_000
    cash = funds.account("cash", program=P, currency=C)
    assert cash.credits_posted == 100_000


def test_allocate_refused_past_unallocated(program):
    with pytest.raises(LimitExceeded) as exc:
        funds.consulate_allocate(key="a-big", program=P, currency=C, consulate_id=3,
                                 amount=30_001)
    assert exc.value.shortfall == 1
    assert "Unallocated budget" in str(exc.value)
    assert "USD 0.01" in str(exc.value)
    assert not Transfer.objects.filter(pk="a-big").exists()


def test_reallocate_moves_budget(program):
    funds.consulate_reallocate(key="r1", program=P, currency=C, from_consulate_id=1,
                               to_consulate_id=2, amount=5_000)
    assert position(consulate_id=1).available == 55_000
    assert position(consulate_id=2).allocated == 15_000
    with pytest.raises(CapExceeded) as exc:
        funds.consulate_reallocate(key="r2", program=P, currency=C, from_consulate_id=2,
                                   to_consulate_id=1, amount=15_001)
    assert exc.value.cap == "consulate" and exc.value.shortfall == 1


def test_reserve_holds_consulate_and_partner(program):
    funds.reserve(key="res1", program=P, currency=C, consulate_id=1, partner_id=7,
                  amount=20_000)
    assert position(consulate_id=1) == selectors.BudgetPosition(60_000, 20_000, 0, 40_000)
    assert position(partner_id=7) == selectors.BudgetPosition(30_000, 20_000, 0, 10_000)
    legs = Transfer.objects.filter(linked="res1")
    assert {t.id for t in legs} == {"res1", "res1:partner"}
    assert all(t.pending for t in legs)


def test_reserve_refused_by_partner_cap_names_it(program):
    with pytest.raises(CapExceeded) as exc:
        funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7,
                      amount=30_500)
    assert exc.value.cap == "partner"
    assert exc.value.shortfall == 500
    assert "partner 7" in str(exc.value) and "USD 5.00" in str(exc.value)
    # Refused whole: the consulate leg was not kept either.
    assert position(consulate_id=1).reserved == 0
    assert not Transfer.objects.filter(linked="res").exists()


def test_reserve_refused_by_consulate(program):
    with pytest.raises(CapExceeded) as exc:
        funds.reserve(key="res", program=P, currency=C, consulate_id=2, amount=10_001)
    assert exc.value.cap == "consulate" and exc.value.shortfall == 1
    assert exc.value.transfer_id == "res"


def test_reserve_unknown_partner_has_no_cap(program):
    with pytest.raises(CapExceeded) as exc:
        funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=99,
                      amount=100)
    assert exc.value.cap == "partner" and exc.value.shortfall == 100


def test_reserve_retry_returns_first_and_conflict_raises(program):
    first = funds.reserve(key="res", program=P, currency=C, consulate_id=1, amount=1_000)
    again = funds.reserve(key="res", program=P, currency=C, consulate_id=1, amount=1_000)
    assert [t.pk for t in first] == [t.pk for t in again]
    assert position(consulate_id=1).reserved == 1_000
    with pytest.raises(IdempotencyConflict):
        funds.reserve(key="res", program=P, currency=C, consulate_id=1, amount=1_001)
    with pytest.raises(IdempotencyConflict):
        funds.reserve(key="res", program=P, currency=C, consulate_id=2, amount=1_000)


def test_release_voids_every_leg_once(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7, amount=5_000)
    funds.release(key="rel", reservation_key="res")
    assert position(consulate_id=1).available == 60_000
    assert position(partner_id=7).available == 30_000
    funds.release(key="rel", reservation_key="res")  # a retry changes nothing
    with pytest.raises(AlreadyResolved):
        funds.release(key="rel-2", reservation_key="res")
    with pytest.raises(AlreadyResolved):
        funds.disburse(key="d", reservation_key="res", amount=5_000, purpose="bond")


def test_disburse_partial_releases_rest(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7, amount=5_000)
    funds.disburse(key="pay", reservation_key="res", amount=4_000, purpose="bond")
    assert position(consulate_id=1) == selectors.BudgetPosition(60_000, 0, 4_000, 56_000)
    assert position(partner_id=7) == selectors.BudgetPosition(30_000, 0, 4_000, 26_000)
    advance = funds.account("partner_advance", program=P, currency=C, consulate_id=1,
                            partner_id=7)
    assert advance.credits_posted == 4_000
    funds.disburse(key="pay", reservation_key="res", amount=4_000, purpose="bond")  # retry
    with pytest.raises(IdempotencyConflict):
        funds.disburse(key="pay", reservation_key="res", amount=3_000, purpose="bond")
    with pytest.raises(AlreadyResolved):
        funds.disburse(key="pay-2", reservation_key="res", amount=4_000, purpose="bond")
    with pytest.raises(AlreadyResolved):
        funds.release(key="rel", reservation_key="res")


def test_disburse_more_than_reserved_refused(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, amount=5_000)
    with pytest.raises(InvalidTransfer) as exc:
        funds.disburse(key="pay", reservation_key="res", amount=5_001, purpose="grant")
    assert "USD 0.01" in str(exc.value)


def test_grant_disbursement_and_reversal(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=2, amount=3_000)
    funds.disburse(key="pay", reservation_key="res", amount=3_000, purpose="grant")
    row = selectors.reconciliation(program=P, consulate_id=2)[0]
    assert (row.granted, row.disbursed, row.available) == (3_000, 3_000, 7_000)
    funds.disbursement_reverse(key="back", reservation_key="res")
    assert position(consulate_id=2) == selectors.BudgetPosition(10_000, 0, 0, 10_000)
    row = selectors.reconciliation(program=P, consulate_id=2)[0]
    assert (row.granted, row.disbursed) == (0, 0)
    assert Transfer.objects.get(pk="back:money").reversal_of_id == "pay:money"
    funds.disbursement_reverse(key="back", reservation_key="res")  # retry
    with pytest.raises(AlreadyResolved):
        funds.disbursement_reverse(key="back-2", reservation_key="res")


def test_bond_lifecycle_refund_revolves(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7, amount=5_000)
    funds.disburse(key="pay", reservation_key="res", amount=5_000, purpose="bond")
    funds.bond_posted(key="posted", reservation_key="res", amount=5_000)
    row = _row(consulate_id=1)
    assert row.bonds_outstanding == 5_000
    funds.bond_cancelled(key="cancel", reservation_key="res", amount=5_000)
    funds.bond_interest(key="int", reservation_key="res", amount=37)
    row = _row(consulate_id=1)
    assert (row.bonds_outstanding, row.refunds_due) == (0, 5_037)
    funds.refund_returned(key="back", reservation_key="res", principal=5_000, interest=37)
    row = _row(consulate_id=1)
    assert (row.refunds_due, row.refunds_received_principal, row.refunds_received_interest) \
        == (0, 5_000, 37)
    assert row.disbursed == 5_000
    assert position(consulate_id=1) == selectors.BudgetPosition(60_000, 0, 0, 60_000)
    assert position(partner_id=7).available == 30_000
    cash = funds.account("cash", program=P, currency=C)
    assert cash.credits_posted - cash.debits_posted == 100_037


def test_bond_forfeited(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7, amount=5_000)
    funds.disburse(key="pay", reservation_key="res", amount=5_000, purpose="bond")
    funds.bond_posted(key="posted", reservation_key="res", amount=5_000)
    funds.bond_forfeited(key="lost", reservation_key="res", amount=5_000)
    row = _row(consulate_id=1)
    assert (row.forfeited, row.bonds_outstanding, row.disbursed) == (5_000, 0, 5_000)
    assert position(consulate_id=1).committed == 5_000  # the money is gone, not revolved
    with pytest.raises(LimitExceeded) as exc:
        funds.bond_forfeited(key="lost-2", reservation_key="res", amount=1)
    assert "Bonds held by DHS" in str(exc.value)


def test_bond_posted_cannot_exceed_advance(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7, amount=5_000)
    funds.disburse(key="pay", reservation_key="res", amount=5_000, purpose="bond")
    with pytest.raises(LimitExceeded) as exc:
        funds.bond_posted(key="posted", reservation_key="res", amount=5_001)
    assert exc.value.shortfall == 1
    assert exc.value.account.code == "partner_advance"


def test_partner_cap_lower_and_raise(program):
    funds.reserve(key="res", program=P, currency=C, consulate_id=1, partner_id=7, amount=8_000)
    funds.partner_cap_set(key="cap-2", program=P, currency=C, partner_id=7, amount=10_000)
    assert position(partner_id=7) == selectors.BudgetPosition(10_000, 8_000, 0, 2_000)
    funds.partner_cap_set(key="cap-2", program=P, currency=C, partner_id=7, amount=10_000)
    with pytest.raises(IdempotencyConflict):
        funds.partner_cap_set(key="cap-2", program=P, currency=C, partner_id=7, amount=9_000)
    with pytest.raises(CapExceeded) as exc:
        funds.partner_cap_set(key="cap-3", program=P, currency=C, partner_id=7, amount=7_000)
    assert exc.value.cap == "partner" and exc.value.shortfall == 1_000
    funds.partner_cap_set(key="cap-4", program=P, currency=C, partner_id=7, amount=50_000)
    assert position(partner_id=7).allocated == 50_000


def test_unknown_reservation():
    with pytest.raises(UnknownTransfer):
        funds.release(key="x", reservation_key="nope")


def test_refusal_inside_caller_transaction_changes_nothing(program):
    with transaction.atomic():
        funds.reserve(key="ok", program=P, currency=C, consulate_id=2, amount=4_000)
        with pytest.raises(CapExceeded):
            funds.reserve(key="too-much", program=P, currency=C, consulate_id=2, amount=7_000)
    assert position(consulate_id=2).reserved == 4_000
    account = Account.objects.get(key=funds.account_key("consulate_available", P, C, 2))
    assert account.debits_pending == 4_000


def test_amounts_must_be_positive_integers(program):
    for amount in (0, -5, 1.5, True):
        with pytest.raises(InvalidTransfer):
            funds.reserve(key=key(), program=P, currency=C, consulate_id=1, amount=amount)


def _row(**kw):
    rows = selectors.reconciliation(program=P, **kw)
    assert len(rows) == 1
    return rows[0]
