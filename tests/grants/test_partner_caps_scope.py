"""A program's partner caps are shown to the consulates those partners serve, not to others."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from grants import services
from tests.grants.factories import make_program
from tests.helpers import sign_in


def caps_page(world, user):
    program = make_program(world, allocations={world.consulate_a: Decimal("20000"),
                                               world.consulate_b: Decimal("20000")})
    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk,
                                   partner=world.partner_x, amount=Decimal("1234"))
    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk,
                                   partner=world.partner_y, amount=Decimal("5678"))
    response = sign_in(Client(), user).get(reverse("grants:program_detail", args=[program.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_sees_only_the_caps_of_partners_serving_the_consulate(world):
    page = caps_page(world, world.officer_b)
    assert world.partner_y.name in page and "5,678.00" in page
    assert world.partner_x.name not in page and "1,234.00" not in page


def test_headquarters_see_every_cap(world):
    page = caps_page(world, world.admin)
    assert "1,234.00" in page and "5,678.00" in page
