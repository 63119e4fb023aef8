"""Fixtures both case apps' payment tests use: English messages and Stripe faked in-process."""

import pytest
from django.utils import translation

from payments import stripe_gateway
from tests.payments.factories import WEBHOOK_SECRET
from tests.payments.fake_stripe import FakeStripe


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = "sk_test_fianza"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", fake)
    monkeypatch.setattr(stripe_gateway, "RETRY_DELAYS", (0, 0, 0))
    return fake
