"""One wire for several bonds: a finance approver groups requested disbursements owed to one
partner (one consulate, one program, one currency) and another one records the bank wire
that paid them all.

Recording the wire pays each disbursement as `disbursement_record_manual` would, in one
transaction: each one's `disbursement_paid` signal posts its own ledger disbursement under
its own key (`disburse:<disbursement pk>`), so the ledger and the cases see exactly what a
single payment makes them see. Locks: the wire, then its disbursements in id order, then
(through the signals) each case, the order the single path uses.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import Role
from core.tenancy import Scope
from core.timezones import local_today
from payments.models import MANUAL_METHODS, Disbursement, Status, Wire, WireStatus
from payments.purposes import purposes_of
from payments.services import _audit, _require_finance
from payments.signals import disbursement_paid

MAX_MEMBERS = 100


def _wire_audit(actor, action, wire, changes=None, comment=""):
    audit_record(actor=actor, action=action, obj=wire, changes=changes, comment=comment,
                 consulate_id=wire.consulate_id, partner_id=wire.payee_partner_id)


def _name(d, purposes):
    purpose = purposes.get(d.pk)
    return purpose.reference if purpose else str(d.pk)


def _members_check(members, purposes):
    """Every member payable now and all alike; a clear refusal naming the first that is not."""
    first = members[0]
    for d in members:
        if d.status != Status.REQUESTED:
            raise ValidationError(_("%(case)s cannot join a wire: its payment is already "
                                    "%(status)s.") % {"case": _name(d, purposes),
                                                      "status": d.get_status_display().lower()})
        if d.in_open_wire:
            raise ValidationError(_("%(case)s is already in another wire.")
                                  % {"case": _name(d, purposes)})
        if d.payee_partner_id is None or d.payee_partner_id != first.payee_partner_id:
            raise ValidationError(_("A wire pays one partner: choose payments owed to the "
                                    "same partner organization."))
        if d.consulate_id != first.consulate_id or d.currency != first.currency:
            raise ValidationError(_("A wire pays payments of one consulate in one currency."))
        program = getattr(purposes.get(d.pk), "program_ref", None)
        if program != getattr(purposes.get(first.pk), "program_ref", None):
            raise ValidationError(_("A wire pays payments of one program."))


def wire_request(*, disbursement_ids: list, actor, memo: str = "") -> Wire:
    """Group requested disbursements owed to one partner into one wire to be released."""
    ids = sorted({str(i) for i in disbursement_ids})
    if len(ids) < 2:
        raise ValidationError(_("Choose at least two payments to pay with one wire."))
    if len(ids) > MAX_MEMBERS:
        raise ValidationError(_("A wire pays at most %(n)s payments.") % {"n": MAX_MEMBERS})
    with transaction.atomic():
        members = list(Disbursement.objects.select_for_update(of=("self",))
                       .select_related("wire").filter(pk__in=ids).order_by("pk"))
        if len(members) != len(ids):
            raise ValidationError(_("Some of the chosen payments no longer exist."))
        scope = Scope.of(actor)
        if not all(scope.reaches_consulate(d.consulate_id, Role.FINANCE_APPROVER)
                   for d in members):
            raise PermissionDenied
        purposes = purposes_of(members)
        _members_check(members, purposes)
        first = members[0]
        wire = Wire.objects.create(
            payee_partner_id=first.payee_partner_id, consulate_id=first.consulate_id,
            currency=first.currency, amount=sum(d.amount for d in members),
            memo=memo.strip()[:200], requested_by=actor)
        Disbursement.objects.filter(pk__in=ids).update(wire=wire)
        _wire_audit(actor, "payments.wire.request", wire,
                    {"amount": wire.amount, "currency": wire.currency,
                     "disbursements": ids,
                     "cases": [_name(d, purposes) for d in members]})
    return wire


def _locked_wire(wire_id):
    wire = Wire.objects.select_for_update().get(pk=wire_id)
    members = list(Disbursement.objects.select_for_update().filter(wire=wire).order_by("pk"))
    return wire, members


def _record_guards(wire, members, actor, sent_on):
    if not Scope.of(actor).reaches_consulate(wire.consulate_id, Role.FINANCE_APPROVER):
        raise PermissionDenied
    if wire.status != WireStatus.REQUESTED:
        raise ValidationError(_("This wire is already %(status)s.")
                              % {"status": wire.get_status_display().lower()})
    if wire.requested_by_id == actor.pk:
        raise ValidationError(_("You requested this wire, so another finance approver must "
                                "release it."))
    if sent_on > local_today(wire.consulate):
        raise ValidationError(_("The date sent is in the future."))
    purposes = purposes_of(members)
    stopped = [_name(d, purposes) for d in members if d.status != Status.REQUESTED]
    if stopped or sum(d.amount for d in members) != wire.amount:
        raise ValidationError(_("Some payments of this wire changed since it was requested "
                                "(%(cases)s): cancel the wire and request a new one.")
                              % {"cases": ", ".join(stopped) or "—"})
    for d in members:
        _require_finance(actor, d)


def wire_record(*, wire_id, actor, method: str, reference: str, sent_on,
                comment: str = "") -> Wire:
    """Another finance approver records the bank wire: every payment of it is paid once."""
    if method not in MANUAL_METHODS:
        raise ValidationError(_("Choose how the payment was sent."))
    if not reference.strip():
        raise ValidationError(_("Give the reference number of the payment."))
    with transaction.atomic():
        wire, members = _locked_wire(wire_id)
        _record_guards(wire, members, actor, sent_on)
        wire.method, wire.manual_reference = method, reference.strip()
        wire.manual_date, wire.released_by = sent_on, actor
        wire.pay()
        wire.save()
        for d in members:
            d.method, d.manual_reference = method, wire.manual_reference
            d.manual_date, d.released_by = sent_on, actor
            d.pay()
            d.save()
            _audit(actor, "payments.disbursement.paid", d,
                   {"status": [Status.REQUESTED, Status.PAID], "method": method,
                    "reference": d.manual_reference, "date": sent_on, "wire": str(wire.pk)},
                   comment=comment)
            disbursement_paid.send(sender=Disbursement, disbursement=d)
        _wire_audit(actor, "payments.wire.paid", wire,
                    {"status": [WireStatus.REQUESTED, WireStatus.PAID], "method": method,
                     "reference": wire.manual_reference, "date": sent_on,
                     "disbursements": [str(d.pk) for d in members]}, comment=comment)
    return wire


def wire_cancel(*, wire_id, actor, reason: str = "") -> Wire:
    """Undo the grouping before payment: the payments go back to being paid one by one (or
    in a new wire). Nothing moved, so nothing is posted."""
    with transaction.atomic():
        wire, members = _locked_wire(wire_id)
        if not Scope.of(actor).reaches_consulate(wire.consulate_id, Role.FINANCE_APPROVER):
            raise PermissionDenied
        if wire.status != WireStatus.REQUESTED:
            raise ValidationError(_("This wire is already %(status)s.")
                                  % {"status": wire.get_status_display().lower()})
        wire.cancel()
        wire.save()
        _wire_audit(actor, "payments.wire.cancelled", wire,
                    {"status": [WireStatus.REQUESTED, WireStatus.CANCELLED],
                     "disbursements": [str(d.pk) for d in members]}, comment=reason)
    return wire
