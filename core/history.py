"""A beneficiary's support history, gathered from apps core does not import.

Bond and grant apps register a provider in their AppConfig.ready():

    register_history_provider(bond_history)

where `bond_history(beneficiary, user)` returns HistoryItems the user may see.
"""

import datetime
from dataclasses import dataclass

_providers = []


@dataclass(frozen=True)
class HistoryItem:
    date: datetime.date | datetime.datetime
    kind_label: str
    title: str
    state_label: str = ""
    url: str = ""
    amount_display: str = ""


def register_history_provider(fn):
    """Register once; registering the same function again is a no-op. Usable as a decorator."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def unregister_history_provider(fn):
    if fn in _providers:
        _providers.remove(fn)


def _sort_key(item):
    value = item.date
    if isinstance(value, datetime.datetime):
        return (value.date(), value.time().replace(tzinfo=None))
    return (value, datetime.time.min)


def beneficiary_history(*, beneficiary, user):
    """Every provider's items for this beneficiary, newest first."""
    items = []
    for provider in list(_providers):
        items.extend(provider(beneficiary, user) or ())
    return sorted(items, key=_sort_key, reverse=True)
