"""The outbox API: every message leaves Fianza through a `Notification` row.

    message_enqueue(*, channel, address, template, context, language, dedupe_key=None,
                    recipient_user=None, about=None) -> Notification
        Writes one row in the caller's transaction, rendered now in `language` (Spanish when
        the language has no catalog) from templates/notifications/<template>.subject.txt,
        <template>.email.txt (e-mail) or <template>.sms.txt (SMS and WhatsApp). When the
        transaction commits, the delivery task is queued with the row's id (in-process without
        a broker). A `dedupe_key` already used returns that first row and queues nothing new.
        `about` is the case the message concerns; its history lists the message.

    write_rendered_many(*, messages, template, context, about=None) -> list[Notification]
        E-mails to users, (user, subject, body) already rendered in each one's language, in
        one INSERT (core.notify); delivery queued after commit, as above.

    message_to_user(*, user, template, context, dedupe_key=None, about=None) -> Notification
        E-mail to a staff user, in the user's language.

    message_to_person(*, beneficiary_or_contact, template, context, dedupe_key=None,
                      about=None) -> Notification
        To a beneficiary or a family contact by the channel, address and language on their
        record. Without consent, after an opt-out or without an address the row is written as
        skipped with the reason, so a refusal is never silent.

    notification_retry(*, actor, notification_id, comment="") -> Notification
        Puts a failed or skipped message back in the queue (audited).

    person_opt_out(*, channel, address) -> int
        Records an opt-out (Twilio STOP) on every record with that number.

Delivery itself is `notifications.delivery.deliver` (run by the task).
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.audit import audit_record
from core.models import Beneficiary, FamilyContact, MessageChannel
from core.tenancy import Scope
from notifications.models import Notification, Problem, Status
from notifications.selectors import RESPONSIBLE_ROLES, problems_visible_to

log = logging.getLogger(__name__)


def message_enqueue(*, channel: str, address: str, template: str, context: dict,
                    language: str, dedupe_key: str | None = None, recipient_user=None,
                    about=None) -> Notification:
    """Write one outbox row now; queue its delivery when the transaction commits."""
    return _write(channel=channel, address=address, template=template, context=context,
                  language=language, dedupe_key=dedupe_key, recipient_user=recipient_user,
                  about=about)


def message_to_user(*, user, template: str, context: dict, dedupe_key: str | None = None,
                    about=None) -> Notification:
    return _write(channel=MessageChannel.EMAIL, address=user.email or "", template=template,
                  context=context, language=user.language, dedupe_key=dedupe_key,
                  recipient_user=user, about=about,
                  problem="" if user.email else Problem.NO_ADDRESS)


def message_to_person(*, beneficiary_or_contact, template: str, context: dict,
                      dedupe_key: str | None = None, about=None) -> Notification:
    person = beneficiary_or_contact
    channel = person.message_channel or MessageChannel.EMAIL
    address = person.email if channel == MessageChannel.EMAIL else person.mobile_number
    language = getattr(person, "preferred_language", None) or getattr(person, "language", "es")
    return _write(channel=channel, address=address or "", template=template, context=context,
                  language=language, dedupe_key=dedupe_key, about=about,
                  consulate_id=_person_consulate_id(person), problem=refusal(person, address),
                  person=person)


def rendered(*, template: str, context: dict, language: str, channel: str) -> tuple[str, str]:
    """(subject, body) of a template in a language; the subject is empty for SMS/WhatsApp."""
    with translation.override(supported_language(language)):
        if channel == MessageChannel.EMAIL:
            subject = render_to_string(f"notifications/{template}.subject.txt", context)
            body = render_to_string(f"notifications/{template}.email.txt", context)
            return " ".join(subject.split())[:255], body.strip() + "\n"
        return "", render_to_string(f"notifications/{template}.sms.txt", context).strip()


def supported_language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else "es"


def refusal(person, address) -> str:
    """Why this person may not be sent a message now (empty: they may)."""
    if person.messages_opted_out_at:
        return Problem.OPTED_OUT
    if not person.message_consent:
        return Problem.NO_CONSENT
    if not person.message_channel:
        return Problem.NO_CHANNEL
    return "" if address else Problem.NO_ADDRESS


def _person_consulate_id(person):
    if isinstance(person, FamilyContact):
        return person.beneficiary.consulate_id
    return person.consulate_id


def _write(*, dedupe_key=None, problem="", **fields) -> Notification:
    return _store([_row(dedupe_key=dedupe_key, problem=problem, **fields)])[0]


def _row(*, channel, address, template, context, language, dedupe_key=None,
         recipient_user=None, about=None, consulate_id=None, problem="", subject=None,
         body=None, person=None) -> Notification:
    """An unsaved outbox row, rendered now unless the caller rendered it."""
    language = supported_language(language)
    if body is None:
        subject, body = rendered(template=template, context=context, language=language,
                                 channel=channel)
    row = Notification(
        channel=channel, address=address, template=template, language=language,
        context=_jsonable(context), subject=subject or "", body=body,
        recipient_user=recipient_user, dedupe_key=dedupe_key or None,
        consulate_id=consulate_id or getattr(about, "consulate_id", None),
        status=Status.SKIPPED if problem else Status.PENDING, problem=problem,
        queued_at=None if problem else timezone.now(),
    )
    if isinstance(person, FamilyContact):
        row.family_contact = person
    elif person is not None:
        row.beneficiary = person
    if about is not None:
        row.about_type = ContentType.objects.get_for_model(about)
        row.about_id = str(about.pk)
    return row


def _store(rows: list[Notification]) -> list[Notification]:
    """Insert the rows in one statement and queue the pending ones after commit; returns the
    stored rows in order. A row whose dedupe_key is already stored is not written again: the
    first row stands in for it. Keyed rows go in with ON CONFLICT DO NOTHING, so a concurrent
    writer of the same key costs no savepoint and no error; the rows are read back by key (the
    loser of such a race queues the winner's row too, and delivery is idempotent)."""
    keys = [r.dedupe_key for r in rows if r.dedupe_key]
    stored = (Notification.objects.in_bulk(keys, field_name="dedupe_key") if keys else {})
    fresh, seen = [], set(stored)
    for row in rows:
        if row.dedupe_key and row.dedupe_key in seen:
            continue
        seen.add(row.dedupe_key)
        fresh.append(row)
    plain = [r for r in fresh if not r.dedupe_key]
    keyed = [r for r in fresh if r.dedupe_key]
    if plain:
        Notification.objects.bulk_create(plain)
    if keyed:
        Notification.objects.bulk_create(keyed, ignore_conflicts=True)
        stored.update(Notification.objects.in_bulk([r.dedupe_key for r in keyed],
                                                   field_name="dedupe_key"))
    queued = [r.pk for r in plain if r.status == Status.PENDING]
    queued += [stored[r.dedupe_key].pk for r in keyed
               if stored[r.dedupe_key].status == Status.PENDING]
    if queued:
        transaction.on_commit(lambda: [queue_delivery(pk) for pk in queued])
    return [stored[r.dedupe_key] if r.dedupe_key else r for r in rows]


def write_rendered(*, user, subject: str, body: str, template: str, context: dict,
                   about=None) -> Notification:
    """An e-mail to a user whose text the caller already rendered (core.notify)."""
    return write_rendered_many(messages=[(user, subject, body)], template=template,
                               context=context, about=about)[0]


def write_rendered_many(*, messages, template: str, context: dict,
                        about=None) -> list[Notification]:
    """E-mails to users, `messages` being (user, subject, body) with the text already rendered
    in each user's language (core.notify): one INSERT for them all."""
    return _store([
        _row(channel=MessageChannel.EMAIL, address=user.email or "", template=template,
             context=context, language=user.language, recipient_user=user, about=about,
             problem="" if user.email else Problem.NO_ADDRESS, subject=subject, body=body)
        for user, subject, body in messages])


def queue_delivery(notification_id: int) -> None:
    """Hand the row to the queue. If the broker is down the row stays pending and the
    scheduled sweep queues it again, so a failure here loses nothing."""
    from notifications.tasks import notification_deliver

    try:
        notification_deliver.delay(notification_id)
    except Exception:
        log.exception("Could not queue message %s; the sweep will retry it", notification_id)


def notification_retry(*, actor, notification_id: int, comment: str = "") -> Notification:
    """Send a failed or skipped message again, from its first attempt."""
    scope = Scope.of(actor)
    scope.require(*RESPONSIBLE_ROLES)
    with transaction.atomic():
        row = (problems_visible_to(actor).select_for_update(of=("self",))
               .filter(pk=notification_id).first())
        if row is None:
            raise Http404
        before = row.status
        row.retry(now=timezone.now())
        row.save()
        audit_record(actor=actor, action="notification.retry", obj=row,
                     changes={"status": [before, row.status]}, comment=comment,
                     consulate_id=row.consulate_id)
        transaction.on_commit(lambda: queue_delivery(row.pk))
    return row


def notification_provider_status(*, notification_id: int, provider_id: str, status: str,
                                 error: str = "") -> None:
    """Twilio's status callback: a sent message it could not deliver is marked failed."""
    if status not in ("failed", "undelivered"):
        return
    with transaction.atomic():
        row = (Notification.objects.select_for_update()
               .filter(pk=notification_id, provider_id=provider_id, status=Status.SENT).first())
        if row is not None:
            row.mark_undelivered(error=f"Twilio {status} {error}".strip())
            row.save()


def person_opt_out(*, channel: str, address: str) -> int:
    """Every beneficiary and family contact with this number stops receiving messages."""
    now, changed = timezone.now(), 0
    with transaction.atomic():
        for model in (Beneficiary, FamilyContact):
            for person in model.objects.select_for_update().filter(
                    mobile_number=address, messages_opted_out_at__isnull=True):
                person.messages_opted_out_at = now
                person.save(update_fields=["messages_opted_out_at"])
                audit_record(actor=None, action="messages.opt_out", obj=person,
                             changes={"messages_opted_out_at": [None, now]},
                             comment=f"{channel} STOP",
                             consulate_id=_person_consulate_id(person))
                changed += 1
    return changed


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
