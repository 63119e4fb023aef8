"""Partners and consulates: created and edited in the application, validated like the
models, audited, and within the administrator's scope (another tenant is a 404)."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, Consulate, PartnerOrganization, Role
from tests.core.factories import ConsulateFactory, user_with_role
from tests.helpers import sign_in

PARTNER = {"name": "Great Lakes Bond Fund", "ein": "364567891", "is_501c3": "on",
           "obligor_eligible": "on", "city": "Chicago", "state": "IL",
           "email": "bonds@greatlakes.example.org", "phone": "+1 312 555 0199",
           "legal_advisor_kind": "", "comment": "Signed agreement"}


def test_a_partner_is_created_with_its_ein_normalized_and_audited(world, admin_client):
    response = admin_client.post(reverse("administration:partner_create"),
                                 {**PARTNER, "consulates": [world.consulate_a.pk]})
    assert response.status_code == 302
    partner = PartnerOrganization.objects.get(name="Great Lakes Bond Fund")
    assert partner.ein == "36-4567891" and partner.obligor_eligible
    assert list(partner.consulates.all()) == [world.consulate_a]
    event = AuditEvent.objects.get(action="administration.partner_create")
    assert event.actor == world.admin and event.comment == "Signed agreement"
    assert event.partner_id == partner.pk


@pytest.mark.parametrize("ein", ["12345", "07-1234567", "36-4567890"])
def test_a_bad_or_taken_ein_is_refused_and_changes_nothing(world, admin_client, ein):
    before = PartnerOrganization.objects.count()
    response = admin_client.post(reverse("administration:partner_create"),
                                 {**PARTNER, "ein": ein})
    assert response.status_code == 200 and "ein" in response.context["form"].errors
    assert PartnerOrganization.objects.count() == before
    assert not AuditEvent.objects.filter(action="administration.partner_create").exists()


def test_editing_a_partner_records_what_changed(world, admin_client):
    partner = world.partner_x
    admin_client.post(reverse("administration:partner_edit", args=[partner.pk]), {
        **PARTNER, "name": partner.name, "ein": partner.ein, "obligor_eligible": "",
        "consulates": [world.consulate_a.pk, world.consulate_b.pk], "comment": "IRS letter"})
    partner.refresh_from_db()
    assert not partner.obligor_eligible
    assert set(partner.consulates.all()) == {world.consulate_a, world.consulate_b}
    event = AuditEvent.objects.get(action="administration.partner_update")
    assert event.changes["obligor_eligible"] == [True, False]
    assert event.changes["consulates"] == [[world.consulate_a.pk],
                                           sorted([world.consulate_a.pk, world.consulate_b.pk])]


def test_consulate_details_and_time_zone(world, admin_client):
    url = reverse("administration:consulate_edit", args=[world.consulate_b.pk])
    response = admin_client.post(url, {
        "code": "LAX", "name": world.consulate_b.name, "city": "Los Angeles", "state": "CA",
        "time_zone": "America/Los_Angeles", "phone": "+1 213 555 0111", "email": "",
        "address": "", "comment": "New line"})
    assert response.status_code == 302
    consulate = Consulate.objects.get(pk=world.consulate_b.pk)
    assert consulate.time_zone == "America/Los_Angeles" and consulate.phone == "+1 213 555 0111"
    event = AuditEvent.objects.get(action="administration.consulate_update")
    assert event.consulate_id == consulate.pk and "time_zone" in event.changes
    response = admin_client.post(url, {"code": "LAX", "name": "x", "city": "x", "state": "CA",
                                       "time_zone": "Europe/Madrid"})
    assert response.status_code == 200 and "time_zone" in response.context["form"].errors


def test_a_new_consulate(world, admin_client):
    response = admin_client.post(reverse("administration:consulate_create"), {
        "code": "tuc", "name": "Consulado de México en Tucson", "city": "Tucson",
        "state": "az", "time_zone": "America/Phoenix", "phone": "", "email": "",
        "address": ""})
    assert response.status_code == 302
    assert Consulate.objects.get(code="TUC").time_zone == "America/Phoenix"


@pytest.fixture
def local_admin(world):
    """A program administrator of consulate A only."""
    return user_with_role(Role.PROGRAM_ADMIN, consulate=world.consulate_a, username="admin_chi")


def test_a_consulate_administrator_sees_only_their_tenant(world, local_admin):
    client = sign_in(Client(), local_admin)
    assert client.get(reverse("administration:consulate_edit",
                              args=[world.consulate_a.pk])).status_code == 200
    for name, pk in [("administration:consulate_edit", world.consulate_b.pk),
                     ("administration:partner_edit", world.partner_y.pk),
                     ("administration:user_detail", world.officer_b.pk)]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.get(reverse("administration:consulate_create")).status_code == 403
    users = client.get(reverse("administration:user_list")).content
    assert b"officer_a" in users and b"officer_b" not in users
    partners = client.get(reverse("administration:partner_list")).content
    assert world.partner_x.name.encode() in partners
    assert world.partner_y.name.encode() not in partners


def test_a_consulate_administrator_cannot_give_roles_elsewhere(world, local_admin):
    client = sign_in(Client(), local_admin)
    url = reverse("administration:user_detail", args=[world.officer_a.pk])
    for data in ({"role": Role.AUDITOR, "consulate": ""},
                 {"role": Role.CONSULATE_OFFICER, "consulate": world.consulate_b.pk},
                 {"role": Role.PARTNER_STAFF, "partner": world.partner_y.pk}):
        response = client.post(url, {"consulate": "", "partner": "", **data})
        assert response.status_code == 200, data
    assert world.officer_a.memberships.count() == 1
    client.post(reverse("administration:user_deactivate", args=[world.officer_b.pk]),
                {"comment": "No"})
    world.officer_b.refresh_from_db()
    assert world.officer_b.is_active


def test_editing_a_partner_keeps_consulates_outside_the_scope(world, local_admin):
    other = ConsulateFactory(code="HOU")
    world.partner_x.consulates.add(other)
    client = sign_in(Client(), local_admin)
    client.post(reverse("administration:partner_edit", args=[world.partner_x.pk]), {
        **PARTNER, "name": world.partner_x.name, "ein": world.partner_x.ein,
        "consulates": [world.consulate_a.pk], "comment": "Phone"})
    assert set(world.partner_x.consulates.all()) == {world.consulate_a, other}
