"""A program opens and closes on the fund's calendar (America/Chicago), whatever zone the
officer's consulate keeps: the page offers a program until midnight in Chicago, never until
midnight in San Juan or Los Angeles. Each test runs at fixed instants around midnight."""

import datetime

import pytest
from django.urls import reverse

from bondfund.models import BondProgram
from core.models import ConsulateTimeZone
from tests.bondfund.factories import make_program
from tests.clock import CHICAGO
from tests.helpers import sign_in

LAST_DAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize("zone", [ConsulateTimeZone.ATLANTIC, ConsulateTimeZone.PACIFIC])
def test_a_program_is_offered_until_midnight_in_the_funds_zone(around_midnight, client, world,
                                                               zone):
    world.consulate_a.time_zone = zone
    world.consulate_a.save()
    program = make_program(world)
    BondProgram.objects.filter(pk=program.pk).update(ends_on=LAST_DAY)
    still_open = around_midnight.astimezone(CHICAGO).date() <= LAST_DAY

    sign_in(client, world.officer_a)
    response = client.get(reverse("bondfund:request_create"), {"beneficiary": world.ben_a.pk})

    assert response.status_code == 200
    if still_open:
        assert response.context["program"] == program
    else:  # the page says no program is open rather than offer a closed one
        assert response.context["programs"] == []
        assert "form" not in response.context
