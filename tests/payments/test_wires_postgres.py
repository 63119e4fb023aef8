"""Real concurrency (PostgreSQL row locks): two approvers recording the same wire at once
pay each of its bonds once."""

import pytest
from django.core.exceptions import ValidationError

from bondfund.models import BondRequest, State
from core.models import Role
from ledger.models import Transfer
from ledger.verify import verify
from payments import wires
from payments.models import Disbursement, Status
from tests.casework.threads import run_at_once, succeeded
from tests.core.factories import user_with_role
from tests.payments.test_wires import SENT_ON, approved_bond, requested_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger_receivers():
    yield


def test_two_approvers_recording_one_wire_pay_each_bond_once(world):
    from tests.bondfund.factories import make_program

    program = make_program(world)
    found = [approved_bond(world, program, amount=a) for a in (6_000, 7_000, 8_000)]
    payments = [requested_payment(world, b) for b in found]
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    approvers = [user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                                username=f"racer{i}") for i in range(2)]

    results = run_at_once([
        lambda who=who: wires.wire_record(wire_id=wire.pk, actor=who, method="wire",
                                          reference="FW-RACE", sent_on=SENT_ON)
        for who in approvers])

    assert len(succeeded(results)) == 1, results
    [refused] = [r for r in results if isinstance(r, Exception)]
    assert isinstance(refused, ValidationError) and "already paid" in " ".join(refused.messages)
    for bond, d in zip(found, payments, strict=True):
        assert Disbursement.objects.get(pk=d.pk).status == Status.PAID
        assert BondRequest.objects.get(pk=bond.pk).state == State.DISBURSED
        assert Transfer.objects.filter(id=f"disburse:{d.pk}:money").count() == 1
    assert verify() == []
