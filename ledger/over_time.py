"""The money of each program month by month: what was paid out and what came back.

Read from the transfers that touch a program's cash account (paid out: cash to the partner's
advance or to grant expense; came back: refunds and interest received into cash), by the
month they took effect in the fund's zone. A payment that came back is taken off the month
it came back in. Two grouped queries, whatever the number of transfers.
"""

import datetime

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _

from core.charts import bar_chart
from core.dashboard import Panel
from core.money import from_minor
from core.timezones import fund_today, fund_zone
from ledger.models import Transfer, TransferCode
from ledger.programs import program_names

MONTHS = 12


def _first_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The first day of the last `count` months, oldest first, this month included."""
    year, month = today.year, today.month
    firsts = []
    for _i in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _per_month(transfers, *, side: str, since: datetime.date) -> dict:
    """{(program_ref, currency, month): minor units} of transfers whose `side` is cash."""
    # An instant, not `effective_at__date`: a cast of the column cannot use its index.
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=fund_zone())
    rows = (transfers.filter(**{f"{side}_account__code": "cash", "effective_at__gte": start})
            .annotate(month=TruncMonth("effective_at", tzinfo=fund_zone()))
            .values("month", "currency", f"{side}_account__program_ref")
            .annotate(total=Sum("amount")).order_by())
    return {(r[f"{side}_account__program_ref"], r["currency"], r["month"].date()): r["total"]
            for r in rows}


def money_per_month(*, today: datetime.date | None = None) -> list[dict]:
    """[{ref, name, currency, months: [(month, paid out, came back)]}] for every program that
    moved money in the last twelve months, amounts as Money."""
    months = _first_months(today or fund_today(), MONTHS)
    paid = _per_month(Transfer.objects.filter(code=TransferCode.DISBURSE), side="debit",
                      since=months[0])
    back = _per_month(Transfer.objects.filter(code=TransferCode.REFUND_RECEIVED),
                      side="credit", since=months[0])
    returned = _per_month(Transfer.objects.filter(
        code=TransferCode.REVERSAL, reversal_of__code=TransferCode.DISBURSE), side="credit",
        since=months[0])
    programs = {(ref, currency) for ref, currency, _m in (*paid, *back)}
    names = program_names({ref for ref, _c in programs})
    result = []
    for ref, currency in programs:
        rows = [(month,
                 from_minor(paid.get((ref, currency, month), 0)
                            - returned.get((ref, currency, month), 0), currency),
                 from_minor(back.get((ref, currency, month), 0), currency))
                for month in months]
        result.append({"ref": ref, "name": names.get(ref, ref), "currency": currency,
                       "months": rows})
    return sorted(result, key=lambda p: (str(p["name"]), p["currency"]))


def _money_text(money) -> str:
    return f"{money.currency} {money.amount:,.2f}"


def _charts(program: dict, number: int) -> tuple[dict, dict]:
    labels = [formats.date_format(month, "YEAR_MONTH_FORMAT") for month, *_r in
              program["months"]]
    paid = [(label, out, "") for label, (_m, out, _b) in zip(labels, program["months"],
                                                               strict=True)]
    back = [(label, came, "") for label, (_m, _o, came) in zip(labels, program["months"],
                                                                strict=True)]
    name = f"{program['name']} ({program['currency']})"
    return (
        {"id": f"paid-per-month-{number}", "unit": _("Paid out"), "group": _("Month"),
         "title": _("%(program)s: paid out per month") % {"program": name},
         "rows": [(label, _money_text(m), url) for label, m, url in paid],
         "chart": bar_chart([(label, m.amount, url) for label, m, url in paid],
                            text=lambda v, c=program["currency"]: f"{c} {v:,.2f}")},
        {"id": f"back-per-month-{number}", "unit": _("Came back"), "group": _("Month"),
         "title": _("%(program)s: refunds and interest received per month")
         % {"program": name},
         "rows": [(label, _money_text(m), url) for label, m, url in back],
         "chart": bar_chart([(label, m.amount, url) for label, m, url in back],
                            text=lambda v, c=program["currency"]: f"{c} {v:,.2f}")},
    )


def over_time_panel(user) -> Panel:
    """The program administrator's charts over time (the charts page only)."""
    programs = money_per_month()
    charts = [chart for number, program in enumerate(programs, start=1)
              for chart in _charts(program, number)]
    return Panel(title=_("Money over the last twelve months"), order=25, charts=True,
                 home=False, template="includes/chart_pair.html",
                 context={"charts": charts,
                          "note": _("Months in the fund's time zone; a payment that came "
                                    "back is taken off the month it came back in.")})
