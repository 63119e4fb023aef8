"""The beneficiary's bond requests, for core's support history."""

from django.urls import reverse
from django.utils.translation import gettext as _

from bondfund.selectors import bond_requests_visible_to
from core.history import HistoryItem


def bond_history(beneficiary, user):
    requests = bond_requests_visible_to(user).filter(beneficiary=beneficiary)
    return [
        HistoryItem(
            date=req.created_at,
            kind_label=_("Bond request"),
            title=f"{req.reference} · {req.program.name}",
            state_label=req.get_state_display(),
            url=reverse("bondfund:request_detail", args=[req.pk]),
            amount_display=str(req.amount) if req.amount else "",
        )
        for req in requests
    ]
