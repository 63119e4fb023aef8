"""How a bond ends: the interest of a breached bond stays owed, the breach appeal moves the
principal back when sustained, money that comes back later closes what is owed, and the
books stay sound (`ledger_verify`) at every step."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404

from bondfund import services as bond_services
from bondfund.models import BondRequest, State
from ledger.funds_breach import receivables_open
from ledger.verify import verify
from notifications.models import Notification
from obligations import bond_end, escalations, refunds
from obligations.models import AppealState, ReceivableReceipt
from tests.bondfund.factories import TreasuryRateFactory

UTC = dt.UTC
D = dt.date
BREACH_AT = dt.datetime(2026, 2, 2, 15, tzinfo=UTC)
# 60 days (3 Dec 2025 to 1 Feb 2026) at min(4%, 3%) on USD 6,000 = USD 29.59
BREACH_INTEREST = 29_59


def books_sound():
    assert verify() == []
    call_command("ledger_verify")


def owed(bond):
    return receivables_open([bond.reference]).get(bond.reference,
                                                  {"principal": 0, "interest": 0})


@pytest.fixture
def breached(world, bond):
    TreasuryRateFactory(effective_on=D(2025, 1, 1), rate_percent="4.0000")
    with time_machine.travel(BREACH_AT, tick=False):
        return bond_services.bond_request_breach(actor=world.officer_a, request_id=bond.pk,
                                                 breached_on=D(2026, 2, 1))


def test_a_breach_keeps_the_interest_receivable_through_the_write_off_until_it_comes_back(
        world, breached):
    assert owed(breached) == {"principal": 0, "interest": BREACH_INTEREST}
    books_sound()
    with time_machine.travel(dt.datetime(2026, 3, 10, 15, tzinfo=UTC), tick=False):
        bond_services.bond_request_write_off(actor=world.approver_a, request_id=breached.pk,
                                             comment="Appeal not filed")
        assert owed(breached) == {"principal": 0, "interest": BREACH_INTEREST}
        with pytest.raises(ValidationError):  # more than owed: nothing changes
            bond_end.receivable_receipt_record(
                actor=world.partner_x_staff, bond_id=breached.pk, principal=0,
                interest=BREACH_INTEREST + 1, received_on=D(2026, 3, 9))
        assert not ReceivableReceipt.objects.exists()
        bond_end.receivable_receipt_record(actor=world.partner_x_staff, bond_id=breached.pk,
                                           principal=0, interest=BREACH_INTEREST,
                                           received_on=D(2026, 3, 9))
    assert owed(breached) == {"principal": 0, "interest": 0}
    books_sound()


def test_filing_the_appeal_stops_the_deadline_reminders(world, breached):
    with time_machine.travel(dt.datetime(2026, 2, 9, 15, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError):
            bond_end.appeal_file(actor=world.partner_x_staff, bond_id=breached.pk,
                                 filed_on=D(2026, 2, 10))  # tomorrow
        bond_end.appeal_file(actor=world.partner_x_staff, bond_id=breached.pk,
                             filed_on=D(2026, 2, 9))
    # 10 February: 21 days before the deadline, the first reminder would be due.
    assert escalations.breach_appeals_remind(
        now=dt.datetime(2026, 2, 10, 15, tzinfo=UTC)) == 0
    assert not Notification.objects.filter(template=escalations.APPEAL_TEMPLATE).exists()
    with pytest.raises(ValidationError):  # written off while the appeal is pending: refused
        bond_end_write_off(world, breached)
    assert BondRequest.objects.get(pk=breached.pk).state == State.BREACHED


def bond_end_write_off(world, bond):
    bond_services.bond_request_write_off(actor=world.approver_a, request_id=bond.pk,
                                         comment="x")


def test_a_sustained_appeal_after_the_write_off_makes_the_principal_owed_again(world,
                                                                            breached):
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, tzinfo=UTC), tick=False):
        bond_end_write_off(world, breached)
        bond_end.appeal_file(actor=world.officer_a, bond_id=breached.pk,
                             filed_on=D(2026, 2, 20))
    with time_machine.travel(dt.datetime(2026, 6, 2, 15, tzinfo=UTC), tick=False):
        appeal = bond_end.appeal_decide(actor=world.officer_a, bond_id=breached.pk,
                                        sustained=True, decided_on=D(2026, 6, 1),
                                        comment="The person did appear: notice misdirected")
        rows = refunds.refunds_owed(world.officer_a)
    assert appeal.state == AppealState.SUSTAINED
    assert owed(breached) == {"principal": 6_000_00, "interest": BREACH_INTEREST}
    assert [(r.bond, r.reason, r.since) for r in rows] == \
        [(breached, "appeal_sustained", D(2026, 6, 1))]
    books_sound()


def test_a_dismissed_appeal_moves_no_money_and_another_tenant_cannot_decide(world,
                                                                         breached):
    with time_machine.travel(dt.datetime(2026, 2, 20, 15, tzinfo=UTC), tick=False):
        bond_end.appeal_file(actor=world.officer_a, bond_id=breached.pk,
                             filed_on=D(2026, 2, 20))
        with pytest.raises(Http404):
            bond_end.appeal_decide(actor=world.officer_b, bond_id=breached.pk,
                                   sustained=True, decided_on=D(2026, 2, 20), comment="x")
        bond_end.appeal_decide(actor=world.officer_a, bond_id=breached.pk, sustained=False,
                               decided_on=D(2026, 2, 20), comment="Breach confirmed")
        bond_end_write_off(world, breached)
    assert owed(breached) == {"principal": 0, "interest": BREACH_INTEREST}
    books_sound()
