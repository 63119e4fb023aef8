"""Relief grant programs: creation, consulate allocations and partner caps."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from casework.headcount import people_cap_change
from casework.money import money_display
from core.audit import audit_record
from core.models import Consulate, PartnerOrganization, Role, User
from core.money import from_minor, to_minor
from core.tenancy import Scope
from grants.models import EligibilityQuestion, GrantAllocation, GrantPartnerCap, GrantProgram
from ledger import funds
from ledger.exceptions import LedgerError, LimitExceeded


def _minor_display(amount, currency):
    return money_display(from_minor(amount, currency))


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


def grant_program_create(*, actor: User, name: str, kind: str, currency: str, total_budget,
                         per_grant_max, approval_tiers=(), required_documents=(),
                         waiting_period_days: int = 0, questions=(),
                         second_person_pays_above=None) -> GrantProgram:
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
            second_person_pays_above=second_person_pays_above,
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


def _locked_program(program_id: int) -> GrantProgram:
    return GrantProgram.objects.select_for_update().get(pk=program_id)


def _budget_refusal(exc, currency):
    return ValidationError(
        _("Refused: the program's unallocated budget is short by %(shortfall)s.")
        % {"shortfall": _minor_display(exc.shortfall, currency)})


def grant_program_allocate(*, actor: User, program_id: int, consulate: Consulate,
                           amount, memo: str = "") -> GrantAllocation:
    """Give a consulate budget from the program's unallocated amount."""
    _require_program_admin(actor)
    with transaction.atomic():
        program = _locked_program(program_id)
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


def grant_program_reallocate(*, actor: User, program_id: int, from_consulate: Consulate,
                             to_consulate: Consulate, amount, memo: str = "") -> GrantAllocation:
    """Move available budget from one consulate to another."""
    _require_program_admin(actor)
    if from_consulate.pk == to_consulate.pk:
        raise ValidationError(_("Choose two different consulates."))
    with transaction.atomic():
        program = _locked_program(program_id)
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


def grant_partner_cap_set(*, actor: User, program_id: int, partner: PartnerOrganization,
                          amount) -> GrantPartnerCap:
    """Set how much of the program may be reserved for payments to a partner organization."""
    _require_program_admin(actor)
    with transaction.atomic():
        program = _locked_program(program_id)
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


def grant_program_people_cap_set(*, actor: User, program_id: int, level: str, count: int,
                                 consulate: Consulate | None = None,
                                 partner: PartnerOrganization | None = None) -> GrantProgram:
    """Set how many people the program (or one consulate, or one partner, in it) may help."""
    _require_program_admin(actor)
    with transaction.atomic():
        program = _locked_program(program_id)
        people_cap_change(program, actor=actor, level=level, count=count, consulate=consulate,
                          partner=partner, audit_action="grant_program.people_cap")
    return program
