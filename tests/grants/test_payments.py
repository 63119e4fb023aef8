"""Grants paid through payments: a recorded wire for a person, Stripe for a partner payee."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from casework import payments as casework_payments
from grants import services
from grants.models import GrantApplication, PayeeKind, State
from ledger.models import Transfer
from ledger.selectors import budget_position, reconciliation
from payments import services as payments
from payments.models import Disbursement, PartnerStripeAccount, Status
from tests.casework.stripe import english  # noqa: F401 - an autouse fixture
from tests.grants.factories import approved, make_program
from tests.helpers import sign_in
from tests.payments.factories import post_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ticking_clock")]


def figures(program, world):
    budget = budget_position(program=program.ledger_ref, currency=program.currency,
                             consulate_id=world.consulate_a.pk)
    [row] = [r for r in reconciliation(program=program.ledger_ref)
             if r.consulate_id == world.consulate_a.pk]
    return budget.reserved, budget.committed, budget.available, row.granted


def state(application):
    return GrantApplication.objects.get(pk=application.pk).state


def test_grant_life_paid_by_a_manual_wire_through_the_pages(world):
    program = make_program(world)
    application = approved(world, program, amount=Decimal("1500"))
    client = sign_in(Client(), world.approver_a)
    response = client.post(reverse("grants:application_action",
                                   args=[application.pk, "request-payment"]),
                           {"request-payment-comment": "Pagar a la familia", "confirm": "1"})
    [d] = Disbursement.objects.all()
    assert response.url == reverse("payments:disbursement_detail", args=[d.pk])
    assert (d.amount, d.currency, d.payee_partner, d.payee_name) == (
        150_000, "USD", None, "María Alvarado")
    assert "BANK-001" in d.payee_details
    page = client.get(response.url).content.decode()
    assert reverse("payments:disbursement_release", args=[d.pk]) not in page
    assert state(application) == State.APPROVED
    assert figures(program, world) == (150_000, 0, 2_000_000 - 150_000, 0)

    client.post(reverse("payments:disbursement_record_manual", args=[d.pk]), {
        "method": "wire", "reference": "WIRE-555", "sent_on": timezone.localdate()})
    application = GrantApplication.objects.get(pk=application.pk)
    assert application.state == State.DISBURSED
    assert (application.disbursed_amount, application.disbursement_method,
            application.disbursement_reference, application.payment_id) == (
        Money("1500", "USD"), "wire", "WIRE-555", d.pk)
    assert figures(program, world) == (0, 150_000, 2_000_000 - 150_000, 150_000)
    detail = client.get(reverse("grants:application_detail", args=[application.pk]))
    assert [x.status for x in detail.context["disbursements"]] == ["paid"]
    assert reverse("payments:disbursement_detail", args=[d.pk]) in detail.content.decode()

    # A replayed click or signal changes nothing.
    client.post(reverse("payments:disbursement_record_manual", args=[d.pk]), {
        "method": "wire", "reference": "WIRE-556", "sent_on": timezone.localdate()})
    casework_payments.on_paid(None, disbursement=Disbursement.objects.get())
    assert Transfer.objects.filter(code="disburse").count() == 1
    assert figures(program, world) == (0, 150_000, 2_000_000 - 150_000, 150_000)
    call_command("ledger_verify")


def test_a_person_payee_cannot_be_paid_by_stripe(world, fake_stripe):
    program = make_program(world)
    application = approved(world, program, payee_kind=PayeeKind.FAMILY_MEMBER)
    d = services.grant_application_request_payment(actor=world.approver_a,
                                                   application_id=application.pk)
    with pytest.raises(ValidationError, match="no Stripe account"):
        payments.disbursement_release(disbursement_id=d.pk, actor=world.approver_a)
    assert fake_stripe.transfer_posts() == []
    d.refresh_from_db()
    assert d.status == Status.REQUESTED and state(application) == State.APPROVED
    assert not Transfer.objects.filter(code="disburse").exists()


def test_a_partner_payee_paid_by_stripe_and_reversed_is_approved_again(world, fake_stripe,
                                                                       client):
    partner = world.partner_x
    partner.stripe_account_id = "acct_partnerX"
    partner.save()
    PartnerStripeAccount.objects.create(partner=partner, account_id="acct_partnerX",
                                        payouts_enabled=True)
    program = make_program(world)
    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk, partner=partner,
                                   amount=Decimal("5000"))
    application = approved(world, program, payee_kind=PayeeKind.PARTNER,
                           payee_partner=partner)
    d = services.grant_application_request_payment(actor=world.approver_a,
                                                   application_id=application.pk)
    payments.disbursement_release(disbursement_id=d.pk, actor=world.approver_a)
    d.refresh_from_db()
    assert state(application) == State.DISBURSED
    assert GrantApplication.objects.get(pk=application.pk).disbursement_method == "stripe_transfer"
    assert figures(program, world) == (0, 100_000, 1_900_000, 100_000)

    event = fake_stripe.event("transfer.reversed", fake_stripe.reverse(d.stripe_transfer_id))
    assert post_event(client, event).json()["outcome"] == "reversed"
    application = GrantApplication.objects.get(pk=application.pk)
    assert (application.state, application.payment_id) == (State.APPROVED, None)
    assert figures(program, world) == (100_000, 0, 1_900_000, 0)
    partner_cap = budget_position(program=program.ledger_ref, currency="USD",
                                  partner_id=partner.pk)
    assert (partner_cap.reserved, partner_cap.committed) == (100_000, 0)
    call_command("ledger_verify")

    services.grant_application_void(actor=world.approver_a, application_id=application.pk,
                                    comment="Paid by the family")
    assert figures(program, world) == (0, 0, 2_000_000, 0)
    call_command("ledger_verify")
