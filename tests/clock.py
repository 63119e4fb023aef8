"""Fixed instants for tests whose result could depend on the hour they run.

The fund's zone is America/Chicago; consulates keep their own zones; Stripe and the servers
count in UTC; San Juan (America/Puerto_Rico, UTC-4 all year) is ahead of all of them. A rule
that mixes two of these zones disagrees with itself only for the hours between their
midnights, so hour-sensitive tests run just before and just after each of those midnights.

Use the fixtures in tests/conftest.py: `around_midnight` (parametrized over AROUND_MIDNIGHT,
time frozen) or `frozen_clock` (one fixed instant, time frozen). Tests that need time to move
(timeouts, "a few seconds later") travel with tick=True from one of these instants.
"""

import datetime
import zoneinfo

import pytest

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
SAN_JUAN = zoneinfo.ZoneInfo("America/Puerto_Rico")
UTC = datetime.UTC

# The last day of November and the first of December 2026, local time in each zone.
_EVE, _DAY = datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)
_BEFORE, _AFTER = datetime.time(23, 50), datetime.time(0, 10)


def _local(day, at, zone):
    return datetime.datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


AROUND_MIDNIGHT = [
    pytest.param(_local(_EVE, _BEFORE, zone), id=f"{label}-23:50")
    for label, zone in (("chicago", CHICAGO), ("utc", UTC), ("san-juan", SAN_JUAN))
] + [
    pytest.param(_local(_DAY, _AFTER, zone), id=f"{label}-00:10")
    for label, zone in (("chicago", CHICAGO), ("utc", UTC), ("san-juan", SAN_JUAN))
]

# One ordinary instant (a Tuesday, 11:00 in Chicago) for tests that only need time to stand still.
MIDDAY = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=CHICAGO).astimezone(UTC)
