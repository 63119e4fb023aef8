"""The approval queue pages by cursor, oldest first, and never counts the whole queue."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bondfund import services
from tests.bondfund.factories import make_program, make_request
from tests.helpers import sign_in


def client_for(user):
    return sign_in(Client(), user)


def test_the_queue_pages_by_cursor_without_counting(world):
    program = make_program(world, consulate_a=100_000, tiers=[])
    requests = [make_request(world, program, amount=1_500) for _ in range(27)]
    approver = client_for(world.approver_a)
    with CaptureQueriesContext(connection) as queries:
        first = approver.get(reverse("bondfund:approval_queue"))
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert [r.pk for r in first.context["rows"]] == [r.pk for r in requests[:25]]
    cursor = first.context["next_cursor"]
    assert f"?after={cursor}" in first.content.decode()
    second = approver.get(reverse("bondfund:approval_queue") + f"?after={cursor}")
    assert [r.pk for r in second.context["rows"]] == [r.pk for r in requests[25:]]
    assert second.context["next_cursor"] == ""


def test_a_signed_request_leaves_the_signers_queue_until_its_next_round(world):
    program = make_program(world, tiers=[{"above": "1000", "approvals": 2}])
    bond = make_request(world, program, amount=2_000)
    services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)
    approver = client_for(world.approver_a)
    assert approver.get(reverse("bondfund:approval_queue")).context["rows"] == []
    services.bond_request_return(actor=world.approver_a, request_id=bond.pk, comment="Revise")
    services.bond_request_submit(actor=world.officer_a, request_id=bond.pk)
    assert [r.pk for r in approver.get(reverse("bondfund:approval_queue")).context["rows"]] \
        == [bond.pk]
