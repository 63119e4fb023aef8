"""The beneficiary's bond requests, for core's support history."""

from django.urls import reverse
from django.utils.translation import gettext as _

from bondfund.selectors import bond_requests_visible_to
from core.history import HistoryItem


def bond_history(beneficiary, user):
    requests = bond_requests_visible_to(user).filter(beneficiary=beneficiary)
    return [
        HistoryItem(
            date=bond.created_at,
            kind_label=_("Bond request"),
            title=f"{bond.reference} · {bond.program.name}",
            state_label=bond.get_state_display(),
            url=reverse("bondfund:request_detail", args=[bond.pk]),
            amount_display=str(bond.amount) if bond.amount else "",
        )
        for bond in requests
    ]
