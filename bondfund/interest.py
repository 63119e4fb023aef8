"""Interest on a cancelled bond (8 CFR 293.1): simple interest from deposit to cancellation at
the lesser of the 91-day Treasury bill average rate and 3% a year."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money

from bondfund.models import TreasuryRate

RATE_CEILING = Decimal("3")
DAYS_IN_YEAR = Decimal(365)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Segment:
    start: datetime.date
    end: datetime.date  # exclusive
    treasury_rate: Decimal
    rate: Decimal  # the one applied: min(treasury_rate, 3)

    @property
    def days(self):
        return (self.end - self.start).days


def rate_segments(start, end, rates=None):
    """Periods of [start, end) with the rate in effect; None when a day has no known rate."""
    if rates is None:
        rates = list(TreasuryRate.objects.filter(effective_on__lt=end)
                     .order_by("effective_on").values_list("effective_on", "rate_percent"))
    rates = sorted(rates)
    in_effect = [r for r in rates if r[0] <= start]
    if not in_effect:
        return None
    current = in_effect[-1][1]
    cursor, segments = start, []
    for effective_on, rate in rates:
        if effective_on <= start or effective_on >= end:
            continue
        segments.append(_segment(cursor, effective_on, current))
        cursor, current = effective_on, rate
    if cursor < end:
        segments.append(_segment(cursor, end, current))
    return segments


def _segment(start, end, treasury_rate):
    treasury_rate = Decimal(treasury_rate)
    return Segment(start, end, treasury_rate, min(treasury_rate, RATE_CEILING))


def expected_interest(principal, start, end, rates=None):
    """Money of the interest owed on `principal` from `start` (deposit) to `end` (cancellation).

    None when a day of the period has no rate in the table (the amount cannot be known).
    """
    if start is None or end is None or end <= start:
        return Money(0, principal.currency) if start and end else None
    segments = rate_segments(start, end, rates)
    if segments is None:
        return None
    total = sum((principal.amount * s.rate / 100 * s.days / DAYS_IN_YEAR for s in segments),
                Decimal(0))
    return Money(total.quantize(CENT, ROUND_HALF_UP), principal.currency)


@dataclass(frozen=True)
class RefundExpected:
    """What DHS owes back on a bond: the principal paid and the interest to its end."""

    principal: Money
    interest: Money | None  # None when the rate table does not cover the period


def refund_expected(bond, *, end=None, rates=None) -> RefundExpected | None:
    """Principal and interest expected for a bond ending on `end` (its cancellation, or its
    breach: the obligor gets the interest either way); None before it was posted."""
    end = end or bond.cancelled_on or bond.breached_on
    if not (bond.disbursed_amount and bond.posted_on and end):
        return None
    return RefundExpected(bond.disbursed_amount,
                          expected_interest(bond.disbursed_amount, bond.posted_on, end, rates))


def treasury_rates() -> list:
    """The whole rate table, read once for a list of bonds."""
    return list(TreasuryRate.objects.order_by("effective_on")
                .values_list("effective_on", "rate_percent"))
