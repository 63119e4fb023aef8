"""The admin shows bonds, grants and their money records, and writes none of them: state,
money and signatures change only through the services that post to the ledger and audit."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.core.factories import UserFactory
from tests.helpers import sign_in

CASE_APPS = ("bondfund", "grants")
CASE_MODELS = [m for m in admin.site._registry if m._meta.app_label in CASE_APPS]
LEDGER_RECORDS = ("bondfund.budgetallocation", "bondfund.bondapproval", "bondfund.bonddocument",
                  "grants.grantallocation", "grants.grantpartnercap", "grants.grantapproval",
                  "grants.grantdocument")
CASES_AND_PROGRAMS = ("bondfund.bondrequest", "bondfund.bondprogram",
                      "grants.grantapplication", "grants.grantprogram")


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_request(rf, root):
    request = rf.get("/")
    request.user = root
    return request


def admin_of(label):
    return admin.site._registry[apps.get_model(label)]


def test_every_model_of_both_case_apps_is_in_the_admin_on_its_own_or_inline():
    inline_models = {inline.model for model_admin in admin.site._registry.values()
                     for inline in model_admin.inlines}
    shown = set(admin.site._registry) | inline_models
    for app in CASE_APPS:
        assert set(apps.get_app_config(app).get_models()) <= shown, app


@pytest.mark.parametrize("model", CASE_MODELS, ids=lambda m: m._meta.label_lower)
def test_changelists_open_and_search(client, world, root, model):
    sign_in(client, root)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"q": "x"}).status_code == 200


@pytest.mark.parametrize("label", LEDGER_RECORDS)
def test_records_posted_to_the_ledger_are_read_only(staff_request, label):
    model_admin = admin_of(label)
    assert not model_admin.has_add_permission(staff_request)
    assert not model_admin.has_change_permission(staff_request)
    assert not model_admin.has_delete_permission(staff_request)


@pytest.mark.parametrize("label", CASES_AND_PROGRAMS)
def test_cases_and_programs_are_opened_on_their_pages_never_in_the_admin(staff_request, label):
    model_admin = admin_of(label)
    assert not model_admin.has_add_permission(staff_request)
    assert "total_budget" in model_admin.readonly_fields or "state" in model_admin.readonly_fields


@pytest.mark.parametrize("label", ("bondfund.bondrequest", "grants.grantapplication"))
def test_cases_are_never_deleted_and_their_signatures_and_documents_never_added(
        staff_request, label):
    model_admin = admin_of(label)
    assert not model_admin.has_delete_permission(staff_request)
    inlines = model_admin.get_inline_instances(staff_request)
    assert len(inlines) == 2
    for inline in inlines:
        assert not inline.has_add_permission(staff_request, obj=None)
        assert not inline.can_delete
    assert "sha256" in inlines[1].readonly_fields
