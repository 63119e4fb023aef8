"""Every write to payments. Business apps call `disbursement_request`; finance approvers
release by Stripe or record a manual rail; the webhook and release paths share
`transfer_apply`.

Exactly once with Stripe: the idempotency key is committed (status `sent`) before the call;
the call runs outside any transaction; the result is recorded in a second transaction that
re-reads the row. An attempt whose outcome is unknown is looked up at Stripe (by transfer
group) before it is tried again. `disbursement_release` therefore must not be called inside
an open transaction of the caller's.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.effective import took_effect_on
from core.models import Membership, PartnerOrganization, Role
from core.money import from_minor
from core.notify import notify
from core.tenancy import Scope
from core.timezones import local_today
from payments import stripe_gateway
from payments.models import (
    ENDED,
    MANUAL_METHODS,
    Disbursement,
    Method,
    PartnerStripeAccount,
    Status,
    StripeReconciliationRun,
)
from payments.signals import disbursement_failed, disbursement_paid, disbursement_reversed

# An attempt still marked in flight after this long died with its worker.
STALE_AFTER = timedelta(minutes=2)
# Stripe keeps idempotency keys for 24 hours; past this a key can no longer protect us.
KEY_LIFETIME = timedelta(hours=23)

logger = logging.getLogger(__name__)


def _locked(disbursement_id):
    return Disbursement.objects.select_for_update().get(pk=disbursement_id)


def _audit(actor, action, d, changes=None, comment=""):
    audit_record(actor=actor, action=action, obj=d, changes=changes, comment=comment,
                 consulate_id=d.consulate_id, partner_id=d.payee_partner_id)


# object_type -> rule(disbursement=, actor=) raising ValidationError when that actor may not
# release or record the payment (the purpose's app knows its case and its program's threshold).
RELEASE_RULES = {}


def release_rule_register(object_type, rule):
    RELEASE_RULES[object_type] = rule


def _require_finance(actor, d):
    scope = Scope.of(actor)
    if not scope.reaches_consulate(d.consulate_id, Role.FINANCE_APPROVER):
        raise PermissionDenied
    rule = RELEASE_RULES.get(d.object_type)
    if rule is not None:
        rule(disbursement=d, actor=actor)
    elif d.requested_by_id and d.requested_by_id == actor.pk:
        raise ValidationError(_("You cannot release a disbursement you requested."))


def _refuse_if_in_wire(d):
    if d.in_open_wire:
        raise ValidationError(_("This payment is part of a wire: it is paid when the wire is "
                                "recorded, or alone once the wire is cancelled."))


# --- requesting ------------------------------------------------------------------------------

def disbursement_request(*, object_type, object_id, reservation_key, amount, currency,
                         consulate_id, actor, payee_partner=None, payee_name="",
                         payee_details="", memo="") -> Disbursement:
    """Ask for money to leave the fund for one purpose. Calling again with the same content
    returns the live disbursement; with other content it is refused."""
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationError(_("The amount must be a positive number of cents."))
    if currency not in ("USD", "MXN"):
        raise ValidationError(_("Payments are made in USD or MXN."))
    if payee_partner is None and not payee_name:
        raise ValidationError(_("Name the payee: a partner or a person or vendor."))
    if actor is not None and not Scope.of(actor).reaches_consulate(consulate_id):
        raise PermissionDenied
    content = {"reservation_key": reservation_key, "amount": amount, "currency": currency,
               "payee_partner_id": getattr(payee_partner, "pk", None), "payee_name": payee_name}
    with transaction.atomic():
        live = _live_for(object_type, object_id)
        if live is None:
            try:
                with transaction.atomic():
                    live = Disbursement.objects.create(
                        object_type=object_type, object_id=str(object_id),
                        consulate_id=consulate_id, payee_details=payee_details, memo=memo,
                        requested_by=actor, **content,
                    )
            except IntegrityError:
                live = _live_for(object_type, object_id)  # a concurrent request won
            else:
                _audit(actor, "payments.disbursement.request", live,
                       {"amount": amount, "currency": currency, "purpose": live.purpose_label})
                _notify_finance(live)
                return live
        if live is None or any(getattr(live, f) != v for f, v in content.items()):
            raise ValidationError(_("A disbursement for this purpose already exists."))
        return live


def _live_for(object_type, object_id):
    return (Disbursement.objects.select_for_update()
            .filter(object_type=object_type, object_id=str(object_id))
            .exclude(status__in=ENDED).first())


def _notify_finance(d):
    users = {m.user for m in Membership.objects.select_related("user").filter(
        Q(consulate_id=d.consulate_id) | Q(consulate__isnull=True),
        role=Role.FINANCE_APPROVER, user__is_active=True,
    )}
    notify(users=users, subject=_("A disbursement awaits release"),
           template_name="payments/email/disbursement_requested.txt",
           context={"disbursement": d, "amount": from_minor(d.amount, d.currency)})


# --- Stripe release --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Attempt:
    disbursement: Disbursement
    look_up_first: bool


def disbursement_release(*, disbursement_id, actor) -> Disbursement:
    """A finance approver pays a requested disbursement by Stripe transfer (exactly once)."""
    attempt = _release_begin(disbursement_id=disbursement_id, actor=actor)
    d = attempt.disbursement
    try:
        if attempt.look_up_first:
            found = _transfer_at_stripe(d)
            if found is not None:
                return _release_finish(disbursement_id=d.pk, transfer=found, actor=actor)
            d = _key_renew_if_expired(d)
        transfer = stripe_gateway.transfer_create(
            amount=d.amount, currency=d.currency, destination=d.stripe_destination,
            transfer_group=d.transfer_group, idempotency_key=d.idempotency_key,
            metadata={"disbursement": str(d.pk), "purpose": d.purpose_label},
            description=d.memo,
        )
    except stripe_gateway.StripeOutcomeUnknown as exc:
        logger.error("Disbursement %s: Stripe's answer to the transfer is unknown: %s", d.pk, exc)
        _attempt_unknown(disbursement_id=d.pk, error=str(exc))
        raise ValidationError(_(
            "Stripe did not answer, so whether the transfer was made is not known yet. It will "
            "be looked up at Stripe before any new attempt; try again in a few minutes."
        )) from exc
    except stripe_gateway.StripeRefused as exc:
        logger.warning("Disbursement %s: Stripe refused the transfer: %s", d.pk, exc)
        _attempt_refused(disbursement_id=d.pk, error=str(exc), actor=actor)
        raise ValidationError(_("Stripe refused the transfer: %(error)s") % {"error": exc}) \
            from exc
    return _release_finish(disbursement_id=d.pk, transfer=transfer, actor=actor)


def _release_begin(*, disbursement_id, actor):
    now = timezone.now()
    with transaction.atomic():
        d = _locked(disbursement_id)
        _require_finance(actor, d)
        _refuse_if_in_wire(d)
        if not stripe_gateway.is_configured():
            raise ValidationError(_("Stripe is not configured: payments are recorded manually."))
        before = d.status
        if d.status == Status.REQUESTED:
            destination = d.payee_partner.stripe_account_id if d.payee_partner_id else ""
            if not destination:
                raise ValidationError(_("The payee has no Stripe account: record the payment "
                                        "as an ACH, wire or check instead."))
            d.send()
            d.stripe_destination = destination
            d.idempotency_key = f"transfer:{d.pk}"
            d.idempotency_key_at = now
            d.transfer_group = f"disbursement:{d.pk}"
            look_up_first = False
        elif d.status == Status.SENT:
            if d.in_flight and d.last_attempt_at and d.last_attempt_at > now - STALE_AFTER:
                raise ValidationError(_("This disbursement is being sent to Stripe right now."))
            look_up_first = True
        else:
            raise ValidationError(_("This disbursement is already %(status)s.")
                                  % {"status": d.get_status_display().lower()})
        d.in_flight = True
        d.attempts += 1
        d.last_attempt_at = now
        d.released_by = actor
        d.save()
        _audit(actor, "payments.disbursement.release", d,
               {"status": [before, d.status], "attempt": d.attempts,
                "idempotency_key": d.idempotency_key})
    return _Attempt(disbursement=d, look_up_first=look_up_first)


def _transfer_at_stripe(d):
    """The transfer Stripe made for this disbursement, if any (the oldest, should there be
    more than one)."""
    ours = [t for t in stripe_gateway.transfers_in_group(d.transfer_group)
            if (t.get("metadata") or {}).get("disbursement") == str(d.pk)]
    return min(ours, key=lambda t: t.get("created") or 0) if ours else None


def _key_renew_if_expired(d):
    """After a lookup found nothing, a key Stripe has forgotten is replaced by a fresh one."""
    if d.idempotency_key_at and d.idempotency_key_at > timezone.now() - KEY_LIFETIME:
        return d
    with transaction.atomic():
        d = _locked(d.pk)
        d.idempotency_key = f"transfer:{d.pk}:{d.attempts}"
        d.idempotency_key_at = timezone.now()
        d.save(update_fields=["idempotency_key", "idempotency_key_at", "updated_at"])
        _audit(None, "payments.disbursement.key_renewed", d,
               {"idempotency_key": d.idempotency_key})
    return d


def _attempt_unknown(*, disbursement_id, error):
    with transaction.atomic():
        d = _locked(disbursement_id)
        if d.status == Status.SENT:
            d.in_flight = False
            d.last_error = error[:2000]
            d.save(update_fields=["in_flight", "last_error", "updated_at"])


def _attempt_refused(*, disbursement_id, error, actor):
    with transaction.atomic():
        d = _locked(disbursement_id)
        if d.status != Status.SENT:
            return
        d.fail()
        d.last_error = error[:2000]
        d.save()
        _audit(actor, "payments.disbursement.failed", d,
               {"status": [Status.SENT, Status.FAILED]}, comment=error)
        disbursement_failed.send(sender=Disbursement, disbursement=d)


def _release_finish(*, disbursement_id, transfer, actor):
    with transaction.atomic():
        d = _locked(disbursement_id)
        transfer_apply(disbursement=d, transfer=transfer, actor=actor)
    return d


def transfer_apply(*, disbursement, transfer, actor=None):
    """Bring a locked disbursement up to what Stripe says of its transfer, never back:
    sent -> paid once the transfer exists; paid -> reversed once it is fully reversed.
    Run inside the caller's transaction. Returns a short outcome for the record."""
    d = disbursement
    problem = _transfer_mismatch(d, transfer)
    if problem:
        d.last_error = problem
        d.in_flight = False
        d.save(update_fields=["last_error", "in_flight", "updated_at"])
        _audit(actor, "payments.disbursement.mismatch", d, {"transfer": transfer.get("id")},
               comment=problem)
        return "mismatch"
    if not d.stripe_transfer_id:
        d.stripe_transfer_id = transfer["id"]
    d.in_flight = False
    if d.status == Status.SENT:
        d.last_error = ""  # the unknown outcome is known now
    if transfer.get("amount_reversed") and not transfer.get("reversed"):
        d.last_error = _("Stripe reports a partial reversal of %(amount)s; settle it by hand.") \
            % {"amount": from_minor(transfer["amount_reversed"], d.currency)}
    elif d.status == Status.FAILED and not transfer.get("reversed"):
        d.last_error = _("Stripe holds transfer %(id)s for a disbursement recorded as failed; "
                         "settle it by hand.") % {"id": transfer["id"]}
    outcome = "unchanged"
    if d.status == Status.SENT:
        d.pay()
        d.save()
        _audit(actor, "payments.disbursement.paid", d,
               {"status": [Status.SENT, Status.PAID], "transfer": d.stripe_transfer_id})
        disbursement_paid.send(sender=Disbursement, disbursement=d)
        outcome = "paid"
    if transfer.get("reversed") and d.status == Status.PAID:
        d.reverse()
        d.save()
        _audit(actor, "payments.disbursement.reversed", d,
               {"status": [Status.PAID, Status.REVERSED], "transfer": d.stripe_transfer_id})
        disbursement_reversed.send(sender=Disbursement, disbursement=d)
        outcome = "reversed"
    if outcome == "unchanged":
        d.save()
    return outcome


def _transfer_mismatch(d, transfer):
    if d.method != Method.STRIPE_TRANSFER:
        return _("Stripe transfer %(id)s names a disbursement paid by %(method)s.") % {
            "id": transfer.get("id"), "method": d.get_method_display()}
    if d.stripe_transfer_id and d.stripe_transfer_id != transfer.get("id"):
        return _("Stripe made a second transfer %(id)s for this disbursement.") % {
            "id": transfer.get("id")}
    if transfer.get("amount") != d.amount or \
            str(transfer.get("currency", "")).upper() != d.currency:
        return _("Stripe transfer %(id)s is for %(theirs)s, not %(ours)s.") % {
            "id": transfer.get("id"), "ours": d.money,
            "theirs": f"{transfer.get('amount')} {str(transfer.get('currency')).upper()}"}
    return ""


# --- cancelling -------------------------------------------------------------------------------

def disbursement_cancel(*, disbursement_id, actor, reason) -> Disbursement:
    """Stop a requested payment before any money moves (an EOIR-43 stay, a void).

    Called by the business app inside its own transaction, which has checked the actor's
    permission on the bond or grant. A transfer already asked of Stripe (`sent`) cannot be
    cancelled here: its outcome must come back first.
    """
    d = _locked(disbursement_id)
    if d.status == Status.SENT:
        raise ValidationError(_("A Stripe transfer was already asked for this payment: wait "
                                "for its outcome before changing the request."))
    if d.status != Status.REQUESTED:
        raise ValidationError(_("This disbursement is already %(status)s.")
                              % {"status": d.get_status_display().lower()})
    d.cancel()
    d.save()
    _audit(actor, "payments.disbursement.cancelled", d,
           {"status": [Status.REQUESTED, Status.CANCELLED]}, comment=reason)
    return d


# --- manual rails ----------------------------------------------------------------------------

def disbursement_record_manual(*, disbursement_id, actor, method, reference, sent_on,
                               comment="") -> Disbursement:
    """A finance approver records an ACH, wire or check that left the fund: paid at once."""
    if method not in MANUAL_METHODS:
        raise ValidationError(_("Choose how the payment was sent."))
    if not reference.strip():
        raise ValidationError(_("Give the reference number of the payment."))
    with transaction.atomic():
        d = _locked(disbursement_id)
        _require_finance(actor, d)
        _refuse_if_in_wire(d)
        if sent_on > local_today(d.consulate):
            raise ValidationError(_("The date sent is in the future."))
        if d.status == Status.SENT:
            raise ValidationError(_("A Stripe transfer was asked for this disbursement; it "
                                    "must be resolved before a manual payment is recorded."))
        if d.status != Status.REQUESTED:
            raise ValidationError(_("This disbursement is already %(status)s.")
                                  % {"status": d.get_status_display().lower()})
        d.method = method
        d.manual_reference = reference.strip()
        d.manual_date = sent_on
        d.released_by = actor
        d.pay()
        d.save()
        _audit(actor, "payments.disbursement.paid", d,
               {"status": [Status.REQUESTED, Status.PAID], "method": method,
                "reference": d.manual_reference, "date": sent_on}, comment=comment)
        with took_effect_on(d.consulate, sent_on):  # the money left on that day
            disbursement_paid.send(sender=Disbursement, disbursement=d)
    return d


# --- partners on Stripe Connect --------------------------------------------------------------

def partner_stripe_onboard(*, partner_id, actor, return_url, refresh_url) -> str:
    """Create the partner's Express account if missing; return Stripe's onboarding link."""
    partner = PartnerOrganization.objects.get(pk=partner_id)
    _require_partner_manager(actor, partner)
    if not stripe_gateway.is_configured():
        raise ValidationError(_("Stripe is not configured: payments are recorded manually."))
    try:
        account_id = partner.stripe_account_id
        if not account_id:
            account = stripe_gateway.account_create_express(
                partner_id=partner.pk, email=partner.email,
                idempotency_key=f"account:partner:{partner.pk}",
            )
            account_id = _partner_account_store(partner_id=partner.pk, account=account,
                                                actor=actor)
        return stripe_gateway.account_link_create(
            account_id=account_id, refresh_url=refresh_url, return_url=return_url)
    except (stripe_gateway.StripeRefused, stripe_gateway.StripeOutcomeUnknown) as exc:
        logger.warning("Partner %s: Stripe onboarding failed: %s", partner_id, exc)
        raise ValidationError(_("Stripe could not start the onboarding: %(error)s")
                              % {"error": exc}) from exc


def _require_partner_manager(actor, partner):
    scope = Scope.of(actor)
    if not (scope.is_headquarters(Role.PROGRAM_ADMIN) or partner.pk in scope.partner_ids):
        raise PermissionDenied


def _partner_account_store(*, partner_id, account, actor):
    with transaction.atomic():
        partner = PartnerOrganization.objects.select_for_update().get(pk=partner_id)
        if partner.stripe_account_id:  # a concurrent click stored it first
            return partner.stripe_account_id
        PartnerOrganization.objects.filter(pk=partner_id).update(stripe_account_id=account["id"])
        PartnerStripeAccount.objects.update_or_create(
            partner_id=partner_id,
            defaults={"account_id": account["id"],
                      "payouts_enabled": bool(account.get("payouts_enabled")),
                      "details_submitted": bool(account.get("details_submitted"))},
        )
        audit_record(actor=actor, action="payments.partner.stripe_account", obj=partner,
                     changes={"stripe_account_id": ["", account["id"]]}, partner_id=partner_id)
    return account["id"]


# --- reconciliation --------------------------------------------------------------------------

def reconciliation_run(*, actor, date_from, date_to) -> StripeReconciliationRun:
    """Match Stripe's transfers of the period with our disbursements and keep the result."""
    from payments.reconciliation import stripe_compare

    if actor is not None:  # None: the stripe_reconcile command
        Scope.of(actor).require(Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR)
    if date_to < date_from:
        raise ValidationError(_("The period ends before it starts."))
    try:
        result = stripe_compare(date_from=date_from, date_to=date_to)
    except stripe_gateway.StripeNotConfigured as exc:
        raise ValidationError(str(exc)) from exc
    except (stripe_gateway.StripeRefused, stripe_gateway.StripeOutcomeUnknown) as exc:
        logger.warning("Stripe reconciliation could not read Stripe: %s", exc)
        raise ValidationError(_("Stripe could not be read: %(error)s") % {"error": exc}) \
            from exc
    with transaction.atomic():
        run = StripeReconciliationRun.objects.create(
            date_from=date_from, date_to=date_to, ran_by=actor, matched=result.matched,
            stripe_transfers=result.stripe_transfers, differences=result.differences,
        )
        audit_record(actor=actor, action="payments.reconciliation.run", obj=run,
                     changes={"from": date_from, "to": date_to,
                              "differences": len(result.differences)})
    return run
