from django.urls import reverse

from tests.bondfund.factories import make_program
from tests.helpers import sign_in


def test_reconciliation_names_the_program_and_filters_by_it(client, world):
    program = make_program(world)
    sign_in(client, world.auditor)
    response = client.get(reverse("ledger:reconciliation"),
                          {"program": program.ledger_ref, "consulate": world.consulate_a.pk})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.program_name, r.label) for r in rows] == [(program.name, str(world.consulate_a))]
    assert program.name in response.content.decode()


def test_an_officer_can_filter_only_by_the_consulates_they_reach(client, world):
    make_program(world)
    sign_in(client, world.officer_a)
    response = client.get(reverse("ledger:reconciliation"))
    choices = dict(response.context["form"].fields["consulate"].choices)
    assert world.consulate_a.pk in choices and world.consulate_b.pk not in choices
    response = client.get(reverse("ledger:reconciliation"), {"consulate": world.consulate_b.pk})
    assert world.consulate_b.name not in response.content.decode()
