"""Real concurrency on PostgreSQL: threads, each on its own database connection."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core.models import Role
from grants import services
from grants.models import GrantApplication, State
from ledger.models import Transfer
from ledger.selectors import budget_position
from payments.services import disbursement_record_manual
from tests.casework.threads import run_at_once
from tests.core.factories import BeneficiaryFactory, user_with_role
from tests.grants.factories import make_program, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_approvals_never_pass_the_consulate_budget(world):
    program = make_program(world, allocations={world.consulate_a: Decimal("3000")})
    applications = [
        submitted(world, program, amount=Decimal("1000"),
                  beneficiary=BeneficiaryFactory(consulate=world.consulate_a))
        for _ in range(8)
    ]
    results = run_at_once([
        (lambda a=a: services.grant_application_approve(actor=world.approver_a,
                                                        application_id=a.pk))
        for a in applications
    ])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 5, results
    assert all("exceed the consulate's budget" in str(r) for r in refused)
    assert GrantApplication.objects.filter(state=State.APPROVED).count() == 3
    position = budget_position(program=program.ledger_ref, currency="USD",
                               consulate_id=world.consulate_a.pk)
    assert (position.reserved, position.available) == (300000, 0)
    call_command("ledger_verify")


@pytest.mark.parametrize("tiers", [[], [{"above": "500", "approvals": 2}]])
def test_two_approvers_at_once_make_one_reservation(world, tiers):
    program = make_program(world, tiers=tiers)
    second = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                            username="approver_a2")
    application = submitted(world, program, amount=Decimal("1000"))
    results = run_at_once([
        lambda: services.grant_application_approve(actor=world.approver_a,
                                                   application_id=application.pk),
        lambda: services.grant_application_approve(actor=second, application_id=application.pk),
    ])
    application.refresh_from_db()
    assert application.state == State.APPROVED
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == (0 if tiers else 1), results
    assert Transfer.objects.filter(pk=application.reservation_key).count() == 1
    assert budget_position(program=program.ledger_ref, currency="USD",
                           consulate_id=world.consulate_a.pk).reserved == 100000
    call_command("ledger_verify")


def test_a_double_submitted_disbursement_posts_once(world):
    program = make_program(world)
    application = submitted(world, program, amount=Decimal("1000"))
    services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    requests = run_at_once([
        (lambda: services.grant_application_request_payment(actor=world.approver_a,
                                                            application_id=application.pk))
        for _ in range(2)
    ])
    assert requests[0].pk == requests[1].pk, requests  # one disbursement for both clicks
    results = run_at_once([
        (lambda: disbursement_record_manual(
            disbursement_id=requests[0].pk, actor=world.approver_a, method="wire",
            reference="W", sent_on=datetime.date(2026, 1, 5)))
        for _ in range(2)
    ])
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert GrantApplication.objects.get(pk=application.pk).state == "disbursed"
    assert budget_position(program=program.ledger_ref, currency="USD",
                           consulate_id=world.consulate_a.pk).committed == 100000
    call_command("ledger_verify")
