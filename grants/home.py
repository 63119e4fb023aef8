"""The grant panels of the home page: what waits on officers and approvers."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dashboard import Count as Tile
from core.dashboard import Panel, money_waiting, register
from core.models import Role
from core.tenancy import Scope
from grants.models import State
from grants.selectors import approval_queue, grant_applications_visible_to


def _list(state: str) -> str:
    return f"{reverse('grants:application_list')}?state={state}"


def officer_panel(user) -> Panel:
    scope = Scope.of(user)
    n = grant_applications_visible_to(user).filter(
        scope.consulate_q("consulate", Role.CONSULATE_OFFICER)).aggregate(
        drafts=Count("pk", filter=Q(state=State.DRAFT, approval_round=0)),
        returned=Count("pk", filter=Q(state=State.DRAFT, approval_round__gt=0)))
    tiles = (
        Tile(n["drafts"], ngettext("grant application in draft",
                                   "grant applications in draft", n["drafts"]),
             _list(State.DRAFT)),
        Tile(n["returned"], ngettext("grant application returned for changes",
                                     "grant applications returned for changes", n["returned"]),
             _list(State.DRAFT), urgent=bool(n["returned"])),
    )
    return Panel(title=_("Relief grants"), counts=tiles, order=15,
                 links=((_("Apply for a grant"), reverse("grants:application_create")),))


def approver_panel(user) -> Panel:
    queue = (approval_queue(user=user).prefetch_related(None)
             .exclude(created_by=user).exclude(submitted_by=user).order_by()
             .values("amount_currency").annotate(n=Count("pk"), total=Sum("amount")))
    queued, money = money_waiting(queue)
    tile = Tile(queued, ngettext("grant application waiting for approval",
                                 "grant applications waiting for approval", queued),
                reverse("grants:approval_queue"),
                detail=_("%(money)s waiting") % {"money": money} if money else "")
    return Panel(title=_("Grant approvals"), counts=(tile,), order=15)


def register_home_panels() -> None:
    register(Role.CONSULATE_OFFICER, officer_panel)
    register(Role.FINANCE_APPROVER, approver_panel)
