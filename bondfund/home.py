"""The bond panels of the home page: what waits on each role, counted in one query each."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bondfund.models import BondApproval, State
from bondfund.selectors import OVERDUE_REFUND_DAYS, bond_requests_visible_to
from core.charts import bar_chart
from core.dashboard import Count as Tile
from core.dashboard import Panel, money_waiting, register
from core.models import Role
from core.tenancy import Scope

REFUND_AGES = ((0, 30), (31, 60), (61, 90), (91, None))


def _list(state: str) -> str:
    return f"{reverse('bondfund:request_list')}?state={state}"


def _counts(queryset, **filters) -> dict:
    return queryset.aggregate(**{name: Count("pk", filter=q) for name, q in filters.items()})


def officer_panel(user) -> Panel:
    overdue_before = timezone.localdate() - datetime.timedelta(days=OVERDUE_REFUND_DAYS)
    scope = Scope.of(user)
    n = _counts(
        bond_requests_visible_to(user).filter(
            scope.consulate_q("consulate", Role.CONSULATE_OFFICER)),
        drafts=Q(state=State.DRAFT, approval_round=0),
        returned=Q(state=State.DRAFT, approval_round__gt=0),
        to_post=Q(state=State.DISBURSED), to_release=Q(state=State.POSTED),
        overdue=Q(state=State.REFUND_DUE, cancelled_on__lt=overdue_before))
    tiles = (
        Tile(n["drafts"], ngettext("bond request in draft", "bond requests in draft",
                                   n["drafts"]), _list(State.DRAFT)),
        Tile(n["returned"], ngettext("bond request returned for changes",
                                     "bond requests returned for changes", n["returned"]),
             _list(State.DRAFT), urgent=bool(n["returned"])),
        Tile(n["to_post"], ngettext("bond paid, waiting for the partner to post it",
                                    "bonds paid, waiting for the partner to post them",
                                    n["to_post"]), _list(State.DISBURSED)),
        Tile(n["to_release"], ngettext("bond posted, waiting for the partner to confirm the "
                                       "release", "bonds posted, waiting for the partner to "
                                       "confirm the release", n["to_release"]),
             _list(State.POSTED)),
        Tile(n["overdue"], ngettext("refund overdue (more than %(days)s days)",
                                    "refunds overdue (more than %(days)s days)", n["overdue"])
             % {"days": OVERDUE_REFUND_DAYS}, reverse("bondfund:refunds_due"),
             urgent=bool(n["overdue"])),
    )
    return Panel(title=_("Bond requests"), counts=tiles, order=10,
                 links=((_("Request a bond"), reverse("bondfund:request_create")),))


def _queue(user):
    scope = Scope.of(user)
    signed = BondApproval.objects.filter(request=OuterRef("pk"), round=OuterRef("approval_round"),
                                         approver=user)
    return (bond_requests_visible_to(user)
            .filter(scope.consulate_q("consulate", Role.FINANCE_APPROVER), state=State.SUBMITTED)
            .exclude(created_by=user).exclude(submitted_by=user).exclude(Exists(signed)))


def approver_panel(user) -> Panel:
    queued, money = money_waiting(_queue(user).order_by().values("amount_currency")
                                  .annotate(n=Count("pk"), total=Sum("amount")))
    stays = bond_requests_visible_to(user).filter(
        Scope.of(user).consulate_q("consulate", Role.FINANCE_APPROVER),
        state=State.STAYED).count()
    tiles = (
        Tile(queued, ngettext("bond request waiting for your signature",
                              "bond requests waiting for your signature", queued),
             reverse("bondfund:approval_queue"),
             detail=_("%(money)s waiting") % {"money": money} if money else ""),
        Tile(stays, ngettext("bond stayed (EOIR-43), its money still reserved",
                             "bonds stayed (EOIR-43), their money still reserved", stays),
             _list(State.STAYED)),
    )
    return Panel(title=_("Bond approvals"), counts=tiles, order=10)


def partner_panel(user) -> Panel:
    scope = Scope.of(user)
    n = _counts(bond_requests_visible_to(user).filter(obligor_id__in=scope.partner_ids),
                to_post=Q(state=State.DISBURSED), to_release=Q(state=State.POSTED),
                refunds=Q(state=State.REFUND_DUE))
    tiles = (
        Tile(n["to_post"], ngettext("bond to post with ICE", "bonds to post with ICE",
                                    n["to_post"]), _list(State.DISBURSED),
             urgent=bool(n["to_post"])),
        Tile(n["to_release"], ngettext("release to confirm", "releases to confirm",
                                       n["to_release"]), _list(State.POSTED)),
        Tile(n["refunds"], ngettext("refund due to the fund", "refunds due to the fund",
                                    n["refunds"]), reverse("bondfund:refunds_due")),
    )
    return Panel(title=_("Your organization's bonds"), counts=tiles, order=10)


def bonds_by_stage(user) -> list[tuple[str, int, str]]:
    """(stage, count, list URL) of every stage that has bonds, in the order of a bond's life."""
    counted = dict(bond_requests_visible_to(user).order_by().values_list("state")
                   .annotate(n=Count("pk")))
    return [(label, counted[value], _list(value)) for value, label in State.choices
            if counted.get(value)]


def refunds_by_age(user) -> list[tuple[str, int, str]]:
    """Refunds due, by days since the I-391 cancellation, in the fund's zone."""
    today = timezone.localdate()
    filters = {}
    for low, high in REFUND_AGES:
        q = Q(state=State.REFUND_DUE, cancelled_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            q &= Q(cancelled_on__gte=today - datetime.timedelta(days=high))
        filters[f"age_{low}"] = q
    n = _counts(bond_requests_visible_to(user), **filters)
    url = reverse("bondfund:refunds_due")
    return [((_("%(low)s–%(high)s days") % {"low": low, "high": high}) if high is not None
             else _("more than %(days)s days") % {"days": low - 1}, n[f"age_{low}"], url)
            for low, high in REFUND_AGES]


def admin_panel(user) -> Panel:
    stages, ages = bonds_by_stage(user), refunds_by_age(user)
    return Panel(title=_("Bonds at a glance"), order=30, charts=True,
                 template="includes/chart_pair.html",
                 context={"charts": (
                     {"id": "bonds-by-stage", "title": _("Bonds by stage"), "unit": _("Bonds"),
                      "rows": stages, "chart": bar_chart(stages)},
                     {"id": "refunds-by-age", "title": _("Refunds due, by age"),
                      "unit": _("Refunds"), "rows": ages, "chart": bar_chart(ages)},
                 )})


def register_home_panels() -> None:
    register(Role.CONSULATE_OFFICER, officer_panel)
    register(Role.FINANCE_APPROVER, approver_panel)
    register(Role.PARTNER_STAFF, partner_panel)
    register(Role.PROGRAM_ADMIN, admin_panel)
