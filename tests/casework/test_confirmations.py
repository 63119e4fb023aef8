"""A step that moves money or cannot be undone asks first, in words, and acts only when the
confirmation comes back; a refusal shows the form again with what the person typed."""

import pytest
from django.test import Client
from django.urls import reverse

from bondfund.actions import ACTIONS as BOND_ACTIONS
from bondfund.models import State
from casework.confirmations import CONFIRMATIONS
from grants.actions import ACTIONS as GRANT_ACTIONS
from ledger.selectors import budget_position
from payments.models import Disbursement
from tests.bondfund.factories import make_program, make_request
from tests.helpers import sign_in


def _post(client, bond, slug, data=None, *, confirm=False):
    payload = {f"{slug}-{k}": v for k, v in (data or {}).items()}
    if confirm:
        payload["confirm"] = "1"
    return client.post(reverse("bondfund:request_action", args=[bond.pk, slug]), payload)


def _reserved(program, world):
    return budget_position(program=program.ledger_ref, currency="USD",
                           consulate_id=world.consulate_a.pk).reserved


def test_every_money_moving_or_closing_step_is_confirmed():
    for actions in (BOND_ACTIONS, GRANT_ACTIONS):
        for slug in ("approve", "reject", "void", "withdraw", "request-payment"):
            assert actions[slug].confirmation is not None, slug
    for slug in ("mark-ineligible", "breach", "write-off", "cancel", "record-refund"):
        assert BOND_ACTIONS[slug].confirmation is not None, slug
    assert GRANT_ACTIONS["close"].confirmation.irreversible
    assert BOND_ACTIONS["submit"].confirmation is None
    assert BOND_ACTIONS["confirm-posting"].confirmation is None
    assert CONFIRMATIONS["void"].irreversible and CONFIRMATIONS["approve"].moves_money


def test_approval_says_what_is_reserved_and_reserves_nothing_until_confirmed(world):
    program = make_program(world)
    bond = make_request(world, program, amount=7_500)
    client = sign_in(Client(), world.approver_a)
    before = _reserved(program, world)

    page = _post(client, bond, "approve", {"comment": "Procede"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "USD 7,500.00" in text and "Consulado de México en Chicago" in text
    assert 'name="confirm" value="1"' in text and "Procede" in text
    bond.refresh_from_db()
    assert bond.state == State.SUBMITTED and _reserved(program, world) == before

    done = _post(client, bond, "approve", {"comment": "Procede"}, confirm=True)

    assert done.status_code == 302
    bond.refresh_from_db()
    assert bond.state == State.APPROVED and _reserved(program, world) == before + 750_000


def test_irreversible_step_warns_in_spanish_with_a_danger_button(world):
    program = make_program(world)
    bond = make_request(world, program)
    world.approver_a.language = "es"
    world.approver_a.save(update_fields=["language"])
    client = sign_in(Client(), world.approver_a)

    page = _post(client, bond, "reject", {"comment": "Sin documentos"})

    text = page.content.decode()
    assert "No se puede deshacer" in text
    assert 'class="danger"' in text
    bond.refresh_from_db()
    assert bond.state == State.SUBMITTED


def test_payment_is_not_requested_until_confirmed(world):
    program = make_program(world)
    bond = make_request(world, program)
    client = sign_in(Client(), world.approver_a)
    _post(client, bond, "approve", confirm=True)

    page = _post(client, bond, "request-payment", {"comment": "Pagar"})

    assert page.status_code == 200 and "Midwest Immigrant Bond Project" in page.content.decode()
    assert not Disbursement.objects.exists()
    _post(client, bond, "request-payment", {"comment": "Pagar"}, confirm=True)
    assert Disbursement.objects.count() == 1


def test_a_forged_confirmation_out_of_order_changes_nothing(world):
    program = make_program(world)
    bond = make_request(world, program)
    client = sign_in(Client(), world.approver_a)

    response = _post(client, bond, "void", {"comment": "x"}, confirm=True)

    assert response.status_code == 302
    bond.refresh_from_db()
    assert bond.state == State.SUBMITTED and not Disbursement.objects.exists()


@pytest.mark.parametrize("language, words", [("en", "would exceed"), ("es", "excedería")])
def test_a_refused_approval_keeps_the_comment_and_names_the_cap(world, language, words):
    program = make_program(world, consulate_a=5_000, partner_x=80_000)
    bond = make_request(world, program, amount=7_500)
    world.approver_a.language = language
    world.approver_a.save(update_fields=["language"])
    client = sign_in(Client(), world.approver_a)

    response = _post(client, bond, "approve", {"comment": "Revisado con la familia"},
                     confirm=True)

    assert response.status_code == 400
    text = response.content.decode()
    assert "data-error-summary" in text and words in text
    assert "Revisado con la familia" in text
    bond.refresh_from_db()
    assert bond.state == State.SUBMITTED
