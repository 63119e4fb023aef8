"""Clearing accounts (advances to partners, refunds and interest receivable) that stay non-zero
past their expected date are flagged (DESIGN.md, reconciliation)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Consulate, PartnerOrganization, Role
from ledger import funds, selectors
from tests.ledger.factories import funded_program
from tests.ledger.test_views import login

pytestmark = pytest.mark.django_db
P = "bond:1"
RECON = reverse("ledger:reconciliation")


def paid_bond(key, *, consulate_id, partner_id, amount=1_000):
    funds.reserve(key=key, program=P, currency="USD", consulate_id=consulate_id,
                  partner_id=partner_id, amount=amount)
    funds.disburse(key=f"{key}:pay", reservation_key=key, amount=amount, purpose="bond")


@pytest.fixture
def program():
    return funded_program(program=P, amount=100_000, consulates={1: 50_000, 2: 50_000},
                          caps={7: 30_000, 8: 30_000})


def later(days):
    return timezone.now() + timedelta(days=days)


def test_advance_flagged_after_its_days_with_age_and_amount(program):
    paid_bond("b1", consulate_id=1, partner_id=7, amount=1_234)
    assert selectors.stale_clearing_balances(as_of=later(10)) == []
    [item] = selectors.stale_clearing_balances(as_of=later(20))
    assert (item.code, item.consulate_id, item.partner_id) == ("partner_advance", 1, 7)
    assert item.amount == 1_234 and item.age_days in (19, 20) and item.expected_days == 14
    assert str(item.label) == str(funds.CHART["partner_advance"].label)
    assert selectors.stale_clearing_balances(as_of=later(20), advance_days=30) == []


def test_posted_advance_is_not_flagged_and_partial_post_restarts_the_clock(program):
    paid_bond("b1", consulate_id=1, partner_id=7)
    funds.bond_posted(key="b1:posted", reservation_key="b1", amount=1_000)
    paid_bond("b2", consulate_id=2, partner_id=8)
    funds.bond_posted(key="b2:posted", reservation_key="b2", amount=400)
    [item] = selectors.stale_clearing_balances(as_of=later(20))
    assert (item.consulate_id, item.amount) == (2, 600)
    # The last movement is the later of the account's last debit and last credit.
    assert abs(item.last_movement - timezone.now()) < timedelta(minutes=5)


def test_refund_and_interest_receivable_use_their_own_days(program):
    paid_bond("b1", consulate_id=1, partner_id=7)
    funds.bond_posted(key="b1:posted", reservation_key="b1", amount=1_000)
    funds.bond_cancelled(key="b1:cancel", reservation_key="b1", amount=1_000)
    funds.bond_interest(key="b1:interest", reservation_key="b1", amount=25)
    assert selectors.stale_clearing_balances(as_of=later(100)) == []
    items = selectors.stale_clearing_balances(as_of=later(200))
    assert sorted((i.code, i.amount, i.expected_days) for i in items) == [
        ("interest_receivable", 25, 180), ("refund_receivable", 1_000, 180)]
    assert selectors.stale_clearing_balances(as_of=later(100), receivable_days=90)
    funds.refund_returned(key="b1:back", reservation_key="b1", principal=1_000, interest=25)
    assert selectors.stale_clearing_balances(as_of=later(400)) == []


def test_filters_match_the_reconciliation(program):
    paid_bond("b1", consulate_id=1, partner_id=7)
    paid_bond("b2", consulate_id=2, partner_id=8)
    paid_bond("b3", consulate_id=1, partner_id=8)
    at = later(30)

    def pairs(**filters):
        return sorted((i.consulate_id, i.partner_id)
                      for i in selectors.stale_clearing_balances(as_of=at, **filters))

    assert pairs() == [(1, 7), (1, 8), (2, 8)]
    assert pairs(consulate_id=1) == [(1, 7), (1, 8)]
    assert pairs(partner_id=8) == [(1, 8), (2, 8)]
    assert pairs(consulate_id=1, partner_id=8) == [(1, 8)]
    assert pairs(program="grant:1") == [] and pairs(currency="MXN") == []


def test_one_query_whatever_the_number_of_accounts_and_transfers(program):
    for i in range(6):
        paid_bond(f"b{i}", consulate_id=1 + i % 2, partner_id=7 + i // 2 % 2, amount=100 + i)
    with CaptureQueriesContext(connection) as queries:
        items = selectors.stale_clearing_balances(as_of=later(30))
    assert len(items) == 4 and len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    # The latest movement per account comes from an ORDER BY created_at DESC LIMIT 1 on the
    # (account, created_at, id) indexes, not from an aggregate over every transfer.
    assert "LIMIT 1" in sql and "GROUP BY" not in sql


@pytest.fixture
def orgs():
    chicago = Consulate.objects.create(code="CHI", name="Chicago", city="Chicago", state="IL")
    houston = Consulate.objects.create(code="HOU", name="Houston", city="Houston", state="TX")
    partner = PartnerOrganization.objects.create(name="Bond Fund", ein="12-3456789")
    other = PartnerOrganization.objects.create(name="Other Fund", ein="98-7654321")
    funded_program(program=P, amount=100_000,
                   consulates={chicago.pk: 10_000, houston.pk: 10_000},
                   caps={partner.pk: 10_000, other.pk: 10_000})
    paid_bond("chi", consulate_id=chicago.pk, partner_id=partner.pk, amount=1_111)
    paid_bond("hou", consulate_id=houston.pk, partner_id=other.pk, amount=2_222)
    return {"chicago": chicago, "houston": houston, "partner": partner, "other": other}


@pytest.fixture
def aged(monkeypatch):
    """The page flags as of now: move now 30 days on."""
    now = timezone.now() + timedelta(days=30)
    monkeypatch.setattr(selectors.timezone, "now", lambda: now)


def stale_pairs(response):
    return sorted((i.consulate_label, i.partner_label, i.amount_display)
                  for i in response.context["stale"])


def test_page_lists_stale_clearing_for_headquarters(client, orgs, aged):
    login(client, Role.AUDITOR)
    response = client.get(RECON)
    assert stale_pairs(response) == [("Chicago (CHI)", "Bond Fund", "USD 11.11"),
                                      ("Houston (HOU)", "Other Fund", "USD 22.22")]
    body = response.content.decode()
    assert "Clearing balances past their date" in body and "USD 22.22" in body


def test_page_scopes_stale_clearing_as_its_rows(client, orgs, aged):
    login(client, Role.CONSULATE_OFFICER, consulate=orgs["chicago"])
    assert stale_pairs(client.get(RECON)) == [("Chicago (CHI)", "Bond Fund", "USD 11.11")]
    client.logout()
    login(client, Role.PARTNER_STAFF, partner=orgs["other"])
    response = client.get(RECON)
    assert stale_pairs(response) == [("Houston (HOU)", "Other Fund", "USD 22.22")]
    assert "USD 11.11" not in response.content.decode()
    client.logout()
    login(client, Role.AUDITOR)
    assert stale_pairs(client.get(RECON, {"partner": orgs["partner"].pk})) == [
        ("Chicago (CHI)", "Bond Fund", "USD 11.11")]


def test_page_without_stale_clearing_says_so(client, orgs):
    login(client, Role.AUDITOR)
    response = client.get(RECON)
    assert response.context["stale"] == []
    assert "No clearing balance is past its date." in response.content.decode()
