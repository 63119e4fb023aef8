"""The client address comes from the trusted-proxy setting, never from what a client writes."""

import datetime

import pytest
from django.test import RequestFactory

from core.client_ip import client_address
from public.hashing import client_hmac
from public.models import LookupAttempt
from tests.public.conftest import lookup

SPOOFED = "6.6.6.6"
CLIENT = "203.0.113.9"
PROXY = "10.0.0.5"
BIRTH = datetime.date(1990, 1, 1)


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from(CLIENT, SPOOFED)) == CLIENT
    assert client_address(request_from(CLIENT, f"{SPOOFED}, {PROXY}")) == CLIENT


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(settings):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(PROXY, f"{SPOOFED}, {CLIENT}")) == CLIENT
    assert client_address(request_from(PROXY, CLIENT)) == CLIENT


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address"])
def test_behind_one_proxy_a_missing_or_garbled_header_counts_against_the_connection(
        settings, forwarded):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(PROXY, forwarded)) == PROXY


def test_two_proxies(settings):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from(PROXY, f"{SPOOFED}, {CLIENT}, 10.0.0.4")) == CLIENT


def test_the_family_lookup_counts_the_real_client_behind_the_balancer(world, settings):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 1
    lookup("CHI-2026-999999", BIRTH, address=PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {CLIENT}")
    assert LookupAttempt.objects.get().client_hash == client_hmac(CLIENT)


def test_the_family_lookup_ignores_a_spoofed_header_without_proxies(world, settings):
    settings.FIANZA_TRUSTED_PROXY_COUNT = 0
    lookup("CHI-2026-999999", BIRTH, address=CLIENT, HTTP_X_FORWARDED_FOR=SPOOFED)
    assert LookupAttempt.objects.get().client_hash == client_hmac(CLIENT)
