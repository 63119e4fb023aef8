import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from core.models import Beneficiary, Consulate
from public.hashing import date_of_birth_hmac
from public.models import LookupAttempt, LookupOutcome
from public.selectors import family_hotline
from public.services import CLIENT_LIMIT, REFERENCE_LIMIT, REFERENCE_WINDOW
from tests.core.factories import BeneficiaryFactory
from tests.public.conftest import DOB, lookup, translated
from tests.public.factories import LookupAttemptFactory

WRONG_DOB = datetime.date(1991, 5, 17)


def es(message, **params):
    return translated("es", message, **params)


def en(message, **params):
    return translated("en", message, **params)


def page_text(response, *variable):
    """The body with the CSRF token and the typed reference blanked out."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    for value in variable:
        text = text.replace(value, "REFERENCE")
    return text


def test_the_page_is_public_spanish_first_with_english_one_click_away(db):
    response = Client().get("/status/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert 'name="language" value="en"' in html
    assert '<label for="id_reference"' in html and '<label for="id_date_of_birth"' in html
    # Spelled out, so that a message missing from the catalog fails here.
    for spanish in ("Consultar el caso de un familiar", "Referencia del caso",
                    "Fecha de nacimiento de la persona", "Consultar el estado"):
        assert spanish in html
    assert "Case reference" not in html and "Check the status" not in html
    assert "Sign out" not in html and "core:home" not in html

    client = Client()
    client.cookies["django_language"] = "en"
    english = client.get("/status/").content.decode()
    assert '<html lang="en">' in english
    assert 'name="language" value="es"' in english
    for message in ("Check a relative's case", "Case reference", "Date of birth of the person",
                    "Check the status"):
        assert en(message) in english
    assert "Referencia del caso" not in english


def test_a_family_finds_the_case_with_reference_and_date_of_birth(family):
    response = lookup("chi 2026 456", DOB)
    html = response.content.decode()
    assert response.status_code == 200
    assert es("Case %(reference)s", reference="CHI-2026-000456") in html
    assert es("Services received") in html and es("Consulate handling the case") in html
    assert family.consulate_a.name in html
    assert "+1 312 738 2383" in html and "204 S Ashland Ave" in html
    attempt = LookupAttempt.objects.get()
    assert (attempt.reference, attempt.outcome) == ("CHI-2026-000456", LookupOutcome.FOUND)


def test_a_family_that_chose_english_reads_the_found_page_in_english(family):
    client = Client()
    client.cookies["django_language"] = "en"
    html = lookup("CHI-2026-000456", DOB, client=client).content.decode()
    assert '<html lang="en">' in html
    for message in ("Case CHI-2026-000456", "Where the case stands", "Services received",
                    "Consulate handling the case"):
        assert message in html
    assert es("Services received") not in html
    assert family.consulate_a.name in html


def test_the_found_page_never_shows_what_the_family_must_not_see(family):
    html = lookup("CHI-2026-000456", DOB).content.decode()
    ben = family.ben_a
    for secret in (ben.a_number, ben.a_number_display, ben.curp, ben.address,
                   family.partner_x.name, family.officer_a.username, "$"):
        assert secret not in html


def test_wrong_date_of_birth_reads_exactly_like_an_unknown_reference(family):
    wrong_dob = lookup("CHI-2026-000456", WRONG_DOB, address="198.51.100.1")
    unknown = lookup("CHI-2026-000777", DOB, address="198.51.100.2")
    assert wrong_dob.status_code == unknown.status_code == 200
    assert page_text(wrong_dob, "CHI-2026-000456") == page_text(unknown, "CHI-2026-000777")
    assert family.consulate_a.name not in wrong_dob.content.decode()
    assert set(LookupAttempt.objects.values_list("outcome", flat=True)) == {
        LookupOutcome.WRONG_DATE_OF_BIRTH, LookupOutcome.UNKNOWN_REFERENCE}


def test_without_consent_the_record_gets_the_same_not_found_page(family):
    Beneficiary.objects.filter(pk=family.ben_a.pk).update(consents_to_family_lookup=False)
    hidden = lookup("CHI-2026-000456", DOB, address="198.51.100.1")
    unknown = lookup("CHI-2026-000777", DOB, address="198.51.100.2")
    assert hidden.status_code == unknown.status_code == 200
    assert page_text(hidden, "CHI-2026-000456") == page_text(unknown, "CHI-2026-000777")
    assert LookupAttempt.objects.filter(outcome=LookupOutcome.NO_CONSENT).count() == 1


def test_a_merged_record_answers_with_the_surviving_record(family):
    old = BeneficiaryFactory(consulate=family.consulate_a, reference="CHI-2025-000042",
                             date_of_birth=DOB, merged_into=family.ben_a)
    html = lookup(old.reference, DOB).content.decode()
    assert es("Case %(reference)s", reference="CHI-2025-000042") in html
    assert family.consulate_a.name in html


def test_invalid_input_is_shown_on_the_fields_and_logs_nothing(db):
    response = lookup("", None)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_reference_helptext id_reference_error"' in html
    assert not LookupAttempt.objects.exists()


def test_the_log_keeps_the_date_of_birth_only_as_an_hmac(family):
    lookup("CHI-2026-000456", WRONG_DOB)
    attempt = LookupAttempt.objects.get()
    stored = " ".join(str(v) for v in LookupAttempt.objects.values().get().values())
    for clear in (WRONG_DOB.isoformat(), WRONG_DOB.strftime("%d/%m/%Y"), "1991"):
        assert clear not in stored
    assert attempt.date_of_birth_hmac == date_of_birth_hmac(WRONG_DOB)
    assert "198.51.100.20" not in stored


def test_too_many_failures_from_one_address_lock_it_out(family):
    for n in range(CLIENT_LIMIT):
        lookup(f"CHI-2026-{n + 500:06d}", DOB, address="203.0.113.9")
    locked = lookup("CHI-2026-000456", DOB, address="203.0.113.9")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert es("Too many attempts") in html
    assert es("Please call the free consular hotline (CIAM), which can help you by phone: "
              '<a href="tel:%(hotline)s">%(hotline)s</a>', hotline=family_hotline()) in html
    assert family.consulate_a.name not in html
    assert LookupAttempt.objects.filter(outcome=LookupOutcome.LOCKED).count() == 1
    # another address is not affected
    assert lookup("CHI-2026-000456", DOB, address="203.0.113.10").status_code == 200


def test_wrong_dates_from_other_addresses_never_lock_the_family_out(family):
    for n in range(REFERENCE_LIMIT * 3):
        lookup("CHI-2026-000456", WRONG_DOB, address=f"203.0.113.{n + 1}")
    assert lookup("CHI-2026-000456", DOB, address="192.0.2.50").status_code == 200


def test_too_many_wrong_dates_for_one_reference_lock_that_address_for_it(family):
    for _ in range(REFERENCE_LIMIT):
        lookup("CHI-2026-000456", WRONG_DOB, address="192.0.2.50")
    locked = lookup("CHI-2026-000456", DOB, address="192.0.2.50")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert es("Too many attempts") in html
    assert es("Please call the %(name)s, which can help you by phone:",
              name=family.consulate_a.name) in html
    assert "+1 312 738 2383" in html
    assert es("Services received") not in html and es("Where the case stands") not in html


def test_the_lockout_reads_the_same_whether_the_reference_exists(family):
    for reference, address in (("CHI-2026-000456", "192.0.2.50"),
                               ("CHI-2026-000124", "192.0.2.51")):
        for _ in range(REFERENCE_LIMIT):
            lookup(reference, WRONG_DOB, address=address)
    existing = lookup("CHI-2026-000456", WRONG_DOB, address="192.0.2.50")
    unknown = lookup("CHI-2026-000124", WRONG_DOB, address="192.0.2.51")
    assert existing.status_code == unknown.status_code == 429
    assert page_text(existing) == page_text(unknown)


def test_an_unknown_consulate_code_gets_the_general_hotline_when_locked(world):
    for _ in range(REFERENCE_LIMIT):
        lookup("XYZ-2026-000001", DOB, address="192.0.2.50")
    locked = lookup("XYZ-2026-000001", DOB, address="192.0.2.50")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert es("Please call the free consular hotline (CIAM), which can help you by phone: "
              '<a href="tel:%(hotline)s">%(hotline)s</a>', hotline=family_hotline()) in html
    assert Consulate.objects.exists()
    for name in Consulate.objects.values_list("name", flat=True):
        assert name not in html


def test_the_window_slides_old_failures_stop_counting(family):
    LookupAttemptFactory.create_batch(
        REFERENCE_LIMIT, reference="CHI-2026-000456",
        created_at=timezone.now() - REFERENCE_WINDOW - datetime.timedelta(minutes=1),
    )
    assert lookup("CHI-2026-000456", DOB, address="203.0.113.7").status_code == 200


def test_successful_lookups_do_not_count_toward_the_lockout(family):
    for _ in range(CLIENT_LIMIT + 2):
        assert lookup("CHI-2026-000456", DOB).status_code == 200


@pytest.mark.parametrize("typed", ["CHI-2026-000456", "chi2026000456", "CHI–2026–456",
                                   " chi 2026 000456 "])
def test_references_are_normalized_as_typed(family, typed):
    html = lookup(typed, DOB).content.decode()
    assert es("Case %(reference)s", reference="CHI-2026-000456") in html


def test_the_lookup_page_is_never_cached(db):
    assert "no-store" in lookup("CHI-2026-000001", DOB)["Cache-Control"]
