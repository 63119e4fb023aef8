import datetime

import pytest
from django.core.exceptions import ValidationError

from core.validators import format_a_number, normalize_a_number, normalize_curp, normalize_ein
from tests.core.factories import make_curp


@pytest.mark.parametrize("raw, digits", [
    ("A-012-345-678", "012345678"),
    ("A12345678", "012345678"),
    ("012 345 678", "012345678"),
    ("a.201.456.789", "201456789"),
    ("98765432", "098765432"),
])
def test_a_number_is_normalized_to_nine_digits(raw, digits):
    assert normalize_a_number(raw) == digits
    assert format_a_number(digits).startswith("A-")


@pytest.mark.parametrize("raw", ["", "A-000-000-000", "1234567", "1234567890", "A12B45678",
                                 "B-012-345-678"])
def test_bad_a_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_a_number(raw)


def test_a_valid_curp_passes_in_any_case():
    curp = make_curp(7)
    assert normalize_curp(curp.lower()) == curp


@pytest.mark.parametrize("mutate", [
    lambda c: c[:17] + str((int(c[17]) + 1) % 10),   # wrong check digit
    lambda c: c[:11] + "XX" + c[13:],               # unknown state
    lambda c: c[:6] + "13" + c[8:],                 # month 13
    lambda c: c[:17],                               # too short
    lambda c: c[:10] + "Q" + c[11:],                # sex must be H, M or X
])
def test_bad_curps_are_refused(mutate):
    with pytest.raises(ValidationError):
        normalize_curp(mutate(make_curp(3)))


@pytest.mark.parametrize("raw, normalized", [("36-4567890", "36-4567890"),
                                              ("954567890", "95-4567890")])
def test_good_eins(raw, normalized):
    assert normalize_ein(raw) == normalized


@pytest.mark.parametrize("raw", ["", "12-345678", "123-456789", "00-1234567", "07-1234567",
                                 "AB-1234567"])
def test_bad_eins_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_ein(raw)


def test_demo_curps_are_valid():
    from core import demo, demo_data

    for given, family, dob, sex, state, *_ in demo_data.BENEFICIARIES:
        curp = demo.make_curp(given, family, datetime.date.fromisoformat(dob), sex, state)
        assert normalize_curp(curp) == curp
