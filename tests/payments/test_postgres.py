"""Real concurrency (PostgreSQL row locks): racing clicks and workers give one transfer."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections
from django.utils import translation

from payments import services
from payments.models import Status
from tests.payments.factories import requested
from tests.payments.fake_stripe import FakeStripe

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class SlowStripe(FakeStripe):
    """Stripe taking its time, so the racers overlap while the first call is out."""

    def request(self, method, url, headers, post_data=None):
        time.sleep(0.2)
        return super().request(method, url, headers, post_data)


def race(n, target):
    barrier = threading.Barrier(n)
    outcomes = []

    def worker():
        try:
            translation.activate("en")  # threads start in the default language
            barrier.wait()
            target()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def slow_stripe(fake_stripe, monkeypatch):
    from payments import stripe_gateway

    slow = SlowStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", slow)
    return slow


def test_concurrent_releases_make_one_transfer(funded, slow_stripe):
    funded.partner_x.stripe_account_id = "acct_partnerX"
    funded.partner_x.save()
    d = requested(funded)

    outcomes = race(6, lambda: services.disbursement_release(disbursement_id=d.pk,
                                                             actor=funded.approver_a))

    assert outcomes.count("ok") == 1, outcomes
    assert all("right now" in o or "already paid" in o for o in outcomes if o != "ok")
    d.refresh_from_db()
    assert d.status == Status.PAID and d.attempts == 1
    assert len(slow_stripe.transfers) == 1 and len(slow_stripe.transfer_posts()) == 1
    call_command("ledger_verify")


def test_concurrent_requests_for_one_purpose_make_one_disbursement(funded):
    from payments.models import Disbursement
    from tests.payments.factories import reserve

    key = reserve(funded, amount=500_000)

    def ask():
        services.disbursement_request(
            object_type="grants.grantapplication", object_id="31", reservation_key=key,
            amount=500_000, currency="USD", consulate_id=funded.consulate_a.pk,
            payee_partner=funded.partner_x, actor=funded.officer_a)

    outcomes = race(6, ask)
    assert outcomes == ["ok"] * 6  # the same content: everyone gets the one disbursement
    assert Disbursement.objects.filter(object_id="31").count() == 1
