"""The obligations panel of the home page: hearings and check-ins of the coming week."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dashboard import Count as Tile
from core.dashboard import Panel, register
from core.models import Role
from obligations.selectors import appearances_this_week, appearances_to_record


def appearances_panel(user) -> Panel:
    """This week's appearances and those whose outcome is still to record; each day is
    local to the bond's consulate."""
    now = timezone.now()
    n = {"week": appearances_this_week(user, now=now).count(),
         "to_record": appearances_to_record(user, now=now).count()}
    url = reverse("obligations:list")
    tiles = (
        Tile(n["week"], ngettext("hearing or check-in this week",
                                 "hearings and check-ins this week", n["week"]),
             f"{url}?view=week"),
        Tile(n["to_record"], ngettext("past appearance whose outcome is not recorded",
                                      "past appearances whose outcome is not recorded",
                                      n["to_record"]), f"{url}?view=to_record",
             urgent=bool(n["to_record"])),
    )
    return Panel(title=_("Hearings and check-ins"), counts=tiles, order=12)


def refunds_panel(user) -> Panel:
    """Money owed back to the fund on bonds, and how much of it is overdue."""
    from obligations.refunds import refunds_owed

    rows = refunds_owed(user, now=timezone.now())
    overdue = sum(1 for r in rows if r.days_overdue)
    url = reverse("obligations:refunds")
    tiles = (
        Tile(len(rows), ngettext("bond with money owed to the fund",
                                 "bonds with money owed to the fund", len(rows)), url),
        Tile(overdue, ngettext("refund overdue", "refunds overdue", overdue),
             f"{url}?overdue=1", urgent=bool(overdue)),
    )
    return Panel(title=_("Refunds owed to the fund"), counts=tiles, order=13)


def register_home_panels() -> None:
    register(Role.CONSULATE_OFFICER, appearances_panel)
    register(Role.PARTNER_STAFF, appearances_panel)
    for role in (Role.CONSULATE_OFFICER, Role.PARTNER_STAFF, Role.FINANCE_APPROVER,
                 Role.PROGRAM_ADMIN, Role.AUDITOR):
        register(role, refunds_panel)
