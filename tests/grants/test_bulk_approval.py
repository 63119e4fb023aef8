"""Grant programs' people caps and signing many applications from the queue."""

import pytest
from django.test import Client
from django.urls import reverse

from grants.models import GrantApplication
from grants.services_programs import grant_program_people_cap_set
from ledger import people
from ledger.verify import verify
from tests.grants.factories import make_program, submitted
from tests.helpers import sign_in


@pytest.fixture
def program(world):
    program = make_program(world)
    grant_program_people_cap_set(actor=world.admin, program_id=program.pk, level="program",
                                 count=1)
    return program


@pytest.fixture(autouse=True)
def books_balance(db):
    yield
    assert verify() == []


def test_bulk_signing_stops_at_the_people_cap(world, program):
    first, second = submitted(world, program), submitted(world, program)
    approver = sign_in(Client(), world.approver_a)
    queue = approver.get(reverse("grants:approval_queue"))
    assert [a.people_left for a in queue.context["applications"]] == [1, 1]
    assert "0 of 1 signature" in queue.content.decode()
    response = approver.post(reverse("grants:approval_sign_many"),
                             {"case": [first.pk, second.pk]})
    assert [o.status for o in response.context["outcomes"]] == ["approved", "refused"]
    assert response.context["outcomes"][1].reason == \
        "The program's limit of 1 person is reached."
    assert GrantApplication.objects.get(pk=second.pk).state == "submitted"
    assert people.people_positions(program=program.ledger_ref)[("program", None, None)] \
        .reserved == 1


def test_program_page_shows_the_people_cap_to_its_admin(world, program):
    admin = sign_in(Client(), world.admin)
    page = admin.get(reverse("grants:program_detail", args=[program.pk]))
    assert page.context["people"]["program"].cap == 1
    admin.post(reverse("grants:program_people_cap", args=[program.pk]),
               {"people-level": "program", "people-count": "5"})
    assert people.people_positions(program=program.ledger_ref)[("program", None, None)] \
        .cap == 5
