"""Every write a user can cause on bond programs and bond requests.

Each service runs in one transaction, re-reads and locks the row it changes, checks the
actor's role and the state, stamps the transition, posts to the ledger with keys derived
from the request and step, records the audit event and queues the e-mail for after commit.
"""

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from bondfund.models import (
    MINIMUM_BOND,
    AllocationKind,
    BondApproval,
    BondDocument,
    BondProgram,
    BondRequest,
    BudgetAllocation,
    DetentionCase,
    DocumentKind,
    EligibilityQuestion,
    IneligibleReason,
    State,
)
from core.approvals import approvals_required, validate_tiers
from core.audit import audit_record, audit_record_many
from core.models import Beneficiary, PartnerOrganization, Role, User
from core.money import from_minor, to_minor
from core.notify import notify
from core.tenancy import Scope
from core.uploads import store_upload
from ledger import funds
from ledger.exceptions import CapExceeded, LimitExceeded
from payments import services as payments
from payments.models import ENDED as PAYMENT_ENDED
from payments.models import Disbursement
from payments.models import Method as PaymentMethod
from payments.models import Status as PaymentStatus

logger = logging.getLogger(__name__)

DECISION_FIELDS = ("authority", "decided_on", "judge_or_court", "amount", "bond_type",
                   "conditions")


# Permissions -------------------------------------------------------------------------------

def is_officer(user, req):
    return Scope.of(user).reaches_consulate(req.consulate_id, Role.CONSULATE_OFFICER)


def is_finance(user, req):
    return Scope.of(user).reaches_consulate(req.consulate_id, Role.FINANCE_APPROVER)


def is_obligor_staff(user, req):
    scope = Scope.of(user)
    return scope.is_partner and req.obligor_id in scope.partner_ids


def is_program_admin(user):
    return Scope.of(user).is_headquarters(Role.PROGRAM_ADMIN)


def _require(allowed):
    if not allowed:
        raise PermissionDenied


# Programs and budgets -----------------------------------------------------------------------

@transaction.atomic
def program_create(*, actor, name, total_budget, per_case_maximum, approval_tiers, starts_on,
                   ends_on=None, questions=()):
    """questions: (text, qualifying_answer, ineligible_reason) triples."""
    _require(is_program_admin(actor))
    validate_tiers(approval_tiers)
    if str(total_budget.currency) != "USD" or str(per_case_maximum.currency) != "USD":
        raise ValidationError(_("Bond programs are in USD."))
    if per_case_maximum.amount < MINIMUM_BOND.amount:
        raise ValidationError(_("The per-case maximum is below the USD 1,500 minimum bond."))
    if ends_on and ends_on < starts_on:
        raise ValidationError(_("The program ends before it starts."))
    program = BondProgram.objects.create(
        name=name, currency="USD", total_budget=total_budget,
        per_case_maximum=per_case_maximum, approval_tiers=approval_tiers,
        starts_on=starts_on, ends_on=ends_on, created_by=actor,
    )
    for position, (text, qualifying, reason) in enumerate(questions):
        EligibilityQuestion.objects.create(program=program, position=position, text=text,
                                           qualifying_answer=qualifying,
                                           ineligible_reason=reason)
    funds.program_open(program=program.ledger_ref, currency=program.currency)
    allocation = BudgetAllocation.objects.create(
        program=program, kind=AllocationKind.FUND, amount=total_budget, created_by=actor,
        memo=str(_("Initial budget")))
    funds.program_fund(key=allocation.ledger_key, program=program.ledger_ref,
                       currency=program.currency, amount=to_minor(total_budget),
                       actor_id=actor.pk, memo=allocation.memo)
    audit_record(actor=actor, action="bond_program.create", obj=program,
                 changes={"total_budget": str(total_budget), "tiers": approval_tiers})
    return program


def program_budget_change(*, actor, program_id, kind, amount, consulate=None,
                          from_consulate=None, partner=None, memo=""):
    """Fund the program, allocate to a consulate, move between consulates or set a partner cap.

    The BudgetAllocation row is created first: its uuid is the ledger's idempotency key.
    """
    with transaction.atomic():
        _require(is_program_admin(actor))
        program = BondProgram.objects.select_for_update().get(pk=program_id)
        if str(amount.currency) != program.currency:
            raise ValidationError(_("Amounts in this program are in %(currency)s.")
                                  % {"currency": program.currency})
        minor = to_minor(amount)
        if minor <= 0 and kind != AllocationKind.PARTNER_CAP:
            raise ValidationError(_("The amount must be positive."))
        allocation = BudgetAllocation.objects.create(
            program=program, kind=kind, amount=amount, consulate=consulate,
            from_consulate=from_consulate, partner=partner, memo=memo, created_by=actor)
        common = {"key": allocation.ledger_key, "program": program.ledger_ref,
                  "currency": program.currency, "amount": minor, "actor_id": actor.pk,
                  "memo": memo}
        try:
            _post_budget(kind, common, consulate, from_consulate, partner)
        except LimitExceeded as exc:
            raise ValidationError(
                _("Refused: %(message)s") % {"message": exc.message}) from exc
        if kind == AllocationKind.FUND:
            program.total_budget += amount
            program.save(update_fields=["total_budget"])
        audit_record(actor=actor, action=f"bond_program.{kind}", obj=program,
                     changes={"amount": str(amount), "consulate": getattr(consulate, "pk", None),
                              "from_consulate": getattr(from_consulate, "pk", None),
                              "partner": getattr(partner, "pk", None)},
                     comment=memo)
        return allocation


def _post_budget(kind, common, consulate, from_consulate, partner):
    if kind == AllocationKind.FUND:
        funds.program_fund(**common)
    elif kind == AllocationKind.CONSULATE:
        _need(consulate, _("Choose a consulate."))
        funds.consulate_allocate(consulate_id=consulate.pk, **common)
    elif kind == AllocationKind.REALLOCATE:
        _need(consulate and from_consulate, _("Choose both consulates."))
        funds.consulate_reallocate(from_consulate_id=from_consulate.pk,
                                   to_consulate_id=consulate.pk, **common)
    elif kind == AllocationKind.PARTNER_CAP:
        _need(partner, _("Choose a partner."))
        funds.partner_cap_set(partner_id=partner.pk, **common)
    else:
        raise ValidationError(_("Unknown budget operation."))


def _need(value, message):
    if not value:
        raise ValidationError(message)


# Drafts -------------------------------------------------------------------------------------

@transaction.atomic
def bond_request_create(*, actor, beneficiary, program, facility, detained_on, obligor=None,
                        eligibility_answers=None, **decision):
    if not Scope.of(actor).reaches_consulate(beneficiary.consulate_id, Role.CONSULATE_OFFICER):
        raise PermissionDenied
    case, req = _draft_build(actor=actor, beneficiary=beneficiary, program=program,
                             facility=facility, detained_on=detained_on, obligor=obligor,
                             eligibility_answers=eligibility_answers, decision=decision)
    case.save()
    req.detention_case = case
    req.save()
    audit_record(**_create_audit(actor, req))
    return req


def _draft_build(*, actor, beneficiary, program, facility, detained_on, obligor,
                 eligibility_answers, decision):
    """An unsaved detention case and draft request, with the draft's checks: shared by
    bond_request_create and bond_requests_import."""
    case = DetentionCase(beneficiary=beneficiary, consulate_id=beneficiary.consulate_id,
                         facility=facility, detained_on=detained_on, created_by=actor)
    req = BondRequest(program=program, beneficiary=beneficiary,
                      consulate_id=beneficiary.consulate_id, created_by=actor)
    _apply_draft(req, obligor, eligibility_answers, decision)
    return case, req


def _create_audit(actor, req, comment=""):
    return dict(actor=actor, action="bond_request.create", obj=req, comment=comment,
                changes={"state": [None, req.state], **_decision_changes(req)},
                consulate_id=req.consulate_id, partner_id=req.obligor_id)


def bond_requests_import(*, actor, rows, dry_run=False, comment=""):
    """Program administrators bring in draft requests (with their detention cases) from a
    file; officers then submit them and approvers approve them as any other draft.

    rows: (line, values) with values beneficiary_reference or a_number, program (name),
    obligor_ein (optional), facility, detained_on and the decision fields. Every row is
    checked (a few queries for the whole chunk); on any error nothing is written. Returns
    (created requests, [(line, message)]).
    """
    _require(is_program_admin(actor))
    with transaction.atomic():
        found = _import_lookups(rows)
        built, errors = [], []
        for line, values in rows:
            try:
                built.append(_import_row(actor, values, found))
            except ValidationError as exc:
                errors.extend((line, message) for message in exc.messages)
        if errors or dry_run:
            return [], errors
        DetentionCase.objects.bulk_create([case for case, _req in built])
        for case, req in built:
            req.detention_case = case
        created = BondRequest.objects.bulk_create([req for _case, req in built])
        audit_record_many([_create_audit(actor, req, comment) for req in created])
        return created, []


def _import_lookups(rows):
    """Beneficiaries, programs and obligors the rows name, in four queries."""
    def wanted(key):
        return {values[key] for _line, values in rows if values.get(key)}

    active = Beneficiary.objects.active()
    return {
        "reference": {b.reference: b for b in
                      active.filter(reference__in=wanted("beneficiary_reference"))},
        "a_number": {b.a_number: b for b in active.filter(a_number__in=wanted("a_number"))},
        "program": {p.name: p for p in BondProgram.objects.filter(name__in=wanted("program"))},
        "obligor": {p.ein: p for p in
                    PartnerOrganization.objects.filter(ein__in=wanted("obligor_ein"))},
    }


def _import_row(actor, values, found):
    reference, a_number = values.get("beneficiary_reference"), values.get("a_number")
    beneficiary = (found["reference"].get(reference) if reference
                   else found["a_number"].get(a_number))
    if beneficiary is None:
        raise ValidationError(_("No beneficiary on record has the case reference or A-number "
                                "“%(value)s”: create the person first.")
                              % {"value": reference or a_number or ""})
    program = found["program"].get(values["program"])
    if program is None:
        raise ValidationError(_("No bond program is named “%(name)s”.")
                              % {"name": values["program"]})
    obligor = None
    if values.get("obligor_ein"):
        obligor = found["obligor"].get(values["obligor_ein"])
        if obligor is None:
            raise ValidationError(_("No partner organization has the EIN %(ein)s.")
                                  % {"ein": values["obligor_ein"]})
    decision = {name: values.get(name) for name in DECISION_FIELDS}
    return _draft_build(actor=actor, beneficiary=beneficiary, program=program,
                        facility=values["facility"], detained_on=values["detained_on"],
                        obligor=obligor, eligibility_answers=None, decision=decision)


def bond_request_update(*, actor, request_id, facility=None, detained_on=None, obligor=None,
                        eligibility_answers=None, **decision):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_officer(actor, req))
        _require_state(req, State.DRAFT, _("Only a draft can be edited."))
        if facility is not None or detained_on is not None:
            case = req.detention_case
            case.facility = facility or case.facility
            case.detained_on = detained_on or case.detained_on
            case.save(update_fields=["facility", "detained_on"])
        _apply_draft(req, obligor, eligibility_answers, decision)
        req.save()
        audit_record(actor=actor, action="bond_request.update", obj=req,
                     changes=_decision_changes(req), consulate_id=req.consulate_id,
                     partner_id=req.obligor_id)
        return req


def _apply_draft(req, obligor, eligibility_answers, decision):
    unknown = set(decision) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown bond decision fields: {sorted(unknown)}")
    for name, value in decision.items():
        if value is None and name not in ("amount", "decided_on"):
            value = ""
        setattr(req, name, value)
    if req.amount is not None:
        _check_bond_amount(req)
    if obligor is not None:
        _check_obligor(req, obligor)
        req.obligor = obligor
    if eligibility_answers is not None:
        req.eligibility_answers = {str(k): bool(v) for k, v in eligibility_answers.items()}


def _check_bond_amount(req):
    if str(req.amount.currency) != req.program.currency:
        raise ValidationError(_("The bond amount must be in %(currency)s.")
                              % {"currency": req.program.currency})
    if req.amount < MINIMUM_BOND:
        raise ValidationError(_("The bond amount is below the USD 1,500 statutory minimum."))


def _check_obligor(req, partner):
    ok = (partner.obligor_eligible
          and partner.consulates.filter(pk=req.consulate_id).exists())
    if not ok:
        raise ValidationError(
            _("%(partner)s cannot be the obligor: it must be obligor-eligible and serve "
              "this consulate.") % {"partner": partner})


def _decision_changes(req):
    return {name: getattr(req, name) for name in DECISION_FIELDS + ("obligor_id",)}


# Transitions -------------------------------------------------------------------------------

def _lock(request_id):
    return BondRequest.objects.select_for_update().get(pk=request_id)


def _require_state(req, states, message=None):
    states = (states,) if isinstance(states, str) else tuple(states)
    if req.state not in states:
        raise ValidationError(message or _(
            "This request is now “%(state)s”: that step is no longer possible.")
            % {"state": req.get_state_display()})


def _proceed(req, transition_method, /, **kwargs):
    if not can_proceed(transition_method):
        raise ValidationError(
            _("This request is now “%(state)s”: that step is no longer possible.")
            % {"state": req.get_state_display()})
    transition_method(**kwargs)


def _record(req, *, actor, action, before, comment="", changes=None, notify_users=(),
            notice=None):
    req.save()
    audit_record(actor=actor, action=f"bond_request.{action}", obj=req,
                 changes={"state": [before, req.state], **(changes or {})}, comment=comment,
                 consulate_id=req.consulate_id, partner_id=req.obligor_id)
    users = [u for u in notify_users if u.pk != getattr(actor, "pk", None)]
    if users:
        notify(users=users, subject=format_lazy(_("Bond request {ref}: {state}"),
                                                ref=req.reference,
                                                state=req.get_state_display()),
               template_name="bondfund/emails/transition.txt",
               context={"request_ref": req.reference, "beneficiary": str(req.beneficiary),
                        "state": req.state, "comment": comment, "notice": notice,
                        "path": reverse("bondfund:request_detail", args=[req.pk])})
    return req


def _approvers(req):
    return list(User.objects.filter(
        memberships__role=Role.FINANCE_APPROVER, is_active=True,
        memberships__consulate_id=req.consulate_id).distinct())


def _officers(req):
    officers = list(User.objects.filter(
        memberships__role=Role.CONSULATE_OFFICER, memberships__consulate_id=req.consulate_id,
        is_active=True).distinct())
    return officers or [req.created_by]


def _obligor_staff(req):
    if not req.obligor_id:
        return []
    return list(User.objects.filter(
        memberships__role=Role.PARTNER_STAFF, memberships__partner_id=req.obligor_id,
        is_active=True).distinct())


def _key(req, step):
    return f"bond:{req.pk}:{step}"


def eligibility_problems(req):
    """What stops a draft from being submitted, in the officer's words."""
    problems = []
    missing = [str(BondRequest._meta.get_field(name).verbose_name)
               for name in DECISION_FIELDS if name != "conditions" and not getattr(req, name)]
    if missing:
        problems.append(_("The bond decision is incomplete: %(fields)s.")
                        % {"fields": ", ".join(missing)})
    if req.obligor_id is None:
        problems.append(_("Choose the partner that will be the obligor."))
    for question in req.ineligible_answers():
        problems.append(format_lazy("{}: {}", question.text, question.ineligible_reason))
    if req.amount is not None and req.amount > req.program.per_case_maximum:
        problems.append(_("The bond amount is above the program's per-case maximum of "
                          "%(max)s.") % {"max": req.program.per_case_maximum})
    return problems


def bond_request_submit(*, actor, request_id, comment=""):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_officer(actor, req))
        before = req.state
        _require_state(req, State.DRAFT)
        problems = eligibility_problems(req)
        if not req.program.is_open_on(timezone.localdate()):
            problems.append(_("The program is not open today."))
        if problems:
            raise ValidationError(problems)
        _check_bond_amount(req)
        _proceed(req, req.submit)
        return _record(req, actor=actor, action="submit", before=before, comment=comment,
                       notify_users=_approvers(req))


def bond_request_mark_ineligible(*, actor, request_id, reason, comment=""):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_officer(actor, req))
        if reason not in IneligibleReason.values:
            raise ValidationError(_("Choose the reason the person is ineligible."))
        before = req.state
        _proceed(req, req.mark_ineligible, reason=reason)
        return _record(req, actor=actor, action="mark_ineligible", before=before,
                       comment=comment, changes={"reason": reason})


def bond_request_withdraw(*, actor, request_id, comment):
    with transaction.atomic():
        payment = _lock_payment_under_way(request_id)
        req = _lock(request_id)
        _require(is_officer(actor, req))
        _stop_payment(payment, actor=actor, reason=comment)
        before = req.state
        _proceed(req, req.withdraw)
        if before in (State.APPROVED, State.STAYED):
            funds.release(key=_key(req, "withdraw"), reservation_key=req.reservation_key,
                          actor_id=actor.pk, reference=req.reference)
        return _record(req, actor=actor, action="withdraw", before=before, comment=comment,
                       notify_users=_approvers(req) + _obligor_staff(req))


def bond_request_approve(*, actor, request_id, comment=""):
    """One approver's signature; the one that completes the program's tier reserves the money."""
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_finance(actor, req))
        _require_state(req, State.SUBMITTED)
        if req.created_by_id == actor.pk:
            raise ValidationError(_("You cannot approve a request you created."))
        if req.approvals.filter(approver=actor).exists():
            raise ValidationError(_("You have already approved this request: a different "
                                    "approver must sign too."))
        BondApproval.objects.create(request=req, approver=actor, comment=comment)
        signed = req.approvals.count()
        needed = approvals_required(req.program.approval_tiers, req.amount.amount)
        if signed < needed:
            audit_record(actor=actor, action="bond_request.approval", obj=req,
                         changes={"approvals": [signed - 1, signed], "needed": needed},
                         comment=comment, consulate_id=req.consulate_id,
                         partner_id=req.obligor_id)
            others = [u for u in _approvers(req) if u.pk != req.created_by_id]
            notify(users=[u for u in others if u.pk != actor.pk],
                   subject=format_lazy(_("Bond request {ref} needs another approval"),
                                       ref=req.reference),
                   template_name="bondfund/emails/transition.txt",
                   context={"request_ref": req.reference, "beneficiary": str(req.beneficiary),
                            "state": req.state, "comment": comment, "notice": "approval",
                            "path": reverse("bondfund:request_detail", args=[req.pk])})
            return req
        _reserve(req, actor)
        before = req.state
        _proceed(req, req.approve, reservation_key=_key(req, "approve"))
        return _record(req, actor=actor, action="approve", before=before, comment=comment,
                       changes={"approvals": signed},
                       notify_users=_officers(req) + _obligor_staff(req))


def _reserve(req, actor):
    program = req.program
    if req.amount > program.per_case_maximum:
        raise ValidationError(
            _("The per-case maximum of %(max)s would be exceeded by %(excess)s.")
            % {"max": program.per_case_maximum, "excess": req.amount - program.per_case_maximum})
    try:
        funds.reserve(key=_key(req, "approve"), program=program.ledger_ref,
                      currency=program.currency, consulate_id=req.consulate_id,
                      partner_id=req.obligor_id, amount=to_minor(req.amount),
                      actor_id=actor.pk, reference=req.reference)
    except CapExceeded as exc:
        cap = _("the consulate's budget") if exc.cap == "consulate" else _("the partner's cap")
        raise ValidationError(
            _("Approving would exceed %(cap)s by %(shortfall)s.")
            % {"cap": cap, "shortfall": from_minor(exc.shortfall, program.currency)}) from exc


def bond_request_return(*, actor, request_id, comment):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_finance(actor, req))
        _need(comment, _("Say what needs to change."))
        before = req.state
        _proceed(req, req.return_for_changes)
        req.approvals.all().delete()
        return _record(req, actor=actor, action="return", before=before, comment=comment,
                       notify_users=[req.created_by])


def bond_request_reject(*, actor, request_id, comment):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_finance(actor, req))
        _need(comment, _("Give the reason for the rejection."))
        before = req.state
        _proceed(req, req.reject)
        return _record(req, actor=actor, action="reject", before=before, comment=comment,
                       notify_users=[req.created_by])


def bond_request_stay(*, actor, request_id, filed_on, comment=""):
    with transaction.atomic():
        payment = _lock_payment_under_way(request_id)
        req = _lock(request_id)
        _require(is_finance(actor, req))
        _stop_payment(payment, actor=actor, reason=comment)
        before = req.state
        _proceed(req, req.stay, filed_on=filed_on)
        return _record(req, actor=actor, action="stay", before=before, comment=comment,
                       changes={"eoir43_filed_on": filed_on},
                       notify_users=_officers(req) + _obligor_staff(req))


def bond_request_lift_stay(*, actor, request_id, comment=""):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_finance(actor, req))
        before = req.state
        _proceed(req, req.lift_stay)
        return _record(req, actor=actor, action="lift_stay", before=before, comment=comment,
                       notify_users=_officers(req) + _obligor_staff(req))


def bond_request_void(*, actor, request_id, comment):
    with transaction.atomic():
        payment = _lock_payment_under_way(request_id)
        req = _lock(request_id)
        _require(is_finance(actor, req))
        _need(comment, _("Give the reason for voiding."))
        _stop_payment(payment, actor=actor, reason=comment)
        before = req.state
        _proceed(req, req.void)
        funds.release(key=_key(req, "void"), reservation_key=req.reservation_key,
                      actor_id=actor.pk, reference=req.reference)
        return _record(req, actor=actor, action="void", before=before, comment=comment,
                       notify_users=_officers(req) + _obligor_staff(req))


def bond_request_request_payment(*, actor, request_id, comment=""):
    """A finance approver asks payments to pay the approved amount to the obligor.

    The approver then releases it on the disbursement's page (Stripe or a recorded ACH, wire
    or check); the bond becomes `disbursed` only when payments says the money left. The
    request goes to payments without an actor so that the same approver may release it:
    their permission is checked here and again by payments on release.
    """
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_finance(actor, req))
        if req.state == State.STAYED:
            raise ValidationError(_("The bond is stayed (EOIR-43): it cannot be paid until "
                                    "the stay is lifted."))
        _require_state(req, State.APPROVED)
        live = payment_under_way(req)
        if live is not None:
            return live
        disbursement = payments.disbursement_request(
            object_type=BondRequest._meta.label_lower, object_id=req.pk,
            reservation_key=req.reservation_key, amount=to_minor(req.amount),
            currency=req.program.currency, consulate_id=req.consulate_id, actor=None,
            payee_partner=req.obligor,
            memo=str(format_lazy(_("Bond {ref}"), ref=req.reference)),
        )
        audit_record(actor=actor, action="bond_request.request_payment", obj=req,
                     changes={"disbursement": disbursement.pk, "amount": req.amount},
                     comment=comment, consulate_id=req.consulate_id, partner_id=req.obligor_id)
        return disbursement


def payment_under_way(req):
    """The requested or sent disbursement of this bond, if any."""
    return (Disbursement.objects.filter(object_type=BondRequest._meta.label_lower,
                                        object_id=str(req.pk))
            .exclude(status__in=PAYMENT_ENDED).exclude(status=PaymentStatus.PAID).first())


def _lock_payment_under_way(request_id):
    """The bond's requested or sent disbursement, locked before the bond itself: payments
    locks a disbursement and then (through its signal) the bond, so the same order here
    keeps the two from deadlocking."""
    return (Disbursement.objects.select_for_update()
            .filter(object_type=BondRequest._meta.label_lower, object_id=str(request_id),
                    status__in=(PaymentStatus.REQUESTED, PaymentStatus.SENT)).first())


def _stop_payment(payment, *, actor, reason):
    """A withdrawal, an EOIR-43 stay or a void stops a payment not yet sent; one already
    asked of Stripe is refused by payments until its outcome is known."""
    if payment is not None:
        payments.disbursement_cancel(disbursement_id=payment.pk, actor=actor, reason=reason)


def _locked_for_payment(disbursement):
    """The bond a disbursement pays, locked; None if the disbursement is not one of ours."""
    if not str(disbursement.object_id).isdigit():
        return None
    req = BondRequest.objects.select_for_update().filter(pk=disbursement.object_id).first()
    if req is None or req.reservation_key != disbursement.reservation_key and \
            req.payment_id != disbursement.pk:
        logger.error("Disbursement %s names no bond request it can pay", disbursement.pk)
        return None
    return req


def _payment_actor(disbursement):
    """Who released the payment; None (the system, on Stripe's word) if nobody did."""
    return disbursement.released_by


def bond_request_disburse(*, disbursement):
    """The money left the fund (payments' `disbursement_paid`): post the reservation and move
    the bond to `disbursed`. Permission was checked by payments when the approver released
    it. A replay of the same disbursement changes nothing."""
    with transaction.atomic():
        req = _locked_for_payment(disbursement)
        if req is None or req.payment_id == disbursement.pk:
            return req
        if req.state != State.APPROVED:
            raise ValidationError(
                _("Bond request %(ref)s is “%(state)s”: a payment cannot be recorded for it.")
                % {"ref": req.reference, "state": req.get_state_display()})
        d = disbursement
        amount = from_minor(d.amount, d.currency)
        reference = d.manual_reference or d.stripe_transfer_id or str(d.pk)
        paid_on = d.manual_date or timezone.localdate(d.paid_at)
        before = req.state
        _proceed(req, req.disburse, payment_id=d.pk, amount=amount, payment_method=d.method,
                 reference=reference, paid_on=paid_on)
        funds.disburse(key=f"disburse:{d.pk}", reservation_key=req.reservation_key,
                       amount=d.amount, purpose="bond", actor_id=d.released_by_id,
                       reference=str(d.pk))
        return _record(req, actor=_payment_actor(d), action="disburse", before=before,
                       changes={"amount": amount, "method": d.method, "reference": reference,
                                "disbursement": d.pk, "confirmed_by": _confirmed_by(d)},
                       notify_users=_obligor_staff(req) + _officers(req))


def _confirmed_by(d):
    return "stripe" if d.method == PaymentMethod.STRIPE_TRANSFER else "finance approver"


def bond_request_payment_reversed(*, disbursement):
    """The transfer that paid the bond came back (payments' `disbursement_reversed`).

    The ledger reverses the disbursement's postings, which puts the budget back to
    available (the spent reservation cannot be re-opened); the bond goes back to `approved`
    on a fresh reservation of the same amount, so the approver can request payment again or
    void it, as for any approved bond. Should a cap lowered since then refuse the new
    reservation, the approval is voided instead. Past `disbursed` (the partner already posted
    the bond with ICE) nothing is undone here: finance is told to settle it by hand.
    """
    with transaction.atomic():
        req = _locked_for_payment(disbursement)
        if req is None or req.payment_id != disbursement.pk:
            return req  # not the bond's payment any more: a replay
        d = disbursement
        reason = d.last_error or _("Stripe reversed the transfer.")
        if req.state != State.DISBURSED:
            audit_record(actor=None, action="bond_request.payment_reversed_late", obj=req,
                         changes={"disbursement": d.pk, "state": [req.state, req.state]},
                         comment=str(_("The payment came back after the bond was posted; "
                                       "settle it by hand.")),
                         consulate_id=req.consulate_id, partner_id=req.obligor_id)
            _notify_payment_problem(req, "payment_reversed")
            return req
        funds.disbursement_reverse(key=f"reverse:{d.pk}",
                                   reservation_key=req.reservation_key, reference=str(d.pk))
        before = req.state
        key = _key(req, f"reserve:{d.pk}")
        _proceed(req, req.payment_reversed, reservation_key=key)
        try:
            with transaction.atomic():
                _reserve_again(req, key, d)
        except CapExceeded:
            _proceed(req, req.void)
            return _record(req, actor=None, action="payment_reversed", before=before,
                           comment=str(reason),
                           changes={"disbursement": d.pk, "reserved_again": False},
                           notify_users=_approvers(req) + _officers(req))
        return _record(req, actor=None, action="payment_reversed", before=before,
                       comment=str(reason), changes={"disbursement": d.pk,
                                                     "reserved_again": True},
                       notify_users=_approvers(req) + _officers(req))


def _reserve_again(req, key, d):
    funds.reserve(key=key, program=req.program.ledger_ref, currency=req.program.currency,
                  consulate_id=req.consulate_id, partner_id=req.obligor_id,
                  amount=to_minor(req.amount), reference=req.reference)


def bond_request_payment_failed(*, disbursement):
    """Stripe refused the transfer: nothing moved, the reservation stands; noted on the bond."""
    with transaction.atomic():
        req = _locked_for_payment(disbursement)
        if req is None:
            return None
        audit_record(actor=None, action="bond_request.payment_failed", obj=req,
                     changes={"disbursement": disbursement.pk}, comment=disbursement.last_error,
                     consulate_id=req.consulate_id, partner_id=req.obligor_id)
        _notify_payment_problem(req, "payment_failed")
        return req


def _notify_payment_problem(req, notice):
    notify(users=_approvers(req),
           subject=format_lazy(_("Bond request {ref}: the payment needs attention"),
                               ref=req.reference),
           template_name="bondfund/emails/transition.txt",
           context={"request_ref": req.reference, "beneficiary": str(req.beneficiary),
                    "state": req.state, "comment": "", "notice": notice,
                    "path": reverse("bondfund:request_detail", args=[req.pk])})


def bond_request_confirm_posting(*, actor, request_id, posted_on, receipt, comment=""):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_obligor_staff(actor, req))
        before = req.state
        _proceed(req, req.confirm_posting, posted_on=posted_on)
        funds.bond_posted(key=_key(req, "posted"), reservation_key=req.reservation_key,
                          amount=to_minor(req.disbursed_amount), actor_id=actor.pk,
                          reference=req.reference)
        _attach(req, actor, DocumentKind.I305, receipt)
        return _record(req, actor=actor, action="confirm_posting", before=before,
                       comment=comment, changes={"posted_on": posted_on},
                       notify_users=_officers(req) + _approvers(req))


def bond_request_confirm_release(*, actor, request_id, released_on, document, comment=""):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_obligor_staff(actor, req))
        before = req.state
        _proceed(req, req.confirm_release, released_on=released_on)
        _attach(req, actor, DocumentKind.RELEASE, document)
        return _record(req, actor=actor, action="confirm_release", before=before,
                       comment=comment, changes={"released_on": released_on},
                       notify_users=_officers(req))


def bond_request_cancel(*, actor, request_id, cancelled_on, document=None, comment=""):
    """The bond was cancelled (I-391): the principal is now a refund due from DHS."""
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_officer(actor, req) or is_obligor_staff(actor, req))
        if req.posted_on and cancelled_on < req.posted_on:
            raise ValidationError(_("The cancellation date is before the bond was posted."))
        before = req.state
        _proceed(req, req.cancel, cancelled_on=cancelled_on)
        funds.bond_cancelled(key=_key(req, "cancel"), reservation_key=req.reservation_key,
                             amount=to_minor(req.disbursed_amount), actor_id=actor.pk,
                             reference=req.reference)
        if document is not None:
            _attach(req, actor, DocumentKind.I391, document)
        return _record(req, actor=actor, action="cancel", before=before, comment=comment,
                       changes={"cancelled_on": cancelled_on},
                       notify_users=_obligor_staff(req) + _approvers(req))


def bond_request_breach(*, actor, request_id, breached_on, document=None, comment=""):
    """ICE declared the bond breached (I-323); the obligor has 30 days to appeal."""
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_officer(actor, req) or is_obligor_staff(actor, req))
        before = req.state
        _proceed(req, req.breach, breached_on=breached_on)
        if document is not None:
            _attach(req, actor, DocumentKind.I323, document)
        return _record(req, actor=actor, action="breach", before=before, comment=comment,
                       changes={"breached_on": breached_on,
                                "appeal_deadline": req.breach_appeal_deadline},
                       notify_users=_obligor_staff(req) + _approvers(req))


def bond_request_record_refund(*, actor, request_id, principal, interest, refunded_on,
                               comment=""):
    """ICE refunded the obligor, who returned principal and interest to the fund."""
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_obligor_staff(actor, req) or is_finance(actor, req))
        _require_state(req, State.REFUND_DUE)
        currency = req.program.currency
        if str(principal.currency) != currency or str(interest.currency) != currency:
            raise ValidationError(_("Amounts are in %(currency)s.") % {"currency": currency})
        if principal != req.disbursed_amount:
            raise ValidationError(_("The principal returned must be the %(amount)s paid for "
                                    "the bond.") % {"amount": req.disbursed_amount})
        if interest.amount < 0:
            raise ValidationError(_("Interest cannot be negative."))
        before = req.state
        _proceed(req, req.record_refund, principal=principal, interest=interest,
                 refunded_on=refunded_on)
        interest_minor = to_minor(interest)
        ref = {"reservation_key": req.reservation_key, "actor_id": actor.pk,
               "reference": req.reference}
        if interest_minor:
            funds.bond_interest(key=_key(req, "interest"), amount=interest_minor, **ref)
        funds.refund_returned(key=_key(req, "refund"), principal=to_minor(principal),
                              interest=interest_minor, **ref)
        return _record(req, actor=actor, action="record_refund", before=before,
                       comment=comment,
                       changes={"principal": principal, "interest": interest},
                       notify_users=_officers(req) + _approvers(req))


def bond_request_write_off(*, actor, request_id, comment):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_finance(actor, req))
        _need(comment, _("Say why the bond is written off."))
        before = req.state
        _proceed(req, req.write_off)
        funds.bond_forfeited(key=_key(req, "forfeit"), reservation_key=req.reservation_key,
                             amount=to_minor(req.disbursed_amount), actor_id=actor.pk,
                             reference=req.reference)
        return _record(req, actor=actor, action="write_off", before=before, comment=comment,
                       notify_users=_officers(req))


# Documents ---------------------------------------------------------------------------------

def bond_document_upload(*, actor, request_id, kind, checked):
    with transaction.atomic():
        req = _lock(request_id)
        _require(is_officer(actor, req) or is_obligor_staff(actor, req)
                 or is_finance(actor, req))
        if kind not in DocumentKind.values:
            raise ValidationError(_("Choose the kind of document."))
        document = _attach(req, actor, kind, checked)
        audit_record(actor=actor, action="bond_document.upload", obj=req,
                     changes={"document": document.pk, "kind": kind,
                              "sha256": document.sha256},
                     consulate_id=req.consulate_id, partner_id=req.obligor_id)
        return document


def _attach(req, actor, kind, checked):
    """Store a checked upload; called after every guard and ledger call of the service, so a
    refused step stores nothing."""
    name = store_upload(checked, folder=f"bonds/{req.pk}")
    return BondDocument.objects.create(
        request=req, kind=kind, storage_name=name, original_name=checked.original_name,
        content_type=checked.content_type, size=checked.size,
        sha256=getattr(checked, "sha256", None) or hashlib.sha256(checked.content).hexdigest(),
        uploaded_by=actor)


def obligor_choices(consulate_id):
    return PartnerOrganization.objects.filter(obligor_eligible=True,
                                              consulates__id=consulate_id).order_by("name")
