import io

import pytest
from django.core.management import call_command

from grants import demo
from grants.models import GrantApplication, GrantProgram, State

pytestmark = pytest.mark.django_db


def test_demo_loads_walks_the_services_and_is_idempotent():
    from core import demo as core_demo

    core_demo.load()
    demo.load(io.StringIO())
    programs, applications = GrantProgram.objects.count(), GrantApplication.objects.count()
    demo.load(io.StringIO())
    assert (GrantProgram.objects.count(), GrantApplication.objects.count()) == (
        programs, applications)
    assert GrantProgram.objects.get(name=demo.REINTEGRATION).per_grant_max.amount == 2000
    states = set(GrantApplication.objects.values_list("state", flat=True))
    assert {State.CLOSED, State.SUBMITTED, State.APPROVED, State.DISBURSED,
            State.DRAFT} <= states
    call_command("ledger_verify", stdout=io.StringIO())
