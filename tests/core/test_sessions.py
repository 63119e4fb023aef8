"""Sessions end after 30 minutes idle and 12 hours in all; signed-in pages are never cached."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.helpers import sign_in

START = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)
HOME = "/"


def minutes(n):
    return datetime.timedelta(minutes=n)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_session_idle_for_more_than_30_minutes_ends(world, clock):
    client = sign_in(Client(), world.officer_a)
    clock.shift(minutes(29))
    assert client.get(HOME).status_code == 200
    clock.shift(minutes(29))  # 29 minutes since the last request: still alive
    assert client.get(HOME).status_code == 200
    clock.shift(minutes(31))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_12_hours_after_sign_in(world, clock):
    client = sign_in(Client(), world.officer_a)
    for _ in range(12 * 3 - 1):  # a request every 20 minutes for 11 h 40 min
        clock.shift(minutes(20))
        assert client.get(HOME).status_code == 200
    clock.shift(minutes(21))
    response = client.get(HOME)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_limits_come_from_settings(world, clock, settings):
    settings.FIANZA_SESSION_IDLE_MINUTES = 5
    client = sign_in(Client(), world.officer_a)
    clock.shift(minutes(6))
    assert client.get(HOME).status_code == 302


def test_signed_in_pages_and_exports_are_never_stored(world):
    client = sign_in(Client(), world.officer_a)
    for url in (HOME, reverse("core:beneficiary_list"),
                reverse("core:beneficiary_detail", args=[world.ben_a.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_the_public_lookup_is_not_stored_either(client, db):
    assert "no-store" in client.get(reverse("public:lookup"))["Cache-Control"]
