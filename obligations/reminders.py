"""Reminders to the person and their family contacts before each hearing or check-in.

Three reminders per appearance, at hours local to the bond's consulate (per program, see
`ReminderSettings`): a week before, the day before, and the morning of the appearance. The
scheduler runs `reminders_send_due` every few minutes; each run sends, for each appearance,
only the latest reminder already due (a scheduler that was down does not send a stale "week"
reminder next to the "day before" one). The outbox's dedupe key (appearance, reminder, the
instant it is for, recipient) makes each reminder exactly-once, however often the task runs.
A moved appearance is a new row, so its reminders are new and the old row's stop.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from core.timezones import local_instant
from notifications.models import Notification
from notifications.services import message_to_person
from obligations.models import Appearance, AppearanceState, ReminderKind, ReminderSettings
from obligations.services import OPEN_BOND_STATES

log = logging.getLogger(__name__)
TEMPLATE = "appearance_reminder"
# How far ahead the scheduler looks: beyond the longest first reminder a program may set.
HORIZON = datetime.timedelta(days=32)
CHUNK = 500


def reminder_times(appearance, rules: ReminderSettings) -> list[tuple[str, datetime.datetime]]:
    """(kind, instant) of each reminder, in order; one that would fall at or after the
    appearance itself (a 06:30 check-in and a 07:00 morning reminder) is left out."""
    consulate = appearance.bond.consulate
    day = appearance.local_start.date()
    plan = [
        (ReminderKind.WEEK, day - datetime.timedelta(days=rules.days_before_week),
         rules.reminder_time),
        (ReminderKind.DAY, day - datetime.timedelta(days=rules.days_before_day),
         rules.reminder_time),
        (ReminderKind.MORNING, day, rules.morning_time),
    ]
    times = [(kind, local_instant(consulate, on, at)) for kind, on, at in plan]
    return [(kind, at) for kind, at in times if at < appearance.scheduled_for]


def due_reminder(appearance, rules, now) -> str | None:
    """The latest reminder due at `now`, or None (none due yet, or the appearance began)."""
    if appearance.scheduled_for <= now:
        return None
    due = [kind for kind, at in reminder_times(appearance, rules) if at <= now]
    return due[-1] if due else None


def dedupe_key(appearance, kind, person) -> str:
    tag = f"c{person.pk}" if hasattr(person, "relationship") else f"b{person.pk}"
    return (f"appearance:{appearance.pk}:{kind}:"
            f"{appearance.scheduled_for.astimezone(datetime.UTC):%Y%m%dT%H%MZ}:{tag}")


def reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """Write the outbox rows of every reminder due now; return how many are new."""
    now = now or timezone.now()
    rows = (Appearance.objects
            .filter(state=AppearanceState.SCHEDULED, scheduled_for__gt=now,
                    scheduled_for__lte=now + HORIZON, bond__state__in=OPEN_BOND_STATES)
            .select_related("bond__consulate", "bond__beneficiary", "bond__program")
            .prefetch_related("bond__beneficiary__family_contacts")
            .order_by("scheduled_for", "id"))
    rules = {r.program_id: r for r in ReminderSettings.objects.all()}
    default, due = ReminderSettings(), []
    for appearance in rows.iterator(chunk_size=CHUNK):
        kind = due_reminder(appearance, rules.get(appearance.bond.program_id, default), now)
        if kind is not None:
            due.append((appearance, kind))
    return sum(_send_chunk(due[i:i + CHUNK]) for i in range(0, len(due), CHUNK))


def _send_chunk(due) -> int:
    """One query finds the reminders already written; one transaction writes the rest."""
    wanted = {}
    for appearance, kind in due:
        beneficiary = appearance.bond.beneficiary
        contacts = sorted(beneficiary.family_contacts.all(), key=lambda c: c.pk)
        for person in (beneficiary, *contacts):
            wanted[dedupe_key(appearance, kind, person)] = (appearance, kind, person)
    done = set(Notification.objects.filter(dedupe_key__in=list(wanted))
               .values_list("dedupe_key", flat=True))
    missing = [(key, spec) for key, spec in wanted.items() if key not in done]
    if not missing:
        return 0
    with transaction.atomic():
        for key, (appearance, kind, person) in missing:
            message_to_person(beneficiary_or_contact=person, template=TEMPLATE,
                              context=_context(appearance, kind), dedupe_key=key,
                              about=appearance.bond)
    return len(missing)


def _context(appearance, kind) -> dict:
    bond = appearance.bond
    return {"reference": bond.beneficiary.reference, "name": bond.beneficiary.given_names,
            "kind": appearance.kind, "reminder": kind,
            "when": appearance.local_start.replace(tzinfo=None), "place": appearance.place,
            "judge": appearance.judge, "consulate": bond.consulate.name,
            "phone": bond.consulate.phone}
