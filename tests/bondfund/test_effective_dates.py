"""A step recorded on a later day than it happened books its ledger entries on the day it
happened, in the consulate's calendar: a 2025 payment recorded in 2026 is in 2025's period."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bondfund import services
from ledger import selectors as ledger_selectors
from ledger.models import Transfer, TransferCode
from ledger.verify import verify
from tests.bondfund.factories import checked_pdf, make_program, make_request, pay

D = datetime.date
RECORDED = datetime.datetime(2026, 3, 10, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture
def recorded_in_march():
    with time_machine.travel(RECORDED, tick=False):
        yield RECORDED


def _disbursed(world):
    program = make_program(world)
    req = make_request(world, program, amount=6_000)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    return program, pay(world, req, sent_on=D(2025, 11, 20))


def recorded_now(transfer):
    """Recorded when the step was recorded, not on the day it happened (the clock is the
    database's on PostgreSQL, and a linked group spaces its rows by microseconds)."""
    return transfer.created_at.date() >= RECORDED.date()


def _moved(req, code):
    """The one transfer of that kind (each test walks one bond)."""
    return Transfer.objects.get(code=code)


def test_money_sent_on_an_earlier_day_takes_effect_on_that_day(world, recorded_in_march):
    program, req = _disbursed(world)
    paid = _moved(req, TransferCode.DISBURSE)
    zone = ZoneInfo(world.consulate_a.time_zone)
    assert paid.effective_at.astimezone(zone) == datetime.datetime(2025, 11, 20, 12, tzinfo=zone)
    assert recorded_now(paid)
    in_2025 = ledger_selectors.reconciliation(
        program=program.ledger_ref, currency="USD", consulate_id=world.consulate_a.pk,
        date_from=D(2025, 1, 1), date_to=D(2025, 12, 31))
    in_2026 = ledger_selectors.reconciliation(
        program=program.ledger_ref, currency="USD", consulate_id=world.consulate_a.pk,
        date_from=D(2026, 1, 1), date_to=D(2026, 12, 31))
    assert (in_2025[0].disbursed, in_2026[0].disbursed) == (6_000_00, 0)
    assert verify() == []


def test_a_step_of_today_takes_effect_when_it_is_recorded(world, recorded_in_march):
    _program, req = _disbursed(world)
    services.bond_request_confirm_posting(actor=world.partner_x_staff, request_id=req.pk,
                                          posted_on=D(2026, 3, 10), receipt=checked_pdf())
    posted = _moved(req, TransferCode.BOND_POSTED)
    assert posted.effective_at == posted.created_at and recorded_now(posted)


def test_a_posting_recorded_late_lands_on_its_own_day(world, recorded_in_march):
    _program, req = _disbursed(world)
    services.bond_request_confirm_posting(actor=world.partner_x_staff, request_id=req.pk,
                                          posted_on=D(2025, 11, 21), receipt=checked_pdf())
    posted = _moved(req, TransferCode.BOND_POSTED)
    zone = ZoneInfo(world.consulate_a.time_zone)
    assert posted.effective_at.astimezone(zone).date() == D(2025, 11, 21)
    assert recorded_now(posted)
