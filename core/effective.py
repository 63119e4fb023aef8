"""A step recorded on a later day than it happened books its ledger entries on the day it
happened, so a period's figures show what happened in it: a bond posted on 20 November 2025
and recorded (or imported as history) in 2026 is in 2025's reconciliation.

The day is the consulate's calendar day; the instant is noon there, safely inside that day
in every zone the fund reports in. A step of today takes effect when it is recorded."""

from contextlib import contextmanager
from datetime import date, time

from core.timezones import local_instant, local_today
from ledger.services import effective


@contextmanager
def took_effect_on(consulate, day: date | None, *, now=None):
    if day is None or day >= local_today(consulate, now=now):
        yield None
        return
    with effective(local_instant(consulate, day, time(12, 0))) as instant:
        yield instant
