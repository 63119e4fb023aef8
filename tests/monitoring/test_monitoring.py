"""Nightly checks and ageing money: each run once a day, each alert told once, pages scoped."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from bondfund.services import bond_request_approve
from core.audit import audit_record
from monitoring import selectors, services
from monitoring.models import Alert, AlertKind, CheckName, CheckRun
from notifications.models import Notification
from tests.bondfund.factories import make_program, make_request, pay
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
# 01:30 UTC on 1 December is still 30 November in Chicago, the fund's zone.
NIGHT = datetime.datetime(2026, 12, 1, 1, 30, tzinfo=datetime.UTC)


def approved_bond(world, program):
    bond = make_request(world, program)
    return bond_request_approve(actor=world.approver_a, request_id=bond.pk)


def test_the_nightly_checks_run_once_a_day_in_the_funds_zone(world):
    with time_machine.travel(NIGHT, tick=False):
        runs = services.nightly_checks_run()
        again = services.nightly_checks_run()
    assert runs[CheckName.LEDGER].day == datetime.date(2026, 11, 30)
    assert runs[CheckName.STRIPE].day == datetime.date(2026, 11, 29)
    assert all(run.ok for run in runs.values())
    assert {n: r.pk for n, r in runs.items()} == {n: r.pk for n, r in again.items()}
    assert CheckRun.objects.count() == 3
    assert set(selectors.latest_check_runs()) == set(CheckName.values)
    assert selectors.failing_checks_for(world.admin) == []


def test_a_broken_audit_chain_fails_tells_finance_once_and_shows_at_home(client, world):
    with transaction.atomic():
        event = audit_record(actor=world.admin, action="test.event", obj=world.ben_a)
    with connection.cursor() as cursor:  # what someone with database access could do
        cursor.execute("UPDATE core_auditevent SET comment = 'tampered' WHERE id = %s",
                       [event.pk])
    with time_machine.travel(NIGHT, tick=False):
        services.nightly_checks_run()
        services.nightly_checks_run()
    run = CheckRun.objects.get(name=CheckName.AUDIT)
    assert run.ok is False and f"event {event.pk}" in run.summary
    told = Notification.objects.filter(template="monitoring_check_failed")
    assert sorted(told.values_list("recipient_user__username", flat=True)) == [
        "admin", "approver_a"]
    assert selectors.failing_checks_for(world.approver_a) == [run]
    assert selectors.failing_checks_for(world.officer_a) == []
    sign_in(client, world.approver_a)
    page = client.get(reverse("core:home")).content.decode()
    assert "Audit trail" in page or "Registro de auditoría" in page or "did not pass" in page \
        or "no pasó" in page


def test_an_approved_bond_not_paid_raises_one_alert_a_week_until_paid(world):
    program = make_program(world)
    bond = approved_bond(world, program)
    approved = bond.approvals.order_by("-created_at").first().created_at
    day = datetime.timedelta(days=1)
    with time_machine.travel(approved + 14 * day, tick=False):
        assert services.ageing_scan()["raised"] == 0
    with time_machine.travel(approved + 15 * day + datetime.timedelta(hours=12), tick=False):
        first = services.ageing_scan()
        second = services.ageing_scan()
    assert first["raised"] == 1 and second == {"open": 1, "raised": 0, "resolved": 0}
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.RESERVATION_UNPAID and alert.reference == bond.reference
    told = Notification.objects.filter(template="monitoring_alert")
    assert sorted(told.values_list("recipient_user__username", flat=True)) == [
        "admin", "approver_a"]
    with time_machine.travel(approved + 23 * day, tick=False):
        assert services.ageing_scan()["raised"] == 1  # a week later: told again
    assert Alert.objects.filter(resolved_at__isnull=True).get().round == 1
    assert told.count() == 4
    with time_machine.travel(approved + 24 * day, tick=False):
        pay(world, bond, sent_on=timezone.localdate())
        assert services.ageing_scan() == {"open": 0, "raised": 0, "resolved": 1}
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_alerts_are_listed_only_to_their_consulate_and_partner(client, world):
    program = make_program(world)
    bond = approved_bond(world, program)
    later = bond.approvals.order_by("-created_at").first().created_at + datetime.timedelta(
        days=20)
    with time_machine.travel(later, tick=False):
        services.ageing_scan()
    assert list(selectors.alerts_visible_to(world.approver_a)) == list(Alert.objects.all())
    assert list(selectors.alerts_visible_to(world.officer_b)) == []
    assert list(selectors.alerts_visible_to(world.partner_y_staff)) == []
    sign_in(client, world.officer_b)
    assert bond.reference not in client.get(reverse("monitoring:overview")).content.decode()
    sign_in(client, world.approver_a)
    response = client.get(reverse("monitoring:overview"))
    assert bond.reference in response.content.decode()
    assert "no-store" in response["Cache-Control"]
