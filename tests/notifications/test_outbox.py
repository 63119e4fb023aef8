"""The outbox: rows written with the change, delivered once after commit, retried, refused."""

import datetime as dt

import time_machine
from django.core import mail
from django.db import transaction

from core.models import AuditEvent, MessageChannel
from core.notify import notify
from notifications import delivery
from notifications.models import Notification, Problem, Status
from notifications.services import message_enqueue, message_to_person, message_to_user
from notifications.tasks import notification_deliver, notifications_sweep
from tests.notifications.factories import case_context, reachable_contact, reachable_person

T0 = dt.datetime(2026, 3, 2, 5, 59, 30, tzinfo=dt.UTC)  # just before midnight in Chicago


def test_a_message_waits_for_the_commit_and_is_sent_once(world, deliver_on_commit):
    world.approver_a.language = "es"
    with time_machine.travel(T0, tick=False):
        def change():
            row = message_to_user(user=world.approver_a, template="case_update",
                                  context=case_context(world.ben_a), about=world.ben_a)
            assert row.status == Status.PENDING and mail.outbox == []
            return row
        row = deliver_on_commit(change)
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 1 and row.sent_at == T0
    assert [m.to for m in mail.outbox] == [[world.approver_a.email]]
    assert mail.outbox[0].subject == f"Novedades sobre el caso {world.ben_a.reference}"
    assert mail.outbox[0].extra_headers["Message-ID"] == row.provider_id
    assert row.consulate_id == world.consulate_a.pk and row.about == world.ben_a

    assert notification_deliver(row.pk) == "done"  # the queue delivered the task again
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_no_message(world, deliver_on_commit):
    def change():
        try:
            with transaction.atomic():
                message_to_user(user=world.officer_a, template="case_update",
                                context=case_context(world.ben_a))
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    deliver_on_commit(change)
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_dedupe_key_sends_once(world, deliver_on_commit):
    first = deliver_on_commit(message_enqueue, channel="email", address="a@example.org",
                              template="case_update", context=case_context(world.ben_a),
                              language="en", dedupe_key="hearing-reminder:7:2026-03-02")
    again = deliver_on_commit(message_enqueue, channel="email", address="a@example.org",
                              template="case_update", context=case_context(world.ben_a),
                              language="en", dedupe_key="hearing-reminder:7:2026-03-02")
    assert again.pk == first.pk and len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"News about case {world.ben_a.reference}"


def test_a_person_is_reached_by_their_channel_in_their_language(world, fake_twilio,
                                                                deliver_on_commit):
    person = reachable_person(world.consulate_a, language="nah")  # no catalog: Spanish
    contact = reachable_contact(person, language="en")
    deliver_on_commit(message_to_person, beneficiary_or_contact=person, template="case_update",
                      context=case_context(person))
    deliver_on_commit(message_to_person, beneficiary_or_contact=contact,
                      template="case_update", context=case_context(person))
    sms, whatsapp = fake_twilio.messages
    assert sms["to"] == "+13125550101" and sms["from"] == "+15005550006"
    assert sms["body"].startswith(f"Fianza: caso {person.reference}")
    assert whatsapp["to"] == "whatsapp:+5215512345678"
    assert whatsapp["body"].startswith(f"Fianza: case {person.reference}")
    rows = Notification.objects.order_by("id")
    assert [r.provider_id for r in rows] == [sms["sid"], whatsapp["sid"]]
    assert {r.status for r in rows} == {Status.SENT}


def test_a_refused_send_is_recorded_with_its_reason(world, fake_twilio, deliver_on_commit):
    no_consent = reachable_person(world.consulate_a, message_consent=False)
    opted_out = reachable_person(world.consulate_a, number="+13125550102",
                                 messages_opted_out_at=T0)
    no_channel = reachable_person(world.consulate_a, channel="", number="+13125550103")
    no_number = reachable_person(world.consulate_a, number="")
    rows = [deliver_on_commit(message_to_person, beneficiary_or_contact=p,
                              template="case_update", context=case_context(p))
            for p in (no_consent, opted_out, no_channel, no_number)]
    assert [(r.status, r.problem) for r in rows] == [
        (Status.SKIPPED, Problem.NO_CONSENT), (Status.SKIPPED, Problem.OPTED_OUT),
        (Status.SKIPPED, Problem.NO_CHANNEL), (Status.SKIPPED, Problem.NO_ADDRESS)]
    assert fake_twilio.messages == []


def test_consent_withdrawn_before_delivery_stops_the_message(world, fake_twilio):
    person = reachable_person(world.consulate_a)
    row = message_to_person(beneficiary_or_contact=person, template="case_update",
                            context=case_context(person))
    person.message_consent = False
    person.save()
    assert delivery.deliver(row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.problem) == (Status.SKIPPED, Problem.NO_CONSENT)
    assert fake_twilio.messages == []


def test_a_provider_error_is_retried_with_back_off_then_fails(world, fake_twilio, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    person = reachable_person(world.consulate_a)
    with time_machine.travel(T0, tick=False):
        row = message_to_person(beneficiary_or_contact=person, template="case_update",
                                context=case_context(person))
        fake_twilio.fail_next("500", "timeout_before", "500")
        assert delivery.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at == T0 + dt.timedelta(seconds=30)
    with time_machine.travel(T0 + dt.timedelta(seconds=29), tick=False):
        assert notifications_sweep() == 0  # not due yet
    with time_machine.travel(T0 + dt.timedelta(seconds=31), tick=False):
        assert notifications_sweep() == 1  # second attempt: connection drops
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == T0 + dt.timedelta(seconds=151)
    with time_machine.travel(T0 + dt.timedelta(seconds=152), tick=False):
        notifications_sweep()
    row.refresh_from_db()
    assert (row.status, row.problem, row.attempts) == (Status.FAILED, Problem.UNREACHABLE, 3)
    assert "500" in row.last_error and fake_twilio.messages == []


def test_a_refusal_by_the_provider_is_not_retried(world, fake_twilio):
    person = reachable_person(world.consulate_a)
    row = message_to_person(beneficiary_or_contact=person, template="case_update",
                            context=case_context(person))
    fake_twilio.fail_next("400:21211")
    assert delivery.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.problem, row.attempts) == (Status.FAILED, Problem.REFUSED, 1)


def test_a_timeout_after_twilio_acted_is_not_sent_twice(world, fake_twilio):
    person = reachable_person(world.consulate_a)
    with time_machine.travel(T0, tick=False):
        row = message_to_person(beneficiary_or_contact=person, template="case_update",
                                context=case_context(person))
        fake_twilio.fail_next("timeout_after")
        assert delivery.deliver(row.pk) == "retry"
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        assert delivery.deliver(row.pk) == "sent"  # found at Twilio, not sent again
    row.refresh_from_db()
    assert len(fake_twilio.messages) == 1
    assert row.provider_id == fake_twilio.messages[0]["sid"]


def test_a_worker_that_died_after_sending_is_checked_not_resent(world, fake_twilio, settings):
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 600
    person = reachable_person(world.consulate_a)
    with time_machine.travel(T0, tick=False):
        row = message_to_person(beneficiary_or_contact=person, template="case_update",
                                context=case_context(person))
        claimed, _ = delivery._claim(row.pk)  # the worker claims, Twilio accepts, it dies
        from notifications import channels
        channels.send(claimed)
        assert notification_deliver(row.pk) == "in_flight"  # redelivered too early
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        assert notifications_sweep() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert len(fake_twilio.messages) == 1


def test_the_sweep_requeues_a_lost_task_once(world):
    with time_machine.travel(T0, tick=False):
        row = message_to_user(user=world.officer_a, template="case_update",
                              context=case_context(world.ben_a))  # never committed: no task
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        assert notifications_sweep() == 0  # its task may still be in the queue
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        assert notifications_sweep() == 1
        assert notifications_sweep() == 0
    row.refresh_from_db()
    assert row.status == Status.SENT and len(mail.outbox) == 1


def test_notify_writes_one_row_per_user_in_their_language(world, deliver_on_commit):
    world.officer_a.language = "es"
    users = [world.officer_a, world.approver_a]
    rows = deliver_on_commit(notify, users=users, subject="Hello", about=world.ben_a,
                             template_name="notifications/case_update.email.txt",
                             context=case_context(world.ben_a))
    assert [r.recipient_user for r in rows] == users
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[world.officer_a.email].body.startswith(f"Hola, {world.ben_a.full_name}")
    assert by_to[world.approver_a.email].body.startswith(f"Hello {world.ben_a.full_name}")
    assert not AuditEvent.objects.filter(action__startswith="notification").exists()


def test_a_user_without_e_mail_is_visible_not_dropped(world):
    world.officer_a.email = ""
    row = message_to_user(user=world.officer_a, template="case_update",
                          context=case_context(world.ben_a))
    assert (row.status, row.problem, row.channel) == (Status.SKIPPED, Problem.NO_ADDRESS,
                                                      MessageChannel.EMAIL)
