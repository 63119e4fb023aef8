"""Bond programs and their budgets: funding, consulate allocations, partner caps."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from bondfund.models import (
    MINIMUM_BOND,
    AllocationKind,
    BondProgram,
    BudgetAllocation,
    EligibilityQuestion,
)
from bondfund.permissions import is_program_admin
from casework.headcount import people_cap_change
from casework.steps import require as _require
from core.approvals import validate_tiers
from core.audit import audit_record
from core.models import Consulate, PartnerOrganization, User
from core.money import to_minor
from ledger import funds
from ledger.exceptions import LimitExceeded


@transaction.atomic
def program_create(*, actor: User, name: str, total_budget: Money, per_case_maximum: Money,
                   approval_tiers: list, starts_on, ends_on=None, questions=(),
                   second_person_pays_above=None) -> BondProgram:
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
        second_person_pays_above=second_person_pays_above,
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


def program_budget_change(*, actor: User, program_id: int, kind: str, amount: Money,
                          consulate: Consulate | None = None,
                          from_consulate: Consulate | None = None,
                          partner: PartnerOrganization | None = None,
                          memo: str = "") -> BudgetAllocation:
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


def program_people_cap_set(*, actor: User, program_id: int, level: str, count: int,
                           consulate: Consulate | None = None,
                           partner: PartnerOrganization | None = None) -> BondProgram:
    """Set how many people the program (or one consulate, or one partner, in it) may free."""
    with transaction.atomic():
        _require(is_program_admin(actor))
        program = BondProgram.objects.select_for_update().get(pk=program_id)
        people_cap_change(program, actor=actor, level=level, count=count, consulate=consulate,
                          partner=partner, audit_action="bond_program.people_cap")
        return program
