"""Every step a user takes on a bond request, through casework's one step: lock the bond,
check the actor and the state, stamp the transition, post to the ledger, record the audit
event and queue the e-mail for after commit. Programs live in `services_programs`, drafts in
`services_drafts`; both are re-exported here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bondfund.interest import refund_expected
from bondfund.kind import BOND
from bondfund.models import BondDocument, BondRequest, DocumentKind, IneligibleReason, State
from bondfund.permissions import (
    anyone_on_the_case,
    is_finance,
    is_obligor_staff,
    is_officer,
    is_program_admin,
    obligor_or_finance,
    officer_or_obligor,
)
from bondfund.services_drafts import (  # noqa: F401 - the app's services, in one place
    DECISION_FIELDS,
    bond_request_create,
    bond_request_update,
    bond_requests_import,
    check_bond_amount,
    eligibility_problems,
    submission_problems,
)
from bondfund.services_programs import program_budget_change, program_create  # noqa: F401
from casework.approvals import case_sign, case_unsubmit
from casework.documents import document_attach
from casework.money import money_release
from casework.payments import payment_lock, payment_request, payment_stop, payment_under_way
from casework.people import approvers_of, officers_of, partner_staff_of
from casework.steps import (
    case_audit,
    case_lock,
    case_transition,
    require,
    require_comment,
    require_state,
)
from core.effective import took_effect_on
from core.models import PartnerOrganization, User
from core.money import to_minor
from core.timezones import fund_today, local_today
from ledger import funds
from payments.models import Disbursement

__all__ = ["is_finance", "is_obligor_staff", "is_officer", "is_program_admin",
           "payment_under_way"]


def _people(bond, *who) -> list:
    found = {"officers": lambda: officers_of(bond), "approvers": lambda: approvers_of(bond),
             "obligor": lambda: partner_staff_of(bond.obligor_id),
             "creator": lambda: [bond.created_by]}
    return [user for name in who for user in found[name]()]


def bond_request_submit(*, actor: User, request_id: int, comment: str = "") -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_officer(actor, bond))
        require_state(bond, State.DRAFT)
        problems = submission_problems(bond, today=fund_today())
        if problems:
            raise ValidationError(problems)
        return case_transition(BOND, bond, "submit", actor=actor, comment=comment,
                               notify_users=_people(bond, "approvers"), by=actor)


def bond_request_mark_ineligible(*, actor: User, request_id: int, reason: str,
                                 comment: str = "") -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_officer(actor, bond))
        if reason not in IneligibleReason.values:
            raise ValidationError(_("Choose the reason the person is ineligible."))
        return case_transition(BOND, bond, "mark_ineligible", actor=actor, comment=comment,
                               changes={"reason": reason}, reason=reason)


def bond_request_withdraw(*, actor: User, request_id: int, comment: str) -> BondRequest:
    with transaction.atomic():
        payment = payment_lock(BOND, request_id)
        bond = case_lock(BOND, request_id)
        require(is_officer(actor, bond))
        require_state(bond, State.DRAFT, State.SUBMITTED, State.APPROVED, State.STAYED)
        payment_stop(payment, actor=actor, reason=comment)
        return case_unsubmit(BOND, bond, "withdraw", actor=actor, action="withdraw",
                             comment=comment, notify_users=_people(bond, "approvers", "obligor"))


def bond_request_approve(*, actor: User, request_id: int, comment: str = "") -> BondRequest:
    """One approver's signature: the first holds the money, the last approves the bond."""
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        require_state(bond, State.SUBMITTED)
        case_sign(BOND, bond, actor=actor, comment=comment)
        return bond


def bond_request_return(*, actor: User, request_id: int, comment: str) -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        require_comment(comment, _("Say what needs to change."))
        return case_unsubmit(BOND, bond, "return_for_changes", actor=actor, action="return",
                             comment=comment, notify_users=_people(bond, "creator"))


def bond_request_reject(*, actor: User, request_id: int, comment: str) -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        require_comment(comment, _("Give the reason for the rejection."))
        return case_unsubmit(BOND, bond, "reject", actor=actor, action="reject",
                             comment=comment, notify_users=_people(bond, "creator"))


def bond_request_stay(*, actor: User, request_id: int, filed_on, comment: str = ""):
    with transaction.atomic():
        payment = payment_lock(BOND, request_id)
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        require_state(bond, State.APPROVED)
        check_not_future(bond, filed_on)
        payment_stop(payment, actor=actor, reason=comment)
        return case_transition(BOND, bond, "stay", actor=actor, comment=comment,
                               changes={"eoir43_filed_on": filed_on},
                               notify_users=_people(bond, "officers", "obligor"),
                               filed_on=filed_on)


def bond_request_lift_stay(*, actor: User, request_id: int, comment: str = ""):
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        return case_transition(BOND, bond, "lift_stay", actor=actor, comment=comment,
                               notify_users=_people(bond, "officers", "obligor"))


def bond_request_void(*, actor: User, request_id: int, comment: str) -> BondRequest:
    with transaction.atomic():
        payment = payment_lock(BOND, request_id)
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        require_comment(comment, _("Give the reason for voiding."))
        require_state(bond, State.APPROVED, State.STAYED)
        payment_stop(payment, actor=actor, reason=comment)
        money_release(bond, actor=actor)
        return case_transition(BOND, bond, "void", actor=actor, comment=comment,
                               notify_users=_people(bond, "officers", "obligor"))


def bond_request_request_payment(*, actor: User, request_id: int,
                                 comment: str = "") -> Disbursement:
    """A finance approver asks payments to pay the approved amount to the obligor; the bond
    becomes `disbursed` only when payments says the money left."""
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        if bond.state == State.STAYED:
            raise ValidationError(_("The bond is stayed (EOIR-43): it cannot be paid until "
                                    "the stay is lifted."))
        require_state(bond, State.APPROVED)
        return payment_request(BOND, bond, actor=actor, payee_partner=bond.obligor,
                               comment=comment)


def _key(bond, step: str) -> str:
    return BOND.key(bond, step)


def bond_request_confirm_posting(*, actor: User, request_id: int, posted_on, receipt,
                                 comment: str = "") -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_obligor_staff(actor, bond))
        check_not_future(bond, posted_on)
        case_transition(BOND, bond, "confirm_posting", actor=actor, comment=comment,
                        changes={"posted_on": posted_on},
                        notify_users=_people(bond, "officers", "approvers"), posted_on=posted_on)
        with took_effect_on(bond.consulate, posted_on):
            funds.bond_posted(key=_key(bond, "posted"), reservation_key=bond.reservation_key,
                              amount=to_minor(bond.disbursed_amount), actor_id=actor.pk,
                              reference=bond.reference)
        document_attach(BOND, bond, actor=actor, kind=DocumentKind.I305, checked=receipt)
        return bond


def bond_request_confirm_release(*, actor: User, request_id: int, released_on, document,
                                 comment: str = "") -> BondRequest:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_obligor_staff(actor, bond))
        check_not_future(bond, released_on)
        if bond.posted_on and released_on < bond.posted_on:
            raise ValidationError(_("The release date is before the bond was posted."))
        case_transition(BOND, bond, "confirm_release", actor=actor, comment=comment,
                        changes={"released_on": released_on},
                        notify_users=_people(bond, "officers"), released_on=released_on)
        document_attach(BOND, bond, actor=actor, kind=DocumentKind.RELEASE, checked=document)
        return bond


def bond_request_cancel(*, actor: User, request_id: int, cancelled_on, document=None,
                        comment: str = "") -> BondRequest:
    """The bond was cancelled (I-391): the principal is now a refund due from DHS."""
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(officer_or_obligor(actor, bond))
        check_not_future(bond, cancelled_on)
        if bond.posted_on and cancelled_on < bond.posted_on:
            raise ValidationError(_("The cancellation date is before the bond was posted."))
        case_transition(BOND, bond, "cancel", actor=actor, comment=comment,
                        changes={"cancelled_on": cancelled_on},
                        notify_users=_people(bond, "obligor", "approvers"),
                        cancelled_on=cancelled_on)
        with took_effect_on(bond.consulate, cancelled_on):
            funds.bond_cancelled(key=_key(bond, "cancel"), reservation_key=bond.reservation_key,
                                 amount=to_minor(bond.disbursed_amount), actor_id=actor.pk,
                                 reference=bond.reference)
        if document is not None:
            document_attach(BOND, bond, actor=actor, kind=DocumentKind.I391, checked=document)
        return bond


def bond_request_breach(*, actor: User, request_id: int, breached_on, document=None,
                        comment: str = "") -> BondRequest:
    """ICE declared the bond breached (I-323); the obligor has 30 days to appeal. ICE keeps
    the principal but still owes the interest to the breach date: that stays receivable."""
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(officer_or_obligor(actor, bond))
        require_state(bond, State.RELEASED)
        check_not_future(bond, breached_on)
        if bond.released_on and breached_on < bond.released_on:
            raise ValidationError(_("The breach notice date is before the release."))
        bond.breached_on = breached_on
        expected = refund_expected(bond, end=breached_on)
        interest = to_minor(expected.interest) if expected and expected.interest else 0
        case_transition(BOND, bond, "breach", actor=actor, comment=comment,
                        changes={"breached_on": breached_on,
                                 "appeal_deadline": bond.breach_appeal_deadline,
                                 "interest_receivable": interest},
                        notify_users=_people(bond, "obligor", "approvers"),
                        breached_on=breached_on)
        if interest:
            with took_effect_on(bond.consulate, breached_on):
                funds.bond_interest(key=_key(bond, "interest"), amount=interest,
                                    reservation_key=bond.reservation_key, actor_id=actor.pk,
                                    reference=bond.reference)
        if document is not None:
            document_attach(BOND, bond, actor=actor, kind=DocumentKind.I323, checked=document)
        return bond


def check_not_future(bond, day) -> None:
    """A date of something that happened cannot be after today at the bond's consulate."""
    today = local_today(bond.consulate)
    if day is not None and day > today:
        raise ValidationError(_("%(day)s has not come yet at the consulate (today is "
                                "%(today)s there): a date of something that happened cannot "
                                "be in the future.") % {"day": day, "today": today})


def refund_shortfall(bond, principal, interest):
    """(principal short, interest short) against what is expected, as Money, or None when
    the amounts are at least what is expected (or the interest cannot be known)."""
    expected = refund_expected(bond)
    if expected is None:
        return None
    zero = expected.principal * 0
    principal_short = max(expected.principal - principal, zero)
    interest_short = zero
    if expected.interest is not None and interest < expected.interest:
        interest_short = expected.interest - interest
    if principal_short.amount == 0 and interest_short.amount == 0:
        return None
    return principal_short, interest_short


def _refund_check(bond, principal, interest, confirm_shortfall) -> None:
    currency = bond.program.currency
    if str(principal.currency) != currency or str(interest.currency) != currency:
        raise ValidationError(_("Amounts are in %(currency)s.") % {"currency": currency})
    if principal.amount < 0 or interest.amount < 0:
        raise ValidationError(_("Amounts cannot be negative."))
    if principal > bond.disbursed_amount:
        raise ValidationError(_("The principal returned cannot be more than the %(amount)s "
                                "paid for the bond.") % {"amount": bond.disbursed_amount})
    if not (principal.amount or interest.amount):
        raise ValidationError(_("Nothing was returned: record the refund when it comes back."))
    short = refund_shortfall(bond, principal, interest)
    if short and not confirm_shortfall:
        raise ValidationError(_("%(total)s less than expected (principal %(principal)s short, "
                                "interest %(interest)s short). Confirm to record it anyway: "
                                "the difference stays owed to the fund.")
                              % {"total": short[0] + short[1], "principal": short[0],
                                 "interest": short[1]})


def bond_request_record_refund(*, actor: User, request_id: int, principal, interest,
                               refunded_on, comment: str = "",
                               confirm_shortfall: bool = False) -> BondRequest:
    """ICE refunded the obligor, who returned principal and interest to the fund. Less than
    expected needs `confirm_shortfall`; what is missing stays receivable."""
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(obligor_or_finance(actor, bond))
        require_state(bond, State.REFUND_DUE)
        check_not_future(bond, refunded_on)
        _refund_check(bond, principal, interest, confirm_shortfall)
        expected = refund_expected(bond)
        owed = to_minor(expected.interest) if expected and expected.interest else 0
        case_transition(BOND, bond, "record_refund", actor=actor, comment=comment,
                        changes={"principal": principal, "interest": interest,
                                 "interest_expected": owed},
                        notify_users=_people(bond, "officers", "approvers"),
                        principal=principal, interest=interest, refunded_on=refunded_on)
        ref = {"reservation_key": bond.reservation_key, "actor_id": actor.pk,
               "reference": bond.reference}
        interest_minor = to_minor(interest)
        with took_effect_on(bond.consulate, refunded_on):
            if max(owed, interest_minor):
                funds.bond_interest(key=_key(bond, "interest"),
                                    amount=max(owed, interest_minor), **ref)
            funds.refund_returned(key=_key(bond, "refund"), principal=to_minor(principal),
                                  interest=interest_minor, **ref)
        return bond


def bond_request_write_off(*, actor: User, request_id: int, comment: str) -> BondRequest:
    """The principal is lost; the interest to the breach date stays receivable."""
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(is_finance(actor, bond))
        require_comment(comment, _("Say why the bond is written off."))
        appeal = getattr(bond, "breach_appeal", None)
        if appeal is not None and appeal.state in ("filed", "sustained"):
            raise ValidationError(_("The breach appeal is %(state)s: the bond cannot be "
                                    "written off.") % {"state": appeal.get_state_display()})
        case_transition(BOND, bond, "write_off", actor=actor, comment=comment,
                        notify_users=_people(bond, "officers"))
        funds.bond_forfeited(key=_key(bond, "forfeit"), reservation_key=bond.reservation_key,
                             amount=to_minor(bond.disbursed_amount), actor_id=actor.pk,
                             reference=bond.reference)
        return bond


def bond_document_upload(*, actor: User, request_id: int, kind: str, checked) -> BondDocument:
    with transaction.atomic():
        bond = case_lock(BOND, request_id)
        require(anyone_on_the_case(actor, bond))
        if kind not in DocumentKind.values:
            raise ValidationError(_("Choose the kind of document."))
        document = document_attach(BOND, bond, actor=actor, kind=kind, checked=checked)
        case_audit(BOND, bond, actor=actor, action="document",
                   changes={"document": document.pk, "kind": kind, "sha256": document.sha256})
        return document


def obligor_choices(consulate_id: int):
    return PartnerOrganization.objects.filter(obligor_eligible=True,
                                              consulates__id=consulate_id).order_by("name")
