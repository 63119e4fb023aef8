"""People caps under real concurrency on PostgreSQL: N approvals racing for K places."""

import pytest
from django.core.exceptions import ValidationError

from bondfund import services
from bondfund.models import BondRequest, State
from bondfund.services_programs import program_people_cap_set
from core.models import Role
from ledger import people
from ledger.verify import verify
from tests.bondfund.factories import make_program, make_request
from tests.casework.threads import run_at_once, succeeded
from tests.core.factories import user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_approvals_racing_for_three_places_approve_exactly_three(world):
    program = make_program(world, tiers=[])  # money for every one of them
    program_people_cap_set(actor=world.admin, program_id=program.pk, level="program", count=3)
    requests = [make_request(world, program, amount=2_000) for _ in range(8)]
    outcomes = run_at_once([
        (lambda r=r: services.bond_request_approve(actor=world.approver_a, request_id=r.pk))
        for r in requests])
    assert len(succeeded(outcomes)) == 3, outcomes
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refusals) == 5, outcomes
    assert {m for r in refusals for m in r.messages} == {
        "The program's limit of 3 people is reached."}
    assert BondRequest.objects.filter(state=State.APPROVED).count() == 3
    assert people.people_positions(program=program.ledger_ref)[("program", None, None)] \
        == people.PeoplePosition(cap=3, reserved=3, funded=0)
    assert verify() == []


def test_two_approvers_filling_the_last_place_at_once(world):
    second = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                            username="approver_a2")
    program = make_program(world, tiers=[])
    program_people_cap_set(actor=world.admin, program_id=program.pk, level="consulate",
                           count=1, consulate=world.consulate_a)
    first, other = make_request(world, program, amount=2_000), make_request(world, program,
                                                                           amount=2_000)
    outcomes = run_at_once([
        lambda: services.bond_request_approve(actor=world.approver_a, request_id=first.pk),
        lambda: services.bond_request_approve(actor=second, request_id=other.pk),
    ])
    assert len(succeeded(outcomes)) == 1, outcomes
    assert BondRequest.objects.filter(state=State.APPROVED).count() == 1
    assert verify() == []
