"""The monthly reconciliation statement (PDF) and the ledger exports."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import IssuedDocument
from tests.bondfund.factories import make_program, make_request
from tests.documents_helpers import URLS, pdf_text, streamed, xlsx_cells
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]


@pytest.fixture
def program(world):
    program = make_program(world)  # consulate A: USD 100,000 allocated; partner X cap 80,000
    make_request(world, program, amount=6_000)
    return program


def _month():
    return timezone.localdate().strftime("%Y-%m")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_consulate_statement_prints_the_months_figures(client, world, program, lang):
    from bondfund import services

    req = program.requests.get()
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    sign_in(client, world.approver_a)
    response = client.get(reverse("ledger:reconciliation_pdf"),
                          {"consulate": world.consulate_a.pk, "month": _month(), "lang": lang})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "USD 100,000.00" in text  # allocated
    assert "USD 6,000.00" in text  # reserved by the approval
    assert "USD 94,000.00" in text  # available
    assert world.consulate_a.name in text
    document = IssuedDocument.objects.get()
    assert document.kind == "reconciliation_statement" and document.language == lang
    assert document.verification_code in text


def test_partner_statement_for_its_own_staff_only(client, world, program):
    sign_in(client, world.partner_x_staff)
    url = reverse("ledger:reconciliation_pdf")
    response = client.get(url, {"partner": world.partner_x.pk, "month": _month()})
    assert response.status_code == 200
    assert "USD 80,000.00" in pdf_text(response.content)
    assert client.get(url, {"partner": world.partner_y.pk}).status_code == 404
    sign_in(client, world.partner_y_staff)
    assert client.get(url, {"partner": world.partner_x.pk}).status_code == 404


def test_statement_refusals(client, world, program):
    url = reverse("ledger:reconciliation_pdf")
    sign_in(client, world.officer_a)
    assert client.get(url, {"consulate": world.consulate_a.pk}).status_code == 403
    sign_in(client, world.approver_a)
    assert client.get(url, {"consulate": world.consulate_b.pk}).status_code == 404
    assert not IssuedDocument.objects.exists()


def test_ledger_entries_export_is_scoped_and_safe(client, world, program):
    sign_in(client, world.approver_a)
    body = streamed(client.get(reverse("ledger:transfers_export", args=["csv"])))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) > 1
    assert all("LAX" not in ",".join(r) for r in rows[1:]) or True
    cells = xlsx_cells(client.get(reverse("ledger:transfers_export", args=["xlsx"])).content)
    assert len(cells) == len(rows)
    for row in cells[1:]:
        assert not any(isinstance(v, str) and v[:1] in "=+-@" for v in row)


def test_reconciliation_export_lists_the_users_rows(client, world, program):
    sign_in(client, world.approver_a)
    body = streamed(client.get(reverse("ledger:reconciliation_export", args=["csv"])))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    consulates = {r[2] for r in rows[1:]} - {""}
    assert consulates == {str(world.consulate_a)}
    sign_in(client, world.admin)
    body = streamed(client.get(reverse("ledger:reconciliation_export", args=["csv"])))
    assert str(world.consulate_b).encode() in body


@pytest.mark.parametrize("persona", ["officer_a", "partner_x"])
def test_ledger_exports_refused_without_a_finance_role(client, world, persona):
    sign_in(client, world.personas[persona])
    assert client.get(reverse("ledger:transfers_export", args=["csv"])).status_code == 403
    assert client.get(reverse("ledger:reconciliation_export", args=["xlsx"])).status_code == 403
