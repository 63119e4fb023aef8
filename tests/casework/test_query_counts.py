"""Both case lists stay usable with more data, for everyone who reads them: the queries a
page needs do not grow with its rows."""

import pytest
from django.urls import reverse

from tests.casework.factories import MACHINES
from tests.helpers import assert_flat, sign_in

pytestmark = pytest.mark.django_db

READERS = ["officer_a", "approver_a", "partner_x", "admin", "auditor"]


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_case_list_queries_do_not_grow_with_its_rows(client, world, machine, persona):
    program = machine.program(world)
    sign_in(client, world.personas[persona])
    assert_flat(client, reverse(machine.list_url), machine.cases_adder(world, program))
