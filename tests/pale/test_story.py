"""The whole PALE story through the pages: refer, accept, work, bond, bill, pay, alert, report."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from bondfund import services as bond_services
from bondfund.models import BondRequest
from bondfund.models import State as BondState
from core.models import Role
from ledger import funds
from pale import services
from pale.models import Invoice, InvoiceState, Milestone, Referral, ReferralState
from payments.models import Disbursement, Status
from tests.bondfund.factories import make_program as make_bond_program
from tests.bondfund.factories import qualifying_answers
from tests.core.factories import BeneficiaryFactory, PartnerFactory, user_with_role
from tests.helpers import sign_in
from tests.pale.factories import legal_program, make_contract, second_approver

UTC = datetime.UTC
MONDAY = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 09:00 in Chicago


def client_for(user):
    return sign_in(Client(), user)


@pytest.fixture
def pale(world):
    world.consulate_a.time_zone = "America/Chicago"
    world.consulate_a.save()
    world.program = legal_program(world)
    world.contract = make_contract(world, world.program)
    other = PartnerFactory(name="Loyola Immigration Clinic", ein="36-1111111")
    other.consulates.add(world.consulate_a)
    world.clinic = other
    world.clinic_staff = user_with_role(Role.PARTNER_STAFF, partner=other, username="clinic")
    world.other_contract = make_contract(world, world.program, advisor=other,
                                         budget=Decimal("5000"))
    world.approver_a2 = second_approver(world)
    return world


def _post(client, name, data=None, **kwargs):
    response = client.post(reverse(name, kwargs=kwargs), data or {})
    assert response.status_code == 302, response.content[:500]
    return response


def test_refer_accept_work_bond_bill_pay_alert_and_report(pale, django_capture_on_commit_callbacks):
    w = pale
    officer, advisor = client_for(w.officer_a), client_for(w.partner_x_staff)
    with time_machine.travel(MONDAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = officer.post(
                reverse("pale:referral_create") + f"?beneficiary={w.ben_a.pk}",
                {"contract": w.contract.pk, "matter": "detention_bond", "urgency": "normal",
                 "notes": "Detenido en Broadview"})
            assert response.status_code == 302
        referral = Referral.objects.get(beneficiary=w.ben_a)
        # Two business days in Chicago: Wednesday 09:00 local.
        assert referral.respond_by == datetime.datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
        assert any("PALE-" in m.subject for m in mail.outbox)
        # Only the advisor it was referred to (and the consulate) sees it.
        url = reverse("pale:referral_detail", args=[referral.pk])
        assert advisor.get(url).status_code == 200
        assert client_for(w.clinic_staff).get(url).status_code == 404
        assert client_for(w.partner_y_staff).get(url).status_code == 404
        assert client_for(w.officer_b).get(url).status_code == 404

    with time_machine.travel(MONDAY + datetime.timedelta(days=1, hours=5), tick=False):
        _post(advisor, "pale:referral_accept", pk=referral.pk)
        for day, topic in ((2, "Primera entrevista"), (3, "Preparación de audiencia")):
            _post(advisor, "pale:session_add", {
                "held_on": f"2026-03-0{day}", "mode": "detention_visit", "topic": topic,
                "minutes": 60, "outcome": "Documentos reunidos", "next_step": "Audiencia"},
                pk=referral.pk)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and not referral.is_late()
    assert referral.sessions.count() == 2

    with time_machine.travel(datetime.datetime(2026, 3, 10, 18, 0, tzinfo=UTC), tick=False):
        _post(advisor, "pale:milestone_add", {
            "kind": "bond_hearing", "occurred_on": "2026-03-10", "result": "bond_granted",
            "judge_or_court": "IJ Chicago Immigration Court", "bond_amount": "5000"},
            pk=referral.pk)
        hearing = Milestone.objects.get(referral=referral)
        bond_program = make_bond_program(w)
        page = officer.get(reverse("pale:referral_detail", args=[referral.pk]))
        assert reverse("pale:hearing_bond", args=[hearing.pk]).encode() in page.content
        _post(officer, "pale:hearing_bond", {
            "program": bond_program.pk, "facility": "Broadview Processing Center",
            "detained_on": "2026-02-27"}, pk=hearing.pk)
        hearing.refresh_from_db()
        bond = hearing.bond_request
        assert (bond.amount, bond.authority, bond.decided_on) == (
            Money("5000", "USD"), "ij", datetime.date(2026, 3, 10))
        bond_services.bond_request_update(actor=w.officer_a, request_id=bond.pk,
                                          obligor=w.partner_x,
                                          eligibility_answers=qualifying_answers(bond_program))
        bond_services.bond_request_submit(actor=w.officer_a, request_id=bond.pk)
        bond_services.bond_request_approve(actor=w.approver_a, request_id=bond.pk)
        assert BondRequest.objects.get(pk=bond.pk).state == BondState.APPROVED

    # April: the advisor bills March; two approvers sign; finance records the wire.
    with time_machine.travel(datetime.datetime(2026, 4, 2, 16, 0, tzinfo=UTC), tick=False):
        _post(advisor, "pale:invoice_create", {"contract": w.contract.pk, "month": "2026-03-01"})
        invoice = Invoice.objects.get(contract=w.contract)
        assert invoice.amount == Money("1500", "USD")  # 2 x 150 + 1,200
        first = client_for(w.approver_a)
        _post(first, "pale:invoice_approve", {"comment": "Conforme"}, pk=invoice.pk)
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.SUBMITTED
        _post(first, "pale:invoice_approve", pk=invoice.pk)  # the same person again: refused
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.SUBMITTED and invoice.approvals.count() == 1
        _post(client_for(w.approver_a2), "pale:invoice_approve", pk=invoice.pk)
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.APPROVED
        reservation = funds.reservation_get(invoice.reservation_key)
        assert reservation.amount == 150000 and reservation.partner_id == w.partner_x.pk
        payment = Disbursement.objects.get(object_type="pale.invoice", object_id=str(invoice.pk))
        _post(first, "payments:disbursement_record_manual", {
            "method": "wire", "reference": "FW-PALE-1", "sent_on": "2026-04-02"},
            pk=payment.pk)
        payment.refresh_from_db()
        invoice.refresh_from_db()
        assert payment.status == Status.PAID
        assert invoice.state == InvoiceState.PAID and invoice.paid_on == datetime.date(2026, 4, 2)
        expense = funds.account("grant_expense", program=w.program.ledger_ref, currency="USD",
                                consulate_id=w.consulate_a.pk, partner_id=w.partner_x.pk)
        expense.refresh_from_db()
        assert expense.credits_posted - expense.debits_posted == 150000

    # A late referral alerts the officer once, who refers the person elsewhere.
    late_person = BeneficiaryFactory(consulate=w.consulate_a, given_names="Tomás",
                                     family_names="Rentería Luna")
    with time_machine.travel(datetime.datetime(2026, 4, 3, 15, 0, tzinfo=UTC), tick=False):
        response = officer.post(
            reverse("pale:referral_create") + f"?beneficiary={late_person.pk}",
            {"contract": w.contract.pk, "matter": "removal_defence", "urgency": "urgent"})
        assert response.status_code == 302
        late = Referral.objects.get(beneficiary=late_person)
        # Urgent: one business day; Friday 10:00 in Chicago -> Monday 10:00.
        assert late.respond_by == datetime.datetime(2026, 4, 6, 15, 0, tzinfo=UTC)
    with time_machine.travel(datetime.datetime(2026, 4, 6, 16, 0, tzinfo=UTC), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.referrals_alert_overdue() == 1
            assert services.referrals_alert_overdue() == 0  # safe to run twice
        assert [m.to for m in mail.outbox] == [[w.officer_a.email]]
        page = officer.get(reverse("pale:referral_list"))
        assert "Rentería Luna".encode() in page.content and late.number.encode() in page.content
        response = officer.post(reverse("pale:referral_redirect", args=[late.pk]),
                                {"contract": w.other_contract.pk})
        assert response.status_code == 302
        late.refresh_from_db()
        assert late.state == ReferralState.REDIRECTED
        assert late.redirected_to.advisor == w.clinic

    # The report counts all of it.
    admin = client_for(w.admin)
    with time_machine.travel(datetime.datetime(2026, 4, 30, 18, 0, tzinfo=UTC), tick=False):
        response = admin.get(reverse("pale:report"), {"date_from": "2026-01-01",
                                                      "date_to": "2026-04-30"})
    report = response.context["report"]
    assert (report.bond_cases, report.bond_authorized) == (1, Money("5000", "USD"))
    assert (report.referrals, report.people_referred, report.sessions) == (3, 2, 2)
    assert report.people_served == 1
    legal = [g for g in report.grants if g[4] == "legal_fees"]
    assert legal == []  # invoices are not grant applications; PALE is counted by sessions
