"""Advisors' monthly invoices: built from the work recorded, approved with four eyes under the
contract's budget and the program's caps, paid through payments like any grant.

The approval reserves the consulate's budget and the advisor's cap in the legal-fees program's
ledger (funds.reserve); the payment posts it as a grant expense (funds.disburse). Payments
tells us the money left through its signals (receivers.py)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from core.approvals import approvals_required
from core.audit import audit_record
from core.money import from_minor, to_minor
from core.tenancy import Scope
from core.timezones import local_today
from ledger import funds
from ledger.exceptions import CapExceeded
from pale import alerts
from pale.models import (
    MILESTONE_SERVICE,
    Contract,
    Invoice,
    InvoiceApproval,
    InvoiceLine,
    InvoiceState,
    Milestone,
    Service,
    Session,
)
from payments import services as payments

OBJECT_TYPE = "pale.invoice"
MIN_APPROVALS = 2  # four eyes, whatever the amount


def _audit(actor, action, invoice, changes=None, comment=""):
    audit_record(actor=actor, action=f"pale.invoice.{action}", obj=invoice,
                 changes=changes or {}, comment=comment,
                 consulate_id=invoice.contract.consulate_id,
                 partner_id=invoice.contract.advisor_id)


def _text(money):
    return f"{money.currency} {money.amount:,.2f}"


def committed(contract, *, states=(InvoiceState.SUBMITTED, InvoiceState.APPROVED,
                                   InvoiceState.PAID)) -> Money:
    total = contract.invoices.filter(state__in=states).aggregate(t=Sum("amount"))["t"] or 0
    return Money(total, contract.program.currency)


def billable(contract, month: date):
    """The sessions and milestones of the month not billed yet, each with its fee."""
    fees = {f.service: f.fee for f in contract.fees.all()}
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    items = []
    if Service.CONSULTATION in fees:
        sessions = Session.objects.filter(referral__contract=contract, held_on__gte=month,
                                          held_on__lt=end, invoice_line__isnull=True)
        items += [(Service.CONSULTATION, s, None, fees[Service.CONSULTATION]) for s in sessions]
    milestones = Milestone.objects.filter(referral__contract=contract, occurred_on__gte=month,
                                          occurred_on__lt=end, invoice_line__isnull=True)
    for m in milestones:
        service = MILESTONE_SERVICE[m.kind]
        if service in fees:
            items.append((service, None, m, fees[service]))
    return items


def invoice_submit(*, actor, contract: Contract, month: date) -> Invoice:
    """The advisor bills a finished month of the contract."""
    if contract.advisor_id not in Scope.of(actor).partner_ids:
        raise PermissionDenied
    month = month.replace(day=1)
    if month >= local_today(contract.consulate).replace(day=1):
        raise ValidationError(_("A month is billed once it has ended."))
    with transaction.atomic():
        contract = Contract.objects.select_for_update().select_related("program").get(
            pk=contract.pk)
        items = billable(contract, month)
        if not items:
            raise ValidationError(_("There is no unbilled work under this contract in that "
                                    "month."))
        amount = sum((fee for *_, fee in items), Money(0, contract.program.currency))
        _check_budget(contract, amount)
        invoice = Invoice.objects.create(contract=contract, month=month, amount=amount,
                                         created_by=actor)
        InvoiceLine.objects.bulk_create([
            InvoiceLine(invoice=invoice, service=service, session=s, milestone=m, fee=fee)
            for service, s, m, fee in items])
        _audit(actor, "submit", invoice, {"amount": str(amount), "lines": len(items),
                                          "month": month})
        alerts.invoice_event(invoice, alerts.finance(contract.consulate_id),
                             gettext_lazy("Invoice %(number)s awaits approval"),
                             gettext_lazy("%(advisor)s sent the invoice %(number)s for "
                                          "%(amount)s. Two approvers must sign it."))
    return invoice


def _check_budget(contract, amount, *, already_in=False):
    states = (InvoiceState.APPROVED, InvoiceState.PAID) if already_in else \
        (InvoiceState.SUBMITTED, InvoiceState.APPROVED, InvoiceState.PAID)
    left = contract.budget - committed(contract, states=states)
    if amount > left:
        raise ValidationError(_("The contract's budget has only %(left)s left for this "
                                "invoice of %(amount)s.")
                              % {"left": _text(left), "amount": _text(amount)})


def _locked(invoice):
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    invoice.contract = Contract.objects.select_for_update().select_related(
        "program", "advisor", "consulate").get(pk=invoice.contract_id)
    return invoice


def _require_finance(actor, invoice):
    from core.models import Role

    if not Scope.of(actor).reaches_consulate(invoice.contract.consulate_id,
                                             Role.FINANCE_APPROVER):
        raise PermissionDenied


def _state_error(invoice):
    return ValidationError(_("This invoice is now “%(state)s”: that action no longer "
                             "applies. Nothing was changed.")
                           % {"state": invoice.get_state_display()})


def invoice_approve(*, actor, invoice: Invoice, comment: str = "") -> Invoice:
    """A finance approver signs; the last signature needed reserves the money in the ledger
    and asks payments to pay the advisor."""
    with transaction.atomic():
        invoice = _locked(invoice)
        _require_finance(actor, invoice)
        if invoice.state != InvoiceState.SUBMITTED:
            raise _state_error(invoice)
        if actor.pk == invoice.created_by_id:
            raise ValidationError(_("You sent this invoice: another person must approve it."))
        signed = set(invoice.approvals.values_list("approver_id", flat=True))
        if actor.pk in signed:
            raise ValidationError(_("You have already approved this invoice; it needs another "
                                    "approver's signature."))
        InvoiceApproval.objects.create(invoice=invoice, approver=actor, comment=comment)
        program = invoice.contract.program
        needed = max(MIN_APPROVALS, approvals_required(program.approval_tiers,
                                                       invoice.amount.amount))
        if len(signed) + 1 < needed:
            _audit(actor, "sign", invoice, {"approvals": [len(signed) + 1, needed]}, comment)
            alerts.invoice_event(
                invoice, alerts.finance(invoice.contract.consulate_id).exclude(
                    pk__in=signed | {actor.pk}),
                gettext_lazy("Invoice %(number)s needs a second approval"),
                gettext_lazy("The invoice %(number)s of %(advisor)s for %(amount)s has one "
                             "signature and needs yours."), comment)
            return invoice
        _approve(actor, invoice, needed, comment)
    return invoice


def _approve(actor, invoice, needed, comment):
    _check_budget(invoice.contract, invoice.amount, already_in=True)
    key = f"pale-invoice:{invoice.pk}:reserve"
    _reserve(invoice, key, actor)
    invoice.approve(reservation_key=key)
    invoice.save()
    contract = invoice.contract
    disbursement = _request_payment(invoice, key)
    _audit(actor, "approve", invoice, {"state": [InvoiceState.SUBMITTED, invoice.state],
                                       "approvals": needed,
                                       "disbursement": str(disbursement.pk)}, comment)
    alerts.invoice_event(invoice, alerts.advisor_staff(contract.advisor_id),
                         gettext_lazy("Invoice %(number)s was approved"),
                         gettext_lazy("The invoice %(number)s for %(amount)s was approved "
                                      "and will be paid."), comment)


def _request_payment(invoice, key):
    """Payments pays the advisor once a finance approver releases it; no actor is named, so
    the approvers of the invoice may release it (payments checks their role again)."""
    contract = invoice.contract
    return payments.disbursement_request(
        object_type=OBJECT_TYPE, object_id=invoice.pk, reservation_key=key,
        amount=to_minor(invoice.amount), currency=str(invoice.amount.currency),
        consulate_id=contract.consulate_id, actor=None, payee_partner=contract.advisor,
        memo=_("Legal advice invoice %(number)s") % {"number": invoice.number})


def _reserve(invoice, key, actor):
    contract = invoice.contract
    try:
        funds.reserve(key=key, program=contract.program.ledger_ref,
                      currency=contract.program.currency, consulate_id=contract.consulate_id,
                      partner_id=contract.advisor_id, amount=to_minor(invoice.amount),
                      actor_id=actor.pk if actor else None, reference=invoice.number)
    except CapExceeded as exc:
        label = _("consulate's budget") if exc.cap == "consulate" else _("advisor's cap")
        raise ValidationError(
            _("Not approved: the %(cap)s in the program is short by %(shortfall)s.")
            % {"cap": label,
               "shortfall": _text(from_minor(exc.shortfall, contract.program.currency))}
        ) from exc


def invoice_reject(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """Refused: its sessions and milestones are free to be billed again, corrected."""
    if not (reason or "").strip():
        raise ValidationError(_("Please say why the invoice is rejected."))
    with transaction.atomic():
        invoice = _locked(invoice)
        _require_finance(actor, invoice)
        if invoice.state != InvoiceState.SUBMITTED:
            raise _state_error(invoice)
        lines = invoice.lines.count()
        invoice.lines.all().delete()
        invoice.reject(reason=reason.strip())
        invoice.save()
        _audit(actor, "reject", invoice, {"state": [InvoiceState.SUBMITTED, invoice.state],
                                          "lines_freed": lines}, reason)
        alerts.invoice_event(invoice, alerts.advisor_staff(invoice.contract.advisor_id),
                             gettext_lazy("Invoice %(number)s was rejected"),
                             gettext_lazy("The invoice %(number)s for %(amount)s was "
                                          "rejected. You can bill the work again."), reason)
    return invoice


def _locked_for_payment(d):
    if d.object_type != OBJECT_TYPE or not str(d.object_id).isdigit():
        return None
    invoice = Invoice.objects.filter(pk=d.object_id).first()
    return _locked(invoice) if invoice else None


def invoice_mark_paid(*, disbursement) -> Invoice | None:
    """Payments says the money left: post the reservation as a grant expense. A replay of the
    same disbursement changes nothing."""
    d = disbursement
    with transaction.atomic():
        invoice = _locked_for_payment(d)
        if invoice is None or invoice.payment_id == d.pk:
            return invoice
        if invoice.state != InvoiceState.APPROVED:
            raise _state_error(invoice)
        funds.disburse(key=f"disburse:{d.pk}", reservation_key=invoice.reservation_key,
                       amount=d.amount, purpose="grant", actor_id=d.released_by_id,
                       reference=str(d.pk))
        invoice.mark_paid(payment_id=d.pk,
                          paid_on=d.manual_date or local_today(invoice.contract.consulate,
                                                               now=d.paid_at or timezone.now()))
        invoice.save()
        _audit(d.released_by, "paid", invoice, {"state": [InvoiceState.APPROVED, invoice.state],
                                                "disbursement": str(d.pk)})
        alerts.invoice_event(invoice, alerts.advisor_staff(invoice.contract.advisor_id),
                             gettext_lazy("Invoice %(number)s was paid"),
                             gettext_lazy("The invoice %(number)s for %(amount)s was paid."))
    return invoice


def invoice_payment_reversed(*, disbursement) -> Invoice | None:
    """The transfer came back: the ledger reverses it and the invoice waits for a new
    payment on a fresh reservation."""
    d = disbursement
    with transaction.atomic():
        invoice = _locked_for_payment(d)
        if invoice is None or invoice.payment_id != d.pk:
            return invoice
        funds.disbursement_reverse(key=f"reverse:{d.pk}",
                                   reservation_key=invoice.reservation_key, reference=str(d.pk))
        key = f"pale-invoice:{invoice.pk}:reserve:{d.pk}"
        _reserve(invoice, key, None)
        invoice.payment_reversed(reservation_key=key)
        invoice.save()
        _request_payment(invoice, key)
        _audit(None, "payment_reversed", invoice, {"disbursement": str(d.pk)})
        alerts.invoice_event(invoice, alerts.finance(invoice.contract.consulate_id),
                             gettext_lazy("Invoice %(number)s: the payment came back"),
                             gettext_lazy("The payment of the invoice %(number)s for "
                                          "%(amount)s came back; request it again."))
    return invoice
