import importlib
import pkgutil

from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.access import FOREIGN_NAMES, LOGIN
from tests.helpers import sign_in

APPS = ("core", "ledger", "bondfund", "grants", "payments", "pale", "public", "monitoring",
        "obligations", "notifications", "administration")


def project_url_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, ns)
            elif p.name and namespace in APPS:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return names


def collect_cases(world):
    cases = []
    for app in APPS:
        package = importlib.import_module(f"tests.{app}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name == "access" or info.name.startswith("access_"):
                module = importlib.import_module(f"tests.{app}.{info.name}")
                cases.extend(module.url_cases(world))
    return cases


def test_every_url_of_the_project_is_in_the_matrix(world):
    covered = {case.name for case in collect_cases(world)}
    missing = sorted(project_url_names() - covered)
    assert not missing, f"URLs without an access case: {missing}"


def test_each_persona_gets_exactly_its_access(world):
    failures = []
    clients = {}
    for persona, user in world.personas.items():
        client = Client()
        if user is not None:
            sign_in(client, user)
        clients[persona] = client
    for case in collect_cases(world):
        url = reverse(case.name, kwargs=case.kwargs) + case.query
        for persona, wanted in case.expect.items():
            response = clients[persona].get(url)
            got = response.status_code
            if wanted == LOGIN:
                ok = got == 302 and "/login/" in response.headers.get("Location", "")
            else:
                ok = got == wanted
            if not ok:
                failures.append(f"{case.name} {url} as {persona}: wanted {wanted}, got {got}")
                continue
            foreign = FOREIGN_NAMES.get(persona)
            if got == 200 and foreign and hasattr(response, "content"):
                name = getattr(world, foreign).family_names
                if name.encode() in response.content:
                    failures.append(f"{case.name} {url} as {persona} shows {name}")
    assert not failures, "\n".join(failures)
