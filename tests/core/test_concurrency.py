"""Real concurrency on PostgreSQL: each thread on its own connection."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core import services
from core.models import AuditEvent, Beneficiary
from tests.casework.threads import run_at_once
from tests.core.factories import BeneficiaryFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_creations_get_distinct_consecutive_references(world):
    def create(n):
        return lambda: services.beneficiary_create(
            actor=world.officer_a, consulate=world.consulate_a,
            given_names=f"Persona{n}", family_names=f"Apellido{n} Prueba",
            date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=400 * n),
            a_number=f"{310000000 + n:09d}",
        ).reference

    references = run_at_once([create(n) for n in range(8)])
    assert all(isinstance(r, str) for r in references), references
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, 9))


def test_two_admins_merging_the_same_duplicate_at_once_merge_it_once(world):
    dup = BeneficiaryFactory(consulate=world.consulate_b, given_names="Ximena",
                             family_names="Alvarado Quintero")

    def merge():
        return services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                                          duplicate_id=dup.pk)

    results = run_at_once([merge, merge])
    assert sum(isinstance(r, Beneficiary) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert AuditEvent.objects.filter(action="beneficiary.merge").count() == 1
    assert Beneficiary.objects.get(pk=dup.pk).merged_into_id == world.ben_a.pk


def test_the_same_a_number_registered_twice_at_once_is_stored_once(world):
    def create(consulate, officer):
        return lambda: services.beneficiary_create(
            actor=officer, consulate=consulate, given_names="Gemela", family_names="Rivas Solís",
            date_of_birth=datetime.date(1990, 1, 1), a_number="320000001",
        )

    results = run_at_once([create(world.consulate_a, world.officer_a),
                            create(world.consulate_b, world.officer_b)])
    assert sum(isinstance(r, Beneficiary) for r in results) == 1
    assert Beneficiary.objects.filter(a_number="320000001").count() == 1
