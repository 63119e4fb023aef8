"""Disbursements for tests, a ledger reservation to pay them from, and signed webhooks."""

import hashlib
import hmac
import itertools
import json
import time

import factory
from django.db import transaction
from django.urls import reverse

from ledger import funds
from payments.models import Disbursement
from payments.services import disbursement_request

WEBHOOK_SECRET = "whsec_test_fianza"
PROGRAM = "bond:payments-test"
_keys = itertools.count(1)


class DisbursementFactory(factory.django.DjangoModelFactory):
    """A requested disbursement without a ledger reservation (pages and access checks)."""

    class Meta:
        model = Disbursement

    object_type = "bondfund.bondrequest"
    object_id = factory.Sequence(lambda n: str(9000 + n))
    reservation_key = factory.Sequence(lambda n: f"reserve:none:{n}")
    amount = 600_000
    currency = "USD"


def reserve(world, *, amount, consulate=None, partner=None):
    consulate = consulate or world.consulate_a
    partner = partner or world.partner_x
    key = f"reserve:pay-test:{next(_keys)}:{time.monotonic_ns()}"
    with transaction.atomic():
        funds.reserve(key=key, program=PROGRAM, currency="USD", consulate_id=consulate.pk,
                      partner_id=partner.pk, amount=amount)
    return key


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """Stripe's scheme: t=<unix>,v1=HMAC_SHA256(secret, f"{t}.{payload}")."""
    t = int(timestamp or time.time())
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def post_event(client, event, secret=WEBHOOK_SECRET):
    payload = json.dumps(event)
    return client.post(reverse("payments:stripe_webhook"), data=payload,
                       content_type="application/json",
                       headers={"Stripe-Signature": sign(payload, secret)})


def requested(world, *, amount=600_000, partner=None, consulate=None, object_id=None):
    """Reserve in the ledger and request the disbursement, as a bond request would."""
    partner = partner or world.partner_x
    consulate = consulate or world.consulate_a
    key = reserve(world, amount=amount, consulate=consulate, partner=partner)
    return disbursement_request(
        object_type="bondfund.bondrequest", object_id=object_id or key.rsplit(":", 2)[1],
        reservation_key=key, amount=amount, currency="USD", consulate_id=consulate.pk,
        payee_partner=partner, actor=world.officer_a if consulate == world.consulate_a
        else world.officer_b, memo="Bond for a detained person",
    )
