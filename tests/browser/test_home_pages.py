"""Each role's home page, as the browser shows it, in Spanish and English, on a desktop and
on a 390-pixel phone: the counts are the data's, nothing overflows, and axe finds nothing.
A refused form comes back with its summary focused and the input kept."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from core.dashboard import panels_for
from core.models import User
from tests.browser.conftest import assert_accessible, log_in
from tests.core.home_data import bond_desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = "202620"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PERSONAS = ["officer_a", "approver_a", "partner_x", "admin", "auditor"]


def desk(world):
    """The data is made at fixed instants; the pages are read now, because the browser keeps
    its session cookie by its own clock. The hearing is two days ahead of today."""
    return bond_desk(world, hearing_on=timezone.localdate() + datetime.timedelta(days=2))


def second_factor(user, *, sign_ins=4):
    """A static device named "default" with one use of the code per sign-in."""
    device = StaticDevice.objects.create(user=user, name="default")
    for _ in range(sign_ins):
        device.token_set.create(token=TOKEN)


def shown_counts(page):
    """{label: count} of every count on the page, as a reader sees them."""
    items = page.locator(".count-item a")
    return {items.nth(i).locator(".count-label").inner_text().strip():
            int(items.nth(i).locator(".count-number").inner_text())
            for i in range(items.count())}


def expected_counts(user, language):
    from django.utils import translation

    with translation.override(language):
        return {item.label: item.count for panel in panels_for(user) for item in panel.counts}


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_what_waits_on_it(new_page, world, persona):
    desk(world)
    user = world.personas[persona]
    second_factor(user)
    for language, phone in (("es", False), ("en", True), ("en", False), ("es", True)):
        User.objects.filter(pk=user.pk).update(language=language)
        user.refresh_from_db()
        page = new_page(phone=phone, locale="es-MX" if language == "es" else "en-US")
        log_in(page, user, token=TOKEN)
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page)
        assert fits(page), f"{persona} {language} overflows"
        assert shown_counts(page) == expected_counts(user, language)
        if language == "es" and not phone:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"home-{persona}.png"), full_page=True,
                            type="png")


def test_the_numbers_on_the_partners_page_are_its_bonds(new_page, world):
    desk(world)
    second_factor(world.partner_x_staff)
    User.objects.filter(pk=world.partner_x_staff.pk).update(language="en")
    page = new_page(phone=True, locale="en-US")
    log_in(page, world.partner_x_staff, token=TOKEN)
    page.goto("/")
    counts = shown_counts(page)
    assert counts["bond to post with ICE"] == 1
    assert counts["release to confirm"] == 1
    assert counts["refund due to the fund"] == 1
    assert counts["hearing or check-in this week"] == 1
    page.get_by_role("link", name="1 bond to post with ICE").click()
    assert page.url.endswith("/bonds/?state=disbursed")


def test_charts_page_draws_each_chart_with_its_table(new_page, world):
    desk(world)
    second_factor(world.admin)
    for phone in (False, True):
        page = new_page(phone=phone)
        log_in(page, world.admin, token=TOKEN)
        page.goto("/charts/")
        assert_accessible(page)
        assert fits(page)
        charts = page.locator("svg[role=img]").count()
        assert charts >= 3  # and the months', when money moved in the last twelve
        assert page.locator("table").count() == charts


def test_a_refused_form_shows_a_focused_summary_and_keeps_the_input(new_page, world):
    second_factor(world.officer_a)
    for language, phone in (("es", False), ("en", True)):
        User.objects.filter(pk=world.officer_a.pk).update(language=language)
        page = new_page(phone=phone)
        log_in(page, world.officer_a, token=TOKEN)
        page.goto("/beneficiaries/new/")
        page.locator("#id_given_names").fill("Rosa María")
        page.locator("#id_date_of_birth").fill("1990-05-17")
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        summary = page.locator("[data-error-summary]")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        assert page.locator("#id_given_names").input_value() == "Rosa María"
        assert_accessible(page)
        assert fits(page)
        summary.locator("a").first.click()
        focused = page.evaluate("document.activeElement.id")
        assert focused and summary.locator(f"a[href='#{focused}']").count() == 1


def test_dangerous_buttons_are_red(new_page, world):
    second_factor(world.officer_a)
    page = new_page()
    log_in(page, world.officer_a, token=TOKEN)
    page.goto("/")
    colour = page.evaluate("""() => {
        const b = document.createElement('button');
        b.type = 'submit'; b.className = 'danger'; b.textContent = 'Withdraw';
        document.querySelector('main').appendChild(b);
        return getComputedStyle(b).backgroundColor; }""")
    assert colour == "rgb(164, 22, 26)"
