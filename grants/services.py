"""Every step a user takes on a grant application, through casework's one step: lock,
check the actor and the state, stamp the transition, post to the ledger, audit, notify.
Programs live in `services_programs` and are re-exported here."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casework.approvals import case_sign, case_unsubmit
from casework.documents import document_attach
from casework.money import money_display, money_release
from casework.payments import payment_lock, payment_request, payment_stop, payment_under_way
from casework.people import approvers_of, officers_of
from casework.steps import (
    case_audit,
    case_lock,
    case_transition,
    out_of_order,
    require,
    require_comment,
    require_state,
)
from core.models import Beneficiary, PartnerOrganization, Role, User
from core.tenancy import Scope
from core.timezones import fund_today, local_today
from grants.kind import GRANT
from grants.models import DocumentKind, GrantApplication, GrantKind, GrantProgram, PayeeKind, State
from grants.services_programs import (  # noqa: F401 - the app's services, in one place
    _money,
    grant_partner_cap_set,
    grant_program_allocate,
    grant_program_create,
    grant_program_reallocate,
)
from payments.models import Disbursement

__all__ = ["money_display", "payment_under_way"]


# Object permissions (django-rules predicates), combined where a step is open to two roles.
@rules.predicate
def is_officer(user, application) -> bool:
    return Scope.of(user).reaches_consulate(application.consulate_id, Role.CONSULATE_OFFICER)


@rules.predicate
def is_approver(user, application) -> bool:
    return Scope.of(user).reaches_consulate(application.consulate_id, Role.FINANCE_APPROVER)


@rules.predicate
def is_payee_staff(user, application) -> bool:
    return (application.payee_partner_id is not None
            and application.payee_partner_id in Scope.of(user).partner_ids)


can_confirm_receipt = is_officer | is_payee_staff


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
    if not program.is_open_on(fund_today()):
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


def grant_application_create(*, actor: User, beneficiary: Beneficiary, program: GrantProgram,
                             amount, purpose: str, payee_kind: str, payee_name: str,
                             payee_partner: PartnerOrganization | None = None,
                             payee_account: str = "", payee_address: str = "",
                             eligibility_answers: dict | None = None) -> GrantApplication:
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
            created_by=actor)
        case_audit(GRANT, application, actor=actor, action="create",
                   changes={"state": [None, application.state],
                            "amount": str(application.amount)})
    return application


def grant_application_update(*, actor: User, application_id: int, amount, purpose: str,
                             payee_kind: str, payee_name: str,
                             payee_partner: PartnerOrganization | None = None,
                             payee_account: str = "", payee_address: str = "",
                             eligibility_answers: dict | None = None) -> GrantApplication:
    """Change a draft (a new one, or one returned by the approver)."""
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_officer(actor, application))
        require_state(application, State.DRAFT)
        amount = _money(amount, application.program.currency)
        _validate_application(program=application.program, beneficiary=application.beneficiary,
                              amount=amount, payee_kind=payee_kind, payee_partner=payee_partner,
                              payee_name=payee_name)
        before = str(application.amount)
        for name, value in {"amount": amount, "purpose": purpose, "payee_kind": payee_kind,
                            "payee_partner": payee_partner, "payee_name": payee_name.strip(),
                            "payee_account": payee_account, "payee_address": payee_address,
                            "eligibility_answers": eligibility_answers or {}}.items():
            setattr(application, name, value)
        application.save()
        case_audit(GRANT, application, actor=actor, action="update",
                   changes={"amount": [before, str(application.amount)]})
    return application


def grant_document_add(*, actor: User, application_id: int, kind: str, checked):
    """Attach a checked upload to a draft."""
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_officer(actor, application))
        if application.state != State.DRAFT:
            raise ValidationError(_("Documents are added while the application is a draft."))
        return _store_document(actor, application, kind, checked)


def _store_document(actor, application, kind, checked):
    document = document_attach(GRANT, application, actor=actor, kind=kind, checked=checked)
    case_audit(GRANT, application, actor=actor, action="document",
               changes={"document": kind, "file": checked.original_name,
                        "sha256": document.sha256})
    return document


def _submission_problems(application) -> list:
    program = application.program
    problems = ineligible_reasons(program, application.eligibility_answers)
    missing = missing_documents(application)
    if missing:
        problems.append(_("Attach the missing documents first: %(documents)s.")
                        % {"documents": ", ".join(str(m) for m in missing)})
    if program.kind == GrantKind.REINTEGRATION and not application.beneficiary.curp:
        problems.append(_("Reintegration support needs the beneficiary's CURP: add it to the "
                          "beneficiary's record first."))
    if not program.is_open_on(fund_today()):
        problems.append(_("The program is not open today."))
    return problems


def grant_application_submit(*, actor: User, application_id: int,
                             comment: str = "") -> GrantApplication:
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_officer(actor, application))
        require_state(application, State.DRAFT)
        problems = _submission_problems(application)
        if problems:
            raise ValidationError(problems)
        return case_transition(GRANT, application, "submit", actor=actor, comment=comment,
                               notify_users=approvers_of(application), by=actor)


def grant_application_withdraw(*, actor: User, application_id: int,
                               comment: str = "") -> GrantApplication:
    """The officer withdraws it before any money left; what was held goes back."""
    with transaction.atomic():
        payment = payment_lock(GRANT, application_id)
        application = case_lock(GRANT, application_id)
        require(is_officer(actor, application))
        require_state(application, State.DRAFT, State.SUBMITTED, State.APPROVED)
        payment_stop(payment, actor=actor, reason=comment)
        return case_unsubmit(GRANT, application, "withdraw", actor=actor, action="withdraw",
                             comment=comment, notify_users=approvers_of(application))


def grant_application_approve(*, actor: User, application_id: int,
                              comment: str = "") -> GrantApplication:
    """One approver's signature: the first holds the money, the last approves."""
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_approver(actor, application))
        require_state(application, State.SUBMITTED)
        case_sign(GRANT, application, actor=actor, comment=comment)
    return application


def grant_application_return(*, actor: User, application_id: int,
                             comment: str) -> GrantApplication:
    """Send it back to the officer as a draft, saying what to fix; signatures stay on record
    and the next submission starts a new round."""
    require_comment(comment)
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_approver(actor, application))
        return case_unsubmit(GRANT, application, "return_for_changes", actor=actor,
                             action="return", comment=comment,
                             notify_users=officers_of(application))


def grant_application_reject(*, actor: User, application_id: int,
                             comment: str) -> GrantApplication:
    require_comment(comment)
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_approver(actor, application))
        return case_unsubmit(GRANT, application, "reject", actor=actor, action="reject",
                             comment=comment, notify_users=officers_of(application))


def grant_application_void(*, actor: User, application_id: int,
                           comment: str) -> GrantApplication:
    """Cancel an approval before payment; the reservation goes back to the budget."""
    require_comment(comment)
    with transaction.atomic():
        payment = payment_lock(GRANT, application_id)
        application = case_lock(GRANT, application_id)
        require(is_approver(actor, application))
        require_state(application, State.APPROVED)
        payment_stop(payment, actor=actor, reason=comment)
        money_release(application, actor=actor)
        return case_transition(GRANT, application, "void", actor=actor, comment=comment,
                               notify_users=officers_of(application))


def grant_application_request_payment(*, actor: User, application_id: int,
                                      comment: str = "") -> Disbursement:
    """A finance approver asks payments to pay the approved amount to the payee: by Stripe
    when the payee is a partner with a connected account, otherwise by a recorded rail."""
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_approver(actor, application))
        if application.state != State.APPROVED:
            raise out_of_order(application)
        partner = application.payee_partner if application.payee_kind == PayeeKind.PARTNER \
            else None
        details = "\n".join(v for v in (application.payee_account, application.payee_address)
                            if v)
        return payment_request(GRANT, application, actor=actor, payee_partner=partner,
                               payee_name="" if partner else application.payee_name,
                               payee_details=details, comment=comment)


def grant_application_confirm_receipt(*, actor: User, application_id: int, received_on,
                                      checked, comment: str = "") -> GrantApplication:
    """The payee received the money: the signed receipt is kept with the application."""
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(can_confirm_receipt(actor, application))
        require_state(application, State.DISBURSED)
        if received_on > local_today(application.consulate):
            raise ValidationError(_("The date of receipt is in the future."))
        if application.disbursed_on and received_on < application.disbursed_on:
            raise ValidationError(_("The money cannot be received before it was paid "
                                    "(%(date)s).") % {"date": application.disbursed_on})
        _store_document(actor, application, DocumentKind.SIGNED_RECEIPT, checked)
        return case_transition(GRANT, application, "confirm_receipt", actor=actor,
                               action="receipt", comment=comment,
                               changes={"received_on": received_on.isoformat()},
                               notify_users=officers_of(application), received_on=received_on)


def grant_application_close(*, actor: User, application_id: int,
                            comment: str = "") -> GrantApplication:
    with transaction.atomic():
        application = case_lock(GRANT, application_id)
        require(is_officer(actor, application))
        return case_transition(GRANT, application, "close", actor=actor, comment=comment)
