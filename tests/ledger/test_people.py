"""People as a ledger unit: a program's people caps held in the same linked chain as money."""

import pytest
from django.core.management import call_command
from django.utils import translation

from ledger import funds, people
from ledger.exceptions import CapExceeded, LimitExceeded, PeopleCapExceeded
from ledger.models import Account, Transfer
from ledger.money import format_amount
from ledger.verify import verify
from tests.ledger.factories import funded_program, key

pytestmark = pytest.mark.django_db

P, C = "bond:1", "USD"


@pytest.fixture
def program():
    funded_program(program=P, amount=100_000, consulates={1: 60_000, 2: 10_000},
                   caps={7: 30_000})
    people.people_cap_set(key="people-cap", program=P, level="program", count=2)
    return P


@pytest.fixture(autouse=True)
def books_balance():
    yield
    assert verify() == []


def reserve(n, *, consulate_id=1, partner_id=None, amount=1_000, people_count=1):
    return funds.reserve(key=f"r{n}", program=P, currency=C, consulate_id=consulate_id,
                         partner_id=partner_id, amount=amount, people=people_count)


def program_position():
    return people.people_positions(program=P)[("program", None, None)]


def test_people_are_formatted_as_people_not_money():
    assert format_amount(3, "PPL") == "3 people"
    assert format_amount(1, "PPL") == "1 person"
    with translation.override("es"):
        assert format_amount(3, "PPL") == "3 personas"


def test_a_reservation_holds_one_person_with_its_money(program):
    legs = reserve(1)
    assert [leg.currency for leg in legs] == ["USD", "PPL"]
    assert {leg.linked for leg in legs} == {"r1"}
    assert program_position() == people.PeoplePosition(cap=2, reserved=1, funded=0)


def test_the_person_past_the_cap_is_refused_and_nothing_moves(program):
    reserve(1)
    reserve(2)
    consulate = funds.account("consulate_available", program=P, currency=C, consulate_id=1)
    before = consulate.available
    with pytest.raises(PeopleCapExceeded) as exc:
        reserve(3)
    assert str(exc.value.message) == "The program's limit of 2 people is reached."
    assert isinstance(exc.value, CapExceeded)
    assert not Transfer.objects.filter(linked="r3").exists()
    consulate.refresh_from_db()
    assert consulate.available == before  # the money leg went back with the person
    assert program_position().available == 0


def test_release_returns_the_person(program):
    reserve(1)
    reserve(2)
    funds.release(key="rel", reservation_key="r1")
    assert program_position() == people.PeoplePosition(cap=2, reserved=1, funded=0)
    reserve(3)  # the place is free again


def test_disbursement_keeps_the_person_counted(program):
    reserve(1)
    funds.disburse(key="pay", reservation_key="r1", amount=800, purpose="bond")
    assert program_position() == people.PeoplePosition(cap=2, reserved=0, funded=1)
    r = funds.reservation_get("r1")
    assert r.amount == 1_000 and len(r.people) == 1


def test_refund_revolves_money_but_not_people(program):
    reserve(1)
    funds.disburse(key="pay", reservation_key="r1", amount=1_000, purpose="bond")
    funds.bond_posted(key="posted", reservation_key="r1", amount=1_000)
    funds.bond_cancelled(key="cancel", reservation_key="r1", amount=1_000)
    funds.refund_returned(key="back", reservation_key="r1", principal=1_000)
    assert program_position().funded == 1


def test_consulate_and_partner_people_caps(program):
    people.people_cap_set(key="c1", program=P, level="consulate", consulate_id=1, count=1)
    people.people_cap_set(key="p7", program=P, level="partner", partner_id=7, count=5)
    legs = reserve(1, partner_id=7)
    assert sorted(leg.id for leg in legs if leg.currency == "PPL") == [
        "r1:people", "r1:people:consulate", "r1:people:partner"]
    with pytest.raises(PeopleCapExceeded) as exc:
        reserve(2, partner_id=7)
    assert exc.value.cap == "consulate"
    assert str(exc.value.message) == "The consulate's limit of 1 person is reached."
    reserve(3, consulate_id=2)  # another consulate has no cap of its own


def test_lowering_a_cap_below_the_people_held_is_refused(program):
    reserve(1)
    reserve(2)
    with pytest.raises(LimitExceeded) as exc:
        people.people_cap_set(key="lower", program=P, level="program", count=1)
    assert exc.value.shortfall == 1
    people.people_cap_set(key="raise", program=P, level="program", count=200)
    assert program_position() == people.PeoplePosition(cap=200, reserved=2, funded=0)
    people.people_cap_set(key="lower2", program=P, level="program", count=2)
    assert program_position().cap == 2


def test_setting_a_cap_again_with_the_same_key_is_a_retry(program):
    first = people.people_cap_set(key="again", program=P, level="program", count=9)
    assert people.people_cap_set(key="again", program=P, level="program", count=9) == first
    assert program_position().cap == 9


def test_without_people_caps_no_people_legs(db):
    funded_program(program="bond:2", amount=10_000, consulates={1: 10_000})
    legs = funds.reserve(key=key("r"), program="bond:2", currency=C, consulate_id=1,
                         amount=100, people=1)
    assert [leg.currency for leg in legs] == ["USD"]
    assert not Account.objects.filter(currency="PPL").exists()


def test_money_without_people_ignores_the_people_cap(program):
    """A reservation that is not a person (an invoice) never uses the people caps."""
    for n in range(3):
        legs = reserve(n, people_count=0)
        assert [leg.currency for leg in legs] == ["USD"]


def test_ledger_verify_accepts_people_accounts(program, capsys):
    reserve(1)
    funds.disburse(key="pay", reservation_key="r1", amount=1_000, purpose="bond")
    call_command("ledger_verify")
    assert "the books balance" in capsys.readouterr().out
