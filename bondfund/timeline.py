"""A beneficiary's bonds on core's timeline: one entry per dated step of each request."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bondfund.models import BondRequest
from core.models import Beneficiary
from core.timeline import TimelineEntry

STEPS = (
    ("posted_on", gettext_lazy("Bond posted with ICE")),
    ("released_on", gettext_lazy("Released from detention")),
    ("cancelled_on", gettext_lazy("Bond cancelled (I-391)")),
    ("breached_on", gettext_lazy("Bond breached (I-323)")),
)


def bond_timeline(beneficiary_ids):
    entries = []
    requests = BondRequest.objects.filter(beneficiary_id__in=beneficiary_ids).select_related(
        "program")
    for bond in requests:
        common = dict(consulate_id=bond.consulate_id, url=reverse(
            "bondfund:request_detail", args=[bond.pk]))
        entries.append(TimelineEntry(
            date=bond.created_at, kind_label=_("Bond request"),
            title=f"{bond.reference} · {bond.program.name}",
            state_label=str(bond.get_state_display()),
            amount_display=str(bond.amount) if bond.amount else "", **common))
        entries.extend(
            TimelineEntry(date=getattr(bond, field), kind_label=str(label),
                          title=bond.reference, **common)
            for field, label in STEPS if getattr(bond, field))
    return entries


# A bond stays with ICE from payment until it is cancelled or breached.
STILL_POSTED = ("disbursed", "posted", "released")


def bonds_still_posted(beneficiary_id, *, exclude_id=None):
    """Bonds of this person (or of records merged into it) still held by ICE, at any
    consulate: a second bond request for the person should say so before it goes further."""
    ids = [beneficiary_id, *Beneficiary.objects.filter(
        merged_into_id=beneficiary_id).values_list("pk", flat=True)]
    requests = BondRequest.objects.filter(beneficiary_id__in=ids, state__in=STILL_POSTED)
    if exclude_id is not None:
        requests = requests.exclude(pk=exclude_id)
    return list(requests.select_related("consulate").order_by("created_at"))
