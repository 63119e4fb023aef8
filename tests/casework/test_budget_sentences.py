"""After a budget decision on a program page, the program administrator reads what happened as
a sentence naming the program, the amount and who received it, in their language."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bondfund.models import BondProgram
from tests.bondfund.factories import make_program as make_bond_program
from tests.grants.factories import make_program as make_grant_program
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def spanish_admin(world):
    world.admin.language = "es"
    world.admin.save(update_fields=["language"])
    return sign_in(Client(), world.admin)


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_opening_a_bond_program_says_its_name_and_budget(world):
    admin = spanish_admin(world)
    response = admin.post(reverse("bondfund:program_create"), {
        "name": "Programa Houston", "total_budget": "50000", "per_case_maximum": "20000",
        "approval_tiers": "", "starts_on": "2025-01-01", "eligibility": "",
    }, follow=True)
    assert BondProgram.objects.filter(name="Programa Houston").exists()
    assert said(response) == [
        "Se abrió el programa “Programa Houston” con un presupuesto de USD 50,000.00."]


def test_bond_budget_decisions_say_who_received_what(world):
    program = make_bond_program(world, consulate_a=0, partner_x=0)
    admin = spanish_admin(world)
    url = reverse("bondfund:program_budget", args=[program.pk, "consulate"])
    response = admin.post(url, {"consulate-consulate": world.consulate_a.pk,
                                "consulate-amount": "20000"}, follow=True)
    assert said(response) == [f"{world.consulate_a} recibió USD 20,000.00 del presupuesto del "
                              f"programa “{program.name}”."]
    url = reverse("bondfund:program_budget", args=[program.pk, "partner_cap"])
    response = admin.post(url, {"partner_cap-partner": world.partner_x.pk,
                                "partner_cap-amount": "7000"}, follow=True)
    assert said(response) == [f"El tope de {world.partner_x} en el programa “{program.name}” "
                              "ahora es de USD 7,000.00."]


def test_grant_budget_decisions_say_who_received_what(world):
    program = make_grant_program(world, allocations={world.consulate_a: Decimal("3000")})
    admin = spanish_admin(world)
    url = reverse("grants:program_allocate", args=[program.pk])
    response = admin.post(url, {"allocation-consulate": world.consulate_b.pk,
                                "allocation-from_consulate": world.consulate_a.pk,
                                "allocation-amount": "1000"}, follow=True)
    assert said(response) == [
        f"Se transfirieron USD 1,000.00 del programa “{program.name}” de {world.consulate_a} "
        f"a {world.consulate_b}."]
    response = admin.post(reverse("grants:program_partner_cap", args=[program.pk]),
                          {"cap-partner": world.partner_x.pk, "cap-amount": "500"}, follow=True)
    assert said(response) == [f"El tope de {world.partner_x} en el programa “{program.name}” "
                              "ahora es de USD 500.00."]
