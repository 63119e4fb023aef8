"""The second factor cannot be skipped: the attack of a password-only session that drives
the enrolment wizard, the admin's own login, exact exemptions, and the audit trail."""

import base64
import binascii
import datetime

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import views_auth
from core.audit import audit_verify
from core.models import AuditEvent, User
from tests.helpers import sign_in

PASSWORD = "correct-horse-battery"
SETUP = "/account/two_factor/setup/"
NOON_UTC = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def totp_now(hex_key):
    return f"{TOTP(binascii.unhexlify(hex_key)).token():06d}"


def enrolled_admin(world):
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    world.admin.refresh_from_db()
    return TOTPDevice.objects.create(user=world.admin, name="default", confirmed=True)


def password_only(user):
    """What the admin login used to hand out: a session that passed the password alone."""
    client = Client()
    client.force_login(user)
    return client


def drive_setup_wizard(client):
    """Post the wizard's steps as the attacker did: welcome, then generator with a code
    computed from the secret the page shows."""
    page = client.post(SETUP, {"setup_view-current_step": "welcome"})
    secret = (page.context or {}).get("secret_key") if page.status_code == 200 else None
    token = totp_now(binascii.hexlify(base64.b32decode(secret)).decode()) if secret else "123456"
    return client.post(SETUP, {"setup_view-current_step": "generator",
                               "generator-token": token})


def assert_locked_out(client):
    for url in ("/admin/", reverse("core:audit_list"), reverse("two_factor:backup_tokens")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith((reverse("two_factor:login"),
                                                 "/admin/login/")), url
    response = client.post(reverse("two_factor:backup_tokens"))
    assert response.status_code == 302
    assert not StaticToken.objects.exists()


def test_the_admin_login_page_never_signs_anybody_in(world):
    enrolled_admin(world)
    client = Client()
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD,
                                             "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_password_only_session_cannot_enrol_a_device_and_gets_nothing(world):
    device = enrolled_admin(world)
    client = password_only(world.admin)
    response = drive_setup_wizard(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert list(TOTPDevice.objects.filter(user=world.admin)) == [device]
    assert_locked_out(client)
    # Each door on its own, with a fresh password-only session every time.
    assert_locked_out(password_only(world.admin))
    assert not AuditEvent.objects.filter(action="auth.device_enrol",
                                         object_id=str(world.admin.pk)).exclude(
        changes__device=device.persistent_id).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_wizard_itself_refuses_a_user_with_a_device_who_is_not_verified(world, method):
    """Whatever the middleware does, the view answers POST exactly as GET."""
    enrolled_admin(world)
    request = getattr(RequestFactory(), method)(SETUP, {"setup_view-current_step": "welcome"})
    request.user = world.admin
    request.user.is_verified = lambda: False
    request.session = {}
    response = views_auth.SetupView.as_view()(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert TOTPDevice.objects.filter(user=world.admin).count() == 1


def test_a_verified_user_cannot_post_a_second_default_device(world):
    enrolled_admin(world)
    client = sign_in(Client(), world.admin)
    drive_setup_wizard(client)
    assert TOTPDevice.objects.filter(user=world.admin).count() == 1


def test_exemptions_are_exact_names_not_the_account_prefix(world):
    """Before the second factor, /account/... pages other than the wizard stay shut."""
    client = password_only(world.officer_a)  # no device yet
    for name in ("two_factor:profile", "two_factor:backup_tokens", "two_factor:disable",
                 "two_factor:setup_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("two_factor:setup"), name
    assert client.get(reverse("public:lookup")).status_code == 200
    assert client.get(reverse("two_factor:setup")).status_code == 200


def test_first_enrolment_verifies_offers_backup_codes_and_is_audited(world):
    client = Client()
    client.post(reverse("two_factor:login"), {
        "login_view-current_step": "auth", "auth-username": "officer_a",
        "auth-password": PASSWORD})
    response = drive_setup_wizard(client)
    assert response["Location"] == reverse("two_factor:setup_complete")
    page = client.get(reverse("two_factor:setup_complete"))
    assert reverse("two_factor:backup_tokens") in page.content.decode()
    assert client.get(reverse("core:home")).status_code == 200
    device = TOTPDevice.objects.get(user=world.officer_a)
    enrol = AuditEvent.objects.get(action="auth.device_enrol")
    assert (enrol.actor_id, enrol.object_id) == (world.officer_a.pk, str(world.officer_a.pk))
    assert enrol.changes["device"] == device.persistent_id
    client.post(reverse("two_factor:backup_tokens"))
    assert StaticToken.objects.filter(device__user=world.officer_a).count() == 10
    generated = AuditEvent.objects.get(action="auth.backup_codes_generate")
    assert generated.actor_id == world.officer_a.pk
    assert audit_verify() == []


def test_a_failed_and_a_passed_second_factor_are_audited(world):
    device = StaticDevice.objects.create(user=world.approver_a, name="default")
    device.token_set.create(token="123456")
    device.token_set.create(token="ok-code")
    client = Client()
    url = reverse("two_factor:login")
    with time_machine.travel(NOON_UTC, tick=False) as clock:
        client.post(url, {"login_view-current_step": "auth", "auth-username": "approver_a",
                          "auth-password": PASSWORD})
        client.post(url, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
        client.post(url, {"login_view-current_step": "backup", "backup-otp_token": "wrong"})
        failed = AuditEvent.objects.get(action="auth.second_factor_fail")
        assert failed.object_id == str(world.approver_a.pk) and failed.actor_id is None
        clock.shift(5)  # past the device's throttle after one failure
        response = client.post(url, {"login_view-current_step": "backup",
                                     "backup-otp_token": "ok-code"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.second_factor_pass",
                                     actor=world.approver_a).count() == 1
    assert audit_verify() == []


def test_removing_devices_is_audited_with_who_did_it(world):
    device = TOTPDevice.objects.create(user=world.approver_a, name="default", confirmed=True)
    client = sign_in(Client(), world.approver_a)
    response = client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert response.status_code == 302
    removed = AuditEvent.objects.filter(action="auth.device_remove")
    assert {e.changes["device"] for e in removed} >= {device.persistent_id}
    assert all(e.actor_id == world.approver_a.pk for e in removed)


def test_the_admin_opens_after_the_second_factor(world):
    enrolled_admin(world)
    client = sign_in(Client(), world.admin)
    assert client.get("/admin/").status_code == 200
