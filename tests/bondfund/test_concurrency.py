"""Real concurrency on PostgreSQL: threads on their own connections."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from bondfund import services
from bondfund.models import BondApproval, BondRequest, State
from core.models import Role
from ledger import selectors as ledger_selectors
from ledger.models import Transfer
from ledger.verify import verify
from payments.models import Disbursement
from payments.services import disbursement_record_manual
from tests.bondfund.factories import make_program, make_request
from tests.core.factories import user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        try:
            translation.activate("en")  # threads start in the default language
            barrier.wait()
            call()
            outcomes[i] = "ok"
        except ValidationError as exc:
            outcomes[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_approvals_never_pass_the_consulate_cap(world):
    program = make_program(world, consulate_a=18_000, partner_x=100_000, tiers=[])
    requests = [make_request(world, program, amount=6_000) for _ in range(8)]
    outcomes = run_together([
        (lambda r=r: services.bond_request_approve(actor=world.approver_a, request_id=r.pk))
        for r in requests])
    assert outcomes.count("ok") == 3, outcomes
    assert all(isinstance(o, ValidationError) for o in outcomes if o != "ok"), outcomes
    assert BondRequest.objects.filter(state=State.APPROVED).count() == 3
    position = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                                consulate_id=world.consulate_a.pk)
    assert (position.reserved, position.available) == (18_000_00, 0)
    assert verify() == []


def test_two_approvers_at_once_make_one_reservation(world):
    second = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                            username="approver_a2")
    program = make_program(world, tiers=[])
    req = make_request(world, program, amount=6_000)
    outcomes = run_together([
        lambda: services.bond_request_approve(actor=world.approver_a, request_id=req.pk),
        lambda: services.bond_request_approve(actor=second, request_id=req.pk),
    ])
    assert outcomes.count("ok") == 1, outcomes
    assert BondRequest.objects.get(pk=req.pk).state == State.APPROVED
    assert BondApproval.objects.filter(request=req).count() == 1
    assert Transfer.objects.filter(code="authorize").count() == 2  # consulate + partner legs
    assert verify() == []


def test_two_clicks_of_the_same_disbursement_pay_once(world):
    program = make_program(world, tiers=[])
    req = make_request(world, program, amount=6_000)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)

    def release():
        services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)

    assert run_together([release, release]).count("ok") == 2  # both land on one payment
    [disbursement] = Disbursement.objects.all()

    def pay():
        import datetime

        disbursement_record_manual(disbursement_id=disbursement.pk, actor=world.approver_a,
                                   method="wire", reference="FW",
                                   sent_on=datetime.date(2025, 12, 2))

    outcomes = run_together([pay, pay])
    assert outcomes.count("ok") == 1, outcomes
    assert BondRequest.objects.get(pk=req.pk).state == State.DISBURSED
    assert Transfer.objects.filter(code="disburse").count() == 1
    assert verify() == []
