"""Password spraying (one client, many accounts) is locked per client; lockouts count the
client behind the trusted proxies."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.factories import UserFactory

PASSWORD = "correct-horse-battery"


def attempt(client, username, password, address, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(reverse("two_factor:login"), {
        "login_view-current_step": "auth", "auth-username": username,
        "auth-password": password}, REMOTE_ADDR=address, **extra)


@pytest.fixture
def many_users(db):
    return [UserFactory(username=f"user{n:02d}") for n in range(25)]


def test_one_client_trying_one_password_on_many_accounts_is_locked(many_users, settings):
    settings.FIANZA_CLIENT_FAILURE_LIMIT = 20
    client = Client()
    statuses = [attempt(client, user.username, "Summer2026!", "198.51.100.7").status_code
                for user in many_users[:20]]
    # One failure per account never locks an account; the client's 20th failure locks it.
    assert statuses == [200] * 19 + [429]
    response = attempt(client, many_users[20].username, PASSWORD, "198.51.100.7")
    assert response.status_code == 429
    # Another client is not affected.
    assert attempt(Client(), many_users[21].username, PASSWORD, "198.51.100.8").status_code \
        == 302


def test_behind_the_balancer_each_family_has_its_own_allowance(many_users, settings):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 1
    settings.FIANZA_CLIENT_FAILURE_LIMIT = 20
    balancer = "10.0.0.5"
    for user in many_users[:20]:
        attempt(Client(), user.username, "wrong", balancer, forwarded="198.51.100.7")
    assert attempt(Client(), many_users[21].username, PASSWORD, balancer,
                   forwarded="198.51.100.7").status_code == 429
    assert attempt(Client(), many_users[22].username, PASSWORD, balancer,
                   forwarded="198.51.100.9").status_code == 302


def test_a_spoofed_header_does_not_escape_the_lock_without_proxies(many_users, settings):
    settings.FIANZA_CLIENT_FAILURE_LIMIT = 20
    for n, user in enumerate(many_users[:20]):
        attempt(Client(), user.username, "wrong", "198.51.100.7", forwarded=f"192.0.2.{n}")
    assert attempt(Client(), many_users[21].username, PASSWORD, "198.51.100.7",
                   forwarded="192.0.2.200").status_code == 429
