import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from core.models import User
from ledger.verify import verify
from obligations import refunds, selectors
from obligations.models import Appearance, BreachAppeal


@pytest.mark.django_db
def test_demo_shows_upcoming_hearings_and_one_to_record_once():
    with time_machine.travel(dt.datetime(2026, 7, 6, 15, 0, tzinfo=dt.UTC), tick=False):
        call_command("load_demo", stdout=open("/dev/null", "w"))
        count = Appearance.objects.count()
        officer = User.objects.get(username="oficial.chicago")
        partner = User.objects.get(username="socio.midwest")
        assert selectors.appearances_this_week(officer).exists()
        assert selectors.appearances_this_week(partner).exists()
        assert selectors.appearances_to_record(officer).count() == 1
        # Los Angeles has its own, at its court's hour on Pacific time.
        los_angeles = User.objects.get(username="oficial.losangeles")
        [hearing] = selectors.appearances_this_week(los_angeles).filter(kind="hearing")
        assert hearing.bond.consulate.code == "LAX"
        assert hearing.scheduled_for.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles")) \
            .time() == dt.time(9, 0)
        # The cancelled bond's refund is overdue; the breached one owes its interest and
        # its appeal is filed.
        rows = refunds.refunds_owed(partner)
        assert {r.reason for r in rows} >= {"refund_due", "breach_interest"}
        assert any(r.reason == "refund_due" and r.days_overdue for r in rows)
        assert BreachAppeal.objects.count() == 1
        call_command("load_demo", stdout=open("/dev/null", "w"))
        assert BreachAppeal.objects.count() == 1
    assert verify() == []
    assert count >= 3 and Appearance.objects.count() == count
