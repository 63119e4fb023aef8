"""Entering, moving and recording appearances: who may, when, and what a missed one does."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from core.models import AuditEvent
from ledger.verify import verify
from notifications.models import Notification
from obligations import services
from obligations.models import AppearanceState, ObligationRisk
from tests.obligations.factories import hearing

UTC = dt.UTC
D = dt.date


def test_officer_and_obligor_staff_enter_hearings_others_cannot(world, bond):
    row = hearing(world.officer_a, bond, day=D(2026, 2, 10), at=dt.time(8, 30))
    # Typed in Chicago time (CST, UTC-6), stored in UTC.
    assert row.scheduled_for == dt.datetime(2026, 2, 10, 14, 30, tzinfo=UTC)
    checkin = hearing(world.partner_x_staff, bond, day=D(2026, 2, 11), kind="ice_check_in",
                      place="ICE ERO Chicago, 101 W Congress Pkwy", judge="")
    assert checkin.hearing_type == ""
    with pytest.raises(Http404):
        hearing(world.officer_b, bond, day=D(2026, 2, 10))
    with pytest.raises(Http404):
        hearing(world.partner_y_staff, bond, day=D(2026, 2, 10))
    for reader in (world.approver_a, world.auditor, world.admin):
        with pytest.raises(PermissionDenied):
            hearing(reader, bond, day=D(2026, 2, 10))
    events = AuditEvent.objects.filter(action="obligations.appearance.create",
                                       object_id=str(bond.pk))
    assert [e.actor for e in events.order_by("id")] == [world.officer_a, world.partner_x_staff]


def test_a_hearing_needs_its_calendar_a_place_and_a_future_time(world, bond):
    with pytest.raises(ValidationError):
        hearing(world.officer_a, bond, day=D(2026, 2, 10), hearing_type="")
    with pytest.raises(ValidationError):
        hearing(world.officer_a, bond, day=D(2026, 2, 10), place="  ")
    with pytest.raises(ValidationError):
        hearing(world.officer_a, bond, day=D(2026, 1, 5), at=dt.time(8, 0))  # past, locally


def test_moved_and_cancelled_appearances_keep_their_history(world, bond):
    first = hearing(world.officer_a, bond, day=D(2026, 2, 10))
    with time_machine.travel(dt.datetime(2026, 1, 20, 15, tzinfo=UTC), tick=False):
        second = services.appearance_move(actor=world.officer_a, appearance_id=first.pk,
                                          day=D(2026, 3, 3), at=dt.time(13, 0),
                                          comment="Reset by the court")
        services.appearance_cancel(actor=world.partner_x_staff, appearance_id=second.pk,
                                   comment="Case terminated by the judge")
        with pytest.raises(ValidationError):
            services.appearance_move(actor=world.officer_a, appearance_id=first.pk,
                                     day=D(2026, 3, 4), at=dt.time(9, 0), comment="again")
    states = list(bond.appearances.order_by("id").values_list("state", "supersedes"))
    assert states == [(AppearanceState.MOVED, None), (AppearanceState.CANCELLED, first.pk)]
    actions = list(AuditEvent.objects.filter(object_id=str(bond.pk),
                                             action__startswith="obligations.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["obligations.appearance.create", "obligations.appearance.move",
                       "obligations.appearance.cancel"]


def test_outcome_only_after_the_local_date_san_juan_before_chicago(world, program, two_zones):
    w = two_zones
    chi = hearing(w.officer_a, w.bond_chi, day=D(2026, 2, 10))
    sju = hearing(w.officer_s, w.bond_sju, day=D(2026, 2, 10), place="San Juan Court")
    # 04:30 UTC on 11 February: 00:30 in San Juan, still 22:30 on the 10th in Chicago.
    with time_machine.travel(dt.datetime(2026, 2, 11, 4, 30, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError):
            services.appearance_record_outcome(actor=w.officer_a, appearance_id=chi.pk,
                                               attended=True)
        row = services.appearance_record_outcome(actor=w.partner_z_staff,
                                                 appearance_id=sju.pk, attended=True)
    assert row.state == AppearanceState.ATTENDED and row.closed_by == w.partner_z_staff
    with pytest.raises(ValidationError):  # once only
        services.appearance_record_outcome(actor=w.officer_s, appearance_id=sju.pk,
                                           attended=False)
    assert not ObligationRisk.objects.exists()


def test_a_missed_hearing_marks_the_bond_at_risk_and_alerts_both_sides_that_day(
        world, bond, deliver_on_commit):
    world.officer_a.language = "es"
    world.officer_a.save()
    row = hearing(world.officer_a, bond, day=D(2026, 2, 10))
    at = dt.datetime(2026, 2, 11, 14, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        deliver_on_commit(services.appearance_record_outcome, actor=world.partner_x_staff,
                          appearance_id=row.pk, attended=False, comment="No show")
    risk = ObligationRisk.objects.get()
    assert (risk.bond, risk.appearance_id, risk.opened_by, risk.is_open) == (
        bond, row.pk, world.partner_x_staff, True)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {world.officer_a.email, world.partner_x_staff.email}
    assert bond.reference in sent[world.officer_a.email].subject
    assert "riesgo" in sent[world.officer_a.email].subject  # the officer reads Spanish
    assert "at risk" in sent[world.partner_x_staff.email].subject
    alerts = Notification.objects.filter(template="obligation_missed")
    assert {n.sent_at for n in alerts} == {at}  # sent the day it was recorded
    assert AuditEvent.objects.filter(action="obligations.risk.open").count() == 1
    # Nobody of the other tenant hears about it; the bond itself keeps its state.
    bond.refresh_from_db()
    assert bond.state == "released"
    assert verify() == []
    call_command("ledger_verify")


def test_resolving_a_risk_is_audited_and_scoped(world, bond):
    row = hearing(world.officer_a, bond, day=D(2026, 2, 10))
    with time_machine.travel(dt.datetime(2026, 2, 12, 14, 0, tzinfo=UTC), tick=False):
        services.appearance_record_outcome(actor=world.officer_a, appearance_id=row.pk,
                                           attended=False)
        risk = ObligationRisk.objects.get()
        with pytest.raises(Http404):
            services.risk_resolve(actor=world.officer_b, risk_id=risk.pk, resolution="x")
        risk = services.risk_resolve(actor=world.officer_a, risk_id=risk.pk,
                                     resolution="Motion to reopen granted; new date set")
    assert not risk.is_open and risk.resolved_by == world.officer_a
    assert AuditEvent.objects.filter(action="obligations.risk.resolve").exists()
