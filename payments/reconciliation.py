"""Stripe's transfers and balance transactions for a period, matched one to one with our
Stripe disbursements.

Differences, one row each:
- `stripe_only`: a transfer at Stripe that no disbursement of ours accounts for;
- `ours_only`: a disbursement we hold as paid (or reversed) by Stripe that Stripe does not have;
- `amount_mismatch`: the two sides disagree on amount or currency (or the balance
  transaction does not carry the transfer's amount);
- `status_mismatch`: Stripe reversed a transfer we still hold as paid, or the other way round.

A period is a range of days in the fund's time zone (settings.TIME_ZONE), turned into UTC
instants for Stripe, whose records carry Unix times: "1 March" means from midnight to
midnight in Chicago, whatever the hour the comparison runs. Stripe is read a day either side
of the period, so a transfer made around midnight still finds its disbursement; only
differences inside the period are reported.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings

from payments import stripe_gateway
from payments.models import Disbursement, Method, Status

MARGIN = datetime.timedelta(days=1)
KINDS = ("stripe_only", "ours_only", "amount_mismatch", "status_mismatch")


@dataclass
class Comparison:
    matched: int = 0
    stripe_transfers: int = 0
    differences: list = field(default_factory=list)


def fund_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def period_bounds(date_from, date_to):
    """The UTC instants [start, end) of the days date_from..date_to in the fund's zone."""
    zone = fund_zone()
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time(),
                                    tzinfo=zone)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


def _instant(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)


def stripe_compare(*, date_from, date_to) -> Comparison:
    start, end = period_bounds(date_from, date_to)
    transfers = stripe_gateway.transfers_created_between(start - MARGIN, end + MARGIN)
    balance = {
        txn.get("source"): txn
        for txn in stripe_gateway.transfer_balance_transactions_between(start - MARGIN,
                                                                        end + MARGIN)
    }
    ours = list(
        Disbursement.objects.filter(method=Method.STRIPE_TRANSFER)
        .exclude(status=Status.REQUESTED)
        .filter(last_attempt_at__gte=start - MARGIN, last_attempt_at__lt=end + MARGIN)
    )
    by_transfer = {d.stripe_transfer_id: d for d in ours if d.stripe_transfer_id}
    by_uuid = {str(d.pk): d for d in ours}
    result = Comparison()
    seen = set()
    for transfer in transfers:
        in_period = start <= _instant(transfer.get("created", 0)) < end
        result.stripe_transfers += in_period
        d = by_transfer.get(transfer["id"]) or by_uuid.get(
            (transfer.get("metadata") or {}).get("disbursement", ""))
        if d is None:
            if in_period:
                result.differences.append(_row("stripe_only", transfer=transfer))
            continue
        seen.add(d.pk)
        rows = _compare(d, transfer, balance.get(transfer["id"]))
        result.differences.extend(rows)
        result.matched += not rows
    for d in ours:
        if d.pk in seen or d.status not in (Status.PAID, Status.REVERSED):
            continue
        if start <= d.last_attempt_at < end:
            result.differences.append(_row("ours_only", disbursement=d))
    return result


def _compare(d, transfer, balance_txn):
    theirs_currency = str(transfer.get("currency", "")).upper()
    if transfer.get("amount") != d.amount or theirs_currency != d.currency:
        return [_row("amount_mismatch", disbursement=d, transfer=transfer)]
    if balance_txn is not None and -int(balance_txn.get("amount", 0)) != d.amount:
        return [_row("amount_mismatch", disbursement=d, transfer=transfer,
                     note=f"balance transaction {balance_txn.get('id')}: "
                          f"{balance_txn.get('amount')}")]
    if bool(transfer.get("reversed")) != (d.status == Status.REVERSED):
        return [_row("status_mismatch", disbursement=d, transfer=transfer,
                     note=f"stripe reversed={bool(transfer.get('reversed'))}, ours={d.status}")]
    return []


def _row(kind, *, disbursement=None, transfer=None, note=""):
    d = disbursement
    return {
        "kind": kind,
        "transfer_id": (transfer or {}).get("id") or (d.stripe_transfer_id if d else ""),
        "disbursement_id": str(d.pk) if d else "",
        "consulate_id": d.consulate_id if d else None,
        "ours": {"amount": d.amount, "currency": d.currency, "status": d.status} if d else None,
        "stripe": {"amount": transfer.get("amount"),
                   "currency": str(transfer.get("currency", "")).upper(),
                   "destination": transfer.get("destination"),
                   "reversed": bool(transfer.get("reversed"))} if transfer else None,
        "note": note,
    }
