"""Stripe's webhook events, applied exactly once.

Each verified event is stored as a `StripeEvent` in the same transaction as its effect; the
unique event id makes a replay stop at the insert. Events may arrive out of order: a transfer
is matched by its id or by `metadata.disbursement`, and state only moves forward.
"""

import datetime
import hashlib
import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from payments.models import Disbursement, Method, PartnerStripeAccount, Status, StripeEvent
from payments.services import transfer_apply

# A failed payout is blamed on the partner's Stripe transfers paid this long before it.
PAYOUT_WINDOW = datetime.timedelta(days=14)
CLOCK_SKEW = datetime.timedelta(minutes=5)
UNPROCESSABLE = "unprocessable"


def stripe_event_handle(event) -> str:
    """Apply one verified event (a dict). Returns what happened, for the log and tests.

    A signed event that lacks what its handler needs is stored as unprocessable (outcome
    starting with UNPROCESSABLE) with nothing applied, and the caller answers 4xx."""
    problem = _shape_problem(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(
                    event_id=_event_id(event), type=str(event.get("type") or "")[:80],
                    created=_when(event.get("created")),
                    account=str(event.get("account") or "")[:64],
                    livemode=bool(event.get("livemode")), payload=event,
                )
        except IntegrityError:
            return "duplicate"
        handler = HANDLERS.get(record.type)
        if problem:
            outcome = f"{UNPROCESSABLE}: {problem}"
        elif handler is None:
            outcome = "ignored"
        else:
            outcome = _apply(handler, event["data"]["object"], record)
        record.outcome = outcome[:200]
        record.processed_at = timezone.now()
        record.save(update_fields=["outcome", "processed_at", "disbursement"])
    return outcome


def _apply(handler, obj, record):
    try:
        with transaction.atomic():
            return handler(obj, record)
    except (KeyError, TypeError):
        # A field the handler reads is missing or of the wrong type: nothing was applied.
        record.disbursement = None
        return f"{UNPROCESSABLE}: a field the event needs is missing or malformed"


def _shape_problem(event) -> str:
    if not isinstance(event.get("id"), str) or not event["id"]:
        return "no event id"
    if not isinstance(event.get("type"), str):
        return "no event type"
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        return "no data.object with an id"
    try:
        int(event.get("created") or 0)
    except (TypeError, ValueError):
        return "created is not a time"
    return ""


def _event_id(event):
    value = event.get("id")
    if isinstance(value, str) and value:
        return value[:80]
    digest = hashlib.sha256(json.dumps(event, sort_keys=True, default=str).encode()).hexdigest()
    return f"no-id:{digest[:64]}"


def _when(epoch):
    try:
        return datetime.datetime.fromtimestamp(int(epoch or 0), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.datetime.fromtimestamp(0, tz=datetime.UTC)


def _disbursement_for(transfer):
    """The locked disbursement a transfer belongs to, by transfer id or by our metadata."""
    ours = (transfer.get("metadata") or {}).get("disbursement")
    found = Disbursement.objects.select_for_update().filter(stripe_transfer_id=transfer["id"])
    d = found.first()
    if d is None and ours:
        try:
            d = Disbursement.objects.select_for_update().filter(pk=uuid.UUID(ours)).first()
        except (ValueError, TypeError, AttributeError):
            d = None
    return d


def _on_transfer(transfer, record):
    d = _disbursement_for(transfer)
    if d is None:
        return "unknown transfer"
    record.disbursement = d
    return transfer_apply(disbursement=d, transfer=transfer)


def _on_payout_failed(payout, record):
    """The partner's bank refused Stripe's payout: our transfer stands (no ledger change) but
    the partner does not have the money; say so on the partner and its recent transfers."""
    partner_account = PartnerStripeAccount.objects.select_for_update().filter(
        account_id=record.account).select_related("partner").first()
    if partner_account is None:
        return "unknown account"
    reason = payout.get("failure_message") or payout.get("failure_code") or _("no reason given")
    warning = _("Stripe could not pay out %(amount)s %(currency)s to the partner's bank on "
                "%(date)s: %(reason)s") % {
        "amount": f"{(payout.get('amount') or 0) / 100:.2f}",
        "currency": str(payout.get("currency", "")).upper(),
        "date": f"{record.created:%Y-%m-%d}", "reason": reason}
    partner_account.payout_failure = warning
    partner_account.payout_failed_at = record.created
    partner_account.save(update_fields=["payout_failure", "payout_failed_at"])
    flagged = Disbursement.objects.filter(
        payee_partner_id=partner_account.partner_id, method=Method.STRIPE_TRANSFER,
        status=Status.PAID, paid_at__gte=record.created - PAYOUT_WINDOW,
        paid_at__lte=record.created + CLOCK_SKEW,
    ).update(payout_warning=warning)
    audit_record(actor=None, action="payments.partner.payout_failed",
                 obj=partner_account.partner, comment=warning,
                 changes={"payout": payout.get("id"), "disbursements_flagged": flagged},
                 partner_id=partner_account.partner_id)
    return "payout failure recorded"


def _on_account_updated(account, record):
    partner_account = PartnerStripeAccount.objects.select_for_update().filter(
        account_id=account["id"]).first()
    if partner_account is None:
        return "unknown account"
    if partner_account.as_of and partner_account.as_of > record.created:
        return "older than what we know"
    partner_account.payouts_enabled = bool(account.get("payouts_enabled"))
    partner_account.details_submitted = bool(account.get("details_submitted"))
    partner_account.as_of = record.created
    partner_account.save()
    return "account updated"


HANDLERS = {
    "transfer.created": _on_transfer,
    "transfer.updated": _on_transfer,
    "transfer.reversed": _on_transfer,
    "payout.failed": _on_payout_failed,
    "account.updated": _on_account_updated,
}
