"""The bondfund rows of the access matrix, run on their own (the project-wide matrix also
collects them)."""

from django.test import Client
from django.urls import reverse

from tests.access import FOREIGN_NAMES, LOGIN
from tests.bondfund.access import url_cases
from tests.core.test_access_matrix import project_url_names
from tests.helpers import sign_in


def test_every_bondfund_url_has_a_case(world):
    names = {n for n in project_url_names() if n.startswith("bondfund:")}
    assert names - {c.name for c in url_cases(world)} == set()


def test_each_persona_gets_exactly_its_access_to_bonds(world):
    clients = {}
    for persona, user in world.personas.items():
        clients[persona] = Client()
        if user is not None:
            sign_in(clients[persona], user)
    failures = []
    for case in url_cases(world):
        url = reverse(case.name, kwargs=case.kwargs) + case.query
        for persona, wanted in case.expect.items():
            response = clients[persona].get(url)
            got = response.status_code
            ok = (got == 302 and "/login/" in response.headers.get("Location", "")
                  if wanted == LOGIN else got == wanted)
            if not ok:
                failures.append(f"{case.name} {url} as {persona}: wanted {wanted}, got {got}")
                continue
            foreign = FOREIGN_NAMES.get(persona)
            if got == 200 and foreign and hasattr(response, "content"):
                name = getattr(world, foreign).family_names
                if name.encode() in response.content:
                    failures.append(f"{case.name} as {persona} shows {name}")
    assert not failures, "\n".join(failures)
