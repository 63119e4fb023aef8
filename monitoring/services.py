"""Writes of monitoring: a nightly check's run, and the ageing-money scan.

Both run from the beat schedule and are safe to run twice: a check runs once per day
(CheckRun is unique per check and day) and an alert is raised and told once per key.
People are told through the outbox (notifications), in the same transaction as the row that
causes the message.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import Consulate, DocumentBatch, Role
from core.tenancy import Scope
from core.timezones import fund_zone, local_today
from monitoring.ageing import ageing_subjects
from monitoring.checks import CHECKS
from monitoring.models import Alert, AlertKind, CheckName, CheckRun
from monitoring.recipients import users_holding, users_with_roles
from monitoring.selectors import BATCH_STARTERS

logger = logging.getLogger(__name__)

REPEAT_DAYS = 7  # an unresolved alert is raised again every week
RUN_STALE = datetime.timedelta(hours=2)  # a run unfinished this long died with its worker
CHECK_READERS = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN)
ALERT_ROLES = {
    AlertKind.RESERVATION_UNPAID: (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN),
    AlertKind.PAYMENT_UNPOSTED: (Role.PARTNER_STAFF, Role.CONSULATE_OFFICER,
                                 Role.PROGRAM_ADMIN),
    AlertKind.REFUND_OVERDUE: (Role.PARTNER_STAFF, Role.CONSULATE_OFFICER,
                               Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN),
}


def fund_day(now=None) -> datetime.date:
    return (now or timezone.now()).astimezone(fund_zone()).date()


def nightly_checks_run(*, now=None) -> dict[str, CheckRun]:
    """Tonight's checks: the books and the audit chain today, Stripe for yesterday (both
    days in the fund's time zone)."""
    today = fund_day(now)
    return {
        CheckName.LEDGER: check_run(name=CheckName.LEDGER, day=today, now=now),
        CheckName.AUDIT: check_run(name=CheckName.AUDIT, day=today, now=now),
        CheckName.STRIPE: check_run(name=CheckName.STRIPE,
                                    day=today - datetime.timedelta(days=1), now=now),
    }


def check_run(*, name: str, day: datetime.date, now=None) -> CheckRun:
    """Run one check for one day, once: a finished run (or one running elsewhere) is kept."""
    now = now or timezone.now()
    with transaction.atomic():
        run, created = CheckRun.objects.get_or_create(name=name, day=day,
                                                      defaults={"started_at": now})
        run = CheckRun.objects.select_for_update().get(pk=run.pk)
        if not created and (run.finished_at or run.started_at > now - RUN_STALE):
            return run
        run.started_at = now
        run.save(update_fields=["started_at"])
    try:
        ok, summary = CHECKS[name](day)  # outside any lock: reading Stripe is slow
    except Exception:  # the run says it failed; the log keeps why
        logger.exception("Nightly check %s for %s failed to run", name, day)
        ok, summary = False, "The check stopped with an unexpected error; see the server log."
    return _check_finish(run_id=run.pk, ok=ok, summary=summary)


def _check_finish(*, run_id, ok, summary) -> CheckRun:
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().get(pk=run_id)
        run.ok, run.summary, run.finished_at = ok, summary[:4000], timezone.now()
        if not ok and run.notified_at is None:
            _tell_check_failed(run)
            run.notified_at = run.finished_at
        run.save(update_fields=["ok", "summary", "finished_at", "notified_at"])
    return run


def _tell_check_failed(run):
    from notifications.services import message_to_user

    for user in users_holding(*CHECK_READERS):
        message_to_user(user=user, template="monitoring_check_failed",
                        context={"check": run.name, "day": run.day,
                                 "url": reverse("monitoring:overview")},
                        dedupe_key=f"monitoring:check:{run.pk}:user:{user.pk}")


# Ageing money -------------------------------------------------------------------------------

def _late(subject, today):
    """(due date, round) when the subject is late on `today`, else None."""
    due_on = subject.since + datetime.timedelta(days=subject.limit_days)
    late_days = (today - due_on).days
    if late_days < 1:
        return None
    return due_on, (late_days - 1) // REPEAT_DAYS


def ageing_scan(*, now=None) -> dict:
    """Raise (and tell once) an alert per late subject and round; resolve the rest."""
    now = now or timezone.now()
    consulates = {c.pk: c for c in Consulate.objects.all()}
    current, raised = {}, 0
    for subject in ageing_subjects():
        late = _late(subject, local_today(consulates.get(subject.consulate_id), now=now))
        if late is None:
            continue
        due_on, round_ = late
        key = (f"{subject.kind}:{subject.subject_type}:{subject.subject_id}:"
               f"{subject.since.isoformat()}:{round_}")
        current[key] = (subject, due_on, round_)
    known = set(Alert.objects.filter(key__in=list(current)).values_list("key", flat=True))
    for key in sorted(set(current) - known):
        raised += _alert_raise(key, *current[key], now=now)
    resolved = (Alert.objects.filter(resolved_at__isnull=True).exclude(key__in=list(current))
                .update(resolved_at=now))
    return {"open": len(current), "raised": raised, "resolved": resolved}


def _alert_raise(key, subject, due_on, round_, *, now) -> int:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                key=key, kind=subject.kind, subject_type=subject.subject_type,
                subject_id=subject.subject_id, reference=subject.reference,
                consulate_id=subject.consulate_id, partner_id=subject.partner_id,
                amount=subject.amount, currency=subject.currency, since=subject.since,
                due_on=due_on, round=round_, raised_at=now)
            _tell_alert(alert)
    except IntegrityError:  # another scan raised it a moment ago
        return 0
    return 1


def _tell_alert(alert):
    from notifications.services import message_to_user

    roles = ALERT_ROLES[alert.kind]
    for user in users_with_roles(*roles, consulate_id=alert.consulate_id,
                                 partner_id=alert.partner_id):
        message_to_user(user=user, template="monitoring_alert",
                        context={"kind": alert.kind, "reference": alert.reference,
                                 "since": alert.since,
                                 "due_on": alert.due_on, "round": alert.round,
                                 "url": reverse("monitoring:overview")},
                        dedupe_key=f"monitoring:alert:{alert.pk}:user:{user.pk}")


# Statement batches -----------------------------------------------------------------------

def statement_batch_start(*, actor, year: int, month: int,
                          now=None) -> tuple[DocumentBatch, bool]:
    """A person starts the statements of a month that has ended (in the fund's time zone),
    or starts a stopped batch again. (batch, queued now): a batch waiting, running or done is
    left as it is and nothing is recorded."""
    from ledger.tasks import statement_batch_queue

    Scope.of(actor).require(*BATCH_STARTERS)
    today = fund_day(now)
    if (year, month) >= (today.year, today.month) or year < 2000 or not 1 <= month <= 12:
        raise ValidationError(_("Statements are made for a month that has ended."))
    with transaction.atomic():
        batch, queued = statement_batch_queue(year=year, month=month, actor=actor)
        if queued:
            audit_record(actor=actor, action="statement_batch.start", obj=batch,
                         changes={"period": batch.period})
    return batch, queued
