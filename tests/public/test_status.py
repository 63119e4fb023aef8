"""What the found page says about bonds and grants: plain stages, dates, nothing else."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from djmoney.money import Money

from bondfund.kind import STATES as BOND_WORDS
from bondfund.models import BondProgram, BondRequest, DetentionCase
from bondfund.models import State as BondState
from core.models import Beneficiary
from grants.kind import STATES as GRANT_WORDS
from grants.models import GrantApplication, GrantKind, GrantProgram
from grants.models import State as GrantState
from public.selectors import family_status
from tests.public.conftest import DOB, lookup, translated

FACILITY = "Broadview Processing Center"
JUDGE = "Judge Honorata Quispe"
PAYEE = "Funeraria Santa Lucía"


@pytest.fixture
def bond_program(family):
    return BondProgram.objects.create(
        name="Pilot", total_budget=Money(300_000, "USD"),
        per_case_maximum=Money(25_000, "USD"), starts_on=datetime.date(2025, 1, 1))


@pytest.fixture
def grant_program(family):
    return GrantProgram.objects.create(
        name="Traslado", kind=GrantKind.TRANSFER_OF_REMAINS, currency="USD",
        total_budget=Money(50_000, "USD"), per_grant_max=Money(10_000, "USD"))


def add_bond(world, program, state, **dates):
    case = DetentionCase.objects.create(
        beneficiary=world.ben_a, consulate=world.consulate_a, facility=FACILITY,
        detained_on=datetime.date(2026, 1, 2), created_by=world.officer_a)
    return BondRequest.objects.create(
        program=program, detention_case=case, beneficiary=world.ben_a,
        consulate=world.consulate_a, obligor=world.partner_x, state=state,
        amount=Money("7345.00", "USD"), judge_or_court=JUDGE, authority="ij",
        created_by=world.officer_a, **dates)


def add_grant(world, program, state, **dates):
    return GrantApplication.objects.create(
        program=program, beneficiary=world.ben_a, consulate=world.consulate_a,
        amount=Money("2718.00", "USD"), purpose="Traslado de restos a Oaxaca",
        payee_kind="vendor", payee_name=PAYEE, state=state, created_by=world.officer_a,
        **dates)


def test_a_released_person_reads_released_with_the_date(family, bond_program):
    add_bond(family, bond_program, "released", disbursed_on=datetime.date(2026, 1, 5),
             released_on=datetime.date(2026, 1, 7))
    html = lookup("CHI-2026-000456", DOB).content.decode()
    assert '<p class="stage-now">Liberada</p>' in html  # Spanish first: "Released"
    assert "7 de enero de 2026" in html  # dates too
    assert translated("es", "Bond for release from detention") in html
    assert translated("es", "%(service)s, since %(date)s.", date="7 de enero de 2026",
                      service=translated("es", "Bond for release from detention").lower()) in html


def test_bonds_and_grants_list_as_services_and_drafts_stay_hidden(family, bond_program,
                                                                  grant_program):
    add_bond(family, bond_program, "draft")
    add_bond(family, bond_program, "disbursed", disbursed_on=datetime.date(2026, 1, 5))
    add_grant(family, grant_program, "draft")
    add_grant(family, grant_program, "approved")
    status = family_status(family.ben_a, reference="CHI-2026-000456")
    with translation.override("en"):
        assert [(str(s.service), str(s.stage)) for s in status.services] == [
            ("Bond for release from detention", "Bond paid"),
            ("Transfer of remains to Mexico", "Grant approved"),
        ]
    with translation.override("es"):  # the same lazy words, read in Spanish
        assert [(str(s.service), str(s.stage)) for s in status.services] == [
            ("Fianza para salir de la detención", "Fianza pagada"),
            ("Traslado de restos a México", "Apoyo aprobado"),
        ]


def test_the_found_page_shows_no_amount_partner_staff_or_case_detail(family, bond_program,
                                                                     grant_program):
    add_bond(family, bond_program, "posted", disbursed_on=datetime.date(2026, 1, 5),
             posted_on=datetime.date(2026, 1, 6))
    add_grant(family, grant_program, "disbursed", disbursed_on=datetime.date(2026, 1, 9))
    html = lookup("CHI-2026-000456", DOB).content.decode()
    assert translated("es", "Bond paid") in html and translated("es", "Grant paid") in html
    for secret in ("7345", "7,345", "2718", "2,718", "$", "USD", FACILITY, JUDGE, PAYEE,
                   "Oaxaca", family.partner_x.name, family.officer_a.username,
                   family.ben_a.a_number, family.ben_a.given_names):
        assert secret not in html, secret


# The machines' own states, not the words table: a state added without words fails here.
@pytest.mark.parametrize("state", [s for s in BondState.values if s != BondState.DRAFT])
def test_every_bond_state_but_draft_has_family_words(family, bond_program, state):
    add_bond(family, bond_program, state)
    (service,) = family_status(family.ben_a, reference="x").services
    assert str(service.stage) == str(BOND_WORDS[state].family)
    assert service.since is not None


@pytest.mark.parametrize("state", [s for s in GrantState.values if s != GrantState.DRAFT])
def test_every_grant_state_but_draft_has_family_words(family, grant_program, state):
    add_grant(family, grant_program, state)
    (service,) = family_status(family.ben_a, reference="x").services
    assert str(service.stage) == str(GRANT_WORDS[state].family)
    assert service.since is not None


def test_one_query_per_kind_however_many_services(family, bond_program, grant_program):
    person = Beneficiary.objects.select_related("consulate").get(pk=family.ben_a.pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            family_status(person, reference="x")
        return len(queries)

    add_bond(family, bond_program, "submitted")
    add_grant(family, grant_program, "submitted")
    few = count()
    for state in ("approved", "released", "closed_refunded"):
        add_bond(family, bond_program, state)
        add_grant(family, grant_program, "approved")
    assert count() == few == 2


def test_the_current_stage_is_the_service_that_moved_last(family, bond_program):
    add_bond(family, bond_program, "closed_refunded", cancelled_on=datetime.date(2026, 3, 1))
    add_bond(family, bond_program, "released", released_on=datetime.date(2026, 4, 2))
    status = family_status(family.ben_a, reference="x")
    with translation.override("en"):
        assert str(status.current.stage) == "Released"
