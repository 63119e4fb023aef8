import pytest
from django.contrib import admin
from django.urls import reverse

from core.models import AuditEvent, Beneficiary
from tests.core.factories import UserFactory
from tests.helpers import sign_in

CORE_MODELS = [m for m in admin.site._registry if m._meta.app_label == "core"]


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    return sign_in(client, user)  # the admin opens only after the second factor


def test_every_core_model_is_in_the_admin():
    from django.apps import apps

    assert set(apps.get_app_config("core").get_models()) <= set(admin.site._registry)


@pytest.mark.parametrize("model", CORE_MODELS, ids=lambda m: m._meta.model_name)
def test_changelists_open_and_search(superuser_client, world, model):
    url = reverse(f"admin:core_{model._meta.model_name}_changelist")
    assert superuser_client.get(url, {"q": "x"}).status_code == 200


def test_audit_events_are_read_only_and_beneficiaries_are_not_added_or_deleted(rf, db):
    request = rf.get("/")
    request.user = UserFactory(username="root2", is_staff=True, is_superuser=True)
    events = admin.site._registry[AuditEvent]
    assert not events.has_add_permission(request)
    assert not events.has_change_permission(request)
    assert not events.has_delete_permission(request)
    beneficiaries = admin.site._registry[Beneficiary]
    assert not beneficiaries.has_add_permission(request)
    assert not beneficiaries.has_delete_permission(request)
    assert "merged_into" in beneficiaries.readonly_fields
