"""A desk with one bond at every stage that waits on someone, walked through the services."""

import datetime

import time_machine

from bondfund import services as bond_services
from tests.bondfund.factories import checked_pdf, make_program, make_request, pay
from tests.obligations.factories import WALK_AT, hearing, released_bond

D = datetime.date
APRIL_17 = D(2026, 4, 17)


def bond_desk(world, *, hearing_on=APRIL_17):
    """In Chicago: a draft, a returned request, one waiting for the approver (USD 7,000), one
    paid waiting to be posted, one posted waiting for release, one refund due since
    2025-12-10, and a hearing on `hearing_on` for the posted bond."""
    program = make_program(world)
    with time_machine.travel(WALK_AT, tick=False):
        make_request(world, program, submit=False)
        returned = make_request(world, program)
        bond_services.bond_request_return(actor=world.approver_a, request_id=returned.pk,
                                          comment="Falta el acta de la audiencia.")
        make_request(world, program, amount=7_000)
        to_post = make_request(world, program)
        bond_services.bond_request_approve(actor=world.approver_a, request_id=to_post.pk)
        pay(world, to_post)
        posted = make_request(world, program)
        bond_services.bond_request_approve(actor=world.approver_a, request_id=posted.pk)
        pay(world, posted)
        bond_services.bond_request_confirm_posting(
            actor=world.partner_x_staff, request_id=posted.pk, posted_on=D(2025, 12, 3),
            receipt=checked_pdf())
    refund = released_bond(world, program)
    with time_machine.travel(WALK_AT, tick=False):
        bond_services.bond_request_cancel(actor=world.officer_a, request_id=refund.pk,
                                          cancelled_on=D(2025, 12, 10))
        hearing(world.officer_a, posted, day=hearing_on)
    return program
