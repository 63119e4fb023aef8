"""The bond's end: an unclaimed refund reminds the obligor at 90, 180 and 365 days; a breach
reminds the officers of the appeal deadline; each step once, the books untouched."""

import datetime as dt

import time_machine
from django.core import mail
from django.core.management import call_command

from bondfund import services as bond_services
from ledger.verify import verify
from notifications.models import Notification
from obligations import tasks

UTC = dt.UTC
D = dt.date


def run_daily(at, capture):
    with time_machine.travel(at, tick=False):
        for _ in range(2):  # the job runs twice the same day: nothing is sent twice
            with capture(execute=True):
                tasks.bond_end_reminders()


def test_an_unclaimed_refund_reminds_the_partner_at_90_180_and_365_days(
        world, bond, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 1, 10, 15, tzinfo=UTC), tick=False):
        bond_services.bond_request_cancel(actor=world.officer_a, request_id=bond.pk,
                                          cancelled_on=D(2026, 1, 9))
    run_daily(dt.datetime(2026, 4, 8, 14, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert mail.outbox == []  # 89 days
    run_daily(dt.datetime(2026, 4, 9, 14, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[world.partner_x_staff.email]]
    assert "unclaimed after 90 days" in mail.outbox[0].subject
    run_daily(dt.datetime(2026, 5, 9, 14, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    run_daily(dt.datetime(2026, 7, 8, 14, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "180 days" in mail.outbox[1].subject
    rows = Notification.objects.filter(template="refund_claim_reminder")
    assert {r.about for r in rows} == {bond}  # on the case history
    assert verify() == []
    call_command("ledger_verify")


def test_a_breach_reminds_the_officer_of_the_appeal_deadline(
        world, bond, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 2, 2, 15, tzinfo=UTC), tick=False):
        bond_services.bond_request_breach(actor=world.officer_a, request_id=bond.pk,
                                          breached_on=D(2026, 2, 1))
    # Deadline 3 March 2026. 8 February: 23 days left, nothing yet.
    run_daily(dt.datetime(2026, 2, 8, 15, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    run_daily(dt.datetime(2026, 2, 10, 15, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[world.officer_a.email]]
    run_daily(dt.datetime(2026, 3, 1, 15, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "2 days left" in mail.outbox[1].body
    run_daily(dt.datetime(2026, 3, 5, 15, 30, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2  # the deadline has passed
    assert verify() == []


def test_the_follow_up_letter_to_dhs_for_an_unclaimed_refund(world, bond):
    from django.test import Client
    from django.urls import reverse

    from core.models import AuditEvent
    from tests.helpers import sign_in

    with time_machine.travel(dt.datetime(2026, 1, 10, 15, tzinfo=UTC), tick=False):
        bond_services.bond_request_cancel(actor=world.officer_a, request_id=bond.pk,
                                          cancelled_on=D(2026, 1, 9))
    with time_machine.travel(dt.datetime(2026, 4, 20, 15, tzinfo=UTC), tick=False):
        response = sign_in(Client(), world.partner_x_staff).get(
            reverse("obligations:refund_letter", args=[bond.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="obligations.refund_letter.issue")
    assert event.actor == world.partner_x_staff
    assert event.changes == {"days_since_cancellation": 101}
