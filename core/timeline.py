"""A person's history in one place: every app's entries about a beneficiary on one timeline,
in date order, whatever consulate recorded them.

Apps register a provider in their AppConfig.ready() (core imports none of them):

    register_timeline_provider(bond_timeline)

`provider(beneficiary_ids)` returns TimelineEntry rows about those records, unscoped; core
decides what the reader sees. What an officer may see: entries recorded by a consulate
the reader reaches are shown in full (what, state, amount, link). Entries recorded by
another consulate show only their date, their kind ("Bond request", "Legal advice") and
which consulate to call; their details, amounts and pages stay with that consulate. The
kind and the date are what stops a second bond or grant for the same need; the rest is
personal data of a case the reader does not handle.
"""

import datetime
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from core.models import Consulate
from core.tenancy import Scope

_providers = []


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date | datetime.datetime
    kind_label: str
    consulate_id: int | None
    title: str = ""
    state_label: str = ""
    url: str = ""
    amount_display: str = ""
    # For the reader outside the recording consulate, filled by core.
    recorded_elsewhere: str = ""

    @property
    def day(self):
        return self.date.date() if isinstance(self.date, datetime.datetime) else self.date


def register_timeline_provider(fn):
    """Register once; registering the same function again is a no-op."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def unregister_timeline_provider(fn):
    if fn in _providers:
        _providers.remove(fn)


def _sort_key(entry):
    value = entry.date
    if isinstance(value, datetime.datetime):
        return (value.date(), value.time().replace(tzinfo=None))
    return (value, datetime.time.min)


def beneficiary_timeline(*, beneficiary, user, readers):
    """Every provider's entries about this record (and records merged into it), newest
    first, each in full or reduced to kind, date and consulate for `user`."""
    scope = Scope.of(user)
    ids = [beneficiary.pk, *beneficiary.merged_records.values_list("pk", flat=True)]
    entries = []
    for provider in list(_providers):
        entries.extend(provider(ids) or ())
    names = dict(Consulate.objects.filter(
        pk__in={e.consulate_id for e in entries}).values_list("pk", "name"))
    shown = [entry if scope.reaches_consulate(entry.consulate_id, *readers)
             else _reduced(entry, names.get(entry.consulate_id, ""))
             for entry in entries]
    return sorted(shown, key=_sort_key, reverse=True)


def _reduced(entry, consulate_name):
    return replace(entry, title="", state_label="", url="", amount_display="",
                   recorded_elsewhere=_("Recorded by the %(consulate)s")
                   % {"consulate": consulate_name})
