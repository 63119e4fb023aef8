"""The program administrator's home panel: each program's money, per consulate and partner.

One read of the accounts' counters (O(1) per account, whatever the history), then the names.
"""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.charts import stacked_chart
from core.dashboard import Panel, register
from core.models import Consulate, PartnerOrganization, Role
from core.money import from_minor
from ledger.people import program_people_totals
from ledger.programs import program_names
from ledger.selectors import reconciliation

FIGURES = ("allocated", "reserved", "disbursed", "available")


def _series():
    return (_("Reserved"), pgettext_lazy("figure", "Disbursed"), _("Available"))


def program_money(user) -> list[dict]:
    """[{name, currency, rows: [{kind, name, allocated, reserved, disbursed, available}],
    chart}] for every program with accounts, amounts as Money."""
    rows = reconciliation()
    names = program_names({r.program for r in rows})
    people = program_people_totals({r.program for r in rows})
    consulates = Consulate.objects.in_bulk({r.consulate_id for r in rows if r.consulate_id})
    partners = PartnerOrganization.objects.in_bulk({r.partner_id for r in rows if r.partner_id})
    grouped = defaultdict(list)
    for r in rows:
        grouped[(r.program, r.currency)].append(r)
    programs = []
    for (ref, currency), members in grouped.items():
        def money(value, currency=currency):
            return str(from_minor(value, currency))
        table = [{"kind": r.kind,
                  "name": str(consulates.get(r.consulate_id) or partners.get(r.partner_id)
                              or "—"),
                  **{f: from_minor(getattr(r, f), currency) for f in FIGURES}}
                 for r in members]
        chart = stacked_chart(
            [(row["name"], (r.reserved, r.disbursed, r.available), "")
             for row, r in zip(table, members, strict=True)], series=_series(), text=money)
        programs.append({"ref": ref, "name": names.get(ref, ref), "currency": currency,
                         "rows": table, "chart": chart, "people": people.get(ref)})
    return sorted(programs, key=lambda p: (str(p["name"]), p["currency"]))


def admin_panel(user) -> Panel:
    return Panel(title=_("Programs: money and people"), order=20, charts=True,
                 template="includes/program_money.html",
                 context={"programs": program_money(user)},
                 links=((_("Budgets and reconciliation"), reverse("ledger:reconciliation")),))


def register_home_panels() -> None:
    from ledger.over_time import over_time_panel

    register(Role.PROGRAM_ADMIN, admin_panel)
    register(Role.PROGRAM_ADMIN, over_time_panel, home=False)
