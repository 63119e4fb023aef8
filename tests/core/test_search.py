"""Search finds people the way officers type: accents, case, order, one surname, typos,
identifiers in any written form; other consulates' people only as where they are."""

import datetime

import pytest
from django.urls import reverse

from core.models import Beneficiary
from core.selectors import beneficiary_search
from tests.core.factories import BeneficiaryFactory
from tests.helpers import sign_in


@pytest.fixture
def jose(world):
    others = [("María", "García López"), ("Juan", "Rodríguez Pérez"),
              ("Luis", "Hernández Soto"), ("Ana", "Martínez Ruiz")]
    for given, family in others:
        BeneficiaryFactory(consulate=world.consulate_a, given_names=given, family_names=family)
    return BeneficiaryFactory(consulate=world.consulate_a, given_names="José Luis",
                              family_names="García Hernández", phone="+1 (312) 555-0199",
                              a_number="012345678")


@pytest.mark.parametrize("typed", [
    "garcia", "GARCÍA", "jose garcia", "Jose Luis Garcia Hernandez",
    "garcia hernandez jose luis", "Hernandez", "Garcai", "jose luis garcai",
])
def test_names_are_found_whatever_accents_case_order_or_typo(world, jose, typed):
    found = [row.beneficiary for row in beneficiary_search(world.officer_a, typed)]
    assert jose in found


def test_rodriguez_finds_rodriguez(world, jose):
    found = [row.beneficiary.family_names for row in beneficiary_search(world.officer_a,
                                                                        "Rodriguez")]
    assert found == ["Rodríguez Pérez"]


def test_the_full_name_ranks_the_person_first(world, jose):
    rows = beneficiary_search(world.officer_a, "Jose Luis Garcia Hernandez")
    assert rows[0].beneficiary == jose
    assert rows[0].hit.score > rows[-1].hit.score or len(rows) == 1


@pytest.mark.parametrize("typed", ["A-012-345-678", "a12345678", "012 345 678", "12345678",
                                   "A.012.345.678"])
def test_a_number_in_any_written_form(world, jose, typed):
    assert [row.beneficiary for row in beneficiary_search(world.officer_a, typed)] == [jose]


def test_curp_reference_and_phone(world, jose):
    for typed in (jose.curp.lower(), jose.reference.lower(), "312-555-0199", "+13125550199"):
        assert [row.beneficiary for row in beneficiary_search(world.officer_a, typed)] == [jose]


def test_unrelated_names_are_not_found(world, jose):
    assert beneficiary_search(world.officer_a, "Zapata") == []


def test_another_consulates_person_shows_only_where_registered(client, world, jose):
    sign_in(client, world.officer_b)
    response = client.get(reverse("core:beneficiary_list"), {"q": "jose garcia"})
    rows = response.context["rows"]
    assert [row.beneficiary for row in rows] == [jose] and not rows[0].visible
    body = response.content.decode()
    assert jose.reference in body and world.consulate_a.name in body
    assert "García Hernández" not in body and jose.curp not in body
    assert reverse("core:beneficiary_detail", args=[jose.pk]) not in body


def test_own_consulates_person_is_shown_in_full(client, world, jose):
    sign_in(client, world.officer_a)
    body = client.get(reverse("core:beneficiary_list"), {"q": "garcia"}).content.decode()
    assert "José Luis García Hernández" in body
    assert reverse("core:beneficiary_detail", args=[jose.pk]) in body


def test_merged_records_are_not_found(world, jose):
    BeneficiaryFactory(consulate=world.consulate_a, given_names="José Luis",
                       family_names="García Hernández", merged_into=jose,
                       date_of_birth=datetime.date(1990, 5, 17))
    assert [row.beneficiary for row in beneficiary_search(world.admin, "garcia hernandez")
            ].count(jose) == 1
    assert len(beneficiary_search(world.admin, "garcia hernandez")) == 1


def test_search_column_follows_name_and_phone_changes(world, jose):
    jose.family_names = "Núñez"
    jose.phone = "+52 55 1234 5678"
    jose.save(update_fields=["family_names", "phone"])
    stored = Beneficiary.objects.values("search_text", "phone_digits").get(pk=jose.pk)
    assert stored == {"search_text": "jose luis nunez", "phone_digits": "5512345678"}


@pytest.mark.postgres
def test_postgres_uses_the_trigram_index_and_finds_the_same(world, jose):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = "
                       "'beneficiary_search_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
        cursor.execute("SELECT fianza_unaccent(lower('José Núñez'))")
        assert cursor.fetchone()[0] == "jose nunez"
    assert jose in [row.beneficiary for row in beneficiary_search(world.officer_a, "Garcai")]
    assert beneficiary_search(world.officer_a, "garcia hernandez jose")[0].beneficiary == jose
