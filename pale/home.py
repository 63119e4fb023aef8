"""The PALE panels of the home page: referrals waiting on an advisor or on an officer."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dashboard import Count as Tile
from core.dashboard import Panel, register
from core.models import Role
from core.tenancy import Scope
from pale.models import ReferralState
from pale.selectors import contracts_visible_to, referrals_needing_officer, referrals_visible_to


def advisor_panel(user) -> Panel | None:
    """Only for partners that advise under a PALE contract."""
    partner_ids = Scope.of(user).partner_ids
    if not contracts_visible_to(user).filter(advisor_id__in=partner_ids).exists():
        return None
    n = referrals_visible_to(user).filter(advisor_id__in=partner_ids).aggregate(
        pending=Count("pk", filter=Q(state=ReferralState.PENDING)),
        accepted=Count("pk", filter=Q(state=ReferralState.ACCEPTED)))
    url = reverse("pale:referral_list")
    tiles = (
        Tile(n["pending"], ngettext("referral waiting for your answer",
                                    "referrals waiting for your answer", n["pending"]),
             f"{url}?state={ReferralState.PENDING}", urgent=bool(n["pending"])),
        Tile(n["accepted"], ngettext("open case: record sessions and milestones",
                                     "open cases: record sessions and milestones",
                                     n["accepted"]), f"{url}?state={ReferralState.ACCEPTED}"),
    )
    return Panel(title=_("Legal advice referred to you"), counts=tiles, order=11, links=(
        (_("Your invoices"), reverse("pale:invoice_list")),
        (_("Your response times and results"), reverse("pale:accountability")),
    ))


def officer_panel(user) -> Panel | None:
    count = referrals_needing_officer(user).count()
    if not count:
        return None
    tile = Tile(count, ngettext("legal advice referral declined or unanswered",
                                "legal advice referrals declined or unanswered", count),
                reverse("pale:referral_list"), urgent=True)
    return Panel(title=_("Legal advice"), counts=(tile,), order=13)


def register_home_panels() -> None:
    register(Role.PARTNER_STAFF, advisor_panel)
    register(Role.CONSULATE_OFFICER, officer_panel)
