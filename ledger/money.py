"""Integer minor units to text; never a float. Head counts (PPL) are whole people."""

from django.utils.translation import ngettext

CURRENCIES = ("USD", "MXN")
PEOPLE = "PPL"


def format_amount(amount, currency):
    """12345, "USD" -> "USD 123.45" (both currencies have two decimals); 3, "PPL" ->
    "3 people"."""
    if currency == PEOPLE:
        n = int(amount)
        return ngettext("%(n)s person", "%(n)s people", abs(n)) % {"n": f"{n:,}"}
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 100)
    return f"{sign}{currency} {major:,}.{minor:02d}"
