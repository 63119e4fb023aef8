"""Approving from the queue's row: with JavaScript the row asks, then shows the outcome,
without the page being loaded again; without JavaScript the same buttons go through full
pages (axe checks the rows with JavaScript on; the confirmation page is checked in
test_kind_forms). Nothing is signed before the consequence is confirmed."""

import pytest

from bondfund.models import BondRequest, State
from core.models import User
from tests.bondfund.factories import make_program, make_request
from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_home_pages import TOKEN, second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/bonds/approvals/"


def _page(browser, live_server, *, javascript=True, storage_state=None):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US",
                                  java_script_enabled=javascript, storage_state=storage_state,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _signed_in_without_javascript(browser, live_server, user):
    """axe needs JavaScript, so the sign-in (checked by it) is made first with it."""
    context, page = _page(browser, live_server)
    log_in(page, user, token=TOKEN)
    state = context.storage_state()
    context.close()
    return _page(browser, live_server, javascript=False, storage_state=state)


def _state(bond):
    return BondRequest.objects.get(pk=bond.pk).state


@pytest.fixture
def bonds(world):
    User.objects.filter(pk=world.approver_a.pk).update(language="en")
    program = make_program(world)
    second_factor(world.approver_a, sign_ins=2)
    return make_request(world, program, amount=7_500), make_request(world, program,
                                                                    amount=12_000)


def test_the_row_is_approved_in_place_with_javascript(browser, live_server, world, bonds):
    small, large = bonds
    context, page = _page(browser, live_server)
    log_in(page, world.approver_a, token=TOKEN)
    page.goto(QUEUE)
    # Going back from a row's confirmation puts the row back as it was, nothing signed.
    page.get_by_role("button", name=f"Approve {large.reference}").click()
    page.get_by_role("link", name="No, go back").click()
    page.get_by_role("button", name=f"Approve {large.reference}").wait_for()
    assert _state(large) == State.SUBMITTED
    page.goto(QUEUE)

    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url)
            if frame == page.main_frame else None)
    row = page.locator(f"#queue-row-{small.pk}")
    row.get_by_role("button", name=f"Approve {small.reference}").click()
    consequence = page.locator(f"#consequence-{small.pk}")
    consequence.wait_for()
    assert "USD 7,500.00" in consequence.inner_text()
    assert "Nothing has changed yet." in consequence.inner_text()
    assert _state(small) == State.SUBMITTED
    assert_accessible(page)
    page.get_by_role("button", name=f"Yes: approve {small.reference}").click()
    page.locator(f"#queue-row-{small.pk} .queue-outcome").wait_for()
    assert page.locator(f"#queue-row-{small.pk}").inner_text().count("Approved") == 1
    assert _state(small) == State.APPROVED

    page.get_by_role("button", name=f"Approve {large.reference}").click()
    page.get_by_role("button", name=f"Yes: approve {large.reference}").click()
    outcome = page.locator(f"#queue-row-{large.pk} .queue-outcome")
    outcome.wait_for()
    assert "Awaiting another signature: 1 of 2 signatures" in outcome.inner_text()
    assert page.url.endswith(QUEUE) and navigations == []
    assert_accessible(page)
    context.close()


def test_the_same_buttons_work_through_pages_without_javascript(browser, live_server, world,
                                                                  bonds):
    small, _ = bonds
    context, page = _signed_in_without_javascript(browser, live_server, world.approver_a)
    page.goto(QUEUE)
    page.locator("#sign-comment").fill("Checked")
    page.get_by_role("button", name=f"Approve {small.reference}").click()
    page.wait_for_load_state()
    assert "USD 7,500.00" in page.locator("#consequence").inner_text()
    assert _state(small) == State.SUBMITTED
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Approved" in page.locator("main table").inner_text()
    assert _state(small) == State.APPROVED
    assert BondRequest.objects.get(pk=small.pk).approvals.get().comment == "Checked"
    context.close()
