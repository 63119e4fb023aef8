"""A report period is of days in the fund's zone (America/Chicago), whichever zone the page
that asks has activated: a San Juan officer and a Chicago officer read the same figures, and
the page says which zone the days are in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from ledger import selectors
from tests.clock import CHICAGO, SAN_JUAN
from tests.ledger.factories import funded_program
from tests.ledger.test_views import login

pytestmark = pytest.mark.django_db
P = "bond:1"
NOV_30 = datetime.date(2026, 11, 30)
MIDNIGHTS = (datetime.datetime(2026, 11, 30, tzinfo=CHICAGO),
             datetime.datetime(2026, 12, 1, tzinfo=CHICAGO))


@pytest.mark.parametrize("zone", [CHICAGO, SAN_JUAN, datetime.UTC], ids=str)
def test_a_period_runs_from_midnight_to_midnight_in_the_funds_zone_whoever_asks(zone):
    # On PostgreSQL the books stamp transfers with the database's clock, so the rule is
    # checked on the bounds the period query filters with rather than on travelled transfers.
    with timezone.override(zone):  # the zone a page activates for its reader
        assert selectors.period_bounds(NOV_30, NOV_30) == MIDNIGHTS


def test_the_page_says_the_period_is_in_the_funds_zone(client, frozen_clock):
    funded_program(program=P, amount=100_000, consulates={1: 50_000}, caps={7: 30_000})
    login(client, Role.AUDITOR)
    page = client.get(reverse("ledger:reconciliation"),
                      {"date_from": "2026-11-01", "date_to": "2026-11-30"}).content.decode()
    assert "midnight to midnight in the fund's time zone (America/Chicago)" in page
