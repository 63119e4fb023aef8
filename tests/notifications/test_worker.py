"""Real workers on Redis and PostgreSQL: every message leaves exactly once, also when a
worker is killed (SIGKILL) in the middle of a delivery and the task is delivered again."""

import json

import pytest
from django.db import transaction

from notifications.models import Notification, Status
from notifications.services import message_to_person, queue_delivery
from tests.core.factories import ConsulateFactory
from tests.notifications.factories import case_context, reachable_person
from tests.notifications.workers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def _twilio_log(workers):
    path = workers.dir / "messages.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _enqueue(consulate, n, start=0):
    rows = []
    with transaction.atomic():  # committed: the delivery task goes to Redis
        for i in range(start, start + n):
            person = reachable_person(consulate, number=f"+1312555{i:04d}")
            rows.append(message_to_person(beneficiary_or_contact=person,
                                          template="case_update",
                                          context=case_context(person)))
    return rows


def _all_sent(rows):
    return not Notification.objects.filter(pk__in=[r.pk for r in rows]).exclude(
        status=Status.SENT).exists()


@pytest.mark.parametrize("hang", ["hang", "hang_before"])
def test_a_worker_killed_mid_delivery_sends_exactly_once(workers, hang):
    """`hang`: Twilio accepted the message, the worker dies before recording it.
    `hang_before`: the worker dies after claiming the row, before Twilio sees anything."""
    workers.hang(hang)
    (row,) = _enqueue(ConsulateFactory(), 1)
    workers.start("w1")
    wait_for(lambda: workers.reached(hang), timeout=60)
    workers.kill("w1")
    workers.hang(hang, on=False)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENDING, 1)
    assert len(_twilio_log(workers)) == (1 if hang == "hang" else 0)

    workers.start("w2")
    # No sweep runs: the broker itself hands the unacknowledged task to the new worker once
    # its visibility timeout (5 s here) has passed.
    wait_for(lambda: _all_sent([row]), timeout=60, every=0.5)
    row.refresh_from_db()
    sent = _twilio_log(workers)
    assert len(sent) == 1 and row.provider_id == sent[0]["sid"]


def test_two_workers_deliver_every_message_once(workers):
    consulate = ConsulateFactory()
    rows = _enqueue(consulate, 40)
    workers.start("w1")
    workers.start("w2")
    rows += _enqueue(consulate, 40, start=40)
    for row in rows[:10]:  # the same tasks delivered twice change nothing
        queue_delivery(row.pk)
    wait_for(lambda: _all_sent(rows), timeout=120, every=0.5)
    sent = _twilio_log(workers)
    assert sorted(m["to"] for m in sent) == sorted(r.address for r in rows)
    assert len({m["sid"] for m in sent}) == 80
