import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bondfund.models import BondDocument, BondRequest, State
from core.money import from_minor
from ledger import selectors as ledger_selectors
from ledger.verify import verify
from payments.models import Disbursement
from tests.bondfund.factories import (
    TreasuryRateFactory,
    make_program,
    make_request,
    pdf_bytes,
    qualifying_answers,
    upload,
)
from tests.helpers import sign_in


def client_for(user, language=None):
    if language:
        user.language = language
        user.save(update_fields=["language"])
    return sign_in(Client(), user)


def act(client, req, action, data=None, files=None):
    payload = {f"{action}-{k}": v for k, v in (data or {}).items()}
    payload.update({f"{action}-{k}": v for k, v in (files or {}).items()})
    payload["confirm"] = "1"  # the second step of a money-moving or irreversible action
    return client.post(reverse("bondfund:request_action", args=[req.pk, action]), payload)


def release_and_record(client, req, *, method="wire", reference="FW-77",
                       sent_on="2025-12-02"):
    """Release payment on the bond's page; record the wire on the payments page it opens."""
    response = act(client, req, "request-payment", {"comment": "Pagar"})
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200, response.url
    disbursement = page.context["d"]
    assert disbursement.object_id == str(req.pk)
    response = client.post(
        reverse("payments:disbursement_record_manual", args=[disbursement.pk]),
        {"method": method, "reference": reference, "sent_on": sent_on})
    assert response.status_code == 302
    return disbursement


def state_of(req):
    return BondRequest.objects.get(pk=req.pk).state


def assert_program_page_matches_ledger(client, program, language, program_totals=True):
    response = client.get(reverse("bondfund:program_detail", args=[program.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = ledger_selectors.reconciliation(program=program.ledger_ref, currency="USD")
    assert rows
    with translation.override(language):
        for row in rows:
            for figure in ("allocated", "reserved", "disbursed", "bonds_outstanding",
                           "refunds_due", "available"):
                shown = str(from_minor(getattr(row, figure), "USD"))
                assert shown in html, (figure, shown)
        position = ledger_selectors.budget_position(program=program.ledger_ref,
                                                    currency="USD")
        if program_totals:
            for figure in ("unallocated", "allocated", "reserved", "committed", "available"):
                assert str(from_minor(getattr(position, figure), "USD")) in html, figure
    assert verify() == []


@pytest.fixture
def program(world):
    return make_program(world)


# The refund is recorded on 1 February 2027: no date of the walk may be in the future.
@time_machine.travel(datetime.datetime(2027, 2, 2, 15, tzinfo=datetime.UTC))
def test_full_life_through_the_views(world, program):
    TreasuryRateFactory(effective_on=datetime.date(2025, 1, 1), rate_percent="4.0")
    officer = client_for(world.officer_a, "es")
    approver = client_for(world.approver_a, "en")
    partner = client_for(world.partner_x_staff, "en")
    admin = client_for(world.admin, "es")

    url = reverse("bondfund:request_create") + f"?beneficiary={world.ben_a.pk}"
    assert officer.get(url).status_code == 200
    answers = {f"q_{pk}": "yes" if v else "no" for pk, v in qualifying_answers(program).items()}
    response = officer.post(url, {
        "facility": "Broadview", "detained_on": "2025-11-01", "authority": "ij",
        "decided_on": "2025-11-10", "judge_or_court": "IJ Smith", "amount": "6000.00",
        "bond_type": "delivery", "conditions": "", "obligor": world.partner_x.pk, **answers,
    })
    req = BondRequest.objects.get()
    assert response.status_code == 302
    assert officer.get(reverse("bondfund:request_detail", args=[req.pk])).status_code == 200

    act(officer, req, "submit")
    assert state_of(req) == State.SUBMITTED
    queue = approver.get(reverse("bondfund:approval_queue"))
    assert req.reference.encode() in queue.content
    act(approver, req, "approve", {"comment": "OK"})
    assert state_of(req) == State.APPROVED
    assert_program_page_matches_ledger(admin, program, "es")

    disbursement = release_and_record(approver, req)
    assert (disbursement.amount, disbursement.payee_partner) == (600_000, world.partner_x)
    assert state_of(req) == State.DISBURSED
    page = approver.get(reverse("bondfund:request_detail", args=[req.pk]))
    assert [d.status for d in page.context["disbursements"]] == ["paid"]
    assert reverse("payments:disbursement_detail", args=[disbursement.pk]) in page.content.decode()
    assert_program_page_matches_ledger(approver, program, "en", program_totals=False)

    act(partner, req, "confirm-posting", {"posted_on": "2025-12-03"},
        {"receipt": upload("i305.pdf")})
    assert state_of(req) == State.POSTED
    act(partner, req, "confirm-release", {"released_on": "2025-12-04"},
        {"document": upload("release.pdf")})
    assert state_of(req) == State.RELEASED
    act(officer, req, "cancel", {"cancelled_on": "2026-12-03"})
    assert state_of(req) == State.REFUND_DUE
    assert req.reference.encode() in partner.get(reverse("bondfund:refunds_due")).content
    assert_program_page_matches_ledger(admin, program, "es")

    detail = partner.get(reverse("bondfund:request_detail", args=[req.pk])).content.decode()
    with translation.override("en"):
        expected = str(from_minor(180_00, "USD"))  # 365 days at min(4%, 3%) on USD 6,000
    assert "Expected" in detail and expected in detail
    act(partner, req, "record-refund", {"principal": "6000.00", "interest": "180.00",
                                        "refunded_on": "2027-02-01"})
    assert state_of(req) == State.CLOSED_REFUNDED
    assert_program_page_matches_ledger(admin, program, "es")
    assert_program_page_matches_ledger(approver, program, "en", program_totals=False)
    page = officer.get(reverse("bondfund:request_detail", args=[req.pk])).content.decode()
    assert '<html lang="es">' in page
    with translation.override("es"):
        assert str(State.CLOSED_REFUNDED.label) in page
    assert BondDocument.objects.filter(request=req).count() == 2


def test_action_for_a_state_that_is_past_changes_nothing(world, program):
    req = make_request(world, program)
    approver = client_for(world.approver_a)
    act(approver, req, "approve")
    response = act(approver, req, "approve")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("approved" in m.lower() or "aprobada" in m.lower() for m in messages)
    assert state_of(req) == State.APPROVED
    assert BondRequest.objects.get(pk=req.pk).approvals.count() == 1


def test_post_from_another_tenant_is_404_and_changes_nothing(world, program):
    req = make_request(world, program)
    for user in (world.officer_b, world.partner_y_staff):
        assert act(client_for(user), req, "withdraw", {"comment": "x"}).status_code == 404
    assert state_of(req) == State.SUBMITTED


def test_auditor_reads_but_cannot_act(world, program):
    req = make_request(world, program)
    auditor = client_for(world.auditor)
    assert auditor.get(reverse("bondfund:request_detail", args=[req.pk])).status_code == 200
    assert act(auditor, req, "approve").status_code == 403
    assert state_of(req) == State.SUBMITTED


def test_post_without_csrf_token_is_refused(world, program):
    req = make_request(world, program)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.approver_a)
    response = client.post(reverse("bondfund:request_action", args=[req.pk, "approve"]), {})
    assert response.status_code == 403
    assert state_of(req) == State.SUBMITTED


def test_stayed_bond_offers_no_disbursement_and_refuses_one(world, program):
    req = make_request(world, program)
    approver = client_for(world.approver_a)
    act(approver, req, "approve")
    act(approver, req, "stay", {"filed_on": "2025-12-01"})
    assert state_of(req) == State.STAYED
    page = approver.get(reverse("bondfund:request_detail", args=[req.pk])).content.decode()
    assert reverse("bondfund:request_action", args=[req.pk, "request-payment"]) not in page
    act(approver, req, "request-payment")
    assert state_of(req) == State.STAYED
    assert not Disbursement.objects.exists()


def test_upload_that_is_not_pdf_jpeg_or_png_is_refused_and_nothing_saved(world, program):
    req = make_request(world, program)
    officer = client_for(world.officer_a)
    before = _stored_files()
    for name, content in (("evil.pdf", b"MZ\x90\x00 not a pdf"),
                          ("page.html", b"<html><script>alert(1)</script></html>"),
                          ("fake.png", pdf_bytes()[:40])):
        response = officer.post(reverse("bondfund:document_upload", args=[req.pk]),
                                {"doc-kind": "other", "doc-file": upload(name, content)})
        assert response.status_code == 302
    assert not BondDocument.objects.exists()
    assert _stored_files() == before


def _stored_files():
    try:
        _, files = default_storage.listdir(f"bonds/{1}")
    except FileNotFoundError:
        return []
    return sorted(files)


def test_posting_without_a_valid_receipt_changes_nothing(world, program):
    req = make_request(world, program)
    approver = client_for(world.approver_a)
    act(approver, req, "approve")
    release_and_record(approver, req, method="ach", reference="x")
    partner = client_for(world.partner_x_staff)
    response = act(partner, req, "confirm-posting", {"posted_on": "2025-12-03"},
                   {"receipt": upload("i305.exe", b"MZ\x90\x00binary")})
    assert response.status_code == 400
    assert state_of(req) == State.DISBURSED
    assert not BondDocument.objects.exists()


def test_download_is_served_to_the_obligor_and_404_to_other_tenants(world, program):
    req = make_request(world, program)
    officer = client_for(world.officer_a)
    officer.post(reverse("bondfund:document_upload", args=[req.pk]),
                 {"doc-kind": "other", "doc-file": upload("order.pdf")})
    document = BondDocument.objects.get()
    url = reverse("bondfund:document_download", args=[req.pk, document.pk])
    response = client_for(world.partner_x_staff).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    for user in (world.officer_b, world.partner_y_staff):
        assert client_for(user).get(url).status_code == 404
    other = make_request(world, program, officer=world.officer_b, beneficiary=world.ben_b)
    wrong_pair = reverse("bondfund:document_download", args=[other.pk, document.pk])
    assert client_for(world.officer_b).get(wrong_pair).status_code == 404


def test_partner_sees_only_name_and_a_number(world, program):
    req = make_request(world, program)
    page = client_for(world.partner_x_staff).get(
        reverse("bondfund:request_detail", args=[req.pk])).content.decode()
    assert world.ben_a.family_names in page
    assert world.ben_a.a_number_display in page
    assert world.ben_a.reference not in page
    assert world.ben_a.curp not in page


def test_list_filters_by_state(world, program):
    submitted = make_request(world, program)
    draft = make_request(world, program, submit=False)
    client = client_for(world.officer_a)
    page = client.get(reverse("bondfund:request_list") + "?state=draft").content.decode()
    assert draft.reference in page and submitted.reference not in page


def test_program_created_and_allocated_through_the_pages(world):
    admin = client_for(world.admin)
    response = admin.post(reverse("bondfund:program_create"), {
        "name": "Programa Houston", "total_budget": "50000", "per_case_maximum": "20000",
        "approval_tiers": "10000, 2", "starts_on": "2025-01-01",
        "second_person_pays_above": "0",
        "eligibility": "No criminal record? | yes | Excluded with a record",
    })
    assert response.status_code == 302
    from bondfund.models import BondProgram
    program = BondProgram.objects.get(name="Programa Houston")
    assert program.approval_tiers == [{"above": "10000", "approvals": 2}]
    # Set on the page: every payment of this program needs a second person to release it.
    assert program.second_person_pays_above == 0
    admin.post(reverse("bondfund:program_budget", args=[program.pk, "consulate"]),
               {"consulate-consulate": world.consulate_a.pk, "consulate-amount": "60000"})
    pos = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                           consulate_id=world.consulate_a.pk)
    assert pos.allocated == 0  # refused: more than is unallocated
    admin.post(reverse("bondfund:program_budget", args=[program.pk, "consulate"]),
               {"consulate-consulate": world.consulate_a.pk, "consulate-amount": "20000"})
    pos = ledger_selectors.budget_position(program=program.ledger_ref, currency="USD",
                                           consulate_id=world.consulate_a.pk)
    assert pos.available == 20_000_00
    assert_program_page_matches_ledger(admin, program, "en")
