"""The user's zone is worked out once per session and follows every change of memberships."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import ConsulateTimeZone, Membership, Role
from core.timezones import SESSION_ZONE
from tests.core.factories import ConsulateFactory, user_with_role
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def _zone_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries
            if '"time_zone"' in q["sql"] and "DISTINCT" in q["sql"]]


@pytest.fixture
def officer_in_san_juan(client):
    san_juan = ConsulateFactory(time_zone=ConsulateTimeZone.ATLANTIC)
    officer = user_with_role(Role.CONSULATE_OFFICER, consulate=san_juan)
    sign_in(client, officer)
    return officer, san_juan


def test_the_zone_is_kept_at_sign_in_and_read_from_the_session(client, officer_in_san_juan):
    assert client.session[SESSION_ZONE][2] == "America/Puerto_Rico"
    url = reverse("core:home")
    assert _zone_queries(client, url) == []
    assert _zone_queries(client, url) == []


def test_a_new_membership_in_another_zone_is_seen_on_the_next_request(
        client, officer_in_san_juan):
    officer, _ = officer_in_san_juan
    url = reverse("core:home")
    client.get(url)
    la = ConsulateFactory(time_zone=ConsulateTimeZone.PACIFIC)
    Membership.objects.create(user=officer, role=Role.CONSULATE_OFFICER, consulate=la)
    assert len(_zone_queries(client, url)) == 1
    assert client.session[SESSION_ZONE][2] == ""  # several zones: the fund's
    officer.memberships.filter(consulate=la).delete()
    client.get(url)
    assert client.session[SESSION_ZONE][2] == "America/Puerto_Rico"


def test_a_consulates_new_zone_is_seen_on_the_next_request(client, officer_in_san_juan):
    _, san_juan = officer_in_san_juan
    url = reverse("core:home")
    client.get(url)
    san_juan.time_zone = ConsulateTimeZone.EASTERN
    san_juan.save()
    client.get(url)
    assert client.session[SESSION_ZONE][2] == "America/New_York"


def test_another_users_zone_in_the_session_is_not_used(client, officer_in_san_juan):
    officer, _ = officer_in_san_juan
    session = client.session
    session[SESSION_ZONE] = [officer.pk + 1, 0, "America/Anchorage"]
    session.save()
    client.get(reverse("core:home"))
    officer.refresh_from_db()
    assert client.session[SESSION_ZONE] == [officer.pk, officer.access_version,
                                            "America/Puerto_Rico"]
