"""A correctly signed event that lacks fields gets a 4xx and is kept as unprocessable, with
nothing applied (a 500 would make Stripe resend it for days)."""

import pytest

from payments.models import StripeEvent
from tests.payments.factories import post_event

BASE = {"object": "event", "api_version": "2024-06-20", "livemode": False,
        "created": 1767225600}


def event(**fields):
    return {**BASE, **fields}


MALFORMED = {
    "no data": event(id="evt_m1", type="transfer.created"),
    "data without object": event(id="evt_m2", type="transfer.created", data={}),
    "object without id": event(id="evt_m3", type="transfer.created",
                               data={"object": {"amount": 100}}),
    "object not a dict": event(id="evt_m4", type="payout.failed", data={"object": "po_1"}),
    "created not a time": event(id="evt_m5", type="account.updated", created="yesterday",
                                data={"object": {"id": "acct_1"}}),
    "no type": event(id="evt_m6", data={"object": {"id": "tr_1"}}),
}


@pytest.mark.parametrize("payload", MALFORMED.values(), ids=MALFORMED.keys())
def test_signed_but_malformed_events_are_refused_with_4xx_and_kept(fake_stripe, client, db,
                                                                   payload):
    response = post_event(client, payload)
    assert 400 <= response.status_code < 500
    record = StripeEvent.objects.get(event_id=payload["id"])
    assert record.outcome.startswith("unprocessable")
    assert record.processed_at is not None and record.disbursement is None
    assert post_event(client, payload).json()["outcome"] == "duplicate"


def test_an_event_without_an_id_is_kept_once(fake_stripe, client, db):
    payload = event(type="transfer.created", data={"object": {"id": "tr_1"}})
    assert post_event(client, payload).status_code == 422
    assert post_event(client, payload).json()["outcome"] == "duplicate"
    assert StripeEvent.objects.get().event_id.startswith("no-id:")


def test_a_handler_missing_a_nested_field_is_unprocessable_not_a_crash(fake_stripe, client,
                                                                        db, monkeypatch):
    from payments import webhooks

    def reads_a_missing_field(obj, record):
        return obj["destination"]["id"]

    monkeypatch.setitem(webhooks.HANDLERS, "transfer.created", reads_a_missing_field)
    payload = event(id="evt_m7", type="transfer.created", data={"object": {"id": "tr_9"}})
    assert post_event(client, payload).status_code == 422
    assert StripeEvent.objects.get(event_id="evt_m7").outcome.startswith("unprocessable")
