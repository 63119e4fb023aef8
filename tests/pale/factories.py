"""PALE contracts and referrals built through the services, so the ledger agrees."""

import datetime
from decimal import Decimal

from core.models import AdvisorKind, Role
from grants.models import GrantKind
from pale import services
from pale.models import Service
from tests.core.factories import user_with_role
from tests.grants.factories import make_program

FEES = {Service.CONSULTATION: Decimal("150"), Service.BOND_HEARING: Decimal("1200"),
        Service.CASE_REPRESENTATION: Decimal("3000")}


def make_advisor(partner, kind=AdvisorKind.LAW_FIRM):
    partner.legal_advisor_kind = kind
    partner.save(update_fields=["legal_advisor_kind"])
    return partner


def legal_program(world, *, allocations=None, total=Decimal("100000")):
    return make_program(world, kind=GrantKind.LEGAL_FEES, total=total,
                        per_grant_max=Decimal("20000"), name="PALE 2026",
                        allocations=allocations or {world.consulate_a: Decimal("30000"),
                                                    world.consulate_b: Decimal("30000")})


def make_contract(world, program, *, advisor=None, consulate=None, budget=Decimal("20000"),
                  starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
                  fees=None):
    advisor = make_advisor(advisor or world.partner_x)
    return services.contract_create(
        actor=world.admin, advisor=advisor, consulate=consulate or world.consulate_a,
        program=program, starts_on=starts_on, ends_on=ends_on, budget=budget,
        fees=FEES if fees is None else fees)


def second_approver(world):
    return user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                          username="approver_a2")
