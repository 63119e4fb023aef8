"""Both machines behind one face, so each shared rule runs against bonds and grants alike."""

from dataclasses import dataclass
from decimal import Decimal

from bondfund import services as bond_services
from bondfund.kind import BOND
from bondfund.models import BondRequest
from grants import services as grant_services
from grants.kind import GRANT
from grants.models import GrantApplication, PayeeKind
from ledger.selectors import budget_position
from tests.bondfund import factories as bonds
from tests.grants import factories as grants


@dataclass
class Machine:
    name: str
    kind: object

    def program(self, world, *, budget=20_000, tiers=(), threshold=None):
        if self.name == "bond":
            program = bonds.make_program(world, consulate_a=budget, tiers=list(tiers))
        else:
            program = grants.make_program(world, allocations={world.consulate_a: budget},
                                          per_grant_max=Decimal("15000"), tiers=list(tiers))
        program.second_person_pays_above = threshold
        program.save(update_fields=["second_person_pays_above"])
        return program

    def submitted(self, world, program, *, amount, officer=None):
        officer = officer or world.officer_a
        if self.name == "bond":
            return bonds.make_request(world, program, amount=amount, officer=officer)
        return grants.submitted(world, program, amount=Decimal(amount), officer=officer)

    def call(self, step: str, *, actor, case, **kwargs):
        """The app's own service for a step (bond_request_<step> / grant_application_<step>)."""
        if self.name == "bond":
            service = getattr(bond_services, f"bond_request_{step}")
            return service(actor=actor, request_id=case.pk, **kwargs)
        service = getattr(grant_services, f"grant_application_{step}")
        return service(actor=actor, application_id=case.pk, **kwargs)

    @property
    def list_url(self) -> str:
        return "bondfund:request_list" if self.name == "bond" else "grants:application_list"

    def cases_adder(self, world, program):
        """`add(n)` for assert_flat: n more cases of Chicago's officer, partner X's to pay
        or to post, each for a new beneficiary."""
        if self.name == "bond":
            return rows_adder(world, lambda person: bonds.make_request(
                world, program, beneficiary=person), BondRequest)
        return rows_adder(world, lambda person: grants.make_application(
            world, program, beneficiary=person, payee_kind=PayeeKind.PARTNER,
            payee_partner=world.partner_x), GrantApplication)

    def reload(self, case):
        model = BondRequest if self.name == "bond" else GrantApplication
        return model.objects.get(pk=case.pk)

    def reserved(self, world, program) -> int:
        return budget_position(program=program.ledger_ref, currency=program.currency,
                               consulate_id=world.consulate_a.pk).reserved


MACHINES = [Machine("bond", BOND), Machine("grant", GRANT)]


def rows_adder(world, make, model, then=None):
    """`add(n)` for assert_flat: n more cases, each for a new Chicago beneficiary, made by
    `make(beneficiary)`; `then(queryset)` moves them on in bulk (this is about reading them)."""
    from tests.core.factories import BeneficiaryFactory

    def add(n):
        pks = [make(BeneficiaryFactory(consulate=world.consulate_a)).pk for _ in range(n)]
        if then:
            then(model.objects.filter(pk__in=pks))

    return add
