"""A consulate's "today", deadlines and business days are in its own zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core import timezones
from core.models import ConsulateTimeZone, Role
from tests.core.factories import ConsulateFactory, user_with_role

UTC = dt.UTC


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        # 04:30 UTC on 1 December is still 30 November on the mainland, already 1 December
        # nowhere west of the Atlantic zone, and 00:30 on 1 December in San Juan.
        (ConsulateTimeZone.ATLANTIC, dt.date(2026, 12, 1)),
        (ConsulateTimeZone.EASTERN, dt.date(2026, 11, 30)),
        (ConsulateTimeZone.CENTRAL, dt.date(2026, 11, 30)),
        (ConsulateTimeZone.PACIFIC, dt.date(2026, 11, 30)),
    ],
)
def test_today_is_the_consulates_date(zone, expected):
    consulate = ConsulateFactory(time_zone=zone)
    now = dt.datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
    assert timezones.local_today(consulate, now=now) == expected


@pytest.mark.django_db
def test_arizona_keeps_standard_time_in_summer():
    phoenix = ConsulateFactory(time_zone=ConsulateTimeZone.MOUNTAIN_NO_DST)
    denver = ConsulateFactory(time_zone=ConsulateTimeZone.MOUNTAIN)
    july = dt.datetime(2026, 7, 1, 18, 0, tzinfo=UTC)
    assert timezones.local_now(phoenix, now=july).hour == 11
    assert timezones.local_now(denver, now=july).hour == 12


@pytest.mark.django_db
def test_a_local_day_lasts_23_hours_when_clocks_go_forward():
    chicago = ConsulateFactory(time_zone=ConsulateTimeZone.CENTRAL)
    start, end = timezones.local_day_bounds(chicago, dt.date(2026, 3, 8))
    assert end - start == dt.timedelta(hours=23)
    assert start.astimezone(UTC) == dt.datetime(2026, 3, 8, 6, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_business_days_skip_the_weekend_at_the_consulate():
    san_juan = ConsulateFactory(time_zone=ConsulateTimeZone.ATLANTIC)
    # Friday 22:00 in San Juan is already Saturday in UTC; two business days later is Tuesday.
    friday_night = dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    due = timezones.add_business_days(san_juan, friday_night, 2)
    assert due.astimezone(ZoneInfo("America/Puerto_Rico")) == dt.datetime(
        2026, 12, 8, 22, 0, tzinfo=ZoneInfo("America/Puerto_Rico")
    )


@pytest.mark.django_db
def test_an_officer_works_in_the_zone_of_their_consulate():
    san_juan = ConsulateFactory(time_zone=ConsulateTimeZone.ATLANTIC)
    officer = user_with_role(Role.CONSULATE_OFFICER, consulate=san_juan)
    zone = timezones.ConsulateTimeZoneMiddleware._zone_for(officer)
    assert zone == ZoneInfo("America/Puerto_Rico")


@pytest.mark.django_db
def test_headquarters_and_several_zones_keep_the_funds_zone():
    chicago = ConsulateFactory(time_zone=ConsulateTimeZone.CENTRAL)
    la = ConsulateFactory(time_zone=ConsulateTimeZone.PACIFIC)
    officer = user_with_role(Role.CONSULATE_OFFICER, consulate=chicago)
    officer.memberships.create(role=Role.CONSULATE_OFFICER, consulate=la)
    assert timezones.ConsulateTimeZoneMiddleware._zone_for(officer) is None
    hq = user_with_role(Role.AUDITOR)
    assert timezones.ConsulateTimeZoneMiddleware._zone_for(hq) is None
