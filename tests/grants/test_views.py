"""Grants through the browser's eyes: the Django test client, personas signed in."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from core.models import AuditEvent
from core.money import from_minor
from grants.models import GrantApplication, GrantProgram, State
from grants.services import money_display
from ledger.selectors import budget_position
from payments.models import Disbursement
from tests.core.factories import BeneficiaryFactory
from tests.grants.factories import approved, make_program, png_upload, submitted
from tests.helpers import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ticking_clock")]


def client_for(user, **kwargs):
    return sign_in(Client(**kwargs), user)


def post_ok(client, url, data=None):
    response = client.post(url, {**(data or {}), "confirm": "1"})
    assert response.status_code == 302, response.content[:500]
    return response


def messages_of(client, url):
    return [str(m) for m in client.get(url).context["messages"]]


def assert_program_page_matches_ledger(client, program, consulate):
    response = client.get(reverse("grants:program_detail", args=[program.pk]))
    assert response.status_code == 200
    ledger = budget_position(program=program.ledger_ref, currency=program.currency)
    here = budget_position(program=program.ledger_ref, currency=program.currency,
                           consulate_id=consulate.pk)
    total = response.context["total"]
    [row] = [r for r in response.context["rows"] if r.consulate == consulate]
    for shown, figures in ((total, ledger), (row, here)):
        for field in ("allocated", "reserved", "committed", "available"):
            assert getattr(shown, field) == from_minor(getattr(figures, field),
                                                       program.currency)
            assert money_display(getattr(shown, field)).encode() in response.content
    return here


def create_program_through_the_page(admin, world, **fields):
    client = client_for(admin)
    post_ok(client, reverse("grants:program_create"), fields)
    program = GrantProgram.objects.get(name=fields["name"])
    post_ok(client, reverse("grants:program_allocate", args=[program.pk]), {
        "allocation-consulate": world.consulate_a.pk, "allocation-amount": "10000"})
    return program, client


def release_and_record(client, application, *, method="wire", reference="REF-9"):
    """Release payment on the application's page, then record it on the payments page."""
    response = post_ok(client, reverse("grants:application_action",
                                       args=[application.pk, "request-payment"]),
                       {"request-payment-comment": "Pagar"})
    page = client.get(response.url)
    assert page.status_code == 200, response.url
    disbursement = page.context["d"]
    assert disbursement.object_id == str(application.pk)
    post_ok(client, reverse("payments:disbursement_record_manual", args=[disbursement.pk]), {
        "method": method, "reference": reference,
        "sent_on": timezone.localdate().isoformat()})
    return disbursement


def walk_application(world, program, *, answers, documents, amount, payee, receipt_by):
    officer = client_for(world.officer_a)
    create_url = (reverse("grants:application_create")
                  + f"?beneficiary={world.ben_a.pk}&program={program.pk}")
    assert officer.get(create_url).status_code == 200
    post_ok(officer, create_url, {"amount": amount, "purpose": "Apoyo", **payee, **answers})
    application = GrantApplication.objects.get(program=program)
    detail = reverse("grants:application_detail", args=[application.pk])
    for kind in documents:
        post_ok(officer, reverse("grants:document_upload", args=[application.pk]),
                {"document-kind": kind, "document-file": png_upload(f"{kind}.png")})
    post_ok(officer, reverse("grants:application_action", args=[application.pk, "submit"]))

    approver = client_for(world.approver_a)
    assert approver.get(reverse("grants:approval_queue")).context["applications"] == [
        application]
    post_ok(approver, reverse("grants:application_action", args=[application.pk, "approve"]),
            {"approve-comment": "Procede"})
    disbursement = release_and_record(approver, application)
    assert disbursement.money == Money(amount, program.currency)
    assert approver.get(detail).context["disbursements"][0].status == "paid"
    post_ok(receipt_by, reverse("grants:application_action", args=[application.pk, "receipt"]), {
        "receipt-received_on": timezone.localdate().isoformat(),
        "receipt-receipt": png_upload("recibo-firmado.png")})
    post_ok(officer, reverse("grants:application_action", args=[application.pk, "close"]))
    application.refresh_from_db()
    assert application.state == State.CLOSED, messages_of(officer, detail)
    page = officer.get(detail)
    assert b"recibo-firmado.png" in page.content
    assert [(e.from_label, e.to_label) for e in page.context["history"]][-1] == (
        State.CONFIRMED.label, State.CLOSED.label)
    return application


def test_life_of_an_mxn_reintegration_grant(world):
    program, admin = create_program_through_the_page(world.admin, world, **{
        "name": "Programa de reintegración México te abraza", "kind": "reintegration",
        "currency": "MXN", "total_budget": "100000", "per_grant_max": "2000",
        "approval_tiers": "[]", "waiting_period_days": "365",
        "required_documents": ["curp", "repatriation_letter", "identification"],
        "questions": "¿Fue repatriado en los últimos 30 días? | yes | Only recent returnees."})
    question = program.questions.get()
    application = walk_application(
        world, program, answers={f"question_{question.pk}": "yes"},
        documents=["curp", "repatriation_letter", "identification"], amount="2000",
        payee={"payee_kind": "beneficiary", "payee_name": "Ximena Alvarado",
               "payee_account": "Tarjeta 5555"},
        receipt_by=client_for(world.officer_a))
    assert application.disbursed_amount == Money("2000", "MXN")
    here = assert_program_page_matches_ledger(admin, program, world.consulate_a)
    assert (here.committed, here.available) == (200000, 800000)
    call_command("ledger_verify")


def test_life_of_a_usd_medical_repatriation_paid_to_a_partner(world):
    program, admin = create_program_through_the_page(world.admin, world, **{
        "name": "Repatriación médica", "kind": "medical_repatriation", "currency": "USD",
        "total_budget": "50000", "per_grant_max": "8000",
        "approval_tiers": '[{"above": "10000", "approvals": 2}]', "waiting_period_days": "0",
        "required_documents": ["medical_report"], "questions": ""})
    post_ok(admin, reverse("grants:program_partner_cap", args=[program.pk]), {
        "cap-partner": world.partner_x.pk, "cap-amount": "6000"})
    walk_application(
        world, program, answers={}, documents=["medical_report"], amount="4500.25",
        payee={"payee_kind": "partner", "payee_partner": world.partner_x.pk,
               "payee_name": "Midwest Immigrant Bond Project", "payee_account": "ACH 123"},
        receipt_by=client_for(world.partner_x_staff))
    here = assert_program_page_matches_ledger(admin, program, world.consulate_a)
    assert (here.committed, here.available) == (450025, 1000000 - 450025)
    partner = budget_position(program=program.ledger_ref, currency="USD",
                              partner_id=world.partner_x.pk)
    assert partner.committed == 450025
    call_command("ledger_verify")


def test_report_keeps_mxn_and_usd_apart(world):
    usd = make_program(world, name="USD program")
    mxn = make_program(world, name="MXN program", currency="MXN",
                       per_grant_max=Decimal("2000"))
    for program, amount in ((usd, "700"), (usd, "300"), (mxn, "2000")):
        application = approved(world, program, amount=Decimal(amount),
                               beneficiary=BeneficiaryFactory(consulate=world.consulate_a))
        client = client_for(world.approver_a)
        release_and_record(client, application, method="card", reference="C")
    response = client_for(world.auditor).get(reverse("grants:report"))
    totals = {t["disbursed_amount_currency"]: t["granted"] for t in response.context["totals"]}
    assert totals == {"USD": Money("1000", "USD"), "MXN": Money("2000", "MXN")}
    assert b"USD 1,000.00" in response.content and b"MXN 2,000.00" in response.content
    assert b"3,000.00" not in response.content
    officer_b = client_for(world.officer_b).get(reverse("grants:report"))
    assert officer_b.context["totals"] == []


def test_a_double_clicked_approval_transitions_once_and_says_so(world):
    program = make_program(world)
    application = submitted(world, program)
    client = client_for(world.approver_a)
    url = reverse("grants:application_action", args=[application.pk, "approve"])
    post_ok(client, url)
    events = AuditEvent.objects.count()
    post_ok(client, url)
    detail = reverse("grants:application_detail", args=[application.pk])
    assert any("no longer possible" in m for m in messages_of(client, detail))
    assert AuditEvent.objects.count() == events
    assert budget_position(program=program.ledger_ref, currency="USD",
                           consulate_id=world.consulate_a.pk).reserved == 100000


def test_out_of_order_and_forged_posts_change_nothing(world):
    program = make_program(world)
    application = submitted(world, program)
    officer = client_for(world.officer_a)
    post_ok(officer, reverse("grants:application_action", args=[application.pk, "close"]))
    approver = client_for(world.approver_a)
    post_ok(approver, reverse("grants:application_action",
                              args=[application.pk, "request-payment"]),
            {"request-payment-comment": "x"})
    assert not Disbursement.objects.exists()
    no_csrf = client_for(world.approver_a, enforce_csrf_checks=True)
    assert no_csrf.post(reverse("grants:application_action",
                                args=[application.pk, "approve"])).status_code == 403
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert budget_position(program=program.ledger_ref, currency="USD",
                           consulate_id=world.consulate_a.pk).reserved == 0


@pytest.mark.parametrize("persona, status", [
    ("officer_a", 403), ("officer_b", 404), ("partner_x", 404), ("partner_y", 404),
    ("auditor", 403), ("admin", 403)])
def test_approver_actions_denied_to_other_roles_and_tenants(world, persona, status):
    program = make_program(world)
    application = submitted(world, program)
    client = client_for(world.personas[persona])
    for name in ("approve", "return", "reject"):
        response = client.post(reverse("grants:application_action", args=[application.pk, name]),
                               {f"{name}-comment": "x"})
        assert response.status_code == status, name
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


@pytest.mark.parametrize("persona, status", [
    ("approver_a", 403), ("officer_b", 404), ("partner_y", 404), ("auditor", 403),
    ("admin", 403)])
def test_officer_and_receipt_actions_denied_to_other_roles_and_tenants(world, persona,
                                                                       status):
    program = make_program(world)
    application = approved(world, program)
    client = client_for(world.personas[persona])
    for name in ("withdraw", "close", "receipt"):
        response = client.post(reverse("grants:application_action", args=[application.pk, name]), {
            "receipt-received_on": timezone.localdate(), "receipt-receipt": png_upload()})
        assert response.status_code == status, name
    application.refresh_from_db()
    assert application.state == State.APPROVED


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "auditor", "partner_x"])
def test_program_actions_denied_to_all_but_program_administrators(world, persona):
    program = make_program(world)
    client = client_for(world.personas[persona])
    response = client.post(reverse("grants:program_allocate", args=[program.pk]), {
        "allocation-consulate": world.consulate_b.pk, "allocation-amount": "1"})
    assert response.status_code == 403
    assert program.allocations.count() == 1


def test_cap_refusal_is_shown_with_the_cap_named(world):
    program = make_program(world, allocations={world.consulate_a: Decimal("500")})
    application = submitted(world, program, amount=Decimal("800"))
    client = client_for(world.approver_a)
    response = client.post(reverse("grants:application_action", args=[application.pk, "approve"]),
                           {"approve-comment": "Procede", "confirm": "1"})
    assert response.status_code == 400  # the form comes back with the refusal and the comment
    page = response.content.decode()
    assert "exceed the consulate&#x27;s budget by USD 300.00" in page
    assert "Procede" in page


def test_ineligible_answer_says_why_on_the_form(world):
    program = make_program(world, questions=[
        ("¿La familia puede pagar?", False, "The family can pay: this program cannot help.")])
    question = program.questions.get()
    client = client_for(world.officer_a)
    url = (reverse("grants:application_create")
           + f"?beneficiary={world.ben_a.pk}&program={program.pk}")
    response = client.post(url, {"amount": "100", "purpose": "x", "payee_kind": "vendor",
                                 "payee_name": "Funeraria", f"question_{question.pk}": "yes"})
    assert response.status_code == 200
    assert "The family can pay: this program cannot help." in response.content.decode()
    assert not GrantApplication.objects.exists()


def test_submission_without_a_required_document_names_it(world):
    program = make_program(world, required_documents=["death_certificate"])
    client = client_for(world.officer_a)
    create = (reverse("grants:application_create")
              + f"?beneficiary={world.ben_a.pk}&program={program.pk}")
    post_ok(client, create, {"amount": "100", "purpose": "x", "payee_kind": "vendor",
                             "payee_name": "Funeraria del Carmen"})
    application = GrantApplication.objects.get()
    response = client.post(reverse("grants:application_action", args=[application.pk, "submit"]))
    assert response.status_code == 400
    assert "Death certificate" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_waiting_period_flag_is_on_the_approval_page(world):
    program = make_program(world, waiting_period_days=90)
    first = approved(world, program, amount=Decimal("100"))
    second = submitted(world, program, amount=Decimal("100"))
    response = client_for(world.approver_a).get(
        reverse("grants:application_detail", args=[second.pk]))
    assert response.context["earlier_grants"] == [first]
    assert first.number.encode() in response.content
