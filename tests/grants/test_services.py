from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from djmoney.money import Money

from casework import payments as casework_payments
from core.models import AuditEvent, Role
from grants import selectors, services
from grants.models import (
    DocumentKind,
    GrantApplication,
    GrantApproval,
    GrantKind,
    PayeeKind,
    State,
)
from ledger.selectors import budget_position, reconciliation
from payments.models import Disbursement
from tests.core.factories import BeneficiaryFactory, user_with_role
from tests.grants.factories import (
    approved,
    checked_png,
    disbursed,
    make_application,
    make_program,
    pay,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ticking_clock")]


def consulate_position(program, consulate):
    return budget_position(program=program.ledger_ref, currency=program.currency,
                           consulate_id=consulate.pk)


def test_approval_reserves_and_disbursement_posts_a_grant_expense(world):
    program = make_program(world, allocations={world.consulate_a: Decimal("5000")})
    application = approved(world, program, amount=Decimal("1200.50"))
    position = consulate_position(program, world.consulate_a)
    assert (position.reserved, position.available) == (120050, 500000 - 120050)

    pay(world, application, reference="W-1")
    position = consulate_position(program, world.consulate_a)
    # Payments pays the approved amount: all of the reservation becomes a grant expense.
    assert (position.reserved, position.committed, position.available) == (
        0, 120050, 500000 - 120050)
    [row] = [r for r in reconciliation(program=program.ledger_ref)
             if r.consulate_id == world.consulate_a.pk]
    assert row.granted == 120050
    call_command("ledger_verify")


def test_every_transition_is_audited_with_from_and_to(world):
    program = make_program(world)
    application = disbursed(world, program)
    events = AuditEvent.objects.filter(object_type="grants.grantapplication",
                                       object_id=str(application.pk)).order_by("id")
    states = [e.changes["state"] for e in events if "state" in e.changes]
    assert states == [[None, "draft"], ["draft", "submitted"], ["submitted", "approved"],
                      ["approved", "disbursed"]]
    assert events.last().actor == world.approver_a


def test_submission_notifies_the_approvers_after_commit(world, django_capture_on_commit_callbacks):
    program = make_program(world)
    application = make_application(world, program)
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_application_submit(actor=world.officer_a, application_id=application.pk)
    assert [m.to for m in mail.outbox] == [[world.approver_a.email]]
    assert application.number in mail.outbox[0].subject


def test_approval_past_the_consulate_budget_is_refused_naming_it(world):
    program = make_program(world, allocations={world.consulate_a: Decimal("1500")})
    approved(world, program, amount=Decimal("1000"))
    second = submitted(world, program, amount=Decimal("800"))
    with pytest.raises(ValidationError) as info:
        services.grant_application_approve(actor=world.approver_a, application_id=second.pk)
    assert "exceed the consulate's budget by USD 300.00" in str(info.value)
    second.refresh_from_db()
    assert second.state == State.SUBMITTED
    assert not GrantApproval.objects.filter(application=second).exists()
    assert consulate_position(program, world.consulate_a).reserved == 100000


def test_approval_past_the_partner_cap_is_refused_naming_it(world):
    program = make_program(world)
    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk,
                                   partner=world.partner_x, amount=Decimal("500"))
    application = submitted(world, program, amount=Decimal("700"),
                            payee_kind=PayeeKind.PARTNER, payee_partner=world.partner_x)
    with pytest.raises(ValidationError) as info:
        services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    assert "exceed the partner's cap by USD 200.00" in str(info.value)
    assert consulate_position(program, world.consulate_a).reserved == 0


def test_partner_payee_reserves_the_partner_cap(world):
    program = make_program(world)
    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk,
                                   partner=world.partner_x, amount=Decimal("5000"))
    approved(world, program, amount=Decimal("700"), payee_kind=PayeeKind.PARTNER,
             payee_partner=world.partner_x)
    partner = budget_position(program=program.ledger_ref, currency="USD",
                              partner_id=world.partner_x.pk)
    assert partner.reserved == 70000


def test_per_grant_maximum_is_refused_at_approval_naming_it(world):
    program = make_program(world, per_grant_max=Decimal("2000"))
    application = submitted(world, program, amount=Decimal("2000"))
    program.per_grant_max = Money("1500", "USD")
    program.save()
    with pytest.raises(ValidationError) as info:
        services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    assert "per-case maximum of USD 1,500.00 would be exceeded by USD 500.00" in str(info.value)


def test_amount_above_the_per_grant_maximum_is_refused_at_creation(world):
    program = make_program(world, per_grant_max=Decimal("2000"))
    with pytest.raises(ValidationError, match="per-grant maximum"):
        make_application(world, program, amount=Decimal("2000.01"))


def test_nobody_approves_their_own_application(world):
    program = make_program(world)
    both = user_with_role(Role.CONSULATE_OFFICER, consulate=world.consulate_a, username="both")
    both.memberships.create(role=Role.FINANCE_APPROVER, consulate=world.consulate_a)
    application = submitted(world, program, officer=both)
    with pytest.raises(ValidationError, match="different approver"):
        services.grant_application_approve(actor=both, application_id=application.pk)


def test_above_a_tier_two_different_approvers_sign_and_reserve_once(world):
    program = make_program(world, tiers=[{"above": "1000", "approvals": 2}])
    second_approver = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                                     username="approver_a2")
    application = submitted(world, program, amount=Decimal("1500"))
    services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    # The first signature holds the money; the second approves on that same reservation.
    assert consulate_position(program, world.consulate_a).reserved == 150000
    with pytest.raises(ValidationError, match="already signed"):
        services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    services.grant_application_approve(actor=second_approver, application_id=application.pk)
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert application.approvals.count() == 2
    assert consulate_position(program, world.consulate_a).reserved == 150000


def test_a_replayed_approval_changes_nothing(world):
    program = make_program(world)
    application = approved(world, program)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="no longer possible"):
        services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    assert AuditEvent.objects.count() == events
    assert consulate_position(program, world.consulate_a).reserved == 100000


def test_a_replayed_disbursement_changes_nothing(world):
    program = make_program(world)
    application = disbursed(world, program)
    events = AuditEvent.objects.count()
    [disbursement] = Disbursement.objects.filter(object_id=str(application.pk))
    casework_payments.on_paid(None, disbursement=disbursement)  # the signal again
    with pytest.raises(ValidationError, match="no longer possible"):
        services.grant_application_request_payment(actor=world.approver_a,
                                                   application_id=application.pk)
    assert AuditEvent.objects.count() == events
    assert Disbursement.objects.filter(object_id=str(application.pk)).count() == 1
    assert consulate_position(program, world.consulate_a).committed == 100000
    call_command("ledger_verify")


def test_payment_is_requested_for_the_approved_amount_once(world):
    program = make_program(world)
    application = approved(world, program, amount=Decimal("1000"))
    first = services.grant_application_request_payment(actor=world.approver_a,
                                                       application_id=application.pk)
    again = services.grant_application_request_payment(actor=world.approver_a,
                                                       application_id=application.pk)
    assert first.pk == again.pk
    assert (first.amount, first.currency, first.status) == (100000, "USD", "requested")
    assert first.reservation_key == application.reservation_key
    assert GrantApplication.objects.get(pk=application.pk).state == "approved"
    services.grant_application_void(actor=world.approver_a, application_id=application.pk,
                                    comment="Duplicate")
    assert Disbursement.objects.get(pk=first.pk).status == "cancelled"  # nothing will be paid
    assert GrantApplication.objects.get(pk=application.pk).state == "voided"


@pytest.mark.parametrize("action", ["void", "withdraw"])
def test_void_or_withdrawal_after_approval_releases_the_reservation(world, action):
    program = make_program(world)
    application = approved(world, program)
    if action == "void":
        services.grant_application_void(actor=world.approver_a, application_id=application.pk,
                                        comment="Duplicada")
    else:
        services.grant_application_withdraw(actor=world.officer_a, application_id=application.pk)
    position = consulate_position(program, world.consulate_a)
    assert (position.reserved, position.available) == (0, 2000000)
    call_command("ledger_verify")


def test_return_to_draft_needs_a_reason_and_restarts_the_signatures(world):
    program = make_program(world, tiers=[{"above": "500", "approvals": 2}])
    application = submitted(world, program)
    services.grant_application_approve(actor=world.approver_a, application_id=application.pk)
    with pytest.raises(ValidationError, match="say why"):
        services.grant_application_return(actor=world.approver_a, application_id=application.pk,
                                          comment=" ")
    services.grant_application_return(actor=world.approver_a, application_id=application.pk,
                                      comment="Falta el recibo del hospital")
    services.grant_application_submit(actor=world.officer_a, application_id=application.pk)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert selectors.application_approvals(application) == []


def test_missing_required_document_is_refused_naming_it(world):
    program = make_program(world, required_documents=[DocumentKind.REPATRIATION_LETTER,
                                                      DocumentKind.IDENTIFICATION])
    application = make_application(world, program)
    services.grant_document_add(actor=world.officer_a, application_id=application.pk,
                                kind=DocumentKind.IDENTIFICATION, checked=checked_png())
    with pytest.raises(ValidationError, match="Repatriation letter"):
        services.grant_application_submit(actor=world.officer_a, application_id=application.pk)
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_ineligible_answer_is_refused_saying_why(world):
    program = make_program(world, questions=[
        ("¿La familia puede pagar el traslado?", False, "The family can pay the transfer.")])
    question = program.questions.get()
    application = make_application(world, program, answers={str(question.pk): True})
    with pytest.raises(ValidationError, match="The family can pay the transfer"):
        services.grant_application_submit(actor=world.officer_a, application_id=application.pk)


def test_reintegration_needs_the_beneficiarys_curp(world):
    program = make_program(world, kind=GrantKind.REINTEGRATION, currency="MXN",
                           per_grant_max=Decimal("2000"),
                           allocations={world.consulate_a: Decimal("20000")})
    no_curp = BeneficiaryFactory(consulate=world.consulate_a, curp="")
    application = make_application(world, program, beneficiary=no_curp,
                                   amount=Decimal("2000"))
    with pytest.raises(ValidationError, match="CURP"):
        services.grant_application_submit(actor=world.officer_a, application_id=application.pk)


def test_second_grant_of_the_same_kind_within_the_waiting_period_is_flagged(world):
    program = make_program(world, waiting_period_days=180)
    other = make_program(world, name="Second program", waiting_period_days=180)
    first = disbursed(world, program)
    second = submitted(world, other)
    unrelated = submitted(world, program, beneficiary=BeneficiaryFactory(
        consulate=world.consulate_a))
    queue = {a.pk: a for a in selectors.flag_earlier_grants(
        selectors.approval_queue(user=world.approver_a))}
    assert [a.pk for a in queue[second.pk].earlier_grants] == [first.pk]
    assert queue[unrelated.pk].earlier_grants == []
    # Flagged, not blocked.
    services.grant_application_approve(actor=world.approver_a, application_id=second.pk)


@pytest.mark.parametrize("persona", ["officer_b", "partner_x", "partner_y", "auditor",
                                     "admin", "officer_a"])
def test_approval_actions_refused_to_other_roles_and_tenants(world, persona):
    program = make_program(world)
    application = submitted(world, program)
    user = world.personas[persona]
    for service in (services.grant_application_approve, services.grant_application_reject,
                    services.grant_application_return):
        with pytest.raises(PermissionDenied):
            service(actor=user, application_id=application.pk, comment="x")
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


@pytest.mark.parametrize("persona", ["officer_b", "approver_a", "partner_x", "auditor",
                                     "admin"])
def test_officer_actions_refused_to_other_roles_and_tenants(world, persona):
    program = make_program(world)
    user = world.personas[persona]
    with pytest.raises(PermissionDenied):
        make_application(world, program, officer=user)
    application = make_application(world, program)
    for service in (services.grant_application_submit, services.grant_application_withdraw):
        with pytest.raises(PermissionDenied):
            service(actor=user, application_id=application.pk)
    with pytest.raises(PermissionDenied):
        services.grant_document_add(actor=user, application_id=application.pk,
                                    kind=DocumentKind.OTHER, checked=checked_png())


def test_receipt_by_the_partner_payee_and_not_by_another_partner(world):
    program = make_program(world)
    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk,
                                   partner=world.partner_x, amount=Decimal("5000"))
    application = disbursed(world, program, payee_kind=PayeeKind.PARTNER,
                            payee_partner=world.partner_x)
    for user in (world.partner_y_staff, world.auditor, world.officer_b):
        with pytest.raises(PermissionDenied):
            services.grant_application_confirm_receipt(
                actor=user, application_id=application.pk, received_on=timezone.localdate(),
                checked=checked_png())
    services.grant_application_confirm_receipt(
        actor=world.partner_x_staff, application_id=application.pk,
        received_on=timezone.localdate(), checked=checked_png("recibo.png"))
    application.refresh_from_db()
    assert application.state == State.CONFIRMED
    assert application.documents.filter(kind=DocumentKind.SIGNED_RECEIPT).exists()
    with pytest.raises(PermissionDenied):
        services.grant_application_close(actor=world.partner_x_staff, application_id=application.pk)
    services.grant_application_close(actor=world.officer_a, application_id=application.pk)
    application.refresh_from_db()
    assert application.state == State.CLOSED


def test_program_actions_only_for_program_administrators(world):
    program = make_program(world)
    for user in (world.officer_a, world.approver_a, world.auditor, world.partner_x_staff):
        with pytest.raises(PermissionDenied):
            services.grant_program_allocate(actor=user, program_id=program.pk,
                                            consulate=world.consulate_a, amount=Decimal("1"))


def test_allocation_past_the_unallocated_budget_is_refused(world):
    program = make_program(world, total=Decimal("1000"), per_grant_max=Decimal("500"),
                           allocations={world.consulate_a: Decimal("800")})
    with pytest.raises(ValidationError, match="short by USD 100.00"):
        services.grant_program_allocate(actor=world.admin, program_id=program.pk,
                                        consulate=world.consulate_b, amount=Decimal("300"))
    assert program.allocations.count() == 1


def test_the_beneficiary_history_shows_grants_to_those_who_may_see_them(world):
    from core.history import beneficiary_history

    program = make_program(world)
    application = approved(world, program)
    [item] = [i for i in beneficiary_history(beneficiary=world.ben_a, user=world.officer_a)
              if application.number in i.title]
    assert item.state_label == str(State.APPROVED.label)
    assert not [i for i in beneficiary_history(beneficiary=world.ben_a, user=world.officer_b)
                if application.number in i.title]
