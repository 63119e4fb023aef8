import datetime
from decimal import Decimal

from djmoney.money import Money

from bondfund.interest import expected_interest, rate_segments
from tests.bondfund.factories import TreasuryRateFactory

D = datetime.date
USD = "USD"


def test_the_lesser_of_treasury_rate_and_three_percent():
    rates = [(D(2025, 1, 1), Decimal("4.5"))]
    assert expected_interest(Money(10_000, USD), D(2025, 1, 1), D(2026, 1, 1), rates) \
        == Money("300.00", USD)
    rates = [(D(2025, 1, 1), Decimal("1.2"))]
    assert expected_interest(Money(10_000, USD), D(2025, 1, 1), D(2026, 1, 1), rates) \
        == Money("120.00", USD)


def test_simple_interest_per_day_across_rate_changes():
    rates = [(D(2024, 7, 1), Decimal("5")), (D(2025, 3, 1), Decimal("2"))]
    # 59 days at 3% (capped) + 31 days at 2% on USD 6,000
    expected = Decimal(6000) * (Decimal("0.03") * 59 + Decimal("0.02") * 31) / 365
    segments = rate_segments(D(2025, 1, 1), D(2025, 4, 1), rates)
    assert [(s.days, s.rate) for s in segments] == [(59, Decimal("3")), (31, Decimal("2"))]
    assert expected_interest(Money(6_000, USD), D(2025, 1, 1), D(2025, 4, 1), rates) \
        == Money(expected.quantize(Decimal("0.01")), USD)


def test_unknown_when_no_rate_covers_the_deposit_date():
    rates = [(D(2025, 6, 1), Decimal("4"))]
    assert expected_interest(Money(6_000, USD), D(2025, 1, 1), D(2025, 12, 1), rates) is None


def test_reads_the_rate_table(db):
    TreasuryRateFactory(effective_on=D(2025, 1, 1), rate_percent="2.5")
    assert expected_interest(Money(7_300, USD), D(2025, 1, 1), D(2025, 1, 11)) \
        == Money("5.00", USD)
