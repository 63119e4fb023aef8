"""The lists stay usable with more data: the queries a page needs do not grow with its rows."""

from decimal import Decimal

import pytest
from django.urls import reverse
from djmoney.money import Money

from grants.models import GrantApplication, PayeeKind, State
from tests.casework.factories import rows_adder
from tests.grants.factories import make_application, make_program, submitted
from tests.helpers import assert_flat, sign_in

pytestmark = pytest.mark.django_db


def applications(world, program, make=make_application, then=None, **kwargs):
    """n more applications of Chicago's officer paying partner X, each for a new
    beneficiary."""
    return rows_adder(world, lambda person: make(
        world, program, beneficiary=person, payee_kind=PayeeKind.PARTNER,
        payee_partner=world.partner_x, **kwargs), GrantApplication, then)


def test_application_list_filtered(client, world):
    program = make_program(world)
    sign_in(client, world.officer_a)
    assert_flat(client, reverse("grants:application_list") + f"?state=draft&program={program.pk}",
                applications(world, program))


@pytest.mark.parametrize("persona", ["approver_a", "admin", "auditor"])
def test_approval_queue(client, world, persona):
    """Each row also flags earlier grants within the waiting period: read for the whole page."""
    program = make_program(world, waiting_period_days=90)
    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("grants:approval_queue"),
                applications(world, program, make=submitted))


@pytest.mark.parametrize("persona", ["officer_a", "admin"])
def test_program_list(client, world, persona):
    count = iter(range(100))

    def programs(n):
        for _ in range(n):
            make_program(world, name=f"Programa {next(count)}", allocations={})

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("grants:program_list"), programs)


@pytest.mark.parametrize("persona", ["officer_a", "admin"])
def test_granted_report(client, world, persona):
    program = make_program(world)

    def granted(qs):
        qs.update(state=State.DISBURSED, disbursed_amount=Money(Decimal("1000"), "USD"))

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("grants:report"), applications(world, program, then=granted))
