"""Delivering one outbox row, safely under redelivery and crashes.

1. Claim: lock the row (SKIP LOCKED on PostgreSQL, so a second worker moves on), check it is
   due, check the person's consent again, mark it "sending" with one more attempt, commit.
2. Call the provider outside any transaction (no lock is held while the network is slow).
3. Record: lock the row again and mark it sent with the provider's id, or pending with a later
   attempt (exponential back-off), or failed once the attempts are used up or the provider
   refuses it.

A task that finds the row sent, failed or skipped does nothing; one that finds it "sending"
leaves it to its worker. A row "sending" for longer than NOTIFICATIONS_SENDING_TIMEOUT (which
is longer than the task's hard time limit, so its worker is surely gone) is claimed again and
first checked with the provider (`channels.lookup`), then sent only if it never left; so is
every retry, since a timeout may have come after the provider accepted the message.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from notifications import channels
from notifications.models import Notification, Problem, Status
from notifications.services import queue_delivery, refusal

BACKOFF_BASE = 30  # seconds; then x4 per attempt: 30 s, 2 min, 8 min, 32 min, 2 h 8 min
BACKOFF_MAX = 6 * 3600
REQUEUE_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 1000


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE * 4 ** max(attempts - 1, 0), BACKOFF_MAX))


def deliver(notification_id: int) -> str:
    """Send one message if it is due; returns what happened (for logs and tests)."""
    row, recheck = _claim(notification_id)
    if row is None:
        return recheck
    try:
        # A previous attempt may have reached the provider before its answer was lost.
        provider_id = channels.lookup(row) if recheck or row.attempts > 1 else None
        if provider_id is None:
            provider_id = channels.send(row)
    except channels.NotConfigured as exc:
        return _record(row, failure=(Problem.NOT_CONFIGURED, str(exc)))
    except channels.Refused as exc:
        return _record(row, failure=(Problem.REFUSED, str(exc)))
    except channels.Unreachable as exc:
        return _record(row, failure=(Problem.UNREACHABLE, str(exc)), transient=True)
    return _record(row, provider_id=provider_id)


def _claim(pk):
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        row = (Notification.objects.select_for_update(skip_locked=skip_locked, of=("self",))
               .select_related("beneficiary", "family_contact").filter(pk=pk).first())
        if row is None:
            return None, "locked"
        recheck = row.status == Status.SENDING
        if recheck and row.claimed_at and row.claimed_at > stale:
            return None, "in_flight"
        if row.status not in (Status.PENDING, Status.SENDING):
            return None, "done"
        if row.next_attempt_at > now:
            return None, "not_due"
        problem = _problem_now(row)
        if problem:
            row.skip(problem=problem)
            row.save()
            return None, "skipped"
        row.claim(now=now)
        row.save()
    return row, recheck


def _problem_now(row) -> str:
    """Consent can be withdrawn (or a STOP received) after the row was written."""
    person = row.beneficiary or row.family_contact
    if person is not None:
        return refusal(person, row.address)
    return "" if row.address else Problem.NO_ADDRESS


def _record(claimed, *, provider_id=None, failure=None, transient=False) -> str:
    now = timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=claimed.pk)
        if row.status != Status.SENDING or row.attempts != claimed.attempts:
            return "superseded"
        if failure is None:
            row.mark_sent(provider_id=provider_id, now=now)
            outcome = "sent"
        elif transient and row.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS:
            row.postpone(error=failure[1][:2000], at=now + backoff(row.attempts))
            outcome = "retry"
        else:
            row.give_up(problem=failure[0], error=failure[1][:2000])
            outcome = "failed"
        row.save()
    return outcome


def sweep(*, now=None) -> int:
    """Queue again what lost its task: pending rows due and not queued lately, and rows left
    "sending" by a dead worker. Safe to run at any time and any number of times."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) & (
        Q(queued_at__isnull=True) | Q(queued_at__lte=now - REQUEUE_AFTER))
    ids = list(Notification.objects.filter(due | Q(status=Status.SENDING, claimed_at__lt=stale))
               .order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    Notification.objects.filter(pk__in=ids).update(queued_at=now)
    for pk in ids:
        queue_delivery(pk)
    return len(ids)
