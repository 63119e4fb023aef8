"""The rules bonds and grants share, run against both machines."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from core.models import Role
from payments.services import disbursement_record_manual
from tests.casework.factories import MACHINES
from tests.core.factories import user_with_role

NOON = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=datetime.UTC)
machines = pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)


@pytest.fixture(autouse=True)
def _fixed_time():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def second(world):
    return user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                          username="approver_a2")


@machines
def test_neither_the_creator_nor_the_submitter_may_sign(world, machine):
    program = machine.program(world)
    creator_and_approver = user_with_role(Role.CONSULATE_OFFICER, consulate=world.consulate_a,
                                          username="both")
    creator_and_approver.memberships.create(role=Role.FINANCE_APPROVER,
                                            consulate=world.consulate_a)
    case = machine.submitted(world, program, amount=2_000, officer=creator_and_approver)
    with pytest.raises(ValidationError, match="created or submitted"):
        machine.call("approve", actor=creator_and_approver, case=case)
    assert not machine.reload(case).approvals.exists()
    assert machine.reserved(world, program) == 0


@machines
def test_the_first_signature_holds_the_money_so_the_second_cannot_fail(world, machine, second):
    program = machine.program(world, budget=5_000, tiers=[{"above": "1000", "approvals": 2}])
    first = machine.submitted(world, program, amount=3_000)
    machine.call("approve", actor=world.approver_a, case=first)
    assert machine.reload(first).state == "submitted"
    assert machine.reserved(world, program) == 3_000_00
    # Another case now finds the money gone at its first signature, and is told so.
    other = machine.submitted(world, program, amount=3_000)
    with pytest.raises(ValidationError, match="money is not there"):
        machine.call("approve", actor=world.approver_a, case=other)
    assert not machine.reload(other).approvals.exists()
    # The second signature of the first case cannot fail for lack of money.
    machine.call("approve", actor=second, case=first)
    assert machine.reload(first).state == "approved"
    assert machine.reserved(world, program) == 3_000_00


@machines
@pytest.mark.parametrize("step", ["return", "reject", "withdraw"])
def test_a_held_signature_is_released_when_the_case_stops(world, machine, step):
    program = machine.program(world, tiers=[{"above": "1000", "approvals": 2}])
    case = machine.submitted(world, program, amount=2_000)
    machine.call("approve", actor=world.approver_a, case=case)
    actor = world.officer_a if step == "withdraw" else world.approver_a
    machine.call(step, actor=actor, case=case, comment="Falta el comprobante")
    case = machine.reload(case)
    assert case.reservation_key == ""
    assert machine.reserved(world, program) == 0


@machines
def test_a_return_keeps_the_signatures_and_starts_a_new_round(world, machine, second):
    program = machine.program(world, tiers=[{"above": "1000", "approvals": 2}])
    case = machine.submitted(world, program, amount=2_000)
    machine.call("approve", actor=world.approver_a, case=case)
    machine.call("return", actor=second, case=case, comment="Corrija la fecha")
    machine.call("submit", actor=world.officer_a, case=case)
    machine.call("approve", actor=world.approver_a, case=case)
    machine.call("approve", actor=second, case=case)
    case = machine.reload(case)
    assert case.state == "approved" and case.approval_round == 2
    assert sorted(case.approvals.values_list("round", "approver__username")) == [
        (1, "approver_a"), (2, "approver_a"), (2, "approver_a2")]
    assert machine.reserved(world, program) == 2_000_00


@machines
def test_submission_tells_consulate_and_headquarters_approvers(
        world, machine, django_capture_on_commit_callbacks):
    hq = user_with_role(Role.FINANCE_APPROVER, username="approver_hq")
    user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_b, username="approver_b")
    program = machine.program(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = machine.submitted(world, program, amount=2_000)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.approver_a.email, hq.email])
    assert case.reference in mail.outbox[0].subject


@machines
def test_above_the_threshold_a_second_person_records_the_payment(world, machine, second):
    program = machine.program(world, threshold=1_500)
    case = machine.submitted(world, program, amount=2_000)
    machine.call("approve", actor=world.approver_a, case=case)
    disbursement = machine.call("request_payment", actor=world.approver_a, case=case)
    assert disbursement.requested_by == world.approver_a
    with pytest.raises(ValidationError, match="second person"):
        disbursement_record_manual(disbursement_id=disbursement.pk, actor=world.approver_a,
                                   method="wire", reference="W-1",
                                   sent_on=datetime.date(2026, 3, 10))
    assert machine.reload(case).state == "approved"
    disbursement_record_manual(disbursement_id=disbursement.pk, actor=second, method="wire",
                               reference="W-1", sent_on=datetime.date(2026, 3, 10))
    assert machine.reload(case).state == "disbursed"


@machines
def test_below_the_threshold_the_requester_may_record_the_payment(world, machine):
    program = machine.program(world, threshold=5_000)
    case = machine.submitted(world, program, amount=2_000)
    machine.call("approve", actor=world.approver_a, case=case)
    disbursement = machine.call("request_payment", actor=world.approver_a, case=case)
    disbursement_record_manual(disbursement_id=disbursement.pk, actor=world.approver_a,
                               method="wire", reference="W-1",
                               sent_on=datetime.date(2026, 3, 10))
    assert machine.reload(case).state == "disbursed"


@machines
def test_a_closed_program_takes_no_submission(world, machine):
    program = machine.program(world)
    case = machine.submitted(world, program, amount=2_000)
    machine.call("return", actor=world.approver_a, case=case, comment="Revise")
    program.is_active = False
    program.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="not open"):
        machine.call("submit", actor=world.officer_a, case=case)
    assert machine.reload(case).state == "draft"


@machines
def test_a_payment_under_way_is_one_requested_or_sent(world, machine):
    from casework.payments import payment_under_way

    program = machine.program(world)
    case = machine.submitted(world, program, amount=2_000)
    machine.call("approve", actor=world.approver_a, case=case)
    disbursement = machine.call("request_payment", actor=world.approver_a, case=case)
    assert payment_under_way(machine.kind, case) == disbursement
    assert machine.call("request_payment", actor=world.approver_a, case=case) == disbursement
    machine.call("void", actor=world.approver_a, case=case, comment="Ya no se necesita")
    assert payment_under_way(machine.kind, case) is None
    assert machine.reserved(world, program) == 0


@machines
def test_the_first_signer_reads_that_the_money_is_not_there_before_signing(world, machine):
    from django.test import Client
    from django.urls import reverse

    from tests.helpers import sign_in

    program = machine.program(world, budget=1_000)
    case = machine.submitted(world, program, amount=2_000)
    page = sign_in(Client(), world.approver_a).get(reverse(machine.kind.detail_url,
                                                            args=[case.pk]))
    warning = str(page.context["shortfall"])
    assert case.reference in warning and "1,000.00" in warning
    officer_page = sign_in(Client(), world.officer_a).get(reverse(machine.kind.detail_url,
                                                                   args=[case.pk]))
    assert officer_page.context["shortfall"] is None
