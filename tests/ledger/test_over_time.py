"""Charts over time: what each program paid out and got back, month by month, on the charts
page with the same figures in a table, in both languages."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ledger.over_time import money_per_month
from tests.bondfund.factories import make_program, make_request, pay
from tests.helpers import sign_in


def _paid_bond(world):
    from bondfund import services

    program = make_program(world)
    bond = make_request(world, program, amount=6_000)
    services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)
    pay(world, bond, sent_on=datetime.date(2026, 12, 1))  # the payment's own month counts
    return program


def test_money_paid_out_falls_in_its_month_and_every_month_is_listed(world, frozen_clock):
    program = _paid_bond(world)
    [row] = money_per_month(today=datetime.date(2026, 12, 1))
    assert row["name"] == program.name and row["currency"] == "USD"
    months = row["months"]
    assert len(months) == 12
    assert months[0][0] == datetime.date(2026, 1, 1)
    assert months[-1][0] == datetime.date(2026, 12, 1)
    assert months[-1][1].amount == Decimal("6000.00")
    assert all(m[1].amount == 0 for m in months[:-1])
    assert all(m[2].amount == 0 for m in months)


@pytest.mark.parametrize("language, month, title", [
    ("en", "December 2026", "paid out per month"),
    ("es", "diciembre de 2026", "pagado por mes")])
def test_charts_page_draws_the_months_with_their_table(world, frozen_clock, language, month,
                                                       title):
    _paid_bond(world)
    world.admin.language = language
    world.admin.save(update_fields=["language"])
    client = sign_in(Client(), world.admin)
    page = client.get(reverse("core:charts")).content.decode()
    assert title in page
    assert month in page and "USD 6,000.00" in page
    assert 'id="paid-per-month-1-title"' in page
    home = client.get(reverse("core:home")).content.decode()
    assert 'id="paid-per-month-1-title"' not in home  # the charts page only
