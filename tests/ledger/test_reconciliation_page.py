"""The reconciliation a funder reads: one program at a time, a table per currency with
authorized beside allocated, reserved, disbursed and available, totals that are the sum of
their lines to the cent, a consulate x partner breakdown, head counts apart, and periods by
the date each movement took effect. The monthly PDF carries the same figures."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from ledger import funds, services
from ledger.money import format_amount
from ledger.pdfs import statement_programs
from tests.core.factories import ConsulateFactory
from tests.documents_helpers import pdf_text
from tests.helpers import sign_in
from tests.ledger.factories import funded_program, key

pytestmark = pytest.mark.django_db
P, OTHER = "bond:1", "bond:2"
RECON = reverse("ledger:reconciliation")
IMPORTED = datetime.datetime(2026, 2, 10, 18, 0, tzinfo=datetime.UTC)
IN_2025 = datetime.datetime(2025, 6, 15, 17, 0, tzinfo=datetime.UTC)


def paid_bond(*, consulate, partner, amount, pay=True):
    reservation = key("res")
    funds.reserve(key=reservation, program=P, currency="USD", consulate_id=consulate.pk,
                  partner_id=partner.pk, amount=amount)
    if pay:
        funds.disburse(key=key("pay"), reservation_key=reservation, amount=amount,
                       purpose="bond")


@pytest.fixture
def books(world):
    """Program P: two consulates and two partners, bonds paid and one approved, odd cents."""
    a, b, x, y = world.consulate_a, world.consulate_b, world.partner_x, world.partner_y
    funded_program(program=P, amount=50_000_000, consulates={a.pk: 10_000_001, b.pk: 7_654_321},
                   caps={x.pk: 9_000_000, y.pk: 3_333_333})
    paid_bond(consulate=a, partner=x, amount=600_001)
    paid_bond(consulate=a, partner=y, amount=455_555)
    paid_bond(consulate=b, partner=y, amount=1_234_567)
    paid_bond(consulate=a, partner=x, amount=99_999, pay=False)
    funded_program(program=OTHER, amount=1_000_000, consulates={a.pk: 777_777})
    return world


def block(response, currency="USD"):
    return next(b for b in response.context["blocks"] if b.currency == currency)


def table(response, title, currency="USD"):
    return next(t for t in block(response, currency).tables if t.title == title)


def test_one_program_at_a_time_the_first_chosen_for_the_reader(client, books):
    sign_in(client, books.auditor)
    response = client.get(RECON)
    assert response.context["form"].cleaned_data["program"] == P
    assert {r.program for r in response.context["rows"]} == {P}
    other = client.get(RECON, {"program": OTHER})
    assert {r.program for r in other.context["rows"]} == {OTHER}
    assert "USD 7,777.77" in other.content.decode()


def test_columns_in_words_with_authorized_beside_the_others(client, books):
    sign_in(client, books.auditor)
    response = client.get(RECON, {"program": P})
    body = response.content.decode()
    assert table(response, "Budget").columns == [
        "Allocated", "Authorized", "Of which not yet paid", "Disbursed", "Available"]
    for jargon in ("minor units", "consulate_available", "partner_cap", "refund_receivable"):
        assert jargon not in body
    assert body.count('class="table-scroll"') >= 3
    [chicago] = [r for r in response.context["rows"] if r.consulate_id == books.consulate_a.pk]
    assert chicago.authorized == 600_001 + 455_555 + 99_999
    assert chicago.reserved == 99_999
    assert chicago.allocated == chicago.authorized + chicago.available == 10_000_001
    assert "USD 11,555.55" in body  # Chicago's authorized, as a funder reads amounts


def _totals_match(tbl, rows, figures):
    for section in tbl.sections:
        kind = "consulate" if section.title == "Consulates" else "partner"
        mine = [r for r in rows if r.kind == kind]
        *lines, total = section.lines
        assert total.total and len(lines) == len(mine) == 2
        assert total.cells == [format_amount(sum(getattr(r, f) for r in mine), "USD")
                               for f in figures]


def test_totals_are_the_sum_of_their_lines_to_the_cent(client, books):
    sign_in(client, books.admin)
    response = client.get(RECON, {"program": P})
    rows = response.context["rows"]
    _totals_match(table(response, "Budget"), rows,
                  ["allocated", "authorized", "reserved", "disbursed", "available"])
    consulates = table(response, "Budget").sections[0].lines
    assert consulates[-1].cells[0] == "USD 176,543.22"  # 100,000.01 + 76,543.21
    assert consulates[-1].cells[3] == "USD 22,901.23"  # every bond paid


def test_the_breakdown_splits_money_by_consulate_and_partner(client, books):
    sign_in(client, books.auditor)
    response = client.get(RECON, {"program": P})
    breakdown = table(response, "By consulate and partner")
    *lines, total = breakdown.sections[0].lines
    assert [(line.label, line.second) for line in lines] == [
        (str(books.consulate_a), str(books.partner_x)),
        (str(books.consulate_a), str(books.partner_y)),
        (str(books.consulate_b), str(books.partner_y))]
    assert [line.cells[0] for line in lines] == ["USD 6,000.01", "USD 4,555.55",
                                                 "USD 12,345.67"]
    assert total.cells[0] == "USD 22,901.23"
    sign_in(client, books.officer_a)  # a consulate's staff read their own rows only
    assert all(len(b.tables) == 2 for b in client.get(RECON).context["blocks"])


def test_a_period_reads_when_money_moved_not_when_it_was_recorded(client, world):
    consulate = ConsulateFactory()
    with time_machine.travel(IMPORTED, tick=False):
        funded_program(program=P, amount=1_000_000)
        with services.effective(IN_2025):  # a 2025 allocation imported in 2026
            funds.consulate_allocate(key="import-2025", program=P, currency="USD",
                                     consulate_id=consulate.pk, amount=123_456)
    sign_in(client, world.auditor)

    def allocated(year):
        response = client.get(RECON, {"program": P, "date_from": f"{year}-01-01",
                                      "date_to": f"{year}-12-31"})
        return {r.consulate_id: r.allocated for r in response.context["rows"]}.get(consulate.pk)

    assert allocated(2025) == 123_456
    assert allocated(2026) == 0


def test_people_are_counted_in_their_own_table(client, world):
    funded_program(program=P, currency="PPL", amount=200,
                   consulates={world.consulate_a.pk: 150})
    funds.reserve(key="ppl-1", program=P, currency="PPL", consulate_id=world.consulate_a.pk,
                  amount=1)
    funded_program(program=P, amount=1_000_000, consulates={world.consulate_a.pk: 500_000})
    sign_in(client, world.auditor)
    response = client.get(RECON, {"program": P})
    people = table(response, "People", currency="PPL")
    [line] = people.sections[0].lines
    assert line.cells == ["150 people", "1 person", "1 person", "149 people"]
    assert [b.currency for b in response.context["blocks"]] == ["USD", "PPL"]
    assert "PPL 1.50" not in response.content.decode()


def test_the_monthly_pdf_has_the_pages_figures_and_totals(client, frozen_clock, books):
    partner = books.partner_y  # every movement is in the clock's month, December 2026
    sign_in(client, books.auditor)
    page = client.get(RECON, {"program": P, "partner": partner.pk})
    [program] = [p for p in statement_programs(year=2026, month=12, partner_id=partner.pk)
                 if p["program"] == P]
    [usd] = program["blocks"]
    budget = next(t for t in usd.tables if t.title == "Budget")
    assert budget.sections[0].lines[0].cells == table(page, "Budget").sections[0].lines[0].cells
    breakdown = next(t for t in usd.tables if t.breakdown)
    assert breakdown.sections[0].lines[-1].cells[0] == "USD 16,901.22"  # 4,555.55 + 12,345.67

    response = client.get(reverse("ledger:reconciliation_pdf"),
                          {"partner": partner.pk, "month": "2026-12", "lang": "en"})
    text = pdf_text(response.content)
    assert "Authorized" in text and "USD 16,901.22" in text and "USD 33,333.33" in text
