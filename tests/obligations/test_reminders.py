"""Reminders before hearings: the right local hour in each consulate's zone, through the fake
Twilio, exactly once each even when the scheduler runs twice, and never for a moved date."""

import datetime as dt

import time_machine

from core.models import MessageChannel
from notifications.models import Notification, Problem, Status
from obligations import services, tasks
from obligations.models import ReminderSettings
from tests.obligations.factories import hearing

UTC = dt.UTC
D = dt.date


def run_scheduler(at, capture):
    """The beat entry as a worker runs it, twice (two schedulers, or a retried task)."""
    with time_machine.travel(at, tick=False):
        for _ in range(2):
            with capture(execute=True):
                tasks.reminders_send_due()


def quarter_hours(start, end):
    at = start
    while at <= end:
        yield at
        at += dt.timedelta(minutes=15)


def sent_log(fake_twilio):
    return sorted((m["to"], m["date_created"]) for m in fake_twilio.messages)


def test_two_time_zones_get_their_reminders_at_local_hours_once_each(
        two_zones, fake_twilio, django_capture_on_commit_callbacks):
    w = two_zones
    # 12 March 2026, 09:00 local: Chicago is on daylight time since 8 March (UTC-5), San
    # Juan keeps Atlantic time all year (UTC-4). The week reminder falls before the change.
    hearing(w.officer_a, w.bond_chi, day=D(2026, 3, 12))
    hearing(w.officer_s, w.bond_sju, day=D(2026, 3, 12),
            place="San Juan Immigration Court, 654 Ave. Muñoz Rivera")
    windows = [(dt.datetime(2026, 3, 5, 12, 0, tzinfo=UTC), dt.datetime(2026, 3, 5, 17, 0,
                                                                         tzinfo=UTC)),
               (dt.datetime(2026, 3, 11, 12, 0, tzinfo=UTC), dt.datetime(2026, 3, 11, 16, 0,
                                                                          tzinfo=UTC)),
               (dt.datetime(2026, 3, 12, 10, 0, tzinfo=UTC), dt.datetime(2026, 3, 12, 15, 0,
                                                                          tzinfo=UTC))]
    for start, end in windows:
        for at in quarter_hours(start, end):
            run_scheduler(at, django_capture_on_commit_callbacks)

    sent = {}
    for message in fake_twilio.messages:
        row = Notification.objects.get(provider_id=message["sid"])
        sent.setdefault(message["to"], []).append(row.sent_at)
    chi_times = [dt.datetime(2026, 3, 5, 16, 0, tzinfo=UTC),    # 10:00 CST (UTC-6)
                 dt.datetime(2026, 3, 11, 15, 0, tzinfo=UTC),   # 10:00 CDT (UTC-5)
                 dt.datetime(2026, 3, 12, 12, 0, tzinfo=UTC)]   # 07:00 CDT
    sju_times = [dt.datetime(2026, 3, 5, 14, 0, tzinfo=UTC),    # 10:00 AST (UTC-4)
                 dt.datetime(2026, 3, 11, 14, 0, tzinfo=UTC),
                 dt.datetime(2026, 3, 12, 11, 0, tzinfo=UTC)]   # 07:00 AST
    assert sent == {
        "+13125550101": chi_times, "whatsapp:+5215512345678": chi_times,
        "+17875550101": sju_times, "whatsapp:+5213312345678": sju_times,
    }
    assert len(fake_twilio.messages) == 12  # each reminder once, though every run ran twice


def test_the_text_is_in_each_persons_language_and_names_the_local_time(
        two_zones, fake_twilio, django_capture_on_commit_callbacks):
    w = two_zones
    hearing(w.officer_a, w.bond_chi, day=D(2026, 3, 12), at=dt.time(13, 30))
    run_scheduler(dt.datetime(2026, 3, 11, 15, 0, tzinfo=UTC),
                  django_capture_on_commit_callbacks)
    by_number = {m["to"]: m["body"] for m in fake_twilio.messages}
    spanish = by_number["+13125550101"]
    english = by_number["whatsapp:+5215512345678"]
    assert "audiencia" in spanish and "12 de marzo de 2026" in spanish and "13:30" in spanish
    assert "immigration court hearing" in english and "March 12, 2026" in english
    assert "1:30 p.m." in english and "Reply STOP" in english
    rows = Notification.objects.filter(template="appearance_reminder")
    assert len(rows) == 2 and {r.about for r in rows} == {w.bond_chi}  # on the case history


def test_a_moved_hearing_gets_new_reminders_and_the_old_date_none(
        two_zones, fake_twilio, django_capture_on_commit_callbacks):
    w = two_zones
    first = hearing(w.officer_a, w.bond_chi, day=D(2026, 3, 12))
    run_scheduler(dt.datetime(2026, 3, 5, 16, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 2  # week reminder to the person and the contact
    with time_machine.travel(dt.datetime(2026, 3, 6, 15, 0, tzinfo=UTC), tick=False):
        moved = services.appearance_move(actor=w.partner_x_staff, appearance_id=first.pk,
                                         day=D(2026, 3, 19), at=dt.time(9, 0),
                                         comment="Court reset the master calendar")
    first.refresh_from_db()
    assert first.state == "moved" and moved.supersedes == first
    # The old date's day-before reminder is never sent; the new date's come on time.
    run_scheduler(dt.datetime(2026, 3, 11, 15, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 2
    run_scheduler(dt.datetime(2026, 3, 12, 15, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 4
    assert all("19 de marzo" in m["body"] or "March 19" in m["body"]
               for m in fake_twilio.messages[2:])


def test_a_late_scheduler_sends_only_the_latest_due_reminder(
        two_zones, fake_twilio, django_capture_on_commit_callbacks):
    w = two_zones
    hearing(w.officer_a, w.bond_chi, day=D(2026, 3, 12))
    # Down from before the week reminder until after the day-before one.
    run_scheduler(dt.datetime(2026, 3, 11, 20, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    keys = sorted(Notification.objects.filter(template="appearance_reminder")
                  .values_list("dedupe_key", flat=True))
    assert len(keys) == 2 and all(":day:" in k for k in keys)


def test_stop_and_missing_consent_are_respected_and_kept_visible(
        two_zones, fake_twilio, django_capture_on_commit_callbacks):
    w = two_zones
    from notifications.services import person_opt_out
    person_opt_out(channel=MessageChannel.SMS, address="+13125550101")
    w.contact_chi.message_consent = False
    w.contact_chi.save()
    hearing(w.officer_a, w.bond_chi, day=D(2026, 3, 12))
    run_scheduler(dt.datetime(2026, 3, 11, 15, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert fake_twilio.messages == []
    rows = Notification.objects.filter(template="appearance_reminder").order_by("id")
    assert [(r.status, r.problem) for r in rows] == [(Status.SKIPPED, Problem.OPTED_OUT),
                                                     (Status.SKIPPED, Problem.NO_CONSENT)]


def test_program_hours_change_the_local_reminder_time(
        two_zones, program, fake_twilio, django_capture_on_commit_callbacks):
    w = two_zones
    ReminderSettings.objects.create(program=program, reminder_time=dt.time(18, 0),
                                    morning_time=dt.time(6, 0), days_before_week=3)
    hearing(w.officer_s, w.bond_sju, day=D(2026, 3, 12), place="San Juan Immigration Court")
    run_scheduler(dt.datetime(2026, 3, 9, 21, 45, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert fake_twilio.messages == []  # 17:45 in San Juan
    run_scheduler(dt.datetime(2026, 3, 9, 22, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 2  # 18:00, three days before
    run_scheduler(dt.datetime(2026, 3, 11, 21, 59, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 2
    run_scheduler(dt.datetime(2026, 3, 11, 22, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 4  # the day before at 18:00
    run_scheduler(dt.datetime(2026, 3, 12, 10, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(fake_twilio.messages) == 6  # 06:00 on the day
