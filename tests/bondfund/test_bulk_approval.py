"""Signing many requests from the approval queue: each checked as one signature would be, one
transaction each, with an outcome per request."""

import pytest
from django.test import Client
from django.urls import reverse

from bondfund.models import BondRequest
from bondfund.services_programs import program_people_cap_set
from core.models import Role
from ledger.verify import verify
from tests.bondfund.factories import make_program, make_request
from tests.core.factories import user_with_role
from tests.helpers import assert_flat, sign_in

QUEUE = "bondfund:approval_queue"
SIGN = "bondfund:approval_sign_many"


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


def state(bond):
    return BondRequest.objects.get(pk=bond.pk).state


def test_mixed_outcomes_each_in_its_own_transaction(world, program, approver):
    small = make_request(world, program, amount=6_000)
    large = make_request(world, program, amount=12_000)
    third = make_request(world, program, amount=6_000)
    response = approver.post(reverse(SIGN), {"case": [small.pk, large.pk, third.pk],
                                             "comment": "Pilot night"})
    assert response.status_code == 200
    outcomes = {o.case.pk: o for o in response.context["outcomes"]}
    assert outcomes[small.pk].status == "approved"
    assert (outcomes[large.pk].status, outcomes[large.pk].signatures,
            outcomes[large.pk].needed) == ("awaiting", 1, 2)
    assert outcomes[third.pk].status == "refused"
    assert outcomes[third.pk].reason == "The program's limit of 2 people is reached."
    text = response.content.decode()
    assert "1 of 2 signatures" in text and "limit of 2 people is reached" in text
    assert (state(small), state(large), state(third)) == ("approved", "submitted", "submitted")
    assert BondRequest.objects.get(pk=large.pk).reservation_key  # the first signature holds
    assert not BondRequest.objects.get(pk=third.pk).approvals.exists()


def test_a_signer_cannot_sign_twice_and_a_second_one_completes(world, program, approver):
    large = make_request(world, program, amount=12_000)
    approver.post(reverse(SIGN), {"case": [large.pk]})
    again = approver.post(reverse(SIGN), {"case": [large.pk]})
    [outcome] = again.context["outcomes"]
    assert outcome.status == "refused" and "already signed" in outcome.reason
    second = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                            username="approver_a2")
    done = sign_in(Client(), second).post(reverse(SIGN), {"case": [large.pk]})
    assert done.context["outcomes"][0].status == "approved"
    assert state(large) == "approved"


def test_sign_every_request_on_the_page(world, approver):
    program = make_program(world, tiers=[])
    bonds = [make_request(world, program, amount=2_000) for _ in range(3)]
    response = approver.post(reverse(SIGN), {"page_case": [b.pk for b in bonds],
                                             "all_on_page": "1"})
    assert [o.status for o in response.context["outcomes"]] == ["approved"] * 3


def test_another_consulates_request_is_404_and_nothing_is_signed(world, program, approver):
    ours = make_request(world, program, amount=2_000)
    theirs = make_request(world, program, amount=2_000, officer=world.officer_b,
                          beneficiary=world.ben_b)
    response = approver.post(reverse(SIGN), {"case": [ours.pk, theirs.pk]})
    assert response.status_code == 404
    assert (state(ours), state(theirs)) == ("submitted", "submitted")


def test_nothing_ticked_says_so(world, program, approver):
    response = approver.post(reverse(SIGN), {"case": []}, follow=True)
    assert "Select at least one request to sign." in response.content.decode()


def test_only_approvers_sign(world, program):
    bond = make_request(world, program, amount=2_000)
    officer = sign_in(Client(), world.officer_a)
    assert officer.post(reverse(SIGN), {"case": [bond.pk]}).status_code == 403
    assert state(bond) == "submitted"


def test_queue_shows_signatures_needed_and_people_places(world, program, approver):
    large = make_request(world, program, amount=12_000)
    make_request(world, program, amount=2_000)
    second = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                            username="approver_a2")
    sign_in(Client(), second).post(reverse(SIGN), {"case": [large.pk]})
    page = approver.get(reverse(QUEUE))
    rows = {r.pk: r for r in page.context["rows"]}
    assert (rows[large.pk].signatures, rows[large.pk].signatures_needed) == (1, 2)
    assert rows[large.pk].people_left == 1
    text = page.content.decode()
    assert "1 of 2 signatures" in text and "0 of 1 signature" in text
    assert program.name in text


def test_the_queue_makes_no_query_per_row(world, program, approver):
    assert_flat(approver, reverse(QUEUE),
                lambda n: [make_request(world, program, amount=2_000) for _ in range(n)])


def test_outcomes_read_in_spanish(world, program):
    make_request(world, program, amount=6_000)
    make_request(world, program, amount=6_000)
    third = make_request(world, program, amount=6_000)
    world.approver_a.language = "es"
    world.approver_a.save(update_fields=["language"])
    approver = sign_in(Client(), world.approver_a)
    ids = [b.pk for b in BondRequest.objects.order_by("pk")]
    text = approver.post(reverse(SIGN), {"case": ids}).content.decode()
    assert "Se alcanzó el límite de 2 personas del programa." in text
    assert third.reference in text
