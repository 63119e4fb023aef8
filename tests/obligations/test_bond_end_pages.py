"""The bond's end through the pages: dates at the consulate, the pre-filled refund and its
confirmation, the refunds report and its export, the EOIR-43 deadline, the bond page's
summary and the DHS letter as an issued document."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from bondfund import services as bond_services
from bondfund.forms import CancelForm
from bondfund.models import BondRequest, State
from core.models import IssuedDocument
from ledger.funds_breach import receivables_open
from ledger.verify import verify
from notifications.models import Notification
from obligations import bond_end, escalations
from tests.bondfund.factories import TreasuryRateFactory, make_request
from tests.helpers import queries_for, sign_in
from tests.obligations.factories import hearing

UTC = dt.UTC
D = dt.date


def client_for(user):
    return sign_in(Client(), user)


def cancel(world, bond, on=None):
    with time_machine.travel(dt.datetime(2026, 1, 10, 15, tzinfo=UTC), tick=False):
        return bond_services.bond_request_cancel(actor=world.officer_a, request_id=bond.pk,
                                                 cancelled_on=on or D(2026, 1, 9))


# A date of something that happened ---------------------------------------------------------

def test_a_date_is_today_in_san_juan_while_it_is_still_tomorrow_in_chicago(two_zones):
    world = two_zones
    # 00:30 on 2 March in San Juan (UTC-4) is 22:30 on 1 March in Chicago (UTC-6).
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 30, tzinfo=UTC), tick=False):
        assert CancelForm({"cancelled_on": "2026-03-02"}).is_valid()
        assert not CancelForm({"cancelled_on": "2026-03-03"}).is_valid()
        bond_services.bond_request_cancel(actor=world.officer_s, request_id=world.bond_sju.pk,
                                          cancelled_on=D(2026, 3, 2))
        with pytest.raises(ValidationError, match="has not come yet"):
            bond_services.bond_request_cancel(actor=world.officer_a,
                                              request_id=world.bond_chi.pk,
                                              cancelled_on=D(2026, 3, 2))
    assert BondRequest.objects.get(pk=world.bond_sju.pk).state == State.REFUND_DUE
    assert BondRequest.objects.get(pk=world.bond_chi.pk).state == State.RELEASED


# The refund, pre-filled --------------------------------------------------------------------

def test_the_refund_form_is_prefilled_and_less_than_expected_needs_a_confirmation(world,
                                                                                   bond):
    # 37 days (3 Dec 2025 to 9 Jan 2026) at 3% on USD 6,000 = USD 18.25
    TreasuryRateFactory(effective_on=D(2025, 1, 1), rate_percent="4.0000")
    cancel(world, bond)
    url = reverse("obligations:refund", args=[bond.pk])
    with time_machine.travel(dt.datetime(2026, 5, 4, 15, tzinfo=UTC), tick=False):
        partner = client_for(world.partner_x_staff)
        form = partner.get(url).context["form"]
        assert (form.initial["principal"], str(form.initial["interest"])) == (6000, "18.25")
        data = {"principal": "6000.00", "interest": "18.00", "refunded_on": "2026-05-01"}
        first = partner.post(url, data)
        assert first.status_code == 400
        assert "USD" in first.context["shortfall"] and "0.25" in first.context["shortfall"]
        assert 'name="confirm_shortfall"' in first.content.decode()
        assert BondRequest.objects.get(pk=bond.pk).state == State.REFUND_DUE
        second = partner.post(url, {**data, "confirm_shortfall": "on"})
        assert second.status_code == 302
        rows = client_for(world.officer_a).get(reverse("obligations:refunds")).context["rows"]
    assert BondRequest.objects.get(pk=bond.pk).state == State.CLOSED_REFUNDED
    assert receivables_open([bond.reference]) == {bond.reference: {"principal": 0,
                                                                   "interest": 25}}
    assert [(r.reason, r.interest.amount) for r in rows] == [("short_refund", 0.25)]
    assert verify() == []


# The refunds report ------------------------------------------------------------------------

def test_the_report_is_scoped_aged_and_its_export_is_safe(world, bond):
    world.partner_x.name = "=HYPERLINK(\"http://x\")"
    world.partner_x.save()
    cancel(world, bond)
    with time_machine.travel(dt.datetime(2026, 4, 20, 15, tzinfo=UTC), tick=False):
        officer = client_for(world.officer_a)
        page = officer.get(reverse("obligations:refunds"), {"overdue": "1"})
        export = officer.get(reverse("obligations:refunds_csv"))
        others = [client_for(u).get(reverse("obligations:refunds")).context["rows"]
                  for u in (world.officer_b, world.partner_y_staff)]
        finance = client_for(world.auditor).get(reverse("obligations:refunds"))
    [row] = page.context["rows"]
    # 101 days after the cancellation; the refund was expected after 90.
    assert (row.bond, row.days_since, row.days_overdue) == (bond, 101, 11)
    assert str(row.bucket) == "90 to 179 days"
    [total] = page.context["totals"]
    assert (total.count, total.overdue, total.principal.amount) == (1, 1, 6000)
    assert others == [[], []]
    assert [r.bond for r in finance.context["rows"]] == [bond]
    csv = b"".join(export.streaming_content).decode()
    assert "'=HYPERLINK" in csv and bond.reference in csv


# ICE's automatic stay ----------------------------------------------------------------------

def test_the_eoir43_deadline_reminds_the_officers_and_its_outcome_is_recorded(world,
                                                                              program):
    with time_machine.travel(dt.datetime(2026, 1, 5, 15, tzinfo=UTC), tick=False):
        req = make_request(world, program)
        bond_services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
        bond_services.bond_request_stay(actor=world.approver_a, request_id=req.pk,
                                        filed_on=D(2026, 1, 2))  # a Friday
        page = client_for(world.officer_a).get(reverse("bondfund:request_detail",
                                                       args=[req.pk]))
    bond = BondRequest.objects.get(pk=req.pk)
    assert bond_end.stay_appeal_deadline(bond) == D(2026, 1, 16)  # 10 business days
    assert "ICE must appeal by" in page.content.decode()
    for day in (12, 13, 13, 15):
        escalations.stay_deadlines_remind(now=dt.datetime(2026, 1, day, 15, tzinfo=UTC))
    sent = Notification.objects.filter(template=escalations.STAY_TEMPLATE)
    assert sorted(n.dedupe_key.split(":")[3] for n in sent) == ["1", "3"]
    assert {n.recipient_user for n in sent} == {world.officer_a}
    with time_machine.travel(dt.datetime(2026, 1, 16, 15, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError):  # not lapsed before the deadline is over
            bond_end.stay_outcome_record(actor=world.officer_a, bond_id=bond.pk,
                                         ice_appealed=False, outcome_on=D(2026, 1, 16))
    with time_machine.travel(dt.datetime(2026, 1, 19, 15, tzinfo=UTC), tick=False):
        response = client_for(world.officer_a).post(
            reverse("obligations:stay_outcome", args=[bond.pk]),
            {"outcome": "lapsed", "outcome_on": "2026-01-19"})
    assert response.status_code == 302
    assert bond.stay_watches.get().state == "lapsed"
    assert escalations.stay_deadlines_remind(
        now=dt.datetime(2026, 1, 15, 15, tzinfo=UTC)) == 0


# The bond's page and the letter ------------------------------------------------------------

def test_the_bond_page_shows_the_summary_with_as_many_queries_for_many_appearances(world,
                                                                                   bond):
    officer = client_for(world.officer_a)
    url = reverse("bondfund:request_detail", args=[bond.pk])
    hearing(world.officer_a, bond, day=D(2026, 2, 10))
    officer.get(url)
    few = queries_for(officer, url)
    for day in (11, 12, 13, 16):
        hearing(world.officer_a, bond, day=D(2026, 2, day))
    assert queries_for(officer, url) == few
    assert "After release" in officer.get(url).content.decode()


def test_the_dhs_letter_is_an_issued_document(world, bond):
    cancel(world, bond)
    with time_machine.travel(dt.datetime(2026, 4, 20, 15, tzinfo=UTC), tick=False):
        response = client_for(world.partner_x_staff).get(
            reverse("obligations:refund_letter", args=[bond.pk]))
    assert response.status_code == 200
    document = IssuedDocument.objects.get(kind="refund_follow_up")
    assert (document.object_id, document.partner_id) == (str(bond.pk), world.partner_x.pk)


def test_the_verify_page_names_the_dhs_letter(world, bond):
    cancel(world, bond)
    with time_machine.travel(dt.datetime(2026, 4, 20, 15, tzinfo=UTC), tick=False):
        client_for(world.partner_x_staff).get(
            reverse("obligations:refund_letter", args=[bond.pk]))
    document = IssuedDocument.objects.get()
    query = {"number": document.number, "code": document.verification_code}
    page = client_for(world.partner_x_staff).get(reverse("core:document_verify"), query)
    assert page.context["document"] == document
    assert "Refund follow-up letter to DHS" in page.content.decode()
    world.officer_a.language = "es"  # the officer reads the pages in Spanish
    world.officer_a.save(update_fields=["language"])
    spanish = client_for(world.officer_a).get(reverse("core:document_verify"), query)
    assert spanish.context["document"] == document
    assert "Carta de seguimiento del reembolso al DHS" in spanish.content.decode()
