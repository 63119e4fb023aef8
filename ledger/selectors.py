"""Reads of the books. Balances and reconciliation come from the counters (O(accounts), whatever
the number of transfers); a period's figures from the transfers that took effect in it, by the
(account, effective_at) indexes: a 2025 bond imported in 2026 counts in 2025."""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta

from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ledger.funds import CHART, account_key
from ledger.models import Account, Transfer

COUNTERS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


@dataclass(frozen=True)
class BudgetPosition:
    allocated: int
    reserved: int
    committed: int
    available: int
    unallocated: int = 0


@dataclass
class ReconciliationRow:
    program: str
    currency: str
    consulate_id: int | None
    partner_id: int | None
    allocated: int = 0
    reserved: int = 0
    disbursed: int = 0
    bonds_outstanding: int = 0
    refunds_due: int = 0
    refunds_received_principal: int = 0
    refunds_received_interest: int = 0
    forfeited: int = 0
    granted: int = 0
    available: int = 0
    # Approved for cases: still reserved (not paid) plus committed (paid). Allocated is
    # authorized + available.
    authorized: int = 0

    @property
    def kind(self):
        if self.consulate_id is not None and self.partner_id is not None:
            return "pair"
        return "consulate" if self.consulate_id is not None else "partner"


FIGURES = [f.name for f in fields(ReconciliationRow)][4:]


class _Counters(defaultdict):
    """code -> summed counters of the accounts with that code."""

    def __init__(self):
        super().__init__(lambda: dict.fromkeys(COUNTERS, 0))

    def add(self, code, values):
        for name in COUNTERS:
            self[code][name] += values[name]

    def held(self, code):
        c = self.get(code) or dict.fromkeys(COUNTERS, 0)
        return c["credits_posted"] - c["debits_posted"]

    def get_counter(self, code, name):
        return (self.get(code) or {}).get(name, 0)


def _position(counters, available_code, committed_code, unallocated=0):
    available = counters.held(available_code) - counters.get_counter(available_code,
                                                                     "debits_pending")
    reserved = counters.get_counter(committed_code, "credits_pending")
    committed = counters.held(committed_code)
    return BudgetPosition(allocated=available + reserved + committed, reserved=reserved,
                          committed=committed, available=available, unallocated=unallocated)


def budget_position(*, program, currency, consulate_id=None, partner_id=None) -> BudgetPosition:
    if partner_id is not None:
        codes = ("partner_cap", "partner_committed")
        keys = [account_key(c, program, currency, partner_id=partner_id) for c in codes]
        return _position(_sum(Account.objects.filter(key__in=keys)), *codes)
    codes = ("consulate_available", "consulate_committed")
    if consulate_id is not None:
        keys = [account_key(c, program, currency, consulate_id=consulate_id) for c in codes]
        return _position(_sum(Account.objects.filter(key__in=keys)), *codes)
    accounts = Account.objects.filter(program_ref=program, currency=currency,
                                      code__in=(*codes, "unallocated"))
    counters = _sum(accounts)
    return _position(counters, *codes, unallocated=counters.held("unallocated"))


def _sum(accounts):
    counters = _Counters()
    for values in accounts.values("code", *COUNTERS):
        counters.add(values["code"], values)
    return counters


def account_balance(*, account_id) -> dict:
    """The four counters and the held (credits - debits) balances of one account: O(1)."""
    values = Account.objects.filter(pk=account_id).values(*COUNTERS).get()
    values["posted"] = values["credits_posted"] - values["debits_posted"]
    values["pending"] = values["credits_pending"] - values["debits_pending"]
    return values


def account_statement(*, account_id, offset=0, limit=50) -> tuple[list, bool]:
    """One page of the account's transfers, newest first, each with `balance_after` (posted,
    held) and `signed_amount`; and whether a further page exists. Each side is read by its
    (account, created_at, id) index, and only offset + limit + 1 rows of each."""
    wanted = offset + limit + 1
    order = ("-created_at", "-id")
    debits = list(Transfer.objects.filter(debit_account_id=account_id).order_by(*order)[:wanted])
    credits = list(Transfer.objects.filter(credit_account_id=account_id)
                   .order_by(*order)[:wanted])
    merged = sorted(debits + credits, key=lambda t: (t.created_at, t.id), reverse=True)
    page = merged[offset:offset + limit]
    for t in page:
        is_debit = t.debit_account_id == account_id
        t.signed_amount = -t.amount if is_debit else t.amount
        t.balance_after = t.debit_posted_after if is_debit else t.credit_posted_after
        t.pending_after = t.debit_pending_after if is_debit else t.credit_pending_after
    return page, len(merged) > offset + limit


def period_bounds(date_from=None, date_to=None):
    """A report period is of days in the fund's zone (settings.TIME_ZONE), not in the zone the
    request activated: every reader of a month sees the same figures."""
    tz = timezone.get_default_timezone()
    start = datetime.combine(date_from, time.min, tz) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tz) if date_to else None
    return start, end


def reconciliation(*, program=None, consulate_id=None, partner_id=None, currency=None,
                   date_from=None, date_to=None) -> list[ReconciliationRow]:
    """Rows per (program, currency, consulate) and per (program, currency, partner).

    A consulate's budget figures come from its budget accounts and its money figures from the
    money accounts of that consulate (every partner); a partner's from its cap accounts and its
    money in every consulate. With both filters, each row's money is the pair's. Without a
    period: from the counters; with one: the movement of the counters in that period.
    """
    accounts = Account.objects.all()
    if program:
        accounts = accounts.filter(program_ref=program)
    if currency:
        accounts = accounts.filter(currency=currency)
    if consulate_id is not None or partner_id is not None:
        accounts = accounts.filter(Q(consulate_ref=consulate_id) | Q(partner_ref=partner_id))
    values = list(accounts.values("pk", "code", "program_ref", "currency", "consulate_ref",
                                  "partner_ref", *COUNTERS))
    if date_from or date_to:
        _replace_with_period(values, *period_bounds(date_from, date_to))
    groups = _group(values, consulate_id, partner_id)
    return [_row(k, groups[k]) for k in sorted(groups, key=_sort_key)]


def _group(values, consulate_id, partner_id):
    """Consulate rows unless only a partner is asked for; partner rows unless only a consulate."""
    want_c = partner_id is None or consulate_id is not None
    want_p = consulate_id is None or partner_id is not None
    groups = defaultdict(_Counters)
    for v in values:
        level = CHART[v["code"]].level if v["code"] in CHART else None
        base = (v["program_ref"], v["currency"])
        c, p = v["consulate_ref"], v["partner_ref"]
        in_c, in_p = consulate_id in (None, c), partner_id in (None, p)
        if level == "consulate" and want_c and in_c:
            groups[(*base, c, None)].add(v["code"], v)
        elif level == "partner" and want_p and in_p:
            groups[(*base, None, p)].add(v["code"], v)
        elif level == "dimension" and in_c and in_p:
            if c is not None and want_c:
                groups[(*base, c, None)].add(v["code"], v)
            if p is not None and want_p:
                groups[(*base, None, p)].add(v["code"], v)
    return groups


def _sort_key(k):
    return (k[0], k[1], k[2] is None, k[2] or 0, k[3] or 0)


def _row(group_key, counters):
    program, currency, consulate_id, partner_id = group_key
    budget = (("consulate_available", "consulate_committed") if consulate_id is not None
              else ("partner_cap", "partner_committed"))
    pos = _position(counters, *budget)
    received = counters.get_counter("refund_receivable", "debits_posted")
    return ReconciliationRow(
        program=program, currency=currency, consulate_id=consulate_id, partner_id=partner_id,
        allocated=pos.allocated, reserved=pos.reserved, available=pos.available,
        authorized=pos.reserved + pos.committed,
        disbursed=(counters.held("partner_advance") + counters.held("bonds_held")
                   + counters.get_counter("refund_receivable", "credits_posted")
                   + counters.held("forfeiture_expense") + counters.held("grant_expense")),
        bonds_outstanding=counters.held("bonds_held"),
        refunds_due=counters.held("refund_receivable") + counters.held("interest_receivable"),
        refunds_received_principal=received,
        refunds_received_interest=counters.get_counter("interest_receivable", "debits_posted"),
        forfeited=counters.held("forfeiture_expense"),
        granted=counters.held("grant_expense"),
    )


def reconciliation_pairs(*, program, currency=None, consulate_id=None, partner_id=None,
                         date_from=None, date_to=None) -> list[ReconciliationRow]:
    """The money of one program per (consulate, partner) pair: what was paid, is held as
    bonds, is due back or came back. Budget figures belong to a consulate or to a partner,
    never to a pair, and stay zero here. Grants paid to a person have no partner."""
    accounts = Account.objects.filter(program_ref=program, code__in=DIMENSION_CODES)
    if currency:
        accounts = accounts.filter(currency=currency)
    if consulate_id is not None:
        accounts = accounts.filter(consulate_ref=consulate_id)
    if partner_id is not None:
        accounts = accounts.filter(partner_ref=partner_id)
    values = list(accounts.values("pk", "code", "program_ref", "currency", "consulate_ref",
                                  "partner_ref", *COUNTERS))
    if date_from or date_to:
        _replace_with_period(values, *period_bounds(date_from, date_to))
    groups = defaultdict(_Counters)
    for v in values:
        groups[(v["program_ref"], v["currency"], v["consulate_ref"], v["partner_ref"])] \
            .add(v["code"], v)
    return [_row(k, groups[k]) for k in sorted(groups, key=_sort_key)]


DIMENSION_CODES = [code for code, chart in CHART.items() if chart.level == "dimension"]


def _replace_with_period(values, start, end):
    """Swap each account's counters for their movement in [start, end)."""
    moved = counter_sums(start=start, end=end, account_ids=[v["pk"] for v in values])
    for v in values:
        v.update(moved.get(v["pk"], dict.fromkeys(COUNTERS, 0)))


def counter_sums(*, start=None, end=None, account_ids=None) -> dict:
    """account id -> counters recomputed from its transfers that took effect in [start, end)
    (two grouped queries)."""
    transfers = Transfer.objects.all()
    if start:
        transfers = transfers.filter(effective_at__gte=start)
    if end:
        transfers = transfers.filter(effective_at__lt=end)
    pending = Case(
        When(pending=True, then=F("amount")),
        When(Q(post_pending=True) | Q(void_pending=True),
             then=-F("pending_transfer__amount")),
        default=Value(0),
    )
    posted = Case(When(pending=False, void_pending=False, then=F("amount")), default=Value(0))
    result = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for side in ("debit", "credit"):
        rows = transfers
        if account_ids is not None:
            rows = rows.filter(**{f"{side}_account_id__in": account_ids})
        rows = (rows.order_by().values(f"{side}_account_id")
                .annotate(p=Coalesce(Sum(pending), 0), q=Coalesce(Sum(posted), 0)))
        for r in rows:
            counters = result[r[f"{side}_account_id"]]
            counters[f"{side}s_pending"] = r["p"]
            counters[f"{side}s_posted"] = r["q"]
    return dict(result)


# Clearing accounts past their date -----------------------------------------------------------

CLEARING_CODES = ("partner_advance", "refund_receivable", "interest_receivable")
ADVANCE_DAYS = 14  # a partner posts the bond with DHS within days of being paid
RECEIVABLE_DAYS = 180  # DHS refunds a cancelled bond's principal and interest within months


@dataclass
class StaleClearing:
    """A clearing account that has held a non-zero balance, unmoved, for longer than expected:
    money sent to a partner and not yet posted as a bond (partner_advance), or a refund or
    interest due from a partner and not yet received."""

    account_id: int
    code: str
    program: str
    currency: str
    consulate_id: int | None
    partner_id: int | None
    amount: int  # held: credits posted - debits posted
    last_movement: datetime
    age_days: int
    expected_days: int

    @property
    def label(self):
        return CHART[self.code].label

    @property
    def row_keys(self):
        """The reconciliation rows (program, currency, consulate, partner) it is part of."""
        return {(self.program, self.currency, self.consulate_id, None),
                (self.program, self.currency, None, self.partner_id)}


def stale_clearing_balances(*, as_of=None, advance_days=ADVANCE_DAYS,
                            receivable_days=RECEIVABLE_DAYS, program=None, currency=None,
                            consulate_id=None, partner_id=None) -> list[StaleClearing]:
    """Clearing accounts non-zero and unmoved for longer than their expected days, oldest
    first. One query: the non-zero clearing accounts (O(accounts)), each with its latest debit
    and latest credit read by the (account, created_at, id) indexes, never a scan of the
    transfers. Filters as `reconciliation`'s for these (consulate and partner) accounts."""
    as_of = as_of or timezone.now()
    accounts = (Account.objects.filter(code__in=CLEARING_CODES)
                .exclude(credits_posted=F("debits_posted")))
    if program:
        accounts = accounts.filter(program_ref=program)
    if currency:
        accounts = accounts.filter(currency=currency)
    if consulate_id is not None:
        accounts = accounts.filter(consulate_ref=consulate_id)
    if partner_id is not None:
        accounts = accounts.filter(partner_ref=partner_id)

    def latest(side):
        return Subquery(Transfer.objects.filter(**{f"{side}_account": OuterRef("pk")})
                        .order_by("-created_at", "-id").values("created_at")[:1])

    accounts = accounts.annotate(last_debit=latest("debit"), last_credit=latest("credit"))
    found = []
    for a in accounts.values("pk", "code", "program_ref", "currency", "consulate_ref",
                             "partner_ref", "credits_posted", "debits_posted", "last_debit",
                             "last_credit"):
        last = max(t for t in (a["last_debit"], a["last_credit"]) if t is not None)
        expected = advance_days if a["code"] == "partner_advance" else receivable_days
        age = as_of - last
        if age <= timedelta(days=expected):
            continue
        found.append(StaleClearing(
            account_id=a["pk"], code=a["code"], program=a["program_ref"],
            currency=a["currency"], consulate_id=a["consulate_ref"],
            partner_id=a["partner_ref"], amount=a["credits_posted"] - a["debits_posted"],
            last_movement=last, age_days=age.days, expected_days=expected))
    return sorted(found, key=lambda s: (s.last_movement, s.account_id))
