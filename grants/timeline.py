"""A beneficiary's relief grants on core's timeline."""

from django.urls import reverse

from core.timeline import TimelineEntry
from grants.models import GrantApplication


def grant_timeline(beneficiary_ids):
    applications = GrantApplication.objects.filter(
        beneficiary_id__in=beneficiary_ids).select_related("program")
    return [
        TimelineEntry(
            date=a.created_at,
            kind_label=str(a.program.get_kind_display()),
            consulate_id=a.consulate_id,
            title=f"{a.number} · {a.program.name}",
            state_label=str(a.get_state_display()),
            url=reverse("grants:application_detail", args=[a.pk]),
            amount_display=str(a.disbursed_amount or a.amount),
        )
        for a in applications
    ]
