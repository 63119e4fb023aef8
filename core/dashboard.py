"""What waits on each person: the panels of the home page.

Core knows no domain app, so each app registers, in its ready(), a provider per role:
`register(role, provider)`. A provider takes the user and returns a `Panel` (or None when it
has nothing to say). Each provider reads through its app's scoped selectors with a fixed
number of queries, so the home page costs the same whatever the rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from djmoney.money import Money

from core.tenancy import Scope


@dataclass(frozen=True)
class Count:
    """One number that waits on the reader, the words around it and the list it opens."""

    count: int
    label: str            # already translated, agreeing with `count`
    url: str              # the list, filtered to what is counted
    detail: str = ""      # e.g. the money waiting, already formatted
    urgent: bool = False  # past its date: shown as such


@dataclass(frozen=True)
class Panel:
    title: str
    counts: tuple = ()
    order: int = 50
    template: str = ""            # an include for more than counts (tables, charts)
    context: dict = field(default_factory=dict)
    links: tuple = ()             # (label, url) pairs shown under the counts
    charts: bool = False          # also shown on the charts page
    home: bool = True             # False: only on the charts page


Provider = Callable[[object], Panel | None]
_providers: dict[str, list[Provider]] = {}


_charts_only: set[Provider] = set()


def register(role: str, provider: Provider, *, home: bool = True) -> None:
    """Called from an app's ready(); registering the same provider twice keeps one.
    `home=False`: a provider of the charts page only, never asked for the home page."""
    providers = _providers.setdefault(str(role), [])
    if provider not in providers:
        providers.append(provider)
    if not home:
        _charts_only.add(provider)


def panels_for(user, *, home: bool = False) -> list[Panel]:
    """The panels of every role the user holds, each provider asked once, in panel order;
    `home=True` skips the providers of the charts page only (their sums are not free)."""
    scope = Scope.of(user)
    seen, panels = set(), []
    for role in sorted(scope.roles):
        for provider in _providers.get(role, ()):
            if provider in seen or (home and provider in _charts_only):
                continue
            seen.add(provider)
            panel = provider(user)
            if panel is not None:
                panels.append(panel)
    return sorted(panels, key=lambda p: p.order)


def money_words(totals: dict) -> str:
    """{currency: Decimal} -> "USD 12,000.00 and MXN 5,000.00" in the reader's language;
    amounts of different currencies are never added together."""
    parts = [str(Money(amount, currency)) for currency, amount in sorted(totals.items())
             if currency and amount]
    return _(" and ").join(parts)


def money_waiting(rows) -> tuple[int, str]:
    """From values("amount_currency").annotate(n=Count, total=Sum("amount")) rows: how many
    cases and their money in words."""
    rows = list(rows)
    return (sum(row["n"] for row in rows),
            money_words({row["amount_currency"]: row["total"] for row in rows}))
