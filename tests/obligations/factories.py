"""Released bonds walked through bondfund's services (so the books stay right), and people
who agreed to reminders."""

import datetime

import time_machine
from django.db import transaction

from bondfund import services as bond_services
from bondfund.models import AllocationKind
from core.models import ConsulateTimeZone, MessageChannel, Role
from obligations import services
from tests.bondfund.factories import checked_pdf, make_program, make_request, pay, usd
from tests.core.factories import ConsulateFactory, PartnerFactory, user_with_role
from tests.notifications.factories import reachable_contact, reachable_person

D = datetime.date
WALK_AT = datetime.datetime(2026, 1, 5, 15, 0, tzinfo=datetime.UTC)


def add_san_juan(world, program):
    """A third tenant in the Atlantic zone: consulate, partner, officer, approver, budget."""
    world.consulate_s = ConsulateFactory(code="SJU", name="Consulado de México en San Juan",
                                         city="San Juan", state="PR",
                                         time_zone=ConsulateTimeZone.ATLANTIC)
    world.partner_z = PartnerFactory(name="Caribbean Bond Fund")
    world.partner_z.consulates.add(world.consulate_s)
    world.officer_s = user_with_role(Role.CONSULATE_OFFICER, consulate=world.consulate_s,
                                     username="officer_s")
    world.approver_s = user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_s,
                                      username="approver_s")
    world.partner_z_staff = user_with_role(Role.PARTNER_STAFF, partner=world.partner_z,
                                           username="partner_z")
    bond_services.program_budget_change(actor=world.admin, program_id=program.pk,
                                        kind=AllocationKind.CONSULATE, amount=usd(50_000),
                                        consulate=world.consulate_s)
    bond_services.program_budget_change(actor=world.admin, program_id=program.pk,
                                        kind=AllocationKind.PARTNER_CAP, amount=usd(40_000),
                                        partner=world.partner_z)


def released_bond(world, program, *, beneficiary=None, officer=None, approver=None,
                  partner_staff=None, obligor=None, amount=6_000):
    """A bond approved, paid, posted and released, as of early January 2026."""
    with time_machine.travel(WALK_AT, tick=False):
        req = make_request(world, program, amount=amount, beneficiary=beneficiary,
                           officer=officer, obligor=obligor)
        bond_services.bond_request_approve(actor=approver or world.approver_a,
                                           request_id=req.pk)
        req = pay(world, req, approver=approver or world.approver_a)
        staff = partner_staff or world.partner_x_staff
        bond_services.bond_request_confirm_posting(actor=staff, request_id=req.pk,
                                                   posted_on=D(2025, 12, 3),
                                                   receipt=checked_pdf())
        return bond_services.bond_request_confirm_release(
            actor=staff, request_id=req.pk, released_on=D(2025, 12, 4),
            document=checked_pdf("release.pdf"))


def person_with_family(consulate, *, number, contact_number, language="es",
                       contact_language="es"):
    person = reachable_person(consulate, channel=MessageChannel.SMS, number=number,
                              language=language)
    contact = reachable_contact(person, channel=MessageChannel.WHATSAPP,
                                number=contact_number, language=contact_language)
    return person, contact


def hearing(actor, bond, *, day, at=datetime.time(9, 0), now=None, **fields):
    fields = {"kind": "hearing", "place": "Chicago Immigration Court, 525 W Van Buren St",
              "judge": "IJ Patricia Gómez", "hearing_type": "master", **fields}
    with transaction.atomic():
        return services.appearance_create(actor=actor, bond_id=bond.pk, day=day, at=at,
                                          now=now or WALK_AT, **fields)


__all__ = ["add_san_juan", "released_bond", "person_with_family", "hearing", "make_program"]
