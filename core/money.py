"""Between what people type (django-money's Money) and what the ledger keeps (minor units)."""

from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money

MINOR_PER_UNIT = {"USD": 100, "MXN": 100}


def to_minor(money):
    """Money('1500.00', 'USD') -> 150000. Refuses fractions of a cent rather than rounding."""
    factor = MINOR_PER_UNIT[str(money.currency)]
    scaled = Decimal(money.amount) * factor
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{money} has a fraction of a minor unit")
    return int(scaled)


def from_minor(amount, currency):
    factor = MINOR_PER_UNIT[currency]
    return Money((Decimal(amount) / factor).quantize(Decimal("0.01"), ROUND_HALF_UP), currency)
