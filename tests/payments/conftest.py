import pytest

from ledger import funds
from payments import signals, stripe_gateway
from tests.payments.factories import PROGRAM, WEBHOOK_SECRET
from tests.payments.fake_stripe import FakeStripe


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """Stripe switched on, with the SDK talking to the in-memory fake (no retry sleeps)."""
    settings.STRIPE_SECRET_KEY = "sk_test_fianza"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", fake)
    monkeypatch.setattr(stripe_gateway, "RETRY_DELAYS", (0, 0, 0))
    return fake


def ledger_on_paid(sender, disbursement, **kwargs):
    """The business apps' receivers, reduced to their ledger postings (signals.py contract)."""
    funds.disburse(key=f"disburse:{disbursement.pk}",
                   reservation_key=disbursement.reservation_key, amount=disbursement.amount,
                   purpose="bond", actor_id=disbursement.released_by_id,
                   reference=str(disbursement.pk))


def ledger_on_reversed(sender, disbursement, **kwargs):
    funds.disbursement_reverse(key=f"reverse:{disbursement.pk}",
                               reservation_key=disbursement.reservation_key,
                               reference=str(disbursement.pk))


@pytest.fixture(autouse=True)
def ledger_receivers():
    signals.disbursement_paid.connect(ledger_on_paid, dispatch_uid="test-ledger-paid")
    signals.disbursement_reversed.connect(ledger_on_reversed, dispatch_uid="test-ledger-rev")
    yield
    signals.disbursement_paid.disconnect(dispatch_uid="test-ledger-paid")
    signals.disbursement_reversed.disconnect(dispatch_uid="test-ledger-rev")



@pytest.fixture
def funded(world):
    """A USD bond program with money, consulate A's allocation and partner X's cap."""
    from django.db import transaction

    with transaction.atomic():
        funds.program_open(program=PROGRAM, currency="USD")
        funds.program_fund(key="fund:pay-test", program=PROGRAM, currency="USD",
                           amount=10_000_000)
        for consulate in (world.consulate_a, world.consulate_b):
            funds.consulate_allocate(key=f"alloc:pay-test:{consulate.pk}", program=PROGRAM,
                                     currency="USD", consulate_id=consulate.pk,
                                     amount=2_000_000)
        for partner in (world.partner_x, world.partner_y):
            funds.partner_cap_set(key=f"cap:pay-test:{partner.pk}", program=PROGRAM,
                                  currency="USD", partner_id=partner.pk, amount=1_000_000)
    return world
