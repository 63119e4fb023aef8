"""Real concurrency on PostgreSQL: threads on their own connections."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bondfund import services
from bondfund.models import BondApproval, BondRequest, State
from core.models import Role
from ledger import selectors as ledger_selectors
from ledger.models import Transfer
from ledger.verify import verify
from payments.models import Disbursement
from payments.services import disbursement_record_manual
from tests.bondfund.factories import make_program, make_request
from tests.casework.threads import run_at_once, succeeded
from tests.core.factories import user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_approvals_never_pass_the_consulate_cap(world):
    program = make_program(world, consulate_a=18_000, partner_x=100_000, tiers=[])
    requests = [make_request(world, program, amount=6_000) for _ in range(8)]
    outcomes = run_at_once([
        (lambda r=r: services.bond_request_approve(actor=world.approver_a, request_id=r.pk))
        for r in requests])
    assert len(succeeded(outcomes)) == 3, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 5, outcomes
    assert BondRequest.objects.filter(state=State.APPROVED).count() == 3
    position = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                                consulate_id=world.consulate_a.pk)
    assert (position.reserved, position.available) == (18_000_00, 0)
    assert verify() == []


def test_two_approvers_at_once_make_one_reservation(world):
    second = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                            username="approver_a2")
    program = make_program(world, tiers=[])
    bond = make_request(world, program, amount=6_000)
    outcomes = run_at_once([
        lambda: services.bond_request_approve(actor=world.approver_a, request_id=bond.pk),
        lambda: services.bond_request_approve(actor=second, request_id=bond.pk),
    ])
    assert len(succeeded(outcomes)) == 1, outcomes
    assert BondRequest.objects.get(pk=bond.pk).state == State.APPROVED
    assert BondApproval.objects.filter(request=bond).count() == 1
    assert Transfer.objects.filter(code="authorize").count() == 2  # consulate + partner legs
    assert verify() == []


def test_two_clicks_of_the_same_disbursement_pay_once(world):
    program = make_program(world, tiers=[])
    bond = make_request(world, program, amount=6_000)
    services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)

    def release():
        services.bond_request_request_payment(actor=world.approver_a, request_id=bond.pk)

    assert len(succeeded(run_at_once([release, release]))) == 2  # both land on one payment
    [disbursement] = Disbursement.objects.all()

    def pay():
        disbursement_record_manual(disbursement_id=disbursement.pk, actor=world.approver_a,
                                   method="wire", reference="FW",
                                   sent_on=datetime.date(2025, 12, 2))

    outcomes = run_at_once([pay, pay])
    assert len(succeeded(outcomes)) == 1, outcomes
    assert BondRequest.objects.get(pk=bond.pk).state == State.DISBURSED
    assert Transfer.objects.filter(code="disburse").count() == 1
    assert verify() == []
