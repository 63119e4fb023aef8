"""Stripe's events: verified, applied once, in any order."""

import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ledger import selectors as ledger_selectors
from payments import services
from payments.models import Disbursement, PartnerStripeAccount, Status, StripeEvent
from tests.payments.factories import PROGRAM, post_event, requested, sign


@pytest.fixture
def connected(funded):
    funded.partner_x.stripe_account_id = "acct_partnerX"
    funded.partner_x.save()
    PartnerStripeAccount.objects.create(partner=funded.partner_x, account_id="acct_partnerX")
    return funded


def paid(world):
    d = requested(world)
    services.disbursement_release(disbursement_id=d.pk, actor=world.approver_a)
    d.refresh_from_db()
    return d


def sent_but_not_recorded(world, monkeypatch):
    """Stripe made the transfer; the worker died before recording it."""
    d = requested(world)

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as m:
        m.setattr(services, "_release_finish", crash)
        with pytest.raises(RuntimeError):
            services.disbursement_release(disbursement_id=d.pk, actor=world.approver_a)
    d.refresh_from_db()
    assert d.status == Status.SENT and not d.stripe_transfer_id
    return d


def available(world):
    return ledger_selectors.budget_position(program=PROGRAM, currency="USD",
                                            consulate_id=world.consulate_a.pk).available


def test_a_bad_signature_is_refused_and_changes_nothing(connected, fake_stripe, client,
                                                        monkeypatch):
    d = sent_but_not_recorded(connected, monkeypatch)
    transfer = next(iter(fake_stripe.transfers.values()))
    event = fake_stripe.event("transfer.created", transfer)
    response = post_event(client, event, secret="whsec_forged")
    assert response.status_code == 400
    payload = json.dumps(event)
    unsigned = client.post(reverse("payments:stripe_webhook"), data=payload,
                           content_type="application/json")
    assert unsigned.status_code == 400
    tampered = client.post(reverse("payments:stripe_webhook"), data=payload.replace(
        str(transfer["amount"]), "1"), content_type="application/json",
        headers={"Stripe-Signature": sign(payload)})
    assert tampered.status_code == 400
    assert StripeEvent.objects.count() == 0
    d.refresh_from_db()
    assert d.status == Status.SENT


def test_transfer_created_completes_a_release_that_crashed(connected, fake_stripe, client,
                                                           monkeypatch):
    d = sent_but_not_recorded(connected, monkeypatch)
    before = available(connected)
    transfer = next(iter(fake_stripe.transfers.values()))
    response = post_event(client, fake_stripe.event("transfer.created", transfer))
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
    d.refresh_from_db()
    assert d.status == Status.PAID and d.stripe_transfer_id == transfer["id"]
    assert available(connected) == before  # reserved budget became committed, not available
    call_command("ledger_verify")


def test_a_replayed_event_changes_nothing(connected, fake_stripe, client, monkeypatch):
    d = sent_but_not_recorded(connected, monkeypatch)
    transfer = next(iter(fake_stripe.transfers.values()))
    event = fake_stripe.event("transfer.reversed", fake_stripe.reverse(transfer["id"]))
    assert post_event(client, event).json()["outcome"] == "reversed"
    d.refresh_from_db()
    snapshot = (d.status, d.updated_at, available(connected))

    again = post_event(client, event)

    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    d.refresh_from_db()
    assert (d.status, d.updated_at, available(connected)) == snapshot
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    call_command("ledger_verify")


def test_a_reversed_transfer_puts_the_disbursement_and_ledger_back(connected, fake_stripe,
                                                                   client):
    before = available(connected)
    d = paid(connected)
    assert available(connected) == before - d.amount
    event = fake_stripe.event("transfer.reversed", fake_stripe.reverse(d.stripe_transfer_id))
    assert post_event(client, event).json()["outcome"] == "reversed"
    d.refresh_from_db()
    assert d.status == Status.REVERSED and d.ended_at
    assert available(connected) == before  # the budget is available again
    call_command("ledger_verify")


def test_reversed_before_created_then_created_does_not_regress(connected, fake_stripe, client,
                                                               monkeypatch):
    d = sent_but_not_recorded(connected, monkeypatch)
    transfer = next(iter(fake_stripe.transfers.values()))
    created = fake_stripe.event("transfer.created", transfer, created=fake_stripe.now - 5)
    reversed_ = fake_stripe.event("transfer.reversed", fake_stripe.reverse(transfer["id"]))

    assert post_event(client, reversed_).json()["outcome"] == "reversed"
    assert post_event(client, created).json()["outcome"] == "unchanged"

    d.refresh_from_db()
    assert d.status == Status.REVERSED and d.stripe_transfer_id == transfer["id"]
    # and a late release does not bring it back either
    Disbursement.objects.filter(pk=d.pk).update(in_flight=False)
    with translation.override("en"), pytest.raises(Exception, match="already reversed"):
        services.disbursement_release(disbursement_id=d.pk, actor=connected.approver_a)
    assert len(fake_stripe.transfer_posts()) == 1
    call_command("ledger_verify")


def test_an_older_account_update_after_a_newer_one_is_ignored(connected, fake_stripe, client):
    account = {"id": "acct_partnerX", "object": "account", "payouts_enabled": True,
               "details_submitted": True}
    newer = fake_stripe.event("account.updated", account, created=fake_stripe.now)
    older = fake_stripe.event("account.updated", {**account, "payouts_enabled": False},
                              created=fake_stripe.now - 60)
    assert post_event(client, newer).json()["outcome"] == "account updated"
    assert post_event(client, older).json()["outcome"] == "older than what we know"
    status = PartnerStripeAccount.objects.get(partner=connected.partner_x)
    assert status.payouts_enabled and status.details_submitted


def test_a_failed_payout_flags_partner_and_disbursement_but_keeps_the_ledger(
        connected, fake_stripe, client):
    d = paid(connected)
    before = available(connected)
    payout = {"id": "po_fake1", "object": "payout", "amount": d.amount, "currency": "usd",
              "status": "failed", "failure_code": "account_closed",
              "failure_message": "The bank account has been closed."}
    event = fake_stripe.event("payout.failed", payout, account="acct_partnerX",
                              created=int(time.time()) + 60)
    assert post_event(client, event).json()["outcome"] == "payout failure recorded"
    d.refresh_from_db()
    assert d.status == Status.PAID and "bank account has been closed" in d.payout_warning
    assert "closed" in PartnerStripeAccount.objects.get(partner=connected.partner_x) \
        .payout_failure
    assert available(connected) == before
    call_command("ledger_verify")


def test_an_unknown_transfer_is_stored_and_ignored(connected, fake_stripe, client):
    transfer = fake_stripe.add_transfer(amount=1234, metadata={"disbursement": "not-a-uuid"})
    response = post_event(client, fake_stripe.event("transfer.created", transfer))
    assert response.json()["outcome"] == "unknown transfer"
    assert StripeEvent.objects.get().processed_at is not None


def test_get_is_not_allowed_and_no_secret_means_no_events(world, client, settings):
    assert client.get(reverse("payments:stripe_webhook")).status_code == 405
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = json.dumps({"id": "evt_1", "type": "transfer.created"})
    response = client.post(reverse("payments:stripe_webhook"), data=payload,
                           content_type="application/json",
                           headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
