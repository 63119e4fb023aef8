import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from bondfund import services
from bondfund.models import BondApproval, BondRequest, State
from core.models import Role
from ledger import selectors as ledger_selectors
from ledger.models import Transfer
from ledger.verify import verify
from payments.models import Disbursement
from payments.services import disbursement_record_manual
from tests.bondfund.factories import (
    TreasuryRateFactory,
    checked_pdf,
    make_program,
    make_request,
    pay,
    usd,
)
from tests.core.factories import user_with_role

D = datetime.date


def position(program, **dims):
    return ledger_selectors.budget_position(program=program.ledger_ref, currency="USD", **dims)


def recon(program, **dims):
    rows = ledger_selectors.reconciliation(program=program.ledger_ref, currency="USD", **dims)
    assert len(rows) == 1
    return rows[0]


def assert_books_balance():
    assert verify() == []
    call_command("ledger_verify")


@pytest.fixture
def second_approver(world):
    return user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                          username="approver_a2")


@pytest.fixture
def program(world):
    return make_program(world)


def walk_to_disbursed(world, program, amount=6_000):
    req = make_request(world, program, amount=amount)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    return pay(world, req)


def test_full_life_to_refund_with_interest_keeps_the_books(world, program):
    TreasuryRateFactory(effective_on=D(2025, 1, 1), rate_percent="4.2500")
    a, x = world.consulate_a.pk, world.partner_x.pk
    req = make_request(world, program, amount=6_000)
    assert req.state == State.SUBMITTED
    assert position(program, consulate_id=a).available == 100_000_00

    req = services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    assert req.state == State.APPROVED
    assert position(program, consulate_id=a).reserved == 6_000_00
    assert position(program, consulate_id=a).available == 94_000_00
    assert position(program, partner_id=x).available == 74_000_00
    assert_books_balance()

    req = pay(world, req, reference="FW-1")
    assert req.state == State.DISBURSED
    assert (req.disbursed_amount, req.disbursement_method) == (usd(6_000), "wire")
    assert position(program, consulate_id=a).reserved == 0
    assert position(program, consulate_id=a).committed == 6_000_00
    assert recon(program, consulate_id=a).disbursed == 6_000_00
    assert_books_balance()

    req = services.bond_request_confirm_posting(actor=world.partner_x_staff, request_id=req.pk,
                                                posted_on=D(2025, 12, 3), receipt=checked_pdf())
    assert recon(program, consulate_id=a).bonds_outstanding == 6_000_00
    assert req.documents.get().kind == "i305"
    assert_books_balance()

    req = services.bond_request_confirm_release(
        actor=world.partner_x_staff, request_id=req.pk, released_on=D(2025, 12, 4),
        document=checked_pdf("release.pdf"))
    with time_machine.travel(datetime.datetime(2026, 12, 4, 15, tzinfo=datetime.UTC)):
        req = services.bond_request_cancel(actor=world.officer_a, request_id=req.pk,
                                           cancelled_on=D(2026, 12, 3))
    assert req.state == State.REFUND_DUE
    row = recon(program, consulate_id=a)
    assert (row.bonds_outstanding, row.refunds_due) == (0, 6_000_00)
    assert_books_balance()

    # 365 days at min(4.25%, 3%) on USD 6,000 = USD 180.00
    from bondfund.selectors import interest_summary
    assert interest_summary(req)["expected"] == usd("180.00")

    with time_machine.travel(datetime.datetime(2027, 3, 2, 15, tzinfo=datetime.UTC)):
        req = services.bond_request_record_refund(
            actor=world.partner_x_staff, request_id=req.pk, principal=usd(6_000),
            interest=usd("179.50"), refunded_on=D(2027, 3, 1), confirm_shortfall=True)
    assert req.state == State.CLOSED_REFUNDED
    summary = interest_summary(req)
    assert summary["difference"] == usd("-0.50")
    row = recon(program, consulate_id=a)
    assert row.refunds_due == 50  # the confirmed shortfall of interest stays owed
    assert row.refunds_received_principal == 6_000_00
    assert row.refunds_received_interest == 179_50
    # The fund revolves: the principal is available again.
    assert position(program, consulate_id=a).available == 100_000_00
    assert position(program, partner_id=x).available == 80_000_00
    assert_books_balance()


def test_breach_then_write_off(world, program, second_approver):
    req = walk_to_disbursed(world, program, amount=8_000)
    req = services.bond_request_confirm_posting(actor=world.partner_x_staff, request_id=req.pk,
                                                posted_on=D(2025, 12, 3), receipt=checked_pdf())
    req = services.bond_request_confirm_release(
        actor=world.partner_x_staff, request_id=req.pk, released_on=D(2025, 12, 4),
        document=checked_pdf())
    req = services.bond_request_breach(actor=world.officer_a, request_id=req.pk,
                                       breached_on=D(2026, 2, 1))
    assert req.breach_appeal_deadline == D(2026, 3, 3)
    with pytest.raises(PermissionDenied):
        services.bond_request_write_off(actor=world.officer_a, request_id=req.pk,
                                        comment="Appeal lost")
    req = services.bond_request_write_off(actor=world.approver_a, request_id=req.pk,
                                          comment="Appeal lost")
    assert req.state == State.CLOSED_FORFEITED
    row = recon(program, consulate_id=world.consulate_a.pk)
    assert (row.bonds_outstanding, row.forfeited) == (0, 8_000_00)
    assert position(program, consulate_id=world.consulate_a.pk).committed == 8_000_00
    assert_books_balance()


def test_bond_decision_below_statutory_minimum_is_refused(world, program):
    with pytest.raises(ValidationError, match="1,500"):
        make_request(world, program, amount="1499.99")
    assert not BondRequest.objects.exists()


def test_own_request_cannot_be_approved(world, program):
    both = user_with_role(Role.CONSULATE_OFFICER, consulate=world.consulate_a, username="both")
    both.memberships.create(role=Role.FINANCE_APPROVER, consulate=world.consulate_a)
    req = make_request(world, program, officer=both)
    with pytest.raises(ValidationError, match="created or submitted"):
        services.bond_request_approve(actor=both, request_id=req.pk)
    req.refresh_from_db()
    assert req.state == State.SUBMITTED
    assert not BondApproval.objects.exists()


def test_above_threshold_needs_two_different_approvers(world, program, second_approver):
    req = make_request(world, program, amount=12_000)
    req = services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    assert req.state == State.SUBMITTED
    # The first signature holds the money, so the second cannot fail for lack of it.
    assert position(program, consulate_id=world.consulate_a.pk).reserved == 12_000_00
    with pytest.raises(ValidationError, match="different"):
        services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    req = services.bond_request_approve(actor=second_approver, request_id=req.pk)
    assert req.state == State.APPROVED
    assert req.approvals.count() == 2
    assert position(program, consulate_id=world.consulate_a.pk).reserved == 12_000_00


def test_replayed_approval_makes_one_reservation(world, program):
    req = make_request(world, program)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    with pytest.raises(ValidationError):
        services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    assert Transfer.objects.filter(code="authorize").count() == 2  # consulate + partner legs
    assert position(program, consulate_id=world.consulate_a.pk).reserved == 6_000_00


def test_cap_refusal_names_the_cap_and_shortfall(world):
    program = make_program(world, consulate_a=10_000, partner_x=50_000)
    first = make_request(world, program, amount=6_000)
    services.bond_request_approve(actor=world.approver_a, request_id=first.pk)
    second = make_request(world, program, amount=5_000)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.bond_request_approve(actor=world.approver_a, request_id=second.pk)
    with translation.override("en"):
        message = str(exc.value)
    assert "consulate" in message and "1,000.00" in message
    second.refresh_from_db()
    assert second.state == State.SUBMITTED
    assert not second.approvals.exists()


def test_partner_cap_refusal(world):
    program = make_program(world, partner_x=5_000)
    req = make_request(world, program, amount=6_000)
    with pytest.raises(ValidationError, match="partner"):
        services.bond_request_approve(actor=world.approver_a, request_id=req.pk)


def test_per_case_maximum_refusal(world):
    program = make_program(world, per_case=5_000, tiers=[])
    req = make_request(world, program, amount=6_000, submit=False)
    with pytest.raises(ValidationError, match="per-case"):
        services.bond_request_submit(actor=world.officer_a, request_id=req.pk)


def test_ineligible_answer_blocks_submission_with_the_reason(world, program):
    req = make_request(world, program, submit=False)
    q = program.eligibility_questions.get(qualifying_answer=False)
    answers = {str(k): v for k, v in req.eligibility_answers.items()}
    answers[str(q.pk)] = True
    services.bond_request_update(actor=world.officer_a, request_id=req.pk,
                                 eligibility_answers=answers)
    with pytest.raises(ValidationError, match="criminal record"):
        services.bond_request_submit(actor=world.officer_a, request_id=req.pk)


def test_mark_ineligible(world, program):
    req = make_request(world, program, submit=False)
    req = services.bond_request_mark_ineligible(actor=world.officer_a, request_id=req.pk,
                                                reason="mandatory_detention")
    assert req.state == State.INELIGIBLE


def test_stayed_bond_cannot_be_disbursed_until_lifted(world, program):
    req = make_request(world, program)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    services.bond_request_stay(actor=world.approver_a, request_id=req.pk,
                               filed_on=D(2025, 12, 1))
    with pytest.raises(ValidationError, match="stayed"):
        services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)
    assert not Disbursement.objects.exists()
    assert not Transfer.objects.filter(code="disburse").exists()
    services.bond_request_lift_stay(actor=world.approver_a, request_id=req.pk)
    req = pay(world, req, method="ach", reference="x")
    assert req.state == State.DISBURSED


def test_void_and_withdraw_release_the_reservation(world, program):
    a = world.consulate_a.pk
    one = make_request(world, program)
    services.bond_request_approve(actor=world.approver_a, request_id=one.pk)
    services.bond_request_void(actor=world.approver_a, request_id=one.pk, comment="Duplicate")
    two = make_request(world, program)
    services.bond_request_approve(actor=world.approver_a, request_id=two.pk)
    services.bond_request_withdraw(actor=world.officer_a, request_id=two.pk,
                                   comment="Family paid")
    assert position(program, consulate_id=a).reserved == 0
    assert position(program, consulate_id=a).available == 100_000_00
    assert_books_balance()


def test_withdraw_refused_once_money_moved(world, program):
    req = walk_to_disbursed(world, program)
    with pytest.raises(ValidationError):
        services.bond_request_withdraw(actor=world.officer_a, request_id=req.pk, comment="x")


def test_payment_is_requested_once_for_the_approved_amount_to_the_obligor(world, program):
    req = make_request(world, program)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    first = services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)
    again = services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)
    assert first.pk == again.pk and Disbursement.objects.count() == 1
    assert (first.amount, first.currency, first.payee_partner) == (600_000, "USD",
                                                                   world.partner_x)
    assert first.reservation_key == BondRequest.objects.get(pk=req.pk).reservation_key
    assert BondRequest.objects.get(pk=req.pk).state == State.APPROVED  # no money left yet



def approved_request(world, program):
    req = make_request(world, program, amount=6_000)
    return services.bond_request_approve(actor=world.approver_a, request_id=req.pk)


def test_a_stay_filed_after_payment_was_requested_stops_the_payment(world, program):
    req = approved_request(world, program)
    requested = services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)
    req = services.bond_request_stay(actor=world.approver_a, request_id=req.pk,
                                     filed_on=D(2025, 12, 1), comment="EOIR-43 filed")
    assert req.state == State.STAYED
    assert Disbursement.objects.get(pk=requested.pk).status == "cancelled"
    with translation.override("en"), pytest.raises(ValidationError, match="already cancelled"):
        disbursement_record_manual(
            disbursement_id=requested.pk, actor=world.approver_a, method="wire",
            reference="FW-9", sent_on=D(2025, 12, 2))
    position = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                                consulate_id=world.consulate_a.pk)
    assert (position.reserved, position.committed) == (600_000, 0)  # held, nothing paid
    assert verify() == []


@pytest.mark.parametrize("step", ["void", "withdraw"])
def test_a_void_or_withdrawal_cancels_the_requested_payment(world, program, step):
    req = approved_request(world, program)
    requested = services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)
    if step == "void":
        services.bond_request_void(actor=world.approver_a, request_id=req.pk, comment="x")
    else:
        services.bond_request_withdraw(actor=world.officer_a, request_id=req.pk, comment="x")
    assert Disbursement.objects.get(pk=requested.pk).status == "cancelled"
    position = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                                consulate_id=world.consulate_a.pk)
    assert position.reserved == 0
    assert verify() == []


def test_a_payment_already_asked_of_stripe_cannot_be_stopped_by_a_stay(world, program):
    req = approved_request(world, program)
    requested = services.bond_request_request_payment(actor=world.approver_a, request_id=req.pk)
    Disbursement.objects.filter(pk=requested.pk).update(status="sent", method="stripe_transfer")
    with translation.override("en"), pytest.raises(ValidationError, match="Stripe transfer"):
        services.bond_request_stay(actor=world.approver_a, request_id=req.pk,
                                   filed_on=D(2025, 12, 1))
    assert BondRequest.objects.get(pk=req.pk).state == State.APPROVED
    assert Disbursement.objects.get(pk=requested.pk).status == "sent"


def test_return_for_changes_and_reject(world, program):
    req = make_request(world, program)
    req = services.bond_request_return(actor=world.approver_a, request_id=req.pk,
                                       comment="Attach the IJ order")
    assert req.state == State.DRAFT
    req = services.bond_request_submit(actor=world.officer_a, request_id=req.pk)
    req = services.bond_request_reject(actor=world.approver_a, request_id=req.pk,
                                       comment="Not in the program")
    assert req.state == State.REJECTED


def test_every_transition_writes_the_audit_with_from_and_to(world, program):
    from core.models import AuditEvent

    req = make_request(world, program)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk, comment="ok")
    events = AuditEvent.objects.filter(object_type="bondfund.bondrequest",
                                       object_id=str(req.pk)).order_by("id")
    assert [e.changes["state"] for e in events] == [[None, "draft"], ["draft", "submitted"],
                                                     ["submitted", "approved"]]
    assert events.last().actor == world.approver_a
    assert events.last().comment == "ok"


def test_submit_notifies_the_consulates_approvers_after_commit(
        world, program, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_request(world, program)
    assert [m.to for m in mailoutbox] == [[world.approver_a.email]]


# Who may do each step ---------------------------------------------------------------------

ROLES = ("officer_a", "officer_b", "approver_a", "partner_x", "partner_y", "admin", "auditor")


def _steps(world):
    """step name, the personas allowed, how to bring a request there, the call."""
    def at(state_walk):
        return state_walk

    return [
        ("submit", {"officer_a"}, "draft",
         lambda u, r: services.bond_request_submit(actor=u, request_id=r.pk)),
        ("mark_ineligible", {"officer_a"}, "draft",
         lambda u, r: services.bond_request_mark_ineligible(actor=u, request_id=r.pk,
                                                            reason="bond_denied")),
        ("approve", {"approver_a"}, "submitted",
         lambda u, r: services.bond_request_approve(actor=u, request_id=r.pk)),
        ("return", {"approver_a"}, "submitted",
         lambda u, r: services.bond_request_return(actor=u, request_id=r.pk, comment="x")),
        ("reject", {"approver_a"}, "submitted",
         lambda u, r: services.bond_request_reject(actor=u, request_id=r.pk, comment="x")),
        ("withdraw", {"officer_a"}, "submitted",
         lambda u, r: services.bond_request_withdraw(actor=u, request_id=r.pk, comment="x")),
        ("stay", {"approver_a"}, "approved",
         lambda u, r: services.bond_request_stay(actor=u, request_id=r.pk,
                                                 filed_on=D(2025, 12, 1))),
        ("void", {"approver_a"}, "approved",
         lambda u, r: services.bond_request_void(actor=u, request_id=r.pk, comment="x")),
        ("request_payment", {"approver_a"}, "approved", _release_by_wire),
        ("confirm_posting", {"partner_x"}, "disbursed",
         lambda u, r: services.bond_request_confirm_posting(
             actor=u, request_id=r.pk, posted_on=D(2025, 12, 3), receipt=checked_pdf())),
        ("confirm_release", {"partner_x"}, "posted",
         lambda u, r: services.bond_request_confirm_release(
             actor=u, request_id=r.pk, released_on=D(2025, 12, 4), document=checked_pdf())),
        ("cancel", {"officer_a", "partner_x"}, "released",
         lambda u, r: services.bond_request_cancel(actor=u, request_id=r.pk,
                                                   cancelled_on=D(2026, 6, 1))),
        ("breach", {"officer_a", "partner_x"}, "released",
         lambda u, r: services.bond_request_breach(actor=u, request_id=r.pk,
                                                   breached_on=D(2026, 6, 1))),
        ("record_refund", {"partner_x", "approver_a"}, "refund_due",
         lambda u, r: services.bond_request_record_refund(
             actor=u, request_id=r.pk, principal=usd(6_000), interest=usd(10),
             refunded_on=D(2026, 9, 1))),
        ("write_off", {"approver_a"}, "breached",
         lambda u, r: services.bond_request_write_off(actor=u, request_id=r.pk, comment="x")),
    ]


def _release_by_wire(user, req):
    """Release payment and record the wire, both as `user` (the approver's two clicks)."""
    d = services.bond_request_request_payment(actor=user, request_id=req.pk)
    disbursement_record_manual(disbursement_id=d.pk, actor=user, method="wire",
                               reference="FW", sent_on=D(2025, 12, 2))


def _bring_to(world, program, state):
    req = make_request(world, program, submit=state != "draft")
    walk = {
        "approved": ["approve"], "disbursed": ["approve", "disburse"],
        "posted": ["approve", "disburse", "post"],
        "released": ["approve", "disburse", "post", "release"],
        "refund_due": ["approve", "disburse", "post", "release", "cancel"],
        "breached": ["approve", "disburse", "post", "release", "breach"],
    }.get(state, [])
    calls = {
        "approve": lambda: services.bond_request_approve(actor=world.approver_a,
                                                         request_id=req.pk),
        "disburse": lambda: pay(world, req, method="ach", reference="x"),
        "post": lambda: services.bond_request_confirm_posting(
            actor=world.partner_x_staff, request_id=req.pk, posted_on=D(2025, 12, 3),
            receipt=checked_pdf()),
        "release": lambda: services.bond_request_confirm_release(
            actor=world.partner_x_staff, request_id=req.pk, released_on=D(2025, 12, 4),
            document=checked_pdf()),
        "cancel": lambda: services.bond_request_cancel(
            actor=world.officer_a, request_id=req.pk, cancelled_on=D(2026, 6, 1)),
        "breach": lambda: services.bond_request_breach(
            actor=world.officer_a, request_id=req.pk, breached_on=D(2026, 6, 1)),
    }
    for step in walk:
        calls[step]()
    req = BondRequest.objects.get(pk=req.pk)
    assert req.state == state
    return req


@pytest.mark.parametrize("step", [s[0] for s in _steps(None)])
def test_each_transition_only_for_the_right_role_and_tenant(world, program, step):
    name, allowed, state, call = next(s for s in _steps(world) if s[0] == step)
    req = _bring_to(world, program, state)
    for persona in ROLES:
        if persona in allowed:
            continue
        with pytest.raises(PermissionDenied):
            call(world.personas[persona], req)
        assert BondRequest.objects.get(pk=req.pk).state == state, persona
    persona = sorted(allowed)[0]
    call(world.personas[persona], req)
    assert BondRequest.objects.get(pk=req.pk).state != state
    # A replay of the same step changes nothing and says why.
    with pytest.raises((ValidationError, PermissionDenied)):
        call(world.personas[persona], req)
    assert_books_balance()
