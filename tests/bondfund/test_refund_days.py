"""Days a refund has been due are counted on the calendar of the bond's consulate."""

import datetime
from types import SimpleNamespace

from bondfund.selectors import OVERDUE_REFUND_DAYS, with_days_due

# 04:30 UTC on 1 March: already 1 March in San Juan (00:30), still 28 February in Chicago.
NOW = datetime.datetime(2027, 3, 1, 4, 30, tzinfo=datetime.UTC)


def _bond(zone, cancelled_on):
    return SimpleNamespace(consulate=SimpleNamespace(time_zone=zone), cancelled_on=cancelled_on)


def test_each_bond_counts_days_in_its_consulates_zone():
    cancelled = datetime.date(2026, 11, 30)
    san_juan, chicago = with_days_due(
        [_bond("America/Puerto_Rico", cancelled), _bond("America/Chicago", cancelled)], now=NOW)
    assert (san_juan.days_due, chicago.days_due) == (91, 90)
    assert OVERDUE_REFUND_DAYS == 90
    assert (san_juan.overdue, chicago.overdue) == (True, False)


def test_a_bond_not_yet_cancelled_has_no_days_due():
    (bond,) = with_days_due([_bond("America/Chicago", None)], now=NOW)
    assert (bond.days_due, bond.overdue) == (None, False)
