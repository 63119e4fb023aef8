"""The pages: entering a hearing in local time, the lists per tenant, recording a missed
appearance, and the all-or-nothing CSV import."""

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from obligations.models import Appearance, AppearanceState, ObligationRisk
from tests.helpers import sign_in
from tests.obligations.factories import hearing

UTC = dt.UTC
D = dt.date
NOW = dt.datetime(2026, 2, 2, 15, 0, tzinfo=UTC)  # Monday 09:00 in Chicago


def client_for(user):
    return sign_in(Client(), user)


def test_an_officer_adds_a_hearing_in_local_time_and_sees_it(world, bond):
    world.officer_a.language = "es"
    world.officer_a.save()
    client = client_for(world.officer_a)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("obligations:create", args=[bond.pk]), {
            "kind": "hearing", "day": "2026-02-05", "at": "08:30", "place":
            "Chicago Immigration Court", "judge": "IJ Gómez", "hearing_type": "individual"},
            follow=True)
    assert response.status_code == 200
    row = Appearance.objects.get()
    assert row.scheduled_for == dt.datetime(2026, 2, 5, 14, 30, tzinfo=UTC)
    page = response.content.decode()
    assert "Se agregó a la fianza" in page and "Chicago Immigration Court" in page
    assert "08:30" in page or "8:30" in page


def test_a_refused_entry_says_why_in_the_page(world, bond):
    client = client_for(world.partner_x_staff)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("obligations:create", args=[bond.pk]), {
            "kind": "hearing", "day": "2026-02-05", "at": "08:30", "place": "Court",
            "hearing_type": ""}, follow=True)
    assert "master or the individual calendar" in response.content.decode()
    assert not Appearance.objects.exists()


def test_this_week_lists_each_tenant_its_own(world, bond):
    hearing(world.officer_a, bond, day=D(2026, 2, 6))
    hearing(world.officer_a, bond, day=D(2026, 2, 20), place="Far away court")
    url = reverse("obligations:list") + "?view=week"
    with time_machine.travel(NOW, tick=False):
        mine = client_for(world.partner_x_staff).get(url).content.decode()
        theirs = client_for(world.partner_y_staff).get(url).content.decode()
    assert bond.reference in mine and "Far away court" not in mine
    assert bond.reference not in theirs


def test_recording_a_missed_hearing_from_the_page(world, bond):
    row = hearing(world.officer_a, bond, day=D(2026, 2, 3))
    client = client_for(world.partner_x_staff)
    with time_machine.travel(NOW, tick=False):  # the hearing's day is not over
        client.post(reverse("obligations:outcome", args=[row.pk]), {"outcome": "missed"})
    assert Appearance.objects.get().state == AppearanceState.SCHEDULED
    with time_machine.travel(dt.datetime(2026, 2, 4, 15, 0, tzinfo=UTC), tick=False):
        response = client.post(reverse("obligations:outcome", args=[row.pk]),
                               {"outcome": "missed", "comment": "No show"}, follow=True)
        missed = client_for(world.officer_a).get(
            reverse("obligations:list") + "?view=missed").content.decode()
    assert Appearance.objects.get().state == AppearanceState.MISSED
    assert ObligationRisk.objects.filter(bond=bond, resolved_at=None).exists()
    assert bond.reference in response.content.decode()
    assert bond.reference in missed


def _csv(text):
    return SimpleUploadedFile("hearings.csv", text.encode(), content_type="text/csv")


def test_csv_import_is_all_or_nothing(world, bond):
    client = client_for(world.officer_a)
    header = "bond,kind,date,time,place,judge,hearing_type\n"
    good = f"{bond.reference},hearing,2026-03-02,09:00,Chicago Immigration Court,IJ Gómez,master\n"
    bad = f"{bond.reference},hearing,2026-13-02,09:00,Chicago Immigration Court,,master\n"
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("obligations:import"),
                               {"file": _csv(header + good + bad)})
        assert response.status_code == 200
        assert not Appearance.objects.exists()
        page = response.content.decode()
        assert "YYYY-MM-DD and the time" in page and "<td>3</td>" in page  # line 3 named
        checkin = f"{bond.reference},ice_check_in,2026-03-09,10:00,ICE ERO Chicago,,\n"
        response = client.post(reverse("obligations:import"),
                               {"file": _csv(header + good + checkin)})
    assert response.status_code == 302
    assert list(Appearance.objects.order_by("scheduled_for").values_list("kind", flat=True)) \
        == ["hearing", "ice_check_in"]


def test_csv_import_refuses_another_tenants_bond(world, bond):
    header = "bond,kind,date,time,place,judge,hearing_type\n"
    row = f"{bond.reference},hearing,2026-03-02,09:00,Court,,master\n"
    with time_machine.travel(NOW, tick=False):
        response = client_for(world.officer_b).post(reverse("obligations:import"),
                                                    {"file": _csv(header + row)})
    assert response.status_code == 200 and not Appearance.objects.exists()


def test_hearings_are_on_the_persons_timeline_with_a_link_to_the_bond(world, bond):
    hearing(world.officer_a, bond, day=D(2026, 2, 5), place="Chicago Immigration Court")
    page = client_for(world.officer_a).get(
        reverse("core:beneficiary_detail", args=[bond.beneficiary_id])).content.decode()
    assert "Chicago Immigration Court" in page
    assert reverse("obligations:bond", args=[bond.pk]) in page
