"""Accountability per consulate and advisor, and the network's report.

A period is a pair of dates in the fund's zone (settings.TIME_ZONE), as programs and reports
are; instants are compared against its local midnights. Amounts are summed per currency only.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Sum
from django.utils import timezone
from djmoney.money import Money

from bondfund.models import BondRequest
from bondfund.models import State as BondState
from core.timezones import fund_zone
from grants.models import GRANTED_STATES, GrantApplication, GrantKind
from pale.models import Invoice, InvoiceState, Milestone, Referral, ReferralState, Session

AUTHORIZED_BOND_STATES = (
    BondState.APPROVED, BondState.STAYED, BondState.DISBURSED, BondState.POSTED,
    BondState.RELEASED, BondState.REFUND_DUE, BondState.CLOSED_REFUNDED, BondState.BREACHED,
    BondState.CLOSED_FORFEITED,
)
ACCEPTED = (ReferralState.ACCEPTED, ReferralState.CLOSED)


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = fund_zone()
    return (datetime.combine(date_from, time(0), tzinfo=zone),
            datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=zone))


def percentile(values, pct):
    """Nearest-rank percentile (the value below which pct% of the answers fall)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass
class AdvisorFigures:
    consulate: object
    advisor: object
    received: int = 0
    accepted: int = 0
    declined: int = 0
    hours: list = field(default_factory=list)
    late: list = field(default_factory=list)
    sessions: int = 0
    minutes: int = 0
    people: set = field(default_factory=set)
    outcomes: dict = field(default_factory=lambda: defaultdict(int))
    cost: Money | None = None

    @property
    def median_hours(self):
        return round(statistics.median(self.hours), 1) if self.hours else None

    @property
    def p90_hours(self):
        value = percentile(self.hours, 90)
        return round(value, 1) if value is not None else None

    @property
    def people_served(self):
        return len(self.people)

    @property
    def cost_per_person(self):
        if self.cost is None or not self.people:
            return None
        return Money(round(self.cost.amount / len(self.people), 2), self.cost.currency)

    @property
    def outcome_list(self):
        return sorted(self.outcomes.items())


def accountability(*, referrals, date_from, date_to, now=None) -> list[AdvisorFigures]:
    """Figures per (consulate, advisor) for the referrals queryset given (already scoped)."""
    now = now or timezone.now()
    start, end = period_bounds(date_from, date_to)
    rows = {}

    def row(consulate, advisor):
        key = (consulate.pk, advisor.pk)
        if key not in rows:
            rows[key] = AdvisorFigures(consulate=consulate, advisor=advisor)
        return rows[key]

    for r in referrals.filter(created_at__gte=start, created_at__lt=end):
        _count_referral(row(r.consulate, r.advisor), r, now)
    ids = referrals.values("pk")
    sessions = (Session.objects.filter(referral__in=ids, held_on__range=(date_from, date_to))
                .select_related("referral__consulate", "referral__advisor"))
    for s in sessions:
        figures = row(s.referral.consulate, s.referral.advisor)
        figures.sessions += 1
        figures.minutes += s.minutes
        figures.people.add(s.referral.beneficiary_id)
    for m in (Milestone.objects.filter(referral__in=ids, occurred_on__range=(date_from, date_to))
              .select_related("referral__consulate", "referral__advisor")):
        row(m.referral.consulate, m.referral.advisor).outcomes[m.get_result_display()] += 1
    _add_costs(rows, referrals, date_from, date_to)
    return sorted(rows.values(), key=lambda f: (f.consulate.name, f.advisor.name))


def _count_referral(figures, r, now):
    figures.received += 1
    if r.state in ACCEPTED:
        figures.accepted += 1
    if r.decline_reason:
        figures.declined += 1
    if r.responded_at:
        figures.hours.append((r.responded_at - r.created_at).total_seconds() / 3600)
    if r.is_late(now):
        figures.late.append(r)


def _add_costs(rows, referrals, date_from, date_to):
    pairs = {(c, a) for c, a in rows}
    invoices = (Invoice.objects.filter(state__in=(InvoiceState.APPROVED, InvoiceState.PAID),
                                       month__gte=date_from.replace(day=1), month__lte=date_to)
                .values("contract__consulate", "contract__advisor", "amount_currency")
                .annotate(total=Sum("amount")))
    for inv in invoices:
        key = (inv["contract__consulate"], inv["contract__advisor"])
        if key in pairs:
            rows[key].cost = Money(inv["total"], inv["amount_currency"])


# The network report -----------------------------------------------------------------------

@dataclass
class NetworkReport:
    date_from: date
    date_to: date
    consulates: list
    bond_cases: int = 0
    bond_authorized: Money = None
    referrals: int = 0
    people_referred: int = 0
    sessions: int = 0
    grants: list = field(default_factory=list)  # (kind label, currency, count, Money)
    people_served: int = 0
    per_consulate: list = field(default_factory=list)


REPORTED_KINDS = (GrantKind.MEDICAL_REPATRIATION, GrantKind.TRANSFER_OF_REMAINS,
                  GrantKind.REINTEGRATION, GrantKind.FAMILY_EMERGENCY, GrantKind.LEGAL_FEES)


def network_report(*, consulates, date_from, date_to) -> NetworkReport:
    consulates = list(consulates)
    ids = [c.pk for c in consulates]
    start, end = period_bounds(date_from, date_to)
    report = NetworkReport(date_from=date_from, date_to=date_to, consulates=consulates)
    bonds = (BondRequest.objects.filter(consulate_id__in=ids, state__in=AUTHORIZED_BOND_STATES)
             .annotate(authorized_at=Max("approvals__created_at"))
             .filter(authorized_at__gte=start, authorized_at__lt=end))
    referrals = Referral.objects.filter(consulate_id__in=ids, created_at__gte=start,
                                        created_at__lt=end)
    sessions = Session.objects.filter(referral__consulate_id__in=ids,
                                      held_on__range=(date_from, date_to))
    grants = GrantApplication.objects.filter(consulate_id__in=ids, state__in=GRANTED_STATES,
                                             disbursed_on__range=(date_from, date_to))
    bond_rows = list(bonds.values_list("consulate_id", "amount", "beneficiary_id"))
    report.bond_cases = len(bond_rows)
    report.bond_authorized = Money(sum((r[1] for r in bond_rows), 0), "USD")
    report.referrals = referrals.count()
    report.people_referred = referrals.values("beneficiary").distinct().count()
    report.sessions = sessions.count()
    report.grants = _grants_by_kind(grants)
    people = {r[2] for r in bond_rows}
    people |= set(grants.values_list("beneficiary_id", flat=True))
    people |= set(sessions.values_list("referral__beneficiary_id", flat=True))
    report.people_served = len(people)
    report.per_consulate = _per_consulate(consulates, bond_rows, referrals, sessions)
    return report


def _grants_by_kind(grants):
    labels = dict(GrantKind.choices)
    rows = (grants.values("program__kind", "disbursed_amount_currency")
            .annotate(count=Count("id"), total=Sum("disbursed_amount"))
            .order_by("program__kind", "disbursed_amount_currency"))
    order = {k: i for i, k in enumerate(REPORTED_KINDS)}
    result = [(labels[r["program__kind"]], r["disbursed_amount_currency"], r["count"],
               Money(r["total"] or 0, r["disbursed_amount_currency"]), r["program__kind"])
              for r in rows]
    return sorted(result, key=lambda r: (order.get(r[4], 99), r[1]))


def _per_consulate(consulates, bond_rows, referrals, sessions):
    def counts(qs, field_name):
        return dict(qs.values_list(field_name).annotate(n=Count("id")).order_by())

    bond_counts, bond_sums = defaultdict(int), defaultdict(int)
    for consulate_id, amount, _person in bond_rows:
        bond_counts[consulate_id] += 1
        bond_sums[consulate_id] += amount
    referral_counts = counts(referrals, "consulate")
    session_counts = counts(sessions, "referral__consulate")
    return [{"consulate": c, "bond_cases": bond_counts[c.pk],
             "bond_authorized": Money(bond_sums[c.pk], "USD"),
             "referrals": referral_counts.get(c.pk, 0),
             "sessions": session_counts.get(c.pk, 0)} for c in consulates]
