"""Whose calendar a date is read on: a case's dates are the consulate's, a fund-wide number or
program day is the fund's (America/Chicago). Time is an input: each test travels to fixed
instants around midnight."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core import services
from core.documents import document_number_allocate
from core.models import ConsulateTimeZone
from core.timezones import fund_today
from core.whereabouts import person_location_record, person_service_record
from tests.clock import CHICAGO, SAN_JUAN

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
# 23:30 on 31 December in Los Angeles is already 01:30 on 1 January in Chicago.
NEW_YEAR_IN_CHICAGO_ONLY = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=PACIFIC)


def _person(**overrides):
    fields = {"given_names": "Rosa Elena", "family_names": "Treviño Galván",
              "date_of_birth": datetime.date(1990, 6, 1), "a_number": "", "curp": ""}
    fields.update(overrides)
    return fields


def test_a_case_reference_takes_the_year_at_its_consulate(world):
    world.consulate_b.time_zone = ConsulateTimeZone.PACIFIC
    world.consulate_b.save()
    with time_machine.travel(NEW_YEAR_IN_CHICAGO_ONLY, tick=False):
        lax = services.beneficiary_create(actor=world.officer_b, consulate=world.consulate_b,
                                          **_person())
        chi = services.beneficiary_create(actor=world.officer_a, consulate=world.consulate_a,
                                          **_person(given_names="Otra", family_names="Persona"))
    assert lax.reference == "LAX-2026-000001"
    assert chi.reference == "CHI-2027-000001"


def test_fund_wide_document_numbers_take_the_year_in_the_fund_zone(db):
    with time_machine.travel(NEW_YEAR_IN_CHICAGO_ONLY, tick=False):
        from django.utils import timezone

        with timezone.override(PACIFIC):  # a page served to a Los Angeles officer
            assert document_number_allocate().startswith("FZ-2027-")


@pytest.mark.parametrize("zone_name,zone", [(ConsulateTimeZone.CENTRAL, CHICAGO),
                                            (ConsulateTimeZone.ATLANTIC, SAN_JUAN)])
def test_a_typed_date_is_in_the_future_only_on_the_consulates_calendar(around_midnight, world,
                                                                        zone_name, zone):
    world.consulate_a.time_zone = zone_name
    world.consulate_a.save()
    today_there = around_midnight.astimezone(zone).date()
    service = person_service_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                                    kind="legal_advice", received_on=today_there)
    location = person_location_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                                      status="held", since=today_there)
    assert (service.received_on, location.since) == (today_there, today_there)
    tomorrow_there = today_there + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        person_service_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                              kind="legal_advice", received_on=tomorrow_there)
    with pytest.raises(ValidationError):
        person_location_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                               status="released", since=tomorrow_there)


def test_the_funds_day_does_not_follow_the_zone_a_page_activated(around_midnight):
    from django.utils import timezone

    with timezone.override(SAN_JUAN):
        assert fund_today() == around_midnight.astimezone(CHICAGO).date()
