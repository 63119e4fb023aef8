"""The lists stay usable with more data: the queries a page needs do not grow with its rows."""

import pytest
from django.urls import reverse

from payments.models import Status
from tests.helpers import assert_flat, sign_in
from tests.payments.factories import DisbursementFactory

pytestmark = pytest.mark.django_db


def disbursements(world):
    """Half paid to partner X by name of the partner, half to a named payee."""

    def add(n):
        for i in range(n):
            DisbursementFactory(consulate=world.consulate_a, payee_partner=world.partner_x,
                                payee_name="" if i % 2 else "María Alvarado",
                                requested_by=world.approver_a)

    return add


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x", "admin",
                                     "auditor"])
def test_disbursement_list(client, world, persona):
    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("payments:disbursement_list"), disbursements(world))


def test_disbursement_list_filtered_by_status(client, world):
    sign_in(client, world.approver_a)
    assert_flat(client, reverse("payments:disbursement_list") + f"?status={Status.REQUESTED}",
                disbursements(world))
