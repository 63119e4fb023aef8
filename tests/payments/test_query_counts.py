"""The lists stay usable with more data: the queries a page needs do not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.models import Status
from tests.helpers import sign_in
from tests.payments.factories import DisbursementFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def assert_flat(client, url, add_rows):
    """As many queries with 3 rows on the page as with 12."""
    add_rows(3)
    client.get(url)  # the session's first request may do more (e.g. load the OTP device)
    with_3 = queries_for(client, url)
    add_rows(9)
    assert queries_for(client, url) == with_3


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
