"""Releasing by Stripe: every fault ends with one transfer at Stripe and balanced books."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEvent
from ledger.models import Transfer
from payments import services, signals, stripe_gateway
from payments.models import Disbursement, Status
from tests.payments.factories import requested


@pytest.fixture
def connected(funded):
    funded.partner_x.stripe_account_id = "acct_partnerX"
    funded.partner_x.save()
    return funded


def release(world, d, actor=None):
    return services.disbursement_release(disbursement_id=d.pk, actor=actor or world.approver_a)


def assert_one_transfer_and_books_balance(fake, d):
    d.refresh_from_db()
    ours = [t for t in fake.transfers.values()
            if t["metadata"].get("disbursement") == str(d.pk)]
    assert len(ours) == 1, ours
    assert d.stripe_transfer_id == ours[0]["id"]
    assert ours[0]["amount"] == d.amount and ours[0]["destination"] == "acct_partnerX"
    call_command("ledger_verify")
    return ours[0]


def posted(d):
    return Transfer.objects.filter(id__startswith=f"disburse:{d.pk}").count()


def test_release_pays_once_posts_the_ledger_and_audits(connected, fake_stripe):
    d = requested(connected)
    release(connected, d)
    d.refresh_from_db()
    assert d.status == Status.PAID and d.released_by == connected.approver_a
    transfer = assert_one_transfer_and_books_balance(fake_stripe, d)
    assert transfer["transfer_group"] == f"disbursement:{d.pk}"
    assert fake_stripe.transfer_posts()[0][2] == f"transfer:{d.pk}"
    assert posted(d) > 0
    assert AuditEvent.objects.filter(object_id=str(d.pk),
                                     action="payments.disbursement.paid").count() == 1


def test_double_click_gives_one_transfer_and_a_clear_message(connected, fake_stripe):
    d = requested(connected)
    release(connected, d)
    with pytest.raises(ValidationError, match="already paid"):
        release(connected, d)
    assert len(fake_stripe.transfer_posts()) == 1
    assert_one_transfer_and_books_balance(fake_stripe, d)


@pytest.mark.parametrize("faults", [
    ["timeout_after"],            # Stripe made it, the answer was lost: the retry replays it
    ["500"],                      # a 500, then a 200
    ["409"],                      # lock timeout, then a 200
    ["timeout_before", "500", "timeout_after"],
])
def test_transient_faults_are_retried_with_the_same_key(connected, fake_stripe, faults):
    d = requested(connected)
    fake_stripe.fail_next("post", "/v1/transfers", *faults)
    release(connected, d)
    d.refresh_from_db()
    assert d.status == Status.PAID
    keys = {call[2] for call in fake_stripe.transfer_posts()}
    assert keys == {f"transfer:{d.pk}"}
    assert len(fake_stripe.transfer_posts()) == len(faults) + 1
    assert_one_transfer_and_books_balance(fake_stripe, d)


def test_unknown_outcome_is_looked_up_before_a_new_attempt(connected, fake_stripe):
    d = requested(connected)
    fake_stripe.fail_next("post", "/v1/transfers", *["timeout_after"] * 4)
    with pytest.raises(ValidationError, match="not known"):
        release(connected, d)
    d.refresh_from_db()
    assert d.status == Status.SENT and not d.in_flight and d.last_error
    assert posted(d) == 0  # no money recorded as gone while we don't know
    posts_before = len(fake_stripe.transfer_posts())

    release(connected, d)  # the approver tries again: Stripe already has it

    d.refresh_from_db()
    assert d.status == Status.PAID and d.last_error == ""
    assert len(fake_stripe.transfer_posts()) == posts_before  # found, not created again
    assert_one_transfer_and_books_balance(fake_stripe, d)


def test_crash_between_the_call_and_the_commit_still_pays_once(connected, fake_stripe,
                                                               monkeypatch):
    d = requested(connected)
    real_finish = services._release_finish

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "_release_finish", crash)
    with pytest.raises(RuntimeError):
        release(connected, d)
    monkeypatch.setattr(services, "_release_finish", real_finish)
    d.refresh_from_db()
    assert d.status == Status.SENT and d.in_flight

    with pytest.raises(ValidationError, match="right now"):
        release(connected, d)  # the attempt may still be alive: hands off

    Disbursement.objects.filter(pk=d.pk).update(
        last_attempt_at=timezone.now() - datetime.timedelta(minutes=10))
    release(connected, d)
    d.refresh_from_db()
    assert d.status == Status.PAID and d.attempts == 2  # the refused click left no trace
    assert len(fake_stripe.transfer_posts()) == 1
    assert_one_transfer_and_books_balance(fake_stripe, d)


def test_a_key_stripe_forgot_is_renewed_only_after_the_lookup_finds_nothing(connected,
                                                                             fake_stripe):
    d = requested(connected)
    fake_stripe.fail_next("post", "/v1/transfers", *["timeout_before"] * 4)
    with pytest.raises(ValidationError):
        release(connected, d)
    assert fake_stripe.transfers == {}
    Disbursement.objects.filter(pk=d.pk).update(
        idempotency_key_at=timezone.now() - datetime.timedelta(days=2))

    release(connected, d)

    d.refresh_from_db()
    assert d.status == Status.PAID
    assert d.idempotency_key == f"transfer:{d.pk}:2"
    lookups = [c for c in fake_stripe.calls if c[:2] == ("get", "/v1/transfers")]
    assert lookups and lookups[0][3]["transfer_group"] == f"disbursement:{d.pk}"
    assert_one_transfer_and_books_balance(fake_stripe, d)


def test_the_fake_honours_idempotency_like_stripe(connected, fake_stripe):
    args = {"currency": "USD", "destination": "acct_partnerX", "transfer_group": "g",
            "metadata": {"disbursement": "x"}, "idempotency_key": "transfer:same"}
    first = stripe_gateway.transfer_create(amount=100, **args)
    again = stripe_gateway.transfer_create(amount=100, **args)
    assert first["id"] == again["id"] and len(fake_stripe.transfers) == 1
    with pytest.raises(stripe_gateway.StripeRefused, match="same parameters"):
        stripe_gateway.transfer_create(amount=200, **args)
    assert len(fake_stripe.transfers) == 1


def test_a_refusal_fails_the_disbursement_without_touching_the_ledger(connected, fake_stripe):
    d = requested(connected)
    failed = []
    signals.disbursement_failed.connect(lambda sender, disbursement, **kw:
                                        failed.append(disbursement.pk), weak=False,
                                        dispatch_uid="test-failed")
    try:
        fake_stripe.fail_next("post", "/v1/transfers", "refuse")
        with pytest.raises(ValidationError, match="Insufficient funds"):
            release(connected, d)
    finally:
        signals.disbursement_failed.disconnect(dispatch_uid="test-failed")
    d.refresh_from_db()
    assert d.status == Status.FAILED and failed == [d.pk]
    assert len(fake_stripe.transfer_posts()) == 1 and fake_stripe.transfers == {}
    assert posted(d) == 0
    call_command("ledger_verify")
    # the purpose is free again: the business app may ask anew
    again = services.disbursement_request(
        object_type=d.object_type, object_id=d.object_id, reservation_key=d.reservation_key,
        amount=d.amount, currency="USD", consulate_id=d.consulate_id,
        payee_partner=connected.partner_x, actor=connected.officer_a)
    assert again.pk != d.pk and again.status == Status.REQUESTED


def test_only_a_finance_approver_of_the_consulate_releases(connected, fake_stripe):
    d = requested(connected)
    for who in (connected.officer_a, connected.partner_x_staff, connected.auditor):
        with pytest.raises(PermissionDenied):
            release(connected, d, actor=who)
    assert fake_stripe.calls == []
    d.refresh_from_db()
    assert d.status == Status.REQUESTED


def test_a_payee_without_stripe_account_is_refused_before_any_call(funded, fake_stripe):
    d = requested(funded)
    with pytest.raises(ValidationError, match="no Stripe account"):
        release(funded, d)
    assert fake_stripe.calls == []


def test_request_is_idempotent_per_purpose(connected):
    d = requested(connected, object_id="77")
    same = services.disbursement_request(
        object_type=d.object_type, object_id="77", reservation_key=d.reservation_key,
        amount=d.amount, currency="USD", consulate_id=d.consulate_id,
        payee_partner=connected.partner_x, actor=connected.officer_a)
    assert same.pk == d.pk
    with pytest.raises(ValidationError, match="already exists"):
        services.disbursement_request(
            object_type=d.object_type, object_id="77", reservation_key=d.reservation_key,
            amount=d.amount + 1, currency="USD", consulate_id=d.consulate_id,
            payee_partner=connected.partner_x, actor=connected.officer_a)
    assert Disbursement.objects.filter(object_id="77").count() == 1


def test_the_release_button_pays_and_says_so(connected, fake_stripe, client):
    from django.urls import reverse

    from tests.helpers import sign_in

    d = requested(connected)
    sign_in(client, connected.approver_a)
    page = client.get(reverse("payments:disbursement_detail", args=[d.pk])).content.decode()
    assert reverse("payments:disbursement_release", args=[d.pk]) in page
    response = client.post(reverse("payments:disbursement_release", args=[d.pk]), follow=True)
    assert "The transfer was made at Stripe." in response.content.decode()
    again = client.post(reverse("payments:disbursement_release", args=[d.pk]), follow=True)
    assert "already paid" in again.content.decode()
    assert len(fake_stripe.transfers) == 1


def test_finance_approvers_are_told_after_commit(funded, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = requested(funded)
    assert [m.to for m in mailoutbox] == [[funded.approver_a.email]]
    assert str(d.payee_partner) in mailoutbox[0].body
