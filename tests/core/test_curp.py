"""CURPs are checked for real (python-stdnum) and compared with the record."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import services
from core.models import Beneficiary
from core.validators import curp_check_digit, curp_conflicts, normalize_curp
from tests.core.factories import make_curp
from tests.helpers import sign_in

BORN = datetime.date(1990, 5, 17)


def with_check_digit(first17):
    return first17 + curp_check_digit(first17)


def test_31_february_is_refused_even_with_a_right_check_digit():
    curp = with_check_digit("GOPE900231HMCRRN0")
    with pytest.raises(ValidationError, match="birth date does not exist"):
        normalize_curp(curp)


def test_a_non_binary_curp_is_accepted():
    curp = with_check_digit("GOPE900517XMCRRN0")
    assert normalize_curp(curp) == curp


def test_the_birth_date_must_agree_and_the_sex_is_a_warning():
    curp = make_curp(1, dob=BORN, sex="M")  # M: mujer
    assert curp_conflicts(curp, date_of_birth=BORN, sex="F") == ([], [])
    refusals, warnings = curp_conflicts(curp, date_of_birth=BORN.replace(day=18), sex="M")
    assert len(refusals) == 1 and "1990-05-17" in refusals[0]
    assert len(warnings) == 1


def test_registration_refuses_a_curp_with_another_birth_date(world):
    with pytest.raises(ValidationError) as refused:
        services.beneficiary_create(
            actor=world.officer_a, consulate=world.consulate_a, given_names="Rosa",
            family_names="Ortiz", date_of_birth=BORN.replace(year=1991),
            curp=make_curp(90, dob=BORN, sex="M"))
    assert "curp" in refused.value.message_dict
    assert not Beneficiary.objects.filter(family_names="Ortiz").exists()


def test_the_page_warns_when_the_curps_sex_differs(client, world):
    sign_in(client, world.officer_a)
    response = client.post(reverse("core:beneficiary_create"), {
        "consulate": world.consulate_a.pk, "given_names": "Rosa", "family_names": "Ortiz",
        "date_of_birth": "1990-05-17", "sex": "M", "curp": make_curp(91, dob=BORN, sex="M"),
        "country_of_birth": "MX", "preferred_language": "es",
    }, follow=True)
    assert Beneficiary.objects.filter(family_names="Ortiz", sex="M").exists()
    levels = [m.level_tag for m in response.context["messages"]]
    assert "warning" in levels
