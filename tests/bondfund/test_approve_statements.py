"""What one approval asks of the database: pinned, so that a change which adds a statement to
the busiest write of the network is seen."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bondfund import services
from bondfund.models import State
from tests.bondfund.factories import make_program, make_request

# The final signature of a one-tier program, inside the test's transaction. Before: 3 more on
# PostgreSQL (23: two SELECT DISTINCT of users to notify, the ledger's SAVEPOINT and RELEASE),
# 1 more on SQLite (25), whose ledger path keeps its savepoint.
APPROVE_STATEMENTS = {"postgresql": 20, "sqlite": 24}


def _approve(world):
    program = make_program(world, consulate_a=100_000, tiers=[])
    bond = make_request(world, program, amount=1_500)
    with CaptureQueriesContext(connection) as queries:
        services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)
    bond.refresh_from_db()
    assert bond.state == State.APPROVED
    return [q["sql"] for q in queries.captured_queries]


def test_one_approval_reads_the_people_to_notify_once(world):
    statements = _approve(world)
    users = [s for s in statements if 'FROM "core_user"' in s and "core_membership" in s]
    assert len(users) == 1, users
    assert not any("DISTINCT" in s for s in users)


def test_one_approval_statements_are_pinned(world):
    statements = _approve(world)
    assert len(statements) == APPROVE_STATEMENTS[connection.vendor], statements
