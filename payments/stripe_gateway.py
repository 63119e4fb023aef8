"""The only module that talks to the stripe SDK.

Callers get plain dicts and three errors of ours: `StripeNotConfigured`, `StripeRefused`
(Stripe answered no: retrying will not help) and `StripeOutcomeUnknown` (no answer after
bounded retries with the same idempotency key: the request may or may not have happened).
Never call this module while holding row locks.
"""

import datetime
import time

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Tests put a fake `stripe.HTTPClient` here; None means the SDK's own.
http_client = None
RETRY_DELAYS = (0.5, 1.0, 2.0)  # seconds between attempts that share an idempotency key


class StripeNotConfigured(Exception):
    pass


class StripeRefused(Exception):
    def __init__(self, message, *, code=""):
        self.code = code
        super().__init__(message)


class StripeOutcomeUnknown(Exception):
    pass


class SignatureInvalid(Exception):
    pass


def is_configured():
    return bool(settings.STRIPE_SECRET_KEY)


def webhooks_configured():
    return bool(settings.STRIPE_WEBHOOK_SECRET)


def _client():
    if not is_configured():
        raise StripeNotConfigured(_("Stripe is not configured: payments are recorded manually."))
    # Retries are ours (below), so the SDK makes exactly one request per call.
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, http_client=http_client,
                               max_network_retries=0)


def _retryable(exc):
    if isinstance(exc, stripe.APIConnectionError):
        return True
    status = getattr(exc, "http_status", None) or 0
    # 409: a concurrent request with the same key, or a lock timeout at Stripe.
    return status == 409 or status >= 500 or isinstance(exc, stripe.RateLimitError)


def _call(fn, *args, **kwargs):
    """Call the SDK; retry transient failures (the caller's idempotency key rides along)."""
    delays = list(RETRY_DELAYS)
    while True:
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as exc:
            if not _retryable(exc):
                raise StripeRefused(exc.user_message or str(exc),
                                    code=getattr(exc, "code", "") or "") from exc
            if not delays:
                raise StripeOutcomeUnknown(str(exc)) from exc
            time.sleep(delays.pop(0))


def _plain(obj):
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def transfer_create(*, amount, currency, destination, transfer_group, metadata,
                    idempotency_key, description=""):
    client = _client()
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "destination": destination,
        "transfer_group": transfer_group,
        "metadata": metadata,
    }
    if description:
        params["description"] = description
    transfer = _call(client.v1.transfers.create, params,
                     options={"idempotency_key": idempotency_key})
    return _plain(transfer)


def transfers_in_group(transfer_group):
    """Every transfer Stripe holds for this transfer group (newest first)."""
    client = _client()
    page = _call(client.v1.transfers.list, {"transfer_group": transfer_group, "limit": 100})
    return [_plain(t) for t in page.auto_paging_iter()]


def _epoch(instant):
    """Unix seconds of an aware datetime (a bare date is that day's UTC midnight)."""
    if not isinstance(instant, datetime.datetime):
        instant = datetime.datetime.combine(instant, datetime.time(), tzinfo=datetime.UTC)
    return int(instant.timestamp())


def transfers_created_between(date_from, date_to):
    """Transfers created from the instant `date_from` (inclusive) to `date_to` (exclusive)."""
    client = _client()
    params = {"created": {"gte": _epoch(date_from), "lt": _epoch(date_to)}, "limit": 100}
    page = _call(client.v1.transfers.list, params)
    return [_plain(t) for t in page.auto_paging_iter()]


def transfer_balance_transactions_between(date_from, date_to):
    client = _client()
    params = {"created": {"gte": _epoch(date_from), "lt": _epoch(date_to)},
              "type": "transfer", "limit": 100}
    page = _call(client.v1.balance_transactions.list, params)
    return [_plain(t) for t in page.auto_paging_iter()]


def account_create_express(*, partner_id, email, idempotency_key):
    client = _client()
    params = {"type": "express", "country": "US", "business_type": "non_profit",
              "metadata": {"partner": str(partner_id)},
              "capabilities": {"transfers": {"requested": True}}}
    if email:
        params["email"] = email
    account = _call(client.v1.accounts.create, params,
                    options={"idempotency_key": idempotency_key})
    return _plain(account)


def account_link_create(*, account_id, refresh_url, return_url):
    client = _client()
    link = _call(client.v1.account_links.create, {
        "account": account_id, "refresh_url": refresh_url, "return_url": return_url,
        "type": "account_onboarding",
    })
    return link["url"]


def account_retrieve(account_id):
    return _plain(_call(_client().v1.accounts.retrieve, account_id))


def event_construct(payload, sig_header):
    """Verify the signature on the raw body; return the event as a dict."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise SignatureInvalid("webhook secret not configured")
    try:
        event = stripe.Webhook.construct_event(payload, sig_header, secret)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise SignatureInvalid(str(exc)) from exc
    return _plain(event)
