"""What a bond's page shows of its obligations: a few queries, whatever the bond's history."""

from django.db.models import Count, Q
from django.utils import timezone

from bondfund.interest import treasury_rates
from bondfund.models import State
from bondfund.permissions import obligor_or_finance
from core.timezones import local_today
from ledger.funds_breach import receivables_open
from obligations import refunds
from obligations.bond_end import BREACHED_STATES, may_keep_stay, stay_appeal_deadline
from obligations.models import AppearanceState, BreachAppeal, StayWatch
from obligations.services import OPEN_BOND_STATES, may_record

SHOWN_STATES = (State.STAYED, State.POSTED, State.RELEASED, *refunds.STATES)


def bond_summary(user, bond, *, now=None) -> dict:
    if bond.state not in SHOWN_STATES:
        return {"show": False}
    now = now or timezone.now()
    today = local_today(bond.consulate, now=now)
    counts = bond.appearances.aggregate(
        scheduled=Count("pk", filter=Q(state=AppearanceState.SCHEDULED)),
        missed=Count("pk", filter=Q(state=AppearanceState.MISSED)),
        attended=Count("pk", filter=Q(state=AppearanceState.ATTENDED)),
        open_risks=Count("bond__risks", filter=Q(bond__risks__resolved_at__isnull=True),
                         distinct=True))
    summary = {"show": True, "bond": bond, "counts": counts, "today": today, "next": None,
               "appeal": None, "stay": None, "owed": None,
               "may_record": may_record(user, bond)}
    if counts["scheduled"]:
        summary["next"] = (bond.appearances.filter(state=AppearanceState.SCHEDULED,
                                                   scheduled_for__gt=now)
                           .order_by("scheduled_for", "id").first())
        if summary["next"] is not None:
            summary["next"].bond = bond
    if bond.state in BREACHED_STATES:
        summary["appeal"] = BreachAppeal.objects.filter(bond=bond).first()
        summary["appeal_deadline"] = bond.breach_appeal_deadline
    if bond.state == State.STAYED and bond.stayed_on:
        summary["stay"] = _stay(bond, today)
    if bond.state in refunds.STATES:
        owed = receivables_open([bond.reference]).get(bond.reference, {})
        summary["owed"] = refunds.owed_row(bond, owed, treasury_rates(), now,
                                           summary["appeal"])
        summary["may_record_refund"] = bool(obligor_or_finance(user, bond))
    summary["keeps_obligations"] = bond.state in OPEN_BOND_STATES
    summary["may_keep_stay"] = may_keep_stay(user, bond)
    return summary


def _stay(bond, today) -> dict:
    deadline = stay_appeal_deadline(bond)
    watch = StayWatch.objects.filter(bond=bond, filed_on=bond.stayed_on).first()
    return {"filed_on": bond.stayed_on, "deadline": deadline, "watch": watch,
            "days_left": (deadline - today).days}
