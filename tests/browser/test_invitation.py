"""An invitation through the real screens: the program administrator invites an approver,
who opens the e-mailed link, chooses a password, enrols an authenticator (TOTP), sees the
backup codes and signs in with the second factor."""

import base64
import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import User
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_TOKEN = "202620"
PASSWORD = "river-lantern-orchard-42"


def _next_code(device):
    """The authenticator's code for the next 30-second step (the current one is spent)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=1)
    return f"{code:06d}"


@pytest.mark.parametrize("language, home_word", [("es", "Inicio"), ("en", "Home")])
def test_an_invited_approver_sets_a_password_enrols_totp_and_signs_in(
        new_page, world, language, home_word):
    device = StaticDevice.objects.create(user=world.admin, name="default")
    device.token_set.create(token=ADMIN_TOKEN)
    page = new_page(locale="en-US")
    log_in(page, world.admin, token=ADMIN_TOKEN)
    page.goto("/administration/users/invite/")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("lucia.mendez@consulado.example.org")
    page.get_by_label("Given names").fill("Lucía")
    page.get_by_label("Family names").fill("Méndez Ortiz")
    page.get_by_label("Language").select_option(language)
    page.get_by_label("Role").select_option("finance_approver")
    page.locator("select[name='consulate']").select_option(label=str(world.consulate_a))
    page.get_by_label("Reason for the change").fill("New finance officer")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/administration/users/*/")
    assert_accessible(page)
    link = re.search(r"https?://\S+/administration/invitation/\S+/", mail.outbox[-1].body)[0]

    invitee = new_page(locale="es-MX" if language == "es" else "en-US")
    invitee.goto(link)
    assert_accessible(invitee)
    invitee.locator("input[name='new_password1']").fill(PASSWORD)
    invitee.locator("input[name='new_password2']").fill(PASSWORD)
    invitee.locator("main form button[type='submit']").click()
    invitee.wait_for_url("**/account/two_factor/setup/")
    assert invitee.locator("html").get_attribute("lang") == language
    invitee.locator("main form button.btn-primary").click()  # welcome -> authenticator
    secret = invitee.locator("a[href^='otpauth']").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{totp(key, step=30, t0=0, digits=6):06d}"
    invitee.locator("input[name='generator-token']").fill(code)
    invitee.locator("input[name='generator-token']").press("Enter")
    invitee.wait_for_url("**/setup/complete/")
    invitee.locator("form[action$='/backup/tokens/'] button[type='submit']").click()
    invitee.wait_for_url("**/backup/tokens/")
    assert invitee.locator("ul.backup-codes li").count() == 10
    assert_accessible(invitee)

    user = User.objects.get(email="lucia.mendez@consulado.example.org")
    invitee.context.clear_cookies()
    log_in(invitee, user, password=PASSWORD,
           token=_next_code(TOTPDevice.objects.get(user=user)))
    assert invitee.locator("html").get_attribute("lang") == language
    assert invitee.get_by_role("link", name=home_word, exact=True).count() == 1
    assert invitee.get_by_role("link", name="Administration").count() == 0
    assert user.has_perm("ledger.export_transfer")
