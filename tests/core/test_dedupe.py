"""Near-duplicates are shown before saving, with their reasons in words."""

import datetime

import pytest
from django.urls import reverse

from core import services
from core.dedupe import MatchKind, birth_date_variants, find_matches
from core.duplicate_queue import duplicate_review_dismiss, duplicate_review_scan
from core.models import AuditEvent, DuplicateReview
from core.models_people import ReviewStatus
from tests.core.factories import BeneficiaryFactory
from tests.helpers import sign_in

DOB = datetime.date(1988, 4, 9)


@pytest.fixture
def jose(world):
    return BeneficiaryFactory(consulate=world.consulate_a, given_names="José Luis",
                              family_names="García Hernández", date_of_birth=DOB,
                              a_number="", curp="")


@pytest.mark.parametrize("given, family, born, reason", [
    ("Jose Luis", "Garcia Hernandez", DOB, "Same date of birth"),
    ("Jose Luis", "Garcia Hernandez", DOB + datetime.timedelta(days=1),
     "Date of birth one day apart"),
    ("Jose Luis", "Garcia Hernandez", datetime.date(1988, 4, 19), "Date of birth one digit apart"),
    ("Jose Luis", "Garcia Hernandez", datetime.date(1998, 4, 9), "Date of birth one digit apart"),
    ("Jose Luis", "Garcia Hernandez", datetime.date(1988, 9, 4),
     "Date of birth with day and month swapped"),
    ("José Luis", "García", DOB, "Some names typed, all of them found in this record"),
    ("Jose Luis", "Garcai Hernandez", DOB, "Same date of birth"),
])
def test_near_duplicates_are_found_with_the_reason(jose, given, family, born, reason):
    matches = find_matches(given_names=given, family_names=family, date_of_birth=born)
    assert [m.beneficiary for m in matches] == [jose]
    assert matches[0].kind == MatchKind.NAME_AND_BIRTH
    assert reason in [str(text) for text in matches[0].reason_texts]


def test_a_different_person_born_the_same_day_is_not_a_match(jose):
    assert find_matches(given_names="Ana", family_names="Martínez Ruiz",
                        date_of_birth=DOB) == []


def test_one_given_name_alone_is_not_enough(jose):
    assert find_matches(given_names="José", family_names="", date_of_birth=DOB) == []


def test_date_variants_are_real_dates():
    variants = birth_date_variants(datetime.date(1990, 2, 28))
    assert variants[datetime.date(1990, 3, 1)] == "one_day"  # no 29 February in 1990
    assert variants[datetime.date(1990, 12, 28)] == "one_digit"
    assert variants[datetime.date(1990, 2, 20)] == "one_digit"
    # 28 -> 08, 18, 20..27 (38 and 29 February 1990 do not exist)
    assert {d.day for d in variants if d.month == 2 and d.year == 1990} == {
        8, 18, *range(20, 29)}
    assert all(d.year >= 1900 for d in variants)
    assert variants[datetime.date(1990, 2, 28)] == "same_date"


def test_registration_shows_the_near_duplicate_before_saving(client, world, jose):
    sign_in(client, world.officer_a)
    response = client.post(reverse("core:beneficiary_create"), {
        "consulate": world.consulate_a.pk, "given_names": "Jose",
        "family_names": "Garcia Hernandez",
        "date_of_birth": "1988-09-04", "country_of_birth": "MX", "preferred_language": "es",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert jose.reference in body
    assert "Date of birth with day and month swapped" in body or \
        "día y el mes invertidos" in body


def test_confirming_a_person_at_another_consulate_queues_the_pair_for_review(world, jose):
    created = services.beneficiary_create(
        actor=world.officer_b, consulate=world.consulate_b, confirm_distinct=True,
        given_names="Jose Luis", family_names="Garcia Hernandez", date_of_birth=DOB)
    review = DuplicateReview.objects.get()
    assert {review.first_id, review.second_id} == {jose.pk, created.pk}
    assert review.reasons == ["same_date"] and review.status == ReviewStatus.OPEN


def test_the_nightly_scan_is_safe_to_run_twice(world, jose):
    BeneficiaryFactory(consulate=world.consulate_b, given_names="José Luis",
                       family_names="Garcia Hernandes", date_of_birth=DOB, a_number="", curp="")
    BeneficiaryFactory(consulate=world.consulate_a, given_names="José Luis",
                       family_names="García Hernández", date_of_birth=DOB, a_number="", curp="")
    duplicate_review_scan()
    duplicate_review_scan()
    # Only across consulates: the same-consulate pair is for the officer, not the queue.
    assert DuplicateReview.objects.count() == 2


def test_program_admins_review_and_dismiss_with_an_audit_event(client, world, jose):
    other = BeneficiaryFactory(consulate=world.consulate_b, given_names="José Luis",
                               family_names="García Hernández", date_of_birth=DOB,
                               a_number="", curp="")
    duplicate_review_scan()
    review = DuplicateReview.objects.get()
    sign_in(client, world.officer_a)
    assert client.get(reverse("core:duplicate_queue")).status_code == 403
    sign_in(client, world.admin)
    page = client.get(reverse("core:duplicate_queue")).content.decode()
    assert jose.reference in page and other.reference in page
    client.post(reverse("core:duplicate_dismiss", args=[review.pk]), {"comment": "Twins"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.DISMISSED and review.decided_by == world.admin
    assert AuditEvent.objects.filter(action="beneficiary.duplicate_dismiss",
                                     comment="Twins").exists()
    duplicate_review_scan()
    assert DuplicateReview.objects.get().status == ReviewStatus.DISMISSED
    with pytest.raises(Exception, match="already reviewed"):
        duplicate_review_dismiss(actor=world.admin, review_id=review.pk)
