"""A relative on a phone finds a case with only the reference card and a date of birth."""

import datetime

import pytest
from djmoney.money import Money

from bondfund.models import BondProgram, BondRequest, DetentionCase
from core.models import Beneficiary
from public.services import REFERENCE_LIMIT
from tests.browser.conftest import assert_accessible
from tests.public.conftest import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOB = datetime.date(1990, 5, 17)
REFERENCE = "CHI-2026-000456"


@pytest.fixture
def family(world):
    Beneficiary.objects.filter(pk=world.ben_a.pk).update(reference=REFERENCE, date_of_birth=DOB)
    world.consulate_a.phone = "+1 312 738 2383"
    world.consulate_a.address = "204 S Ashland Ave"
    world.consulate_a.save()
    program = BondProgram.objects.create(
        name="Pilot", total_budget=Money(300_000, "USD"),
        per_case_maximum=Money(25_000, "USD"), starts_on=datetime.date(2025, 1, 1))
    case = DetentionCase.objects.create(
        beneficiary_id=world.ben_a.pk, consulate=world.consulate_a, facility="Broadview",
        detained_on=datetime.date(2026, 1, 2), created_by=world.officer_a)
    BondRequest.objects.create(
        program=program, detention_case=case, beneficiary_id=world.ben_a.pk,
        consulate=world.consulate_a, obligor=world.partner_x, state="released",
        amount=Money("7345.00", "USD"), created_by=world.officer_a,
        disbursed_on=datetime.date(2026, 1, 5), released_on=datetime.date(2026, 1, 7))
    return world


def look_up(page, reference, date_of_birth):
    """Through the form, by its labels in the language the page is in."""
    language = page.locator("html").get_attribute("lang")
    page.get_by_label(translated(language, "Case reference")).fill(reference)
    page.get_by_label(translated(language, "Date of birth of the person")).fill(
        date_of_birth.isoformat())
    page.get_by_role("button", name=translated(language, "Check the status")).click()
    page.wait_for_load_state()


def test_a_family_finds_the_case_in_spanish_on_a_phone(new_page, family):
    page = new_page(phone=True, locale="en-US")  # Spanish first, whatever the phone says
    page.goto("/status/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_accessible(page)
    # Spelled out, not looked up: a message missing from the catalog fails here.
    assert page.get_by_role("heading", level=1).inner_text() == "Consultar el caso de un familiar"
    page.get_by_label("Referencia del caso").fill("chi 2026 456")
    page.get_by_label("Fecha de nacimiento de la persona").fill(DOB.isoformat())
    page.get_by_role("button", name="Consultar el estado").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.title().startswith("Caso encontrado")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Caso {REFERENCE}"
    assert page.evaluate("document.activeElement.tagName") == "H1"  # screen readers start here
    assert "7 de enero de 2026" in page.content()
    assert page.locator(".stage-now").inner_text() == "Liberada"  # "Released"
    assert page.get_by_role("heading", name="Servicios recibidos").is_visible()
    assert family.consulate_a.name in page.content()
    assert "7345" not in page.content() and family.partner_x.name not in page.content()
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)


def test_english_is_one_click_away(new_page, family):
    page = new_page(phone=True)
    page.goto("/status/")
    page.get_by_role("button", name="Read in English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Leer en español").is_visible()
    assert_accessible(page)
    look_up(page, REFERENCE, DOB)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title().startswith("Case found")
    assert page.get_by_role("heading", level=1).inner_text() == f"Case {REFERENCE}"
    assert page.locator(".stage-now").inner_text() == "Released"
    assert_accessible(page)


def test_a_wrong_date_of_birth_says_not_found_and_nothing_more(new_page, family):
    page = new_page(phone=True)
    page.goto("/status/")
    look_up(page, REFERENCE, datetime.date(1991, 5, 17))
    assert page.title().startswith(translated("es", "Case not found"))
    assert page.get_by_role("heading", level=1).inner_text() == translated(
        "es", "We could not find that case")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    assert family.consulate_a.name not in page.content()
    assert translated("es", "Released") not in page.content()
    assert page.get_by_label(translated("es", "Case reference")).input_value() == REFERENCE
    assert_accessible(page)


def test_repeated_failures_lock_the_reference_and_send_the_family_to_the_consulate(
        new_page, family):
    page = new_page(phone=True)
    page.goto("/status/")
    for _ in range(REFERENCE_LIMIT):
        look_up(page, REFERENCE, datetime.date(1991, 5, 17))
    look_up(page, REFERENCE, DOB)  # even the right date is refused now
    assert page.title().startswith(translated("es", "Too many attempts"))
    assert family.consulate_a.name in page.content()
    assert "+1 312 738 2383" in page.content()
    assert translated("es", "Released") not in page.content()
    assert_accessible(page)


def test_a_keyboard_alone_completes_the_lookup(new_page, family):
    page = new_page(locale="en-US")
    page.goto("/status/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_reference":
            break
    page.keyboard.type(REFERENCE)
    page.keyboard.press("Tab")
    page.keyboard.type("05171990")  # Chromium's date field in en-US order: mm dd yyyy
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == translated(
        "es", "Case %(reference)s", reference=REFERENCE)
