"""Signing one request from its row of the approval queue: confirmed first, the row answered
to htmx, full pages without it."""

import pytest
from django.test import Client
from django.urls import reverse

from bondfund.models import BondRequest
from bondfund.services_programs import program_people_cap_set
from ledger.verify import verify
from tests.bondfund.factories import make_program, make_request
from tests.helpers import sign_in

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/bonds/approvals/"}


@pytest.fixture
def program(world):
    program = make_program(world, tiers=[{"above": "10000", "approvals": 2}])
    program_people_cap_set(actor=world.admin, program_id=program.pk, level="program", count=2)
    return program


@pytest.fixture(autouse=True)
def books_balance(db):
    yield
    assert verify() == []


@pytest.fixture
def approver(world):
    return sign_in(Client(), world.approver_a)


def sign_url(bond):
    return reverse("bondfund:approval_sign_one", args=[bond.pk])


def state(bond):
    return BondRequest.objects.get(pk=bond.pk).state


def test_the_queue_offers_an_approve_button_per_row(world, program, approver):
    bond = make_request(world, program)
    page = approver.get(reverse("bondfund:approval_queue")).content.decode()
    assert f'hx-post="{sign_url(bond)}"' in page and f'formaction="{sign_url(bond)}"' in page
    assert "vendor/htmx/htmx.min.js" in page


def test_a_post_without_confirmation_never_acts(world, program, approver):
    bond = make_request(world, program)
    row = approver.post(sign_url(bond), {"comment": "Ok"}, **HTMX)
    assert row.status_code == 200
    text = row.content.decode()
    assert text.startswith("<tr") and f'id="queue-row-{bond.pk}"' in text
    assert "will be reserved from the budget" in text and "Nothing has changed yet." in text
    assert 'name="confirm" value="1"' in text and 'href="/bonds/approvals/"' in text
    page = approver.post(sign_url(bond), {"comment": "Ok"})
    assert "casework/confirm.html" in [t.name for t in page.templates]
    assert 'name="confirm" value="1"' in page.content.decode()
    assert state(bond) == "submitted" and not bond.approvals.exists()


def test_htmx_confirmation_answers_with_the_row_and_its_outcome(world, program, approver):
    small = make_request(world, program, amount=6_000)
    large = make_request(world, program, amount=12_000)
    third = make_request(world, program, amount=6_000)
    outcomes = [approver.post(sign_url(b), {"confirm": "1", "comment": "Visto"}, **HTMX)
                .content.decode() for b in (small, large, third)]
    assert "<html" not in outcomes[0] and f'id="queue-row-{small.pk}"' in outcomes[0]
    assert "Approved" in outcomes[0]
    assert "Awaiting another signature" in outcomes[1] and "1 of 2 signatures" in outcomes[1]
    assert "Refused" in outcomes[2] and "limit of 2 people is reached" in outcomes[2]
    assert (state(small), state(large), state(third)) == ("approved", "submitted", "submitted")
    assert small.approvals.get().comment == "Visto"


def test_without_htmx_the_confirmed_post_shows_the_outcome_page(world, program, approver):
    bond = make_request(world, program)
    response = approver.post(sign_url(bond), {"confirm": "1"})
    assert "casework/sign_outcomes.html" in [t.name for t in response.templates]
    assert [o.status for o in response.context["outcomes"]] == ["approved"]
    assert state(bond) == "approved"


def test_a_request_outside_the_approvers_scope_is_not_found(world, program):
    bond = make_request(world, program, officer=world.officer_b, beneficiary=world.ben_b)
    response = sign_in(Client(), world.approver_a).post(sign_url(bond), {"confirm": "1"})
    assert response.status_code == 404
    assert state(bond) == "submitted"
