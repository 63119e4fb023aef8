"""Integer minor units to text; never a float."""

CURRENCIES = ("USD", "MXN")


def format_amount(amount, currency):
    """12345, "USD" -> "USD 123.45" (both currencies have two decimals)."""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 100)
    return f"{sign}{currency} {major:,}.{minor:02d}"
