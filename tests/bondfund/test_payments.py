"""A bond paid through payments: Stripe (the SDK over a fake HTTP client) or a recorded wire.

The bond moves to `disbursed` only when payments says the money left, once, whatever Stripe's
faults and replays; a reversed transfer puts it back to `approved` with the books balanced.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bondfund import services
from bondfund.models import BondRequest, State
from casework import payments as casework_payments
from core.models import AuditEvent
from ledger import selectors as ledger_selectors
from ledger.models import Transfer
from ledger.verify import verify
from payments import services as payments
from payments.models import Disbursement, PartnerStripeAccount, Status
from tests.bondfund.factories import make_program, make_request, pay
from tests.casework.stripe import english  # noqa: F401 - an autouse fixture
from tests.helpers import sign_in
from tests.payments.factories import post_event


@pytest.fixture
def program(world):
    partner = world.partner_x
    partner.stripe_account_id = "acct_partnerX"
    partner.save()
    PartnerStripeAccount.objects.create(partner=partner, account_id="acct_partnerX",
                                        payouts_enabled=True, details_submitted=True)
    return make_program(world)


@pytest.fixture
def approved(world, program):
    req = make_request(world, program, amount=6_000)
    return services.bond_request_approve(actor=world.approver_a, request_id=req.pk)


def figures(program, world):
    budget = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                              consulate_id=world.consulate_a.pk)
    [row] = ledger_selectors.reconciliation(program=program.ledger_ref, currency="USD",
                                            consulate_id=world.consulate_a.pk)
    return budget.reserved, budget.committed, budget.available, row.disbursed


def books_balance():
    assert verify() == []
    call_command("ledger_verify")


def state(req):
    return BondRequest.objects.get(pk=req.pk).state


def request_payment(world, req):
    return services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)


def release(world, d):
    with translation.override("en"):  # a page served in between may have switched it
        return payments.disbursement_release(disbursement_id=d.pk, actor=world.approver_a)


def transfers_for(fake, d):
    return [t for t in fake.transfers.values()
            if t["metadata"].get("disbursement") == str(d.pk)]


def test_full_life_paid_by_stripe_from_the_pages(world, program, approved, fake_stripe):
    client = sign_in(Client(), world.approver_a)
    response = client.post(
        reverse("bondfund:request_action", args=[approved.pk, "request-payment"]),
        {"request-payment-comment": "Pagar al obligor", "confirm": "1"})
    [d] = Disbursement.objects.all()
    assert response.url == reverse("payments:disbursement_detail", args=[d.pk])
    page = client.get(response.url).content.decode()
    assert reverse("payments:disbursement_release", args=[d.pk]) in page
    assert state(approved) == State.APPROVED  # requested is not paid
    assert figures(program, world) == (6_000_00, 0, 94_000_00, 0)

    client.post(reverse("payments:disbursement_release", args=[d.pk]))
    d.refresh_from_db()
    req = BondRequest.objects.get(pk=approved.pk)
    assert d.status == Status.PAID and req.state == State.DISBURSED
    [transfer] = transfers_for(fake_stripe, d)
    assert (transfer["amount"], transfer["destination"]) == (600_000, "acct_partnerX")
    assert (req.payment_id, req.disbursement_method, req.disbursement_reference) == (
        d.pk, "stripe_transfer", transfer["id"])
    assert figures(program, world) == (0, 6_000_00, 94_000_00, 6_000_00)
    event = AuditEvent.objects.filter(object_type="bondfund.bondrequest",
                                      object_id=str(req.pk), action="bond_request.disburse").get()
    assert event.actor == world.approver_a and event.changes["confirmed_by"] == "stripe"
    detail = client.get(reverse("bondfund:request_detail", args=[req.pk]))
    assert [x.status for x in detail.context["disbursements"]] == ["paid"]
    books_balance()


def test_timeout_after_stripe_made_the_transfer_pays_and_disburses_once(
        world, program, approved, fake_stripe, client):
    d = request_payment(world, approved)
    # Stripe makes the transfer, the answer is lost, and every retry times out too.
    fake_stripe.fail_next("post", "/v1/transfers", "timeout_after", "timeout_before",
                          "timeout_before", "timeout_before")
    with pytest.raises(ValidationError, match="not known yet"):
        release(world, d)
    d.refresh_from_db()
    assert d.status == Status.SENT and state(approved) == State.APPROVED
    assert not Transfer.objects.filter(code="disburse").exists()

    d.in_flight = False  # the approver tries again later: Stripe is asked first
    d.save(update_fields=["in_flight"])
    release(world, d)
    assert len(transfers_for(fake_stripe, d)) == 1
    assert state(approved) == State.DISBURSED

    # Stripe's own event arrives afterwards, twice: nothing more happens.
    [transfer] = transfers_for(fake_stripe, d)
    event = fake_stripe.event("transfer.created", transfer)
    assert post_event(client, event).json()["outcome"] == "unchanged"
    assert post_event(client, event).json()["outcome"] == "duplicate"
    with pytest.raises(ValidationError, match="already paid"):
        release(world, d)
    assert len(transfers_for(fake_stripe, d)) == 1
    assert Transfer.objects.filter(code="disburse").count() == 1
    assert AuditEvent.objects.filter(action="bond_request.disburse").count() == 1
    assert figures(program, world) == (0, 6_000_00, 94_000_00, 6_000_00)
    books_balance()


def test_webhook_confirms_a_transfer_whose_answer_was_lost(
        world, program, approved, fake_stripe, client):
    d = request_payment(world, approved)
    fake_stripe.fail_next("post", "/v1/transfers", "timeout_after", "timeout_before",
                          "timeout_before", "timeout_before")
    with pytest.raises(ValidationError):
        release(world, d)
    [transfer] = transfers_for(fake_stripe, d)
    event = fake_stripe.event("transfer.created", transfer)
    assert post_event(client, event).json()["outcome"] == "paid"
    assert state(approved) == State.DISBURSED
    assert post_event(client, event).json()["outcome"] == "duplicate"
    casework_payments.on_paid(None, disbursement=Disbursement.objects.get())  # signal replayed
    assert Transfer.objects.filter(code="disburse").count() == 1
    assert figures(program, world) == (0, 6_000_00, 94_000_00, 6_000_00)
    books_balance()


def test_reversed_transfer_puts_the_bond_back_to_approved(
        world, program, approved, fake_stripe, client):
    d = request_payment(world, approved)
    release(world, d)
    d.refresh_from_db()
    reversed_transfer = fake_stripe.reverse(d.stripe_transfer_id)
    event = fake_stripe.event("transfer.reversed", reversed_transfer)
    assert post_event(client, event).json()["outcome"] == "reversed"
    assert post_event(client, event).json()["outcome"] == "duplicate"

    req = BondRequest.objects.get(pk=approved.pk)
    assert req.state == State.APPROVED
    assert (req.payment_id, req.disbursed_amount) == (None, None)
    assert req.reservation_key == f"bond:{req.pk}:reserve:{d.pk}"
    # Budget reserved again for the same bond; nothing disbursed any more.
    assert figures(program, world) == (6_000_00, 0, 94_000_00, 0)
    books_balance()
    casework_payments.on_reversed(None, disbursement=Disbursement.objects.get())  # replay
    assert figures(program, world) == (6_000_00, 0, 94_000_00, 0)

    # The approver pays it again, this time by wire; or could void it instead.
    req = pay(world, req, reference="FW-2")
    assert req.state == State.DISBURSED
    assert Disbursement.objects.filter(object_id=str(req.pk)).count() == 2
    assert figures(program, world) == (0, 6_000_00, 94_000_00, 6_000_00)
    books_balance()


def test_void_after_a_reversed_payment_frees_the_budget(world, program, approved, fake_stripe,
                                                        client):
    d = request_payment(world, approved)
    release(world, d)
    d.refresh_from_db()
    post_event(client, fake_stripe.event("transfer.reversed",
                                         fake_stripe.reverse(d.stripe_transfer_id)))
    services.bond_request_void(actor=world.approver_a, request_id=approved.pk,
                               comment="The family paid the bond")
    assert state(approved) == State.VOIDED
    assert figures(program, world) == (0, 0, 100_000_00, 0)
    books_balance()


def test_refused_transfer_leaves_the_bond_approved_and_says_so(world, program, approved,
                                                               fake_stripe):
    d = request_payment(world, approved)
    fake_stripe.fail_next("post", "/v1/transfers", "refuse")
    with pytest.raises(ValidationError, match="refused"):
        release(world, d)
    assert state(approved) == State.APPROVED
    assert AuditEvent.objects.filter(action="bond_request.payment_failed").count() == 1
    assert figures(program, world) == (6_000_00, 0, 94_000_00, 0)
    # A new payment can be requested for the same bond.
    again = request_payment(world, approved)
    assert again.pk != d.pk
    client = sign_in(Client(), world.officer_a)
    detail = client.get(reverse("bondfund:request_detail", args=[approved.pk]))
    assert [x.status for x in detail.context["disbursements"]] == ["requested", "failed"]
    assert "Insufficient funds" in detail.content.decode()
    books_balance()


def test_bond_stayed_after_approval_cannot_be_paid(world, program, approved):
    services.bond_request_stay(actor=world.approver_a, request_id=approved.pk,
                               filed_on=approved.created_at.date())
    with pytest.raises(ValidationError, match="stayed"):
        request_payment(world, approved)
    assert not Disbursement.objects.exists()


def test_only_the_consulates_finance_approver_may_release_payment(world, program, approved):
    from django.core.exceptions import PermissionDenied

    for user in (world.officer_a, world.partner_x_staff, world.approver_a.__class__.objects
                 .get(pk=world.auditor.pk)):
        with pytest.raises(PermissionDenied):
            services.bond_request_request_payment(actor=user, request_id=approved.pk)
    assert not Disbursement.objects.exists()
