"""A bond program's people caps: person N+1 is refused as strictly as money past a cap."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from bondfund import services
from bondfund.services_programs import program_people_cap_set
from core.models import AuditEvent
from ledger import people
from ledger.verify import verify
from tests.bondfund.factories import make_program, make_request
from tests.helpers import sign_in


@pytest.fixture
def program(world):
    program = make_program(world, tiers=[])
    program_people_cap_set(actor=world.admin, program_id=program.pk, level="program", count=2)
    return program


@pytest.fixture(autouse=True)
def books_balance(db):
    yield
    assert verify() == []


def approve(world, bond):
    return services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)


def program_people(program):
    return people.people_positions(program=program.ledger_ref)[("program", None, None)]


def test_the_person_past_the_program_cap_is_refused(world, program):
    first, second, third = (make_request(world, program) for _ in range(3))
    approve(world, first)
    approve(world, second)
    with pytest.raises(ValidationError) as exc:
        approve(world, third)
    assert exc.value.messages == ["The program's limit of 2 people is reached."]
    third.refresh_from_db()
    assert third.state == "submitted" and third.reservation_key == ""
    assert not third.approvals.exists()
    assert program_people(program) == people.PeoplePosition(cap=2, reserved=2, funded=0)


def test_a_voided_bond_gives_its_place_back(world, program):
    first, second, third = (make_request(world, program) for _ in range(3))
    approve(world, first)
    approve(world, second)
    services.bond_request_void(actor=world.approver_a, request_id=first.pk,
                               comment="Released on recognizance")
    assert approve(world, third).state == "approved"


def test_a_withdrawn_request_gives_its_place_back(world, program):
    first, second, third = (make_request(world, program) for _ in range(3))
    approve(world, first)
    approve(world, second)
    services.bond_request_withdraw(actor=world.officer_a, request_id=second.pk,
                                   comment="Family paid the bond")
    assert approve(world, third).state == "approved"


def test_a_consulate_cap_refuses_within_the_program_cap(world, program):
    program_people_cap_set(actor=world.admin, program_id=program.pk, level="consulate",
                           count=1, consulate=world.consulate_a)
    first, second = make_request(world, program), make_request(world, program)
    approve(world, first)
    with pytest.raises(ValidationError) as exc:
        approve(world, second)
    assert exc.value.messages == ["The consulate's limit of 1 person is reached."]


def test_only_a_program_admin_sets_a_people_cap(world, program):
    with pytest.raises(PermissionDenied):
        program_people_cap_set(actor=world.approver_a, program_id=program.pk,
                               level="program", count=500)
    assert program_people(program).cap == 2


def test_a_cap_below_the_people_held_is_refused_and_audited_when_set(world, program):
    approve(world, make_request(world, program))
    approve(world, make_request(world, program))
    with pytest.raises(ValidationError) as exc:
        program_people_cap_set(actor=world.admin, program_id=program.pk, level="program",
                               count=1)
    assert "2 people are already reserved or funded" in exc.value.messages[0]
    assert program_people(program).cap == 2
    program_people_cap_set(actor=world.admin, program_id=program.pk, level="program",
                           count=200)
    event = AuditEvent.objects.filter(action="bond_program.people_cap").latest("id")
    assert event.changes["people_cap"] == 200 and event.actor == world.admin


def test_program_page_shows_people_and_sets_a_cap(world, program):
    approve(world, make_request(world, program))
    admin = sign_in(Client(), world.admin)
    page = admin.get(reverse("bondfund:program_detail", args=[program.pk]))
    assert page.context["people"]["program"].reserved == 1
    assert 'id="program-people"' in page.content.decode()
    url = reverse("bondfund:program_people_cap", args=[program.pk])
    admin.post(url, {"people-level": "consulate", "people-count": "0",
                     "people-consulate": world.consulate_a.pk}, follow=True)
    refused = admin.post(url, {"people-level": "program", "people-count": "0"}, follow=True)
    assert "1 person is already reserved or funded" in refused.content.decode()
    assert program_people(program).cap == 2
    missing = admin.post(url, {"people-level": "partner", "people-count": "5"})
    assert missing.status_code == 400  # the form asks which partner; nothing is set


def test_an_approver_reads_people_but_cannot_set_them(world, program):
    approver = sign_in(Client(), world.approver_a)
    page = approver.get(reverse("bondfund:program_detail", args=[program.pk]))
    assert page.context["people_form"] is None
    url = reverse("bondfund:program_people_cap", args=[program.pk])
    assert approver.post(url, {"people-level": "program", "people-count": "9"}) \
        .status_code == 403
    assert program_people(program).cap == 2


def test_the_program_administrators_home_shows_people_beside_money(world, program):
    approve(world, make_request(world, program))
    admin = sign_in(Client(), world.admin)
    response = admin.get(reverse("core:home"))
    panel = next(p for p in response.context["panels"]
                 if p.title == "Programs: money and people")
    [shown] = [p for p in panel.context["programs"] if p["ref"] == program.ledger_ref]
    assert shown["people"] == people.PeoplePosition(cap=2, reserved=1, funded=0)
    assert "People: 1 of 2 places taken (1 reserved, 0 funded)." in \
        response.content.decode()
