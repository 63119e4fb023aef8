import datetime

import pytest
from django.urls import reverse

from core.timeline import TimelineEntry, register_timeline_provider, unregister_timeline_provider
from tests.helpers import sign_in


@pytest.fixture
def provider(world):
    seen = []

    def bonds(ids):
        seen.append(tuple(ids))
        return [
            TimelineEntry(date=datetime.date(2026, 1, 5), kind_label="Bond", title="Bond 1",
                          consulate_id=world.consulate_a.pk, state_label="Released",
                          url="/bonds/1/", amount_display="USD 6,000.00"),
            TimelineEntry(date=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
                          consulate_id=world.consulate_a.pk, kind_label="Grant",
                          title="Legal fees", state_label="Approved"),
        ]

    def grants(ids):
        return [TimelineEntry(date=datetime.date(2026, 2, 1), kind_label="Grant",
                              consulate_id=world.consulate_a.pk, title="Family relief",
                              amount_display="MXN 2,000.00")]

    register_timeline_provider(bonds)
    register_timeline_provider(grants)
    register_timeline_provider(bonds)  # registering twice shows items once
    yield seen
    unregister_timeline_provider(bonds)
    unregister_timeline_provider(grants)


def test_beneficiary_page_shows_every_providers_items_newest_first(client, world, provider):
    sign_in(client, world.officer_a)
    response = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk]))
    titles = [item.title for item in response.context["timeline"]]
    assert titles == ["Legal fees", "Family relief", "Bond 1"]
    assert provider == [(world.ben_a.pk,)]
    body = response.content.decode()
    assert 'href="/bonds/1/"' in body and "USD 6,000.00" in body


@pytest.mark.parametrize("persona, text", [
    ("officer_a", "Register a person"),
    ("approver_a", "Approvals"),
    ("partner_x", "Your organization"),
    ("admin", "Merge duplicate records"),
    ("auditor", "Audit trail"),
])
def test_home_page_fits_the_role(client, world, persona, text):
    sign_in(client, world.personas[persona])
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_officer_home_lists_only_their_consulates_recent_people(client, world):
    sign_in(client, world.officer_a)
    recent = list(client.get(reverse("core:home")).context["recent"])
    assert recent == [world.ben_a]
