"""The lists stay usable with more data: the queries a page needs do not grow with its rows."""

import pytest
from django.db import transaction
from django.urls import reverse

from core.audit import audit_record
from tests.core.factories import BeneficiaryFactory
from tests.helpers import assert_flat, sign_in

pytestmark = pytest.mark.django_db


def beneficiaries(world):
    return lambda n: BeneficiaryFactory.create_batch(n, consulate=world.consulate_a)


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "admin", "auditor"])
def test_beneficiary_list(client, world, persona):
    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("core:beneficiary_list"), beneficiaries(world))


def test_beneficiary_search(client, world):
    sign_in(client, world.officer_a)
    assert_flat(client, reverse("core:beneficiary_list") + "?q=P%C3%A9rez", beneficiaries(world))


def test_home_recent_beneficiaries(client, world):
    sign_in(client, world.officer_a)
    assert_flat(client, reverse("core:home"), beneficiaries(world))


@pytest.mark.parametrize("persona", ["admin", "auditor"])
def test_audit_list(client, world, persona):
    def add(n):
        with transaction.atomic():
            for i in range(n):
                actor = world.officer_a if i % 2 else world.approver_a
                audit_record(actor=actor, action="beneficiary.update", obj=world.ben_a,
                             consulate_id=world.consulate_a.pk,
                             partner_id=world.partner_x.pk if i % 3 else None)

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("core:audit_list"), add)
