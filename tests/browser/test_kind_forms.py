"""Forms kind to mistakes, in the browser, in Spanish and English, on a desktop and a
390-pixel phone: money does not move until the consequence is confirmed, a refusal keeps
what was typed, the bond request form reads in sections, and no staff list is wider than
the screen."""

import pytest

from bondfund.models import BondRequest, State
from core.models import User
from ledger.selectors import budget_position
from tests.bondfund.factories import make_program, make_request
from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_home_pages import TOKEN, fits, second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNS = (("es", False), ("en", True), ("en", False), ("es", True))


def _open(new_page, user, language, phone):
    User.objects.filter(pk=user.pk).update(language=language)
    page = new_page(phone=phone, locale="es-MX" if language == "es" else "en-US")
    log_in(page, user, token=TOKEN)
    return page


def _reserved(program, world):
    return budget_position(program=program.ledger_ref, currency="USD",
                           consulate_id=world.consulate_a.pk).reserved


def test_approval_asks_first_and_reserves_only_when_confirmed(new_page, world):
    program = make_program(world)
    second_factor(world.approver_a, sign_ins=len(RUNS))
    for language, phone in RUNS:
        bond = make_request(world, program, amount=7_500)
        before = _reserved(program, world)
        page = _open(new_page, world.approver_a, language, phone)
        page.goto(f"/bonds/{bond.pk}/")
        step = page.locator("#step-approve")
        step.locator("textarea, input[type=text]").first.fill("Revisado")
        step.locator("button[type=submit]").click()
        page.wait_for_load_state()
        consequence = page.locator("#consequence").inner_text()
        assert "USD 7,500.00" in consequence and "Chicago" in consequence
        assert BondRequest.objects.get(pk=bond.pk).state == State.SUBMITTED
        assert _reserved(program, world) == before
        assert_accessible(page)
        assert fits(page), f"confirmation {language} overflows"
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert BondRequest.objects.get(pk=bond.pk).state == State.APPROVED
        assert _reserved(program, world) == before + 750_000


def test_an_irreversible_step_is_confirmed_with_a_red_button(new_page, world):
    program = make_program(world)
    bond = make_request(world, program)
    second_factor(world.approver_a)
    page = _open(new_page, world.approver_a, "es", True)
    page.goto(f"/bonds/{bond.pk}/")
    step = page.locator("#step-reject")
    step.locator("textarea").fill("Falta la orden del juez")
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "No se puede deshacer" in page.locator("#consequence").inner_text()
    button = page.locator("main form button[type=submit]")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(164, 22, 26)"
    assert_accessible(page)
    page.get_by_role("link", name="No, regresar").click()
    page.wait_for_load_state()
    assert BondRequest.objects.get(pk=bond.pk).state == State.SUBMITTED


def test_a_refused_approval_keeps_the_comment_under_a_focused_summary(new_page, world):
    program = make_program(world, consulate_a=5_000)
    second_factor(world.approver_a, sign_ins=2)
    for language, phone in (("es", False), ("en", True)):
        bond = make_request(world, program, amount=7_500)
        page = _open(new_page, world.approver_a, language, phone)
        page.goto(f"/bonds/{bond.pk}/")
        page.locator("#step-approve textarea, #step-approve input[type=text]").first.fill(
            "Visto con la familia")
        page.locator("#step-approve button[type=submit]").click()
        page.wait_for_load_state()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        summary = page.locator("[data-error-summary]")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        assert page.locator("#step-approve").get_by_text("Visto con la familia").count() == 1
        assert_accessible(page)
        assert fits(page)
        assert BondRequest.objects.get(pk=bond.pk).state == State.SUBMITTED


def test_the_bond_request_form_reads_in_sections(new_page, world):
    make_program(world)
    second_factor(world.officer_a, sign_ins=len(RUNS))
    for language, phone in RUNS:
        page = _open(new_page, world.officer_a, language, phone)
        page.goto(f"/bonds/new/?beneficiary={world.ben_a.pk}")
        assert page.locator("fieldset.form-section > legend").count() == 5
        text = page.locator("main").inner_text().lower()
        assert "qualifying" not in text and "califica" not in text
        assert_accessible(page)
        assert fits(page), f"bond form {language} overflows"


STAFF_LISTS = {
    "officer_a": ["/bonds/", "/grants/", "/beneficiaries/", "/bonds/refunds-due/"],
    "approver_a": ["/bonds/approvals/", "/grants/approvals/", "/payments/"],
    "admin": ["/charts/", "/bonds/programs/", "/grants/programs/", "/audit/"],
}


@pytest.mark.parametrize("persona", sorted(STAFF_LISTS))
def test_staff_lists_fit_a_phone(new_page, world, persona):
    program = make_program(world)
    for _n in range(3):
        make_request(world, program, amount=87_500 // 4)
    user = world.personas[persona]
    second_factor(user, sign_ins=2)
    for language, phone in (("en", True), ("es", False)):
        page = _open(new_page, user, language, phone)
        for url in STAFF_LISTS[persona]:
            response = page.goto(url)
            assert response.status < 400, url
            assert fits(page), f"{url} {language} overflows"
            assert_accessible(page)


def test_the_money_over_time_charts_read_in_both_languages(new_page, world):
    from bondfund import services
    from core.timezones import local_today
    from tests.bondfund.factories import pay

    program = make_program(world)
    bond = make_request(world, program, amount=6_000)
    services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)
    # Sent today, whatever day the suite runs: the chart shows the last twelve months.
    pay(world, bond, sent_on=local_today(world.consulate_a))
    second_factor(world.admin, sign_ins=2)
    for language, phone in (("es", True), ("en", False)):
        page = _open(new_page, world.admin, language, phone)
        page.goto("/charts/")
        chart = page.locator("svg#paid-per-month-1, svg[aria-labelledby^='paid-per-month-1']")
        assert chart.count() == 1
        assert "USD 6,000.00" in page.locator(
            "[aria-labelledby='paid-per-month-1-heading']").inner_text()
        assert_accessible(page)
        assert fits(page), f"charts {language} overflows"
