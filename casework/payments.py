"""The glue between a case and payments, the same for bonds and grants.

"A payment under way" is one requested or sent (not paid, failed, reversed or cancelled).
A case's disbursement is always locked before the case: payments locks a disbursement and
then, through its signal, the case, so the same order everywhere keeps the two from
deadlocking.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.kinds import KINDS, CaseKind, kind_of
from casework.money import money_display, money_reserve
from casework.people import approvers_of, officers_and_partner_staff_of, officers_of
from casework.steps import case_audit, case_notify, case_proceed, case_transition, out_of_order
from core.money import from_minor, to_minor
from ledger import funds
from payments import services as payments
from payments.models import Disbursement, Method
from payments.models import Status as PaymentStatus

logger = logging.getLogger(__name__)
UNDER_WAY = (PaymentStatus.REQUESTED, PaymentStatus.SENT)


def payment_under_way(kind: CaseKind, case) -> Disbursement | None:
    return (Disbursement.objects.filter(object_type=kind.object_type, object_id=str(case.pk),
                                        status__in=UNDER_WAY).first())


def payment_lock(kind: CaseKind, case_id: int) -> Disbursement | None:
    """The case's payment under way, locked; call before locking the case."""
    return (Disbursement.objects.select_for_update()
            .filter(object_type=kind.object_type, object_id=str(case_id),
                    status__in=UNDER_WAY).first())


def payment_stop(payment: Disbursement | None, *, actor, reason: str) -> None:
    """A withdrawal, a stay or a void stops a payment not yet sent; one already asked of
    Stripe is refused by payments until its outcome is known."""
    if payment is not None:
        payments.disbursement_cancel(disbursement_id=payment.pk, actor=actor, reason=reason)


def payment_request(kind: CaseKind, case, *, actor, payee_partner, payee_name="",
                    payee_details="", comment="") -> Disbursement:
    """Ask payments to pay the approved amount of a locked case; the same call again returns
    the payment already under way. The requester is recorded: above the program's
    threshold someone else must release it."""
    live = payment_under_way(kind, case)
    if live is not None:
        return live
    disbursement = payments.disbursement_request(
        object_type=kind.object_type, object_id=case.pk, reservation_key=case.reservation_key,
        amount=to_minor(case.amount), currency=case.program.currency,
        consulate_id=case.consulate_id, actor=actor, payee_partner=payee_partner,
        payee_name=payee_name, payee_details=payee_details,
        memo=f"{kind.noun} {case.reference}")
    case_audit(kind, case, actor=actor, action="request_payment", comment=comment,
               changes={"disbursement": str(disbursement.pk), "amount": str(case.amount)})
    return disbursement


def release_rule(*, disbursement: Disbursement, actor) -> None:
    """Four eyes on money leaving: above the program's threshold, whoever releases or
    records the payment is neither the one who requested it nor the case's creator."""
    kind = kind_of(disbursement.object_type)
    case = None
    if str(disbursement.object_id).isdigit():
        case = (kind.model.objects.select_related("program")
                .filter(pk=disbursement.object_id).first())
    if case is None:
        return
    threshold = case.program.second_person_pays_above
    if threshold is None or from_minor(disbursement.amount, disbursement.currency).amount \
            <= threshold:
        return
    if actor.pk in (disbursement.requested_by_id, case.created_by_id):
        raise ValidationError(
            _("Above %(threshold)s a second person releases the payment: you requested it or "
              "opened %(ref)s, so another finance approver must release it.")
            % {"threshold": f"{case.program.currency} {threshold:,.2f}", "ref": case.reference})


def _locked_for_payment(disbursement):
    """The case a disbursement pays, locked; None if it is none of ours."""
    kind = KINDS.get(disbursement.object_type)
    if kind is None or not str(disbursement.object_id).isdigit():
        return kind, None
    case = (kind.model.objects.select_for_update(of=("self",))
            .select_related("program", "beneficiary", "consulate")
            .filter(pk=disbursement.object_id).first())
    if case is None or (case.reservation_key != disbursement.reservation_key
                        and case.payment_id != disbursement.pk):
        logger.error("Disbursement %s names no case it can pay", disbursement.pk)
        return kind, None
    return kind, case


def on_paid(sender, disbursement, **kwargs):
    """Money left (payments' `disbursement_paid`): post the reservation and move the case to
    `disbursed`; a replay of the same disbursement changes nothing."""
    d = disbursement
    with transaction.atomic():
        kind, case = _locked_for_payment(d)
        if case is None or case.payment_id == d.pk:
            return case
        if case.state != "approved":
            raise out_of_order(case)
        amount = from_minor(d.amount, d.currency)
        reference = d.manual_reference or d.stripe_transfer_id or str(d.pk)
        funds.disburse(key=f"disburse:{d.pk}", reservation_key=case.reservation_key,
                       amount=d.amount, purpose=kind.purpose, actor_id=d.released_by_id,
                       reference=str(d.pk))
        confirmed_by = "stripe" if d.method == Method.STRIPE_TRANSFER else "finance approver"
        return case_transition(
            kind, case, "disburse", actor=d.released_by,
            changes={"amount": str(amount), "method": d.method, "reference": reference,
                     "disbursement": str(d.pk), "confirmed_by": confirmed_by},
            notify_users=officers_and_partner_staff_of(case, kind.partner_of(case)),
            payment_id=d.pk, amount=amount, payment_method=d.method, reference=reference,
            paid_on=d.manual_date or timezone.localdate(d.paid_at))


def on_reversed(sender, disbursement, **kwargs):
    """The transfer that paid the case came back. The ledger reverses the postings (the spent
    reservation cannot re-open) and the case is approved again on a fresh reservation, or
    voided if a cap lowered since refuses it. Past `disbursed` nothing is undone: finance is
    told to settle it by hand."""
    d = disbursement
    with transaction.atomic():
        kind, case = _locked_for_payment(d)
        if case is None or case.payment_id != d.pk:
            return case  # not its payment any more: a replay
        reason = d.last_error or str(_("Stripe reversed the transfer."))
        if case.state != "disbursed":
            case_audit(kind, case, actor=None, action="payment_reversed_late", comment=reason,
                       changes={"disbursement": str(d.pk), "state": [case.state, case.state]})
            case_notify(kind, case, users=approvers_of(case), action="payment_reversed_late")
            return case
        funds.disbursement_reverse(key=f"reverse:{d.pk}", reservation_key=case.reservation_key,
                                   reference=str(d.pk))
        key = kind.key(case, f"reserve:{d.pk}")
        before = case.state
        case_proceed(case, "payment_reversed", reservation_key=key)
        reserved = _reserve_again(kind, case, key)
        case.save()
        case_audit(kind, case, actor=None, action="payment_reversed", comment=reason,
                   changes={"state": [before, case.state], "disbursement": str(d.pk),
                            "reserved_again": reserved})
        case_notify(kind, case, users=approvers_of(case) + officers_of(case),
                    action="payment_reversed", comment=reason)
        return case


def _reserve_again(kind, case, key) -> bool:
    try:
        with transaction.atomic():
            money_reserve(kind, case, key=key)
    except ValidationError:
        case_proceed(case, "void")
        return False
    return True


def on_failed(sender, disbursement, **kwargs):
    """Stripe refused the transfer: nothing moved, the reservation stands; noted on the case."""
    with transaction.atomic():
        kind, case = _locked_for_payment(disbursement)
        if case is None:
            return None
        case_audit(kind, case, actor=None, action="payment_failed",
                   changes={"disbursement": str(disbursement.pk)},
                   comment=disbursement.last_error)
        case_notify(kind, case, users=approvers_of(case), action="payment_failed",
                    comment=disbursement.last_error)
        return case


__all__ = ["money_display", "payment_lock", "payment_request", "payment_stop",
           "payment_under_way", "release_rule"]
