"""The lists stay usable with more data: the queries a page needs do not grow with its rows."""

import datetime

import pytest
from django.urls import reverse

from bondfund.models import BondRequest, State
from tests.bondfund.factories import make_program, make_request, usd
from tests.casework.factories import rows_adder
from tests.helpers import assert_flat, sign_in

pytestmark = pytest.mark.django_db


def requests(world, program, *, submit=True, then=None):
    """n more bond requests of Chicago's officer, each for a new beneficiary."""
    return rows_adder(world, lambda person: make_request(world, program, submit=submit,
                                                         beneficiary=person),
                      BondRequest, then)


def test_request_list_filtered_by_state(client, world):
    program = make_program(world)
    sign_in(client, world.officer_a)
    assert_flat(client, reverse("bondfund:request_list") + "?state=submitted",
                requests(world, program))


def test_approval_queue(client, world):
    program = make_program(world)
    sign_in(client, world.approver_a)
    assert_flat(client, reverse("bondfund:approval_queue"), requests(world, program))


def test_approval_queue_with_a_first_signature(client, world):
    """Above the tier two approvers sign: the second sees the first's signature counted."""
    from bondfund import services
    from tests.core.factories import user_with_role

    program = make_program(world, tiers=[{"above": "1500", "approvals": 2}])
    first = user_with_role("finance_approver", consulate=world.consulate_a, username="first")

    def approve_once(qs):
        for req in qs:
            services.bond_request_approve(actor=first, request_id=req.pk)

    sign_in(client, world.approver_a)
    assert_flat(client, reverse("bondfund:approval_queue"),
                requests(world, program, then=approve_once))


@pytest.mark.parametrize("persona", ["officer_a", "partner_x", "auditor"])
def test_refunds_due(client, world, persona):
    program = make_program(world)

    def refund_due(qs):
        qs.update(state=State.REFUND_DUE, cancelled_on=datetime.date(2026, 1, 5),
                  disbursed_amount=usd(6_000), posted_on=datetime.date(2025, 12, 3))

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("bondfund:refunds_due"),
                requests(world, program, then=refund_due))


@pytest.mark.parametrize("persona", ["admin", "approver_a", "auditor"])
def test_program_list(client, world, persona):
    count = iter(range(100))

    def programs(n):
        for _ in range(n):
            make_program(world, name=f"Programa {next(count)}", consulate_a=0, consulate_b=0,
                         partner_x=0, partner_y=0)

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("bondfund:program_list"), programs)
