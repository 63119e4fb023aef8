"""The Django admin reads what the application manages: a superuser's POST to change a
membership, a person's consent or a program's approval tiers is refused and changes nothing."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin_site import EDITABLE_IN_ADMIN
from core.models import AuditEvent, Beneficiary, Membership, Role
from tests.core.factories import UserFactory
from tests.helpers import sign_in


@pytest.fixture
def root(client, db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    return sign_in(client, user)


def _refused(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 403, url


def test_a_membership_cannot_be_changed_added_or_deleted(root, world):
    membership = world.officer_a.memberships.get()
    change = reverse("admin:core_membership_change", args=[membership.pk])
    assert root.get(change).status_code == 200  # still readable
    _refused(root, change, {"user": world.officer_a.pk, "role": Role.PROGRAM_ADMIN,
                            "consulate": "", "partner": ""})
    _refused(root, reverse("admin:core_membership_add"),
             {"user": world.officer_a.pk, "role": Role.PROGRAM_ADMIN})
    _refused(root, reverse("admin:core_membership_delete", args=[membership.pk]),
             {"post": "yes"})
    assert list(Membership.objects.filter(user=world.officer_a).values_list("role", flat=True)) \
        == [Role.CONSULATE_OFFICER]


def test_a_person_s_consent_cannot_be_changed(root, world):
    url = reverse("admin:core_beneficiary_change", args=[world.ben_a.pk])
    _refused(root, url, {"given_names": world.ben_a.given_names,
                         "family_names": world.ben_a.family_names,
                         "date_of_birth": "1990-05-17", "consents_to_family_lookup": ""})
    assert Beneficiary.objects.get(pk=world.ben_a.pk).consents_to_family_lookup


def test_a_program_s_tiers_cannot_be_changed(root, world):
    from bondfund.models import BondProgram
    from tests.bondfund.factories import make_program

    program = make_program(world)
    before, events = program.approval_tiers, AuditEvent.objects.count()
    url = reverse("admin:bondfund_bondprogram_change", args=[program.pk])
    _refused(root, url, {"name": program.name,
                         "approval_tiers": '[{"above": "100.00", "approvals": 3}]'})
    assert BondProgram.objects.get(pk=program.pk).approval_tiers == before
    assert AuditEvent.objects.count() == events


def test_only_the_named_models_stay_editable(rf, db):
    request = rf.get("/")
    request.user = UserFactory(username="root2", is_staff=True, is_superuser=True)
    editable = {model._meta.label_lower for model, model_admin in admin.site._registry.items()
                if model_admin.has_add_permission(request)
                or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request)}
    assert editable <= EDITABLE_IN_ADMIN
    assert "bondfund.treasuryrate" in editable


def test_a_treasury_rate_entered_in_the_admin_is_audited_and_never_deleted(root, world):
    from bondfund.models import TreasuryRate

    response = root.post(reverse("admin:bondfund_treasuryrate_add"),
                         {"effective_on": "2026-10-01", "rate_percent": "3.9500"})
    assert response.status_code == 302
    rate = TreasuryRate.objects.get(effective_on="2026-10-01")
    event = AuditEvent.objects.get(action="bondfund.treasury_rate.save", object_id=str(rate.pk))
    assert event.actor.username == "root" and event.changes["rate_percent"] == "3.9500"
    _refused(root, reverse("admin:bondfund_treasuryrate_delete", args=[rate.pk]),
             {"post": "yes"})
    assert TreasuryRate.objects.filter(pk=rate.pk).exists()
