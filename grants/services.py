"""Every write a user can cause in the grants app, one function per action.

Each runs in one transaction: lock the row, check the user's role and the guards, stamp the
transition, post to the ledger, write the audit event, and queue e-mail for after the commit.
"""

import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from djmoney.money import Money

from core.approvals import approvals_required
from core.audit import audit_record
from core.models import Role, User
from core.money import from_minor, to_minor
from core.notify import notify
from core.tenancy import Scope
from core.uploads import store_upload
from grants.models import (
    DocumentKind,
    EligibilityQuestion,
    GrantAllocation,
    GrantApplication,
    GrantApproval,
    GrantDocument,
    GrantKind,
    GrantPartnerCap,
    GrantProgram,
    PayeeKind,
    State,
)
from ledger import funds
from ledger.exceptions import CapExceeded, LedgerError, LimitExceeded
from payments import services as payments
from payments.models import Disbursement
from payments.models import Method as PaymentMethod
from payments.models import Status as PaymentStatus

logger = logging.getLogger(__name__)


def money_display(money):
    """USD 1,500.00: the same in every language, as the ledger writes amounts."""
    return f"{money.currency} {money.amount:,.2f}"


def _minor_display(amount, currency):
    return money_display(from_minor(amount, currency))


OUT_OF_ORDER = _("This application is now “%(state)s”: that action no longer applies. "
                 "Nothing was changed.")


# Programs --------------------------------------------------------------------------------

def _require_program_admin(actor):
    Scope.of(actor).require(Role.PROGRAM_ADMIN)


def _money(amount, currency, *, zero_allowed=False):
    money = amount if isinstance(amount, Money) else Money(Decimal(str(amount)), currency)
    if str(money.currency) != currency:
        raise ValidationError(_("Amounts in this program are in %(currency)s.")
                              % {"currency": currency})
    if money.amount < 0 or (money.amount == 0 and not zero_allowed):
        raise ValidationError(_("The amount must be more than zero."))
    return money


def grant_program_create(*, actor, name, kind, currency, total_budget, per_grant_max,
                         approval_tiers=(), required_documents=(), waiting_period_days=0,
                         questions=()):
    """Create a program and fund its budget in the ledger.

    `questions`: (text, qualifying_answer, ineligible_reason) triples.
    """
    _require_program_admin(actor)
    with transaction.atomic():
        program = GrantProgram(
            name=name, kind=kind, currency=currency,
            total_budget=_money(total_budget, currency),
            per_grant_max=_money(per_grant_max, currency),
            approval_tiers=list(approval_tiers), required_documents=list(required_documents),
            waiting_period_days=waiting_period_days, created_by=actor,
        )
        program.full_clean()
        program.save()
        for position, (text, qualifying, reason) in enumerate(questions):
            EligibilityQuestion.objects.create(program=program, position=position, text=text,
                                               qualifying_answer=qualifying,
                                               ineligible_reason=reason)
        funds.program_open(program=program.ledger_ref, currency=currency)
        funds.program_fund(key=f"{program.ledger_ref}:fund", program=program.ledger_ref,
                           currency=currency, amount=to_minor(program.total_budget),
                           actor_id=actor.pk, memo=name)
        audit_record(actor=actor, action="grant_program.create", obj=program,
                     changes={"total_budget": str(program.total_budget),
                              "per_grant_max": str(program.per_grant_max)})
    return program


def _locked_program(program):
    return GrantProgram.objects.select_for_update().get(pk=program.pk)


def _budget_refusal(exc, currency):
    return ValidationError(
        _("Refused: the program's unallocated budget is short by %(shortfall)s.")
        % {"shortfall": _minor_display(exc.shortfall, currency)})


def grant_program_allocate(*, actor, program, consulate, amount, memo=""):
    """Give a consulate budget from the program's unallocated amount."""
    _require_program_admin(actor)
    with transaction.atomic():
        program = _locked_program(program)
        allocation = GrantAllocation.objects.create(
            program=program, consulate=consulate, amount=_money(amount, program.currency),
            memo=memo, created_by=actor)
        try:
            funds.consulate_allocate(
                key=allocation.ledger_key, program=program.ledger_ref,
                currency=program.currency, consulate_id=consulate.pk,
                amount=to_minor(allocation.amount), actor_id=actor.pk, memo=memo)
        except LimitExceeded as exc:
            raise _budget_refusal(exc, program.currency) from exc
        audit_record(actor=actor, action="grant_program.allocate", obj=program,
                     changes={"consulate": consulate.code, "amount": str(allocation.amount)},
                     comment=memo, consulate_id=consulate.pk)
    return allocation


def grant_program_reallocate(*, actor, program, from_consulate, to_consulate, amount, memo=""):
    """Move available budget from one consulate to another."""
    _require_program_admin(actor)
    if from_consulate.pk == to_consulate.pk:
        raise ValidationError(_("Choose two different consulates."))
    with transaction.atomic():
        program = _locked_program(program)
        allocation = GrantAllocation.objects.create(
            program=program, consulate=to_consulate, from_consulate=from_consulate,
            amount=_money(amount, program.currency), memo=memo, created_by=actor)
        try:
            funds.consulate_reallocate(
                key=allocation.ledger_key, program=program.ledger_ref,
                currency=program.currency, from_consulate_id=from_consulate.pk,
                to_consulate_id=to_consulate.pk, amount=to_minor(allocation.amount),
                actor_id=actor.pk, memo=memo)
        except LimitExceeded as exc:
            raise ValidationError(
                _("Refused: %(consulate)s has only %(shortfall)s less than that available.")
                % {"consulate": from_consulate.code,
                   "shortfall": _minor_display(exc.shortfall, program.currency)}) from exc
        audit_record(actor=actor, action="grant_program.reallocate", obj=program,
                     changes={"from": from_consulate.code, "to": to_consulate.code,
                              "amount": str(allocation.amount)}, comment=memo)
    return allocation


def grant_partner_cap_set(*, actor, program, partner, amount):
    """Set how much of the program may be reserved for payments to a partner organization."""
    _require_program_admin(actor)
    with transaction.atomic():
        program = _locked_program(program)
        cap = GrantPartnerCap.objects.create(program=program, partner=partner,
                                             amount=_money(amount, program.currency,
                                                            zero_allowed=True),
                                             created_by=actor)
        try:
            funds.partner_cap_set(key=cap.ledger_key, program=program.ledger_ref,
                                  currency=program.currency, partner_id=partner.pk,
                                  amount=to_minor(cap.amount), actor_id=actor.pk)
        except LimitExceeded as exc:
            raise ValidationError(
                _("Refused: the cap would fall %(shortfall)s below what is already reserved "
                  "or paid to this partner.")
                % {"shortfall": _minor_display(exc.shortfall, program.currency)}) from exc
        except LedgerError as exc:
            raise ValidationError(str(exc)) from exc
        audit_record(actor=actor, action="grant_program.partner_cap", obj=program,
                     changes={"partner": partner.pk, "cap": str(cap.amount)},
                     partner_id=partner.pk)
    return cap


# Applications: helpers -------------------------------------------------------------------

def _locked(application):
    return GrantApplication.objects.select_for_update(of=("self",)).select_related(
        "program", "beneficiary", "consulate").get(pk=application.pk)


def _require_consulate_role(actor, application, role):
    if not Scope.of(actor).reaches_consulate(application.consulate_id, role):
        raise PermissionDenied


def _check_state(application, method):
    if not can_proceed(getattr(application, method)):
        raise ValidationError(OUT_OF_ORDER % {"state": application.get_state_display()})


def _transition(application, name, *, actor, action, comment="", changes=None, **kwargs):
    _check_state(application, name)
    source = application.state
    getattr(application, name)(**kwargs)
    application.save()
    audit_record(actor=actor, action=f"grant_application.{action}", obj=application,
                 changes={"state": [source, application.state], **(changes or {})},
                 comment=comment, consulate_id=application.consulate_id,
                 partner_id=application.payee_partner_id)


def _require_comment(comment):
    if not (comment or "").strip():
        raise ValidationError(_("Please say why in the comment."))


def _approvers_of(application):
    return User.objects.filter(
        Q(memberships__consulate=application.consulate_id) | Q(memberships__consulate=None),
        memberships__role=Role.FINANCE_APPROVER, is_active=True,
    ).distinct()


def _officers_of(application):
    return User.objects.filter(memberships__role=Role.CONSULATE_OFFICER,
                               memberships__consulate=application.consulate_id,
                               is_active=True).distinct()


def _partner_staff_of(application):
    if not application.payee_partner_id:
        return User.objects.none()
    return User.objects.filter(memberships__role=Role.PARTNER_STAFF,
                               memberships__partner=application.payee_partner_id,
                               is_active=True).distinct()


def _notify(users, application, subject, comment=""):
    notify(users=list(users), subject=subject, template_name="grants/email/state_changed.txt",
           context={"number": application.number, "state": application.get_state_display(),
                    "program": application.program.name, "comment": comment,
                    "amount": str(application.amount),
                    "path": reverse("grants:application_detail", args=[application.pk])})


def ineligible_reasons(program, answers):
    """The reasons the answers do not qualify (an unanswered question counts)."""
    reasons = []
    for question in program.questions.all():
        answer = answers.get(str(question.pk))
        if answer is None:
            reasons.append(_("Unanswered: %(question)s") % {"question": question.text})
        elif bool(answer) != question.qualifying_answer:
            reasons.append(question.ineligible_reason)
    return reasons


def missing_documents(application):
    present = set(application.documents.values_list("kind", flat=True))
    return [DocumentKind(k).label for k in application.program.required_documents
            if k not in present and k != DocumentKind.SIGNED_RECEIPT]


def _validate_application(*, program, beneficiary, amount, payee_kind, payee_partner,
                          payee_name):
    if not program.is_active:
        raise ValidationError(_("This program is closed to new applications."))
    if amount > program.per_grant_max:
        raise ValidationError(
            _("The amount passes the program's per-grant maximum of %(max)s by %(over)s.")
            % {"max": money_display(program.per_grant_max),
               "over": money_display(amount - program.per_grant_max)})
    if payee_kind == PayeeKind.PARTNER:
        if payee_partner is None:
            raise ValidationError(_("Choose the partner organization that is paid."))
        if not payee_partner.consulates.filter(pk=beneficiary.consulate_id).exists():
            raise ValidationError(_("That partner organization does not serve this consulate."))
    elif payee_partner is not None:
        raise ValidationError(_("A partner organization is chosen only when it is the payee."))
    if not (payee_name or "").strip():
        raise ValidationError(_("Name the payee."))


# Applications: officer's actions ---------------------------------------------------------

def grant_application_create(*, actor, beneficiary, program, amount, purpose, payee_kind,
                             payee_name, payee_partner=None, payee_account="",
                             payee_address="", eligibility_answers=None):
    """An officer opens a draft application for a beneficiary of their consulate."""
    if not Scope.of(actor).reaches_consulate(beneficiary.consulate_id, Role.CONSULATE_OFFICER):
        raise PermissionDenied
    amount = _money(amount, program.currency)
    _validate_application(program=program, beneficiary=beneficiary, amount=amount,
                          payee_kind=payee_kind, payee_partner=payee_partner,
                          payee_name=payee_name)
    with transaction.atomic():
        application = GrantApplication.objects.create(
            program=program, beneficiary=beneficiary, consulate_id=beneficiary.consulate_id,
            amount=amount, purpose=purpose, payee_kind=payee_kind, payee_partner=payee_partner,
            payee_name=payee_name.strip(), payee_account=payee_account,
            payee_address=payee_address, eligibility_answers=eligibility_answers or {},
            created_by=actor,
        )
        audit_record(actor=actor, action="grant_application.create", obj=application,
                     changes={"state": [None, application.state],
                              "amount": str(application.amount)},
                     consulate_id=application.consulate_id,
                     partner_id=application.payee_partner_id)
    return application


def grant_application_update(*, actor, application, amount, purpose, payee_kind, payee_name,
                             payee_partner=None, payee_account="", payee_address="",
                             eligibility_answers=None):
    """Change a draft (a new one, or one returned by the approver)."""
    with transaction.atomic():
        application = _locked(application)
        _require_consulate_role(actor, application, Role.CONSULATE_OFFICER)
        if application.state != State.DRAFT:
            raise ValidationError(OUT_OF_ORDER % {"state": application.get_state_display()})
        amount = _money(amount, application.program.currency)
        _validate_application(program=application.program, beneficiary=application.beneficiary,
                              amount=amount, payee_kind=payee_kind, payee_partner=payee_partner,
                              payee_name=payee_name)
        before = str(application.amount)
        application.amount = amount
        application.purpose = purpose
        application.payee_kind = payee_kind
        application.payee_partner = payee_partner
        application.payee_name = payee_name.strip()
        application.payee_account = payee_account
        application.payee_address = payee_address
        application.eligibility_answers = eligibility_answers or {}
        application.save()
        audit_record(actor=actor, action="grant_application.update", obj=application,
                     changes={"amount": [before, str(application.amount)]},
                     consulate_id=application.consulate_id,
                     partner_id=application.payee_partner_id)
    return application


def grant_document_add(*, actor, application, kind, checked):
    """Attach a checked upload to a draft."""
    with transaction.atomic():
        application = _locked(application)
        _require_consulate_role(actor, application, Role.CONSULATE_OFFICER)
        if application.state != State.DRAFT:
            raise ValidationError(_("Documents are added while the application is a draft."))
        document = _store_document(actor, application, kind, checked)
    return document


def _store_document(actor, application, kind, checked):
    name = store_upload(checked, folder=f"grants/{application.pk}")
    document = GrantDocument.objects.create(
        application=application, kind=kind, file=name, original_name=checked.original_name,
        content_type=checked.content_type, size=checked.size, uploaded_by=actor)
    audit_record(actor=actor, action="grant_application.document", obj=application,
                 changes={"document": kind, "file": checked.original_name},
                 consulate_id=application.consulate_id,
                 partner_id=application.payee_partner_id)
    return document


def grant_application_submit(*, actor, application, comment=""):
    with transaction.atomic():
        application = _locked(application)
        _require_consulate_role(actor, application, Role.CONSULATE_OFFICER)
        _check_state(application, "submit")
        program = application.program
        problems = ineligible_reasons(program, application.eligibility_answers)
        if problems:
            raise ValidationError(problems)
        missing = missing_documents(application)
        if missing:
            raise ValidationError(_("Attach the missing documents first: %(documents)s.")
                                  % {"documents": ", ".join(str(m) for m in missing)})
        if program.kind == GrantKind.REINTEGRATION and not application.beneficiary.curp:
            raise ValidationError(_("Reintegration support needs the beneficiary's CURP: add "
                                    "it to the beneficiary's record first."))
        _transition(application, "submit", actor=actor, action="submit",
                    comment=comment, by=actor)
        _notify(_approvers_of(application), application,
                _("Grant application %(number)s awaits your approval")
                % {"number": application.number}, comment)
    return application


def grant_application_withdraw(*, actor, application, comment=""):
    """The officer withdraws it before any money left; an approved one frees its reservation."""
    with transaction.atomic():
        payment = _lock_payment_under_way(application)
        application = _locked(application)
        _require_consulate_role(actor, application, Role.CONSULATE_OFFICER)
        _stop_payment(payment, actor=actor, reason=comment)
        _check_state(application, "withdraw")
        was_approved = application.state == State.APPROVED
        _transition(application, "withdraw", actor=actor, action="withdraw",
                    comment=comment)
        if was_approved:
            _release(application, actor)
            _notify(_approvers_of(application), application,
                    _("Grant application %(number)s was withdrawn")
                    % {"number": application.number}, comment)
    return application


def _release(application, actor):
    funds.release(key=f"grant-application:{application.pk}:release",
                  reservation_key=application.reservation_key, actor_id=actor.pk,
                  reference=application.number)


# Applications: approver's actions --------------------------------------------------------

def _require_approver(actor, application):
    _require_consulate_role(actor, application, Role.FINANCE_APPROVER)


def grant_application_approve(*, actor, application, comment=""):
    """Sign the application; the last signature its tier needs reserves the budget."""
    with transaction.atomic():
        application = _locked(application)
        _require_approver(actor, application)
        _check_state(application, "approve")
        if actor.pk in (application.created_by_id, application.submitted_by_id):
            raise ValidationError(_("You opened or submitted this application: another "
                                    "approver must sign it."))
        signed = set(application.approvals.filter(round=application.approval_round)
                     .values_list("approver_id", flat=True))
        if actor.pk in signed:
            raise ValidationError(_("You have already approved this application; it needs "
                                    "another approver's signature."))
        program = application.program
        if application.amount > program.per_grant_max:
            raise ValidationError(
                _("Not approved: the amount passes the program's per-grant maximum of "
                  "%(max)s by %(over)s.")
                % {"max": money_display(program.per_grant_max),
                   "over": money_display(application.amount - program.per_grant_max)})
        GrantApproval.objects.create(application=application, round=application.approval_round,
                                     approver=actor, comment=comment)
        needed = approvals_required(program.approval_tiers, application.amount.amount)
        if len(signed) + 1 < needed:
            audit_record(actor=actor, action="grant_application.sign", obj=application,
                         changes={"approvals": [len(signed) + 1, needed]}, comment=comment,
                         consulate_id=application.consulate_id,
                         partner_id=application.payee_partner_id)
            _notify(_approvers_of(application).exclude(pk__in=signed | {actor.pk}),
                    application,
                    _("Grant application %(number)s needs a second approval")
                    % {"number": application.number}, comment)
            return application
        key = f"grant-application:{application.pk}:reserve"
        _reserve(application, key, actor)
        _transition(application, "approve", actor=actor, action="approve",
                    comment=comment, changes={"approvals": [len(signed) + 1, needed]},
                    reservation_key=key)
        _notify(_officers_of(application), application,
                _("Grant application %(number)s was approved")
                % {"number": application.number}, comment)
    return application


def _reserve(application, key, actor):
    try:
        funds.reserve(key=key, program=application.program.ledger_ref,
                      currency=application.program.currency,
                      consulate_id=application.consulate_id,
                      partner_id=application.payee_partner_id_for_ledger,
                      amount=to_minor(application.amount), actor_id=actor.pk,
                      reference=application.number)
    except CapExceeded as exc:
        label = _("consulate's budget") if exc.cap == "consulate" else _("partner's cap")
        raise ValidationError(
            _("Not approved: the %(cap)s is short by %(shortfall)s.")
            % {"cap": label,
               "shortfall": _minor_display(exc.shortfall, application.program.currency)}
        ) from exc


def grant_application_return(*, actor, application, comment):
    """Send it back to the officer as a draft, saying what to fix."""
    _require_comment(comment)
    with transaction.atomic():
        application = _locked(application)
        _require_approver(actor, application)
        _transition(application, "return_to_draft", actor=actor, action="return",
                    comment=comment)
        _notify(_officers_of(application), application,
                _("Grant application %(number)s was returned to you")
                % {"number": application.number}, comment)
    return application


def grant_application_reject(*, actor, application, comment):
    _require_comment(comment)
    with transaction.atomic():
        application = _locked(application)
        _require_approver(actor, application)
        _transition(application, "reject", actor=actor, action="reject",
                    comment=comment)
        _notify(_officers_of(application), application,
                _("Grant application %(number)s was rejected")
                % {"number": application.number}, comment)
    return application


def grant_application_void(*, actor, application, comment):
    """Cancel an approval before payment; the reservation goes back to the budget."""
    _require_comment(comment)
    with transaction.atomic():
        payment = _lock_payment_under_way(application)
        application = _locked(application)
        _require_approver(actor, application)
        _stop_payment(payment, actor=actor, reason=comment)
        _transition(application, "void", actor=actor, action="void", comment=comment)
        _release(application, actor)
        _notify(_officers_of(application), application,
                _("Grant application %(number)s was voided")
                % {"number": application.number}, comment)
    return application


def grant_application_request_payment(*, actor, application, comment=""):
    """A finance approver asks payments to pay the approved amount to the payee.

    The approver then releases it on the disbursement's page: by Stripe when the payee is a
    partner with a connected account, otherwise by a recorded wire, ACH, check, card or SPEI.
    The application becomes `disbursed` only when payments says the money left. The request
    goes to payments without an actor so the same approver may release it: permission is
    checked here and again by payments on release.
    """
    with transaction.atomic():
        application = _locked(application)
        _require_approver(actor, application)
        if application.state != State.APPROVED:
            raise ValidationError(OUT_OF_ORDER % {"state": application.get_state_display()})
        live = payment_under_way(application)
        if live is not None:
            return live
        partner = application.payee_partner if application.payee_kind == PayeeKind.PARTNER \
            else None
        details = "\n".join(v for v in (application.payee_account, application.payee_address)
                            if v)
        disbursement = payments.disbursement_request(
            object_type=GrantApplication._meta.label_lower, object_id=application.pk,
            reservation_key=application.reservation_key,
            amount=to_minor(application.amount), currency=application.program.currency,
            consulate_id=application.consulate_id, actor=None, payee_partner=partner,
            payee_name="" if partner else application.payee_name, payee_details=details,
            memo=str(_("Grant %(number)s") % {"number": application.number}),
        )
        audit_record(actor=actor, action="grant_application.request_payment", obj=application,
                     changes={"disbursement": disbursement.pk,
                              "amount": str(application.amount)},
                     comment=comment, consulate_id=application.consulate_id,
                     partner_id=application.payee_partner_id)
    return disbursement


def payment_under_way(application):
    """The requested or sent disbursement of this application, if any."""
    return (Disbursement.objects.filter(object_type=GrantApplication._meta.label_lower,
                                        object_id=str(application.pk))
            .filter(status__in=(PaymentStatus.REQUESTED, PaymentStatus.SENT)).first())


def _lock_payment_under_way(application):
    """The application's requested or sent disbursement, locked before the application:
    payments locks a disbursement and then (through its signal) the application, so the
    same order here keeps the two from deadlocking."""
    return (Disbursement.objects.select_for_update()
            .filter(object_type=GrantApplication._meta.label_lower,
                    object_id=str(application.pk),
                    status__in=(PaymentStatus.REQUESTED, PaymentStatus.SENT)).first())


def _stop_payment(payment, *, actor, reason):
    """A withdrawal or a void stops a payment not yet sent; one already asked of Stripe is
    refused by payments until its outcome is known."""
    if payment is not None:
        payments.disbursement_cancel(disbursement_id=payment.pk, actor=actor, reason=reason)


def _locked_for_payment(disbursement):
    """The application a disbursement pays, locked; None if it is not one of ours."""
    if not str(disbursement.object_id).isdigit():
        return None
    application = (GrantApplication.objects.select_for_update(of=("self",))
                   .select_related("program", "beneficiary", "consulate")
                   .filter(pk=disbursement.object_id).first())
    if application is None or (application.reservation_key != disbursement.reservation_key
                               and application.payment_id != disbursement.pk):
        logger.error("Disbursement %s names no grant application it can pay", disbursement.pk)
        return None
    return application


def grant_application_disburse(*, disbursement):
    """The money left (payments' `disbursement_paid`): post the reservation as a grant
    expense and move the application to `disbursed`. Permission was checked by payments
    when the approver released it; a replay of the same disbursement changes nothing."""
    d = disbursement
    with transaction.atomic():
        application = _locked_for_payment(d)
        if application is None or application.payment_id == d.pk:
            return application
        _check_state(application, "disburse")
        amount = from_minor(d.amount, d.currency)
        method = d.method
        reference = d.manual_reference or d.stripe_transfer_id or str(d.pk)
        funds.disburse(key=f"disburse:{d.pk}", reservation_key=application.reservation_key,
                       amount=d.amount, purpose="grant", actor_id=d.released_by_id,
                       reference=str(d.pk))
        _transition(application, "disburse", actor=d.released_by, action="disburse",
                    changes={"amount": str(amount), "method": method, "reference": reference,
                             "disbursement": str(d.pk),
                             "confirmed_by": "stripe" if d.method == PaymentMethod.STRIPE_TRANSFER
                             else "finance approver"},
                    payment_id=d.pk, amount=amount, payment_method=method,
                    reference=reference,
                    disbursed_on=d.manual_date or timezone.localdate(d.paid_at))
        _notify(list(_officers_of(application)) + list(_partner_staff_of(application)),
                application, _("Grant %(number)s was paid: please confirm receipt")
                % {"number": application.number})
    return application


def grant_application_payment_reversed(*, disbursement):
    """The transfer that paid the grant came back (payments' `disbursement_reversed`).

    The ledger reverses the disbursement (the budget goes back to available: the spent
    reservation cannot be re-opened), and the application is approved again on a fresh
    reservation, so the approver can request payment again or void it. If a cap lowered
    since refuses the new reservation, the approval is voided. Once the payee confirmed
    receipt nothing is undone here: finance is told to settle it by hand.
    """
    d = disbursement
    with transaction.atomic():
        application = _locked_for_payment(d)
        if application is None or application.payment_id != d.pk:
            return application  # not its payment any more: a replay
        reason = d.last_error or str(_("Stripe reversed the transfer."))
        if application.state != State.DISBURSED:
            audit_record(actor=None, action="grant_application.payment_reversed_late",
                         obj=application, changes={"disbursement": str(d.pk)},
                         comment=str(_("The payment came back after the receipt was "
                                       "confirmed; settle it by hand.")),
                         consulate_id=application.consulate_id,
                         partner_id=application.payee_partner_id)
            _notify(_approvers_of(application), application,
                    _("Grant %(number)s: the payment came back, settle it by hand")
                    % {"number": application.number})
            return application
        funds.disbursement_reverse(key=f"reverse:{d.pk}",
                                   reservation_key=application.reservation_key,
                                   reference=str(d.pk))
        key = f"grant-application:{application.pk}:reserve:{d.pk}"
        _transition(application, "payment_reversed", actor=None, action="payment_reversed",
                    comment=reason, changes={"disbursement": str(d.pk)},
                    reservation_key=key)
        try:
            with transaction.atomic():
                funds.reserve(key=key, program=application.program.ledger_ref,
                              currency=application.program.currency,
                              consulate_id=application.consulate_id,
                              partner_id=application.payee_partner_id_for_ledger,
                              amount=to_minor(application.amount),
                              reference=application.number)
        except CapExceeded:
            _transition(application, "void", actor=None, action="void",
                        comment=str(_("The budget no longer allows the grant after its "
                                      "payment came back.")))
        _notify(list(_approvers_of(application)) + list(_officers_of(application)),
                application, _("Grant %(number)s: the payment came back")
                % {"number": application.number}, reason)
    return application


def grant_application_payment_failed(*, disbursement):
    """Stripe refused the transfer: nothing moved, the reservation stands; noted."""
    with transaction.atomic():
        application = _locked_for_payment(disbursement)
        if application is None:
            return None
        audit_record(actor=None, action="grant_application.payment_failed", obj=application,
                     changes={"disbursement": str(disbursement.pk)},
                     comment=disbursement.last_error, consulate_id=application.consulate_id,
                     partner_id=application.payee_partner_id)
        _notify(_approvers_of(application), application,
                _("Grant %(number)s: the payment failed, no money moved")
                % {"number": application.number}, disbursement.last_error)
    return application


# Receipt and closing ---------------------------------------------------------------------

def can_confirm_receipt(user, application):
    scope = Scope.of(user)
    return scope.reaches_consulate(application.consulate_id, Role.CONSULATE_OFFICER) or (
        application.payee_partner_id is not None
        and application.payee_partner_id in scope.partner_ids
    )


def grant_application_confirm_receipt(*, actor, application, received_on, checked,
                                      comment=""):
    """The payee received the money: the signed receipt is kept with the application."""
    with transaction.atomic():
        application = _locked(application)
        if not can_confirm_receipt(actor, application):
            raise PermissionDenied
        _check_state(application, "confirm_receipt")
        if received_on > timezone.localdate():
            raise ValidationError(_("The date of receipt is in the future."))
        if application.disbursed_on and received_on < application.disbursed_on:
            raise ValidationError(_("The money cannot be received before it was paid "
                                    "(%(date)s).") % {"date": application.disbursed_on})
        _store_document(actor, application, DocumentKind.SIGNED_RECEIPT, checked)
        _transition(application, "confirm_receipt", actor=actor, action="receipt",
                    comment=comment, changes={"received_on": received_on.isoformat()},
                    received_on=received_on)
        _notify(_officers_of(application), application,
                _("Grant %(number)s: receipt confirmed, ready to close")
                % {"number": application.number}, comment)
    return application


def grant_application_close(*, actor, application, comment=""):
    with transaction.atomic():
        application = _locked(application)
        _require_consulate_role(actor, application, Role.CONSULATE_OFFICER)
        _transition(application, "close", actor=actor, action="close", comment=comment)
    return application

