"""The pages stay usable with more data: the queries a page needs do not grow with its rows."""

import itertools

import pytest
from django.urls import reverse

from ledger import funds, services
from ledger.models import Account
from tests.core.factories import ConsulateFactory, PartnerFactory
from tests.helpers import assert_flat, sign_in
from tests.ledger.factories import funded_program, key

pytestmark = pytest.mark.django_db
PROGRAM = "bond:1"


@pytest.mark.parametrize("persona", ["admin", "auditor"])
def test_reconciliation_rows(client, world, persona):
    """A row per consulate and per partner; each with money reserved and paid (the stale
    clearing accounts are read once for the page)."""
    funded_program(program=PROGRAM, amount=10_000_000)

    def rows(n):
        for _ in range(n):
            consulate, partner = ConsulateFactory(), PartnerFactory()
            funds.consulate_allocate(key=key("alloc"), program=PROGRAM, currency="USD",
                                     consulate_id=consulate.pk, amount=100_000)
            funds.partner_cap_set(key=key("cap"), program=PROGRAM, currency="USD",
                                  partner_id=partner.pk, amount=100_000)
            reservation = key("res")
            funds.reserve(key=reservation, program=PROGRAM, currency="USD",
                          consulate_id=consulate.pk, partner_id=partner.pk, amount=5_000)
            funds.disburse(key=key("pay"), reservation_key=reservation, amount=5_000,
                           purpose="bond")

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("ledger:reconciliation"), rows)


@pytest.mark.parametrize("persona", ["officer_a", "admin"])
def test_account_statement(client, world, persona):
    """A consulate's account statement, one row per transfer."""
    funded_program(program=PROGRAM, amount=10_000_000,
                   consulates={world.consulate_a.pk: 1_000_000})
    account = Account.objects.get(code="consulate_available", consulate_ref=world.consulate_a.pk)
    other = services.account_open(key="test:other", book=account.book, code="test",
                                  currency="USD", name="Other", program_ref=PROGRAM)
    seq = itertools.count()

    def transfers(n):
        for _ in range(n):
            services.transfer_create(key=f"t-{next(seq)}", debit_account_id=account.pk,
                                     credit_account_id=other.pk, amount=100, code="allocate")

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("ledger:account_statement", args=[account.pk]), transfers)


def test_a_reservation_reads_its_four_accounts_at_once():
    """An approval's hold: the consulate's and the partner's accounts in one read, and no
    savepoint beyond the one the linked transfers need."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    funded_program(program=PROGRAM, amount=1_000_000, consulates={1: 100_000}, caps={2: 100_000})
    funds.reserve(key="hold-0", program=PROGRAM, currency="USD", consulate_id=1, partner_id=2,
                  amount=1_000)  # the first one opens the committed accounts
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        funds.reserve(key="hold-1", program=PROGRAM, currency="USD", consulate_id=1,
                      partner_id=2, amount=5_000)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if '"ledger_account"."key" IN' in s]) == 1
    # PostgreSQL: a refusal is raised before the one write, so no savepoint at all.
    savepoints = 0 if connection.vendor == "postgresql" else 1
    assert len([s for s in sql if s.startswith("SAVEPOINT")]) == savepoints
    hold = funds.reservation_get("hold-1")
    assert hold.amount == 5_000 and len(hold.legs) == 2
