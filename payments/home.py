"""The payments panel of the home page: payments a finance approver may release."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dashboard import Count as Tile
from core.dashboard import Panel, money_words, register
from core.models import Role
from core.money import from_minor
from payments.models import Status
from payments.selectors import disbursements_visible_to


def approver_panel(user) -> Panel:
    """Requested payments someone else asked for (four eyes on money leaving the fund)."""
    rows = list(disbursements_visible_to(user).filter(status=Status.REQUESTED)
                .exclude(requested_by=user).order_by().values("currency")
                .annotate(n=Count("pk"), total=Sum("amount")))
    count = sum(row["n"] for row in rows)
    money = money_words({row["currency"]: from_minor(row["total"], row["currency"]).amount
                         for row in rows})
    tile = Tile(count, ngettext("payment to release", "payments to release", count),
                f"{reverse('payments:disbursement_list')}?status={Status.REQUESTED}",
                detail=_("%(money)s to pay") % {"money": money} if money else "")
    return Panel(title=_("Payments"), counts=(tile,), order=20)


def register_home_panels() -> None:
    register(Role.FINANCE_APPROVER, approver_panel)
