"""The grant application form picks the program only when one is open to the consulate."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.grants.factories import make_program
from tests.helpers import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ticking_clock")]


def create_page(world, query=""):
    client = sign_in(Client(), world.officer_a)
    return client.get(reverse("grants:application_create")
                      + f"?beneficiary={world.ben_a.pk}{query}")


def test_the_only_open_program_is_chosen_for_the_officer(world):
    program = make_program(world)
    make_program(world, name="Only for consulate B", allocations={world.consulate_b: 1000})
    page = create_page(world)
    assert page.context["program"] == program and "picker" not in page.context


def test_among_several_open_programs_the_officer_chooses(world):
    first = make_program(world, name="Apoyo A")
    second = make_program(world, name="Apoyo B", currency="MXN")
    make_program(world, name="Only for consulate B", allocations={world.consulate_b: 1000})
    page = create_page(world)
    assert page.context.get("program") is None
    assert list(page.context["picker"].fields["program"].queryset) == [first, second]
    assert create_page(world, f"&program={second.pk}").context["program"] == second


def test_a_program_not_open_to_the_consulate_cannot_be_asked_for(world):
    make_program(world, name="Apoyo A")
    elsewhere = make_program(world, name="Only for consulate B",
                             allocations={world.consulate_b: 1000})
    page = create_page(world, f"&program={elsewhere.pk}")
    assert page.context.get("program") is None and page.context["picker"].errors
