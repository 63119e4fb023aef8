"""A bond request through the real screens: the officer submits, the approver (with a second
factor) approves, the partner confirms the release, and the family reads "Released"."""

import datetime

import pytest
from django_otp.plugins.otp_static.models import StaticDevice

from bondfund import services
from bondfund.models import BondRequest, State
from core.models import Beneficiary
from tests.bondfund.factories import checked_pdf, make_program, pay, pdf_bytes
from tests.browser.conftest import assert_accessible, log_in
from tests.public.conftest import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = "202620"  # the token step takes six digits
DOB = datetime.date(1990, 5, 17)


def second_factor(user):
    """A static device named "default": the login wizard's token step accepts its code."""
    device = StaticDevice.objects.create(user=user, name="default")
    device.token_set.create(token=TOKEN)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/account/login/**")


def act(page, label):
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_officer_approver_and_partner_take_a_bond_to_release(new_page, world):
    program = make_program(world, tiers=[])
    for user in (world.officer_a, world.approver_a, world.partner_x_staff):
        second_factor(user)  # every role signs in with a second factor
    Beneficiary.objects.filter(pk=world.ben_a.pk).update(reference="CHI-2026-000789",
                                                         date_of_birth=DOB)
    page = new_page()

    log_in(page, world.officer_a, token=TOKEN)
    assert page.locator("html").get_attribute("lang") == "en"  # the staff member's language
    assert_accessible(page)
    page.goto(f"/bonds/new/?beneficiary={world.ben_a.pk}&program={program.pk}")
    assert_accessible(page)
    page.get_by_label("Detention facility").fill("Broadview Processing Center")
    page.get_by_label("Detention date").fill("2026-01-02")
    page.get_by_label("Bond decided by").select_option("ij")
    page.get_by_label("Decision date").fill("2026-01-10")
    page.get_by_label("Judge or court").fill("Chicago Immigration Court")
    page.get_by_label("Bond amount (USD)").fill("6000")
    page.get_by_label("Bond type").select_option("delivery")
    page.get_by_label("Obligor (partner that posts the bond)").select_option(
        label=world.partner_x.name)
    for question in program.eligibility_questions.all():
        answer = "yes" if question.qualifying_answer else "no"
        page.locator(f"input[name='q_{question.pk}'][value='{answer}']").check()
    act(page, "Save draft")
    req = BondRequest.objects.get(beneficiary=world.ben_a)
    assert page.url.endswith(f"/bonds/{req.pk}/")
    act(page, "Submit for approval")
    req.refresh_from_db()
    assert req.state == State.SUBMITTED
    sign_out(page)

    log_in(page, world.approver_a, token=TOKEN)
    page.goto(f"/bonds/{req.pk}/")
    assert_accessible(page)
    act(page, "Approve")
    req.refresh_from_db()
    assert req.state == State.SUBMITTED  # the consequence is shown first, nothing moved
    act(page, "Yes: Approve")
    req.refresh_from_db()
    assert req.state == State.APPROVED
    sign_out(page)

    # Money leaves the fund and ICE receipts the bond: not this test's screens.
    pay(world, req, reference="FW-1", sent_on=datetime.date(2026, 1, 12))
    services.bond_request_confirm_posting(actor=world.partner_x_staff, request_id=req.pk,
                                          posted_on=datetime.date(2026, 1, 12),
                                          receipt=checked_pdf())

    log_in(page, world.partner_x_staff, token=TOKEN)
    page.goto(f"/bonds/{req.pk}/")
    assert_accessible(page)
    page.get_by_label("Released on").fill("2026-01-13")
    page.get_by_label("Release confirmation (PDF, JPEG or PNG)").set_input_files(
        files=[{"name": "release.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    act(page, "Confirm release")
    req.refresh_from_db()
    assert req.state == State.RELEASED

    # The family, signed out on a phone, reads the public page in Spanish.
    family = new_page(phone=True)
    family.goto("/status/")
    assert family.locator("html").get_attribute("lang") == "es"
    family.get_by_label(translated("es", "Case reference")).fill("CHI-2026-000789")
    family.get_by_label(translated("es", "Date of birth of the person")).fill(DOB.isoformat())
    family.get_by_role("button", name=translated("es", "Check the status")).click()
    family.wait_for_load_state()
    assert family.locator(".stage-now").inner_text() == translated("es", "Released")
    assert "13 de enero de 2026" in family.content()
    assert_accessible(family)
