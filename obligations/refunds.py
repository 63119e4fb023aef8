"""Money DHS still owes on bonds, by partner (the obligor), amount and age.

A row is a bond with something owed back to the fund:
- a cancelled bond (I-391) whose refund has not come back: the principal, and the interest
  expected under 8 CFR 293.1 (not yet in the books: it is booked when the refund arrives);
- a refund recorded short: what is missing, still in the receivables;
- a breached bond: the interest to the breach date, and the principal too once the appeal
  was sustained.
Amounts owed come from the ledger's transfers for the bond; age counts, at the bond's
consulate, from the event that made the money due and from the date the refund was expected
(`EXPECTED_AFTER_DAYS` later). Scoped like the bonds themselves.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from bondfund.interest import refund_expected, treasury_rates
from bondfund.models import BondRequest, State
from bondfund.selectors import OVERDUE_REFUND_DAYS, bond_requests_visible_to
from core.money import from_minor
from core.timezones import local_today
from ledger.funds_breach import receivables_open
from obligations.models import AppealState

EXPECTED_AFTER_DAYS = OVERDUE_REFUND_DAYS
BUCKETS = ((365, _("365 days or more")), (180, _("180 to 364 days")),
           (90, _("90 to 179 days")), (0, _("Under 90 days")))
REASONS = {
    "refund_due": _("Refund due (I-391)"),
    "short_refund": _("Refund received short"),
    "breach_interest": _("Interest of a breached bond"),
    "appeal_sustained": _("Breach overturned on appeal"),
}
STATES = (State.REFUND_DUE, State.CLOSED_REFUNDED, State.BREACHED, State.CLOSED_FORFEITED)


@dataclass
class RefundOwed:
    bond: BondRequest
    reason: str
    principal: Money
    interest: Money
    interest_estimated: bool  # expected interest, not yet booked
    since: datetime.date
    today: datetime.date

    @property
    def total(self) -> Money:
        return self.principal + self.interest

    @property
    def reason_label(self):
        return REASONS[self.reason]

    @property
    def expected_on(self) -> datetime.date:
        return self.since + datetime.timedelta(days=EXPECTED_AFTER_DAYS)

    @property
    def days_since(self) -> int:
        return (self.today - self.since).days

    @property
    def days_overdue(self) -> int:
        return max((self.today - self.expected_on).days, 0)

    @property
    def bucket(self):
        return next(label for floor, label in BUCKETS if self.days_since >= floor)


def owed_row(bond, owed, rates, now, appeal=None) -> RefundOwed | None:
    """The row of one bond, from its open receivables (`receivables_open`) and its appeal."""
    currency = bond.program.currency
    principal = from_minor(owed.get("principal", 0), currency)
    interest = from_minor(owed.get("interest", 0), currency)
    estimated, since, reason = False, bond.cancelled_on, "short_refund"
    if bond.state == State.REFUND_DUE:
        reason = "refund_due"
        expected = refund_expected(bond, rates=rates)
        if expected is not None and expected.interest is not None and not interest:
            interest, estimated = expected.interest, True
    elif bond.state in (State.BREACHED, State.CLOSED_FORFEITED):
        reason, since = "breach_interest", bond.breached_on
        if appeal is not None and appeal.state == AppealState.SUSTAINED and principal:
            reason, since = "appeal_sustained", appeal.decided_on
    if since is None or not (principal.amount or interest.amount):
        return None
    return RefundOwed(bond, reason, principal, interest, estimated, since,
                      local_today(bond.consulate, now=now))


def _may_owe(owed) -> Q:
    """The bonds that can have a row (a superset): those with open receivables, and those
    due a refund whose interest can be estimated. Closed bonds, most of the history, drop
    out here instead of being loaded one by one."""
    pks = [int(ref[3:]) for ref in owed if ref.startswith("FZ-") and ref[3:].isdigit()]
    return Q(pk__in=pks) | Q(state=State.REFUND_DUE, disbursed_amount__isnull=False,
                             posted_on__isnull=False, cancelled_on__isnull=False)


def refunds_owed(user, *, now=None, overdue_only=False) -> list[RefundOwed]:
    """Every bond the user may see with money owed back, by partner then oldest first."""
    now = now or timezone.now()
    owed = receivables_open()
    bonds = list(bond_requests_visible_to(user).filter(state__in=STATES)
                 .filter(_may_owe(owed)).select_related("breach_appeal")
                 .order_by("obligor__name", "pk"))
    rates = treasury_rates()
    rows = []
    for bond in bonds:
        row = owed_row(bond, owed.get(bond.reference, {}), rates, now,
                       getattr(bond, "breach_appeal", None))
        if row is not None and (row.days_overdue or not overdue_only):
            rows.append(row)
    rows.sort(key=lambda r: (r.bond.obligor.name if r.bond.obligor else "", r.since,
                             r.bond.pk))
    return rows


@dataclass
class PartnerTotal:
    partner: object
    count: int
    overdue: int
    principal: Money
    interest: Money

    @property
    def total(self) -> Money:
        return self.principal + self.interest


def totals_by_partner(rows) -> list[PartnerTotal]:
    totals = {}
    for row in rows:
        key = row.bond.obligor_id
        if key not in totals:
            zero = row.principal * 0
            totals[key] = PartnerTotal(row.bond.obligor, 0, 0, zero, zero)
        t = totals[key]
        t.count += 1
        t.overdue += bool(row.days_overdue)
        t.principal += row.principal
        t.interest += row.interest
    return list(totals.values())


CSV_HEADERS = (_("Partner"), _("Bond"), _("Consulate"), _("Reason"), _("Principal owed"),
               _("Interest owed"), _("Interest is an estimate"), _("Total owed"),
               _("Currency"), _("Due since"), _("Days since"), _("Refund expected by"),
               _("Days overdue"), _("Age"))


def csv_rows(rows):
    for r in rows:
        yield (r.bond.obligor.name if r.bond.obligor else "", r.bond.reference,
               r.bond.consulate.name, str(r.reason_label), r.principal.amount,
               r.interest.amount, r.interest_estimated, r.total.amount,
               str(r.total.currency), r.since, r.days_since, r.expected_on, r.days_overdue,
               str(r.bucket))
