"""Who may act on a bond request: object predicates (django-rules), combined where a step
is open to more than one role."""

import rules

from core.models import Role
from core.tenancy import Scope


@rules.predicate
def is_officer(user, bond) -> bool:
    return Scope.of(user).reaches_consulate(bond.consulate_id, Role.CONSULATE_OFFICER)


@rules.predicate
def is_finance(user, bond) -> bool:
    return Scope.of(user).reaches_consulate(bond.consulate_id, Role.FINANCE_APPROVER)


@rules.predicate
def is_obligor_staff(user, bond) -> bool:
    scope = Scope.of(user)
    return scope.is_partner and bond.obligor_id in scope.partner_ids


@rules.predicate
def is_program_admin(user) -> bool:
    return Scope.of(user).is_headquarters(Role.PROGRAM_ADMIN)


officer_or_obligor = is_officer | is_obligor_staff
obligor_or_finance = is_obligor_staff | is_finance
anyone_on_the_case = is_officer | is_obligor_staff | is_finance
