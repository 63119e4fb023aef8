import pytest

from tests.notifications.conftest import deliver_on_commit, fake_twilio  # noqa: F401
from tests.obligations.factories import add_san_juan, make_program, released_bond


@pytest.fixture
def program(world):
    return make_program(world)


@pytest.fixture
def bond(world, program):
    return released_bond(world, program)


@pytest.fixture
def two_zones(world, program):
    """A released bond in Chicago (Central, with daylight saving) and one in San Juan
    (Atlantic, without)."""
    from tests.notifications.factories import reachable_contact, reachable_person

    add_san_juan(world, program)
    world.ben_chi = reachable_person(world.consulate_a, number="+13125550101", language="es")
    world.contact_chi = reachable_contact(world.ben_chi, number="+5215512345678",
                                          language="en")
    world.ben_sju = reachable_person(world.consulate_s, number="+17875550101", language="es")
    world.contact_sju = reachable_contact(world.ben_sju, number="+5213312345678",
                                          language="es")
    world.bond_chi = released_bond(world, program, beneficiary=world.ben_chi)
    world.bond_sju = released_bond(world, program, beneficiary=world.ben_sju,
                                   officer=world.officer_s, approver=world.approver_s,
                                   partner_staff=world.partner_z_staff,
                                   obligor=world.partner_z)
    return world
