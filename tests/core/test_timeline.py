"""One timeline per person, in date order, whatever consulate recorded it; what another
consulate recorded shows only its kind, date and consulate."""

import datetime

import pytest
from django.urls import reverse

from core.timeline import TimelineEntry, register_timeline_provider, unregister_timeline_provider
from core.whereabouts import person_location_record, person_service_record
from tests.helpers import sign_in


@pytest.fixture
def provider(world):
    def bonds(ids):
        return [
            TimelineEntry(date=datetime.date(2026, 1, 5), kind_label="Bond request",
                          consulate_id=world.consulate_a.pk, title="CHI bond",
                          state_label="Released", url="/bonds/1/",
                          amount_display="USD 6,000.00"),
            TimelineEntry(date=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
                          kind_label="Bond request", consulate_id=world.consulate_b.pk,
                          title="LAX bond", state_label="Posted", url="/bonds/2/",
                          amount_display="USD 9,000.00"),
        ] if world.ben_a.pk in ids else []

    register_timeline_provider(bonds)
    register_timeline_provider(bonds)  # twice: shown once
    yield
    unregister_timeline_provider(bonds)


def test_officer_sees_own_entries_in_full_and_others_reduced(client, world, provider):
    person_service_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                          kind="legal_advice", received_on=datetime.date(2026, 2, 1),
                          place="Chicago")
    sign_in(client, world.officer_a)
    response = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk]))
    timeline = response.context["timeline"]
    assert [e.day for e in timeline] == [datetime.date(2026, 3, 1), datetime.date(2026, 2, 1),
                                         datetime.date(2026, 1, 5)]
    lax = timeline[0]
    assert lax.title == "" and lax.url == "" and lax.amount_display == ""
    assert world.consulate_b.name in lax.recorded_elsewhere
    body = response.content.decode()
    assert "USD 6,000.00" in body and "/bonds/1/" in body
    assert "USD 9,000.00" not in body and "LAX bond" not in body


def test_headquarters_roles_see_everything(client, world, provider):
    sign_in(client, world.auditor)
    response = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk]))
    assert all(not e.recorded_elsewhere for e in response.context["timeline"])
    assert "LAX bond" in response.content.decode()


def test_locations_are_recorded_audited_and_never_in_the_future(frozen_clock, world):
    from django.core.exceptions import ValidationError

    from core.models import AuditEvent

    person_location_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                           status="held", since=datetime.date(2026, 1, 2),
                           place="Broadview Processing Center", city="Broadview")
    assert AuditEvent.objects.filter(action="beneficiary.location_record").exists()
    with pytest.raises(ValidationError):
        person_location_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                               status="released",
                               since=datetime.date(2026, 12, 4))  # frozen on 1 December
    from django.http import Http404
    with pytest.raises(Http404):
        person_location_record(actor=world.officer_b, beneficiary_id=world.ben_a.pk,
                               status="released", since=datetime.date(2026, 1, 3))
