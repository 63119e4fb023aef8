"""Every link on each role's home page leads somewhere: no 404, no error."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.bondfund.factories import make_program, make_request
from tests.helpers import sign_in

HREF = re.compile(r'href="(/[^"#]*)"')


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x", "admin",
                                     "auditor"])
def test_every_link_on_the_home_page_opens(world, persona):
    program = make_program(world)
    make_request(world, program)
    client = sign_in(Client(), world.personas[persona])
    home = client.get(reverse("core:home"))
    links = sorted(set(HREF.findall(home.content.decode())))
    assert links, persona
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code not in (404, 500), (persona, link)


def test_request_a_bond_from_home_leads_the_officer_to_choose_the_person(world):
    client = sign_in(Client(), world.officer_a)
    response = client.get(reverse("bondfund:request_create"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:beneficiary_list")
    assert response.status_code == 200
    response = client.get(reverse("grants:application_create"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:beneficiary_list")
