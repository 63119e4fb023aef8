"""The rules around referrals, invoices and figures that the story test does not cross."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from pale import figures, invoices, services
from pale.models import InvoiceState, Referral, ReferralState
from tests.helpers import sign_in
from tests.pale.factories import legal_program, make_contract, second_approver

UTC = datetime.UTC
FRIDAY = datetime.datetime(2026, 3, 6, 22, 0, tzinfo=UTC)  # 16:00 in Chicago


@pytest.fixture
def contract(world):
    world.consulate_a.time_zone = "America/Chicago"
    world.consulate_a.save()
    return make_contract(world, legal_program(world), budget=Decimal("1000"))


def _accepted(world, contract, when=FRIDAY):
    with time_machine.travel(when, tick=False):
        referral = services.referral_create(actor=world.officer_a, beneficiary=world.ben_a,
                                            contract=contract, matter="family")
        return services.referral_accept(actor=world.partner_x_staff, referral=referral)


def test_due_time_skips_the_weekend_in_the_consulates_zone(world, contract):
    with time_machine.travel(FRIDAY, tick=False):
        referral = services.referral_create(actor=world.officer_a, beneficiary=world.ben_a,
                                            contract=contract, matter="labour")
    # Friday 16:00 + 2 business days = Tuesday 16:00 in Chicago (21:00 UTC, daylight time).
    assert referral.respond_by == datetime.datetime(2026, 3, 10, 21, 0, tzinfo=UTC)


def test_decline_alerts_the_officer_and_only_the_advisor_may_answer(
        world, contract, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(FRIDAY, tick=False):
        referral = services.referral_create(actor=world.officer_a, beneficiary=world.ben_a,
                                            contract=contract, matter="labour")
        with pytest.raises(PermissionDenied):
            services.referral_accept(actor=world.partner_y_staff, referral=referral)
        with pytest.raises(ValidationError):
            services.referral_decline(actor=world.partner_x_staff, referral=referral, reason=" ")
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.referral_decline(actor=world.partner_x_staff, referral=referral,
                                      reason="Sin capacidad")
        assert [m.to for m in mailoutbox] == [[world.officer_a.email]]
        # An alert already sent is not repeated by the scheduled check.
        assert services.referrals_alert_overdue(now=FRIDAY + datetime.timedelta(days=9)) == 0
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.DECLINED


def test_work_is_recorded_only_by_the_advisor_on_an_accepted_referral(world, contract):
    with time_machine.travel(FRIDAY, tick=False):
        referral = services.referral_create(actor=world.officer_a, beneficiary=world.ben_a,
                                            contract=contract, matter="family")
        kwargs = dict(held_on=datetime.date(2026, 3, 6), mode="phone", topic="t", minutes=20,
                      outcome="o")
        with pytest.raises(ValidationError):
            services.session_record(actor=world.partner_x_staff, referral=referral, **kwargs)
        services.referral_accept(actor=world.partner_x_staff, referral=referral)
        with pytest.raises(PermissionDenied):
            services.session_record(actor=world.officer_a, referral=referral, **kwargs)
        with pytest.raises(ValidationError):
            services.session_record(actor=world.partner_x_staff, referral=referral,
                                    **{**kwargs, "held_on": datetime.date(2026, 3, 7)})


def test_an_invoice_beyond_the_contracts_budget_is_refused(world, contract):
    referral = _accepted(world, contract)
    with time_machine.travel(FRIDAY, tick=False):
        for _ in range(7):  # 7 x 150 = 1,050 > 1,000
            services.session_record(actor=world.partner_x_staff, referral=referral,
                                    held_on=datetime.date(2026, 3, 6), mode="phone", topic="t",
                                    minutes=30, outcome="o")
        with pytest.raises(ValidationError, match="has ended"):
            invoices.invoice_submit(actor=world.partner_x_staff, contract=contract,
                                    month=datetime.date(2026, 3, 1))
    with time_machine.travel(datetime.datetime(2026, 4, 1, 15, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError, match="budget"):
            invoices.invoice_submit(actor=world.partner_x_staff, contract=contract,
                                    month=datetime.date(2026, 3, 1))


def test_a_rejected_invoice_frees_its_work_to_be_billed_again(world, contract):
    referral = _accepted(world, contract)
    with time_machine.travel(FRIDAY, tick=False):
        services.session_record(actor=world.partner_x_staff, referral=referral,
                                held_on=datetime.date(2026, 3, 6), mode="video", topic="t",
                                minutes=30, outcome="o")
    with time_machine.travel(datetime.datetime(2026, 4, 1, 15, tzinfo=UTC), tick=False):
        invoice = invoices.invoice_submit(actor=world.partner_x_staff, contract=contract,
                                          month=datetime.date(2026, 3, 1))
        with pytest.raises(PermissionDenied):
            invoices.invoice_approve(actor=world.officer_a, invoice=invoice)
        invoices.invoice_reject(actor=world.approver_a, invoice=invoice, reason="Falta firma")
        assert invoice.__class__.objects.get(pk=invoice.pk).state == InvoiceState.REJECTED
        again = invoices.invoice_submit(actor=world.partner_x_staff, contract=contract,
                                        month=datetime.date(2026, 3, 1))
    assert again.amount == Money("150", "USD")


def test_an_invoice_needs_the_consulates_budget_in_the_program(world):
    program = legal_program(world, allocations={world.consulate_a: Decimal("100")})
    contract = make_contract(world, program, budget=Decimal("5000"))
    referral = _accepted(world, contract)
    with time_machine.travel(FRIDAY, tick=False):
        services.session_record(actor=world.partner_x_staff, referral=referral,
                                held_on=datetime.date(2026, 3, 6), mode="phone", topic="t",
                                minutes=30, outcome="o")
    with time_machine.travel(datetime.datetime(2026, 4, 1, 15, tzinfo=UTC), tick=False):
        invoice = invoices.invoice_submit(actor=world.partner_x_staff, contract=contract,
                                          month=datetime.date(2026, 3, 1))
        invoices.invoice_approve(actor=world.approver_a, invoice=invoice)
        with pytest.raises(ValidationError, match="consulate's budget"):
            invoices.invoice_approve(actor=second_approver(world), invoice=invoice)


def test_accountability_median_p90_and_late_flags(world, contract):
    answers_after = [1, 2, 3, 4, 50]  # hours; the 50-hour one is past two business days
    for hours in answers_after:
        with time_machine.travel(datetime.datetime(2026, 3, 2, 15, tzinfo=UTC), tick=False):
            referral = services.referral_create(actor=world.officer_a,
                                                beneficiary=world.ben_a, contract=contract,
                                                matter="family")
        with time_machine.travel(datetime.datetime(2026, 3, 2, 15, tzinfo=UTC)
                                 + datetime.timedelta(hours=hours), tick=False):
            services.referral_accept(actor=world.partner_x_staff, referral=referral)
    rows = figures.accountability(referrals=Referral.objects.all(),
                                  date_from=datetime.date(2026, 3, 1),
                                  date_to=datetime.date(2026, 3, 31))
    [row] = rows
    assert (row.received, row.accepted, row.median_hours, row.p90_hours) == (5, 5, 3, 50)
    assert len(row.late) == 1
    # The advisor sees its own row; another advisor sees none.
    client = sign_in(Client(), world.partner_y_staff)
    response = client.get(reverse("pale:accountability"),
                          {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.context["rows"] == []
    client = sign_in(Client(), world.partner_x_staff)
    response = client.get(reverse("pale:accountability"),
                          {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert [r.received for r in response.context["rows"]] == [5]


def test_report_exports_pdf_and_xlsx(world, contract):
    _accepted(world, contract)
    client = sign_in(Client(), world.officer_a)
    query = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    pdf = client.get(reverse("pale:report_export"), {**query, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("pale:report_export"), {**query, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["PALE referrals"] == 1
