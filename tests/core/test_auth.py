import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from core.demo import second_factor_restore
from core.models import AuditEvent, User
from tests.helpers import sign_in

PASSWORD = "correct-horse-battery"


def login_step(client, username, password):
    return client.post(reverse("two_factor:login"), {
        "login_view-current_step": "auth", "auth-username": username, "auth-password": password,
    })


def test_officer_without_a_device_is_sent_to_enrol_one_and_nowhere_else(world):
    """Officers read personal data: after the password, only the enrolment wizard opens."""
    client = Client()
    response = login_step(client, "officer_a", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("core:home"))["Location"] == reverse("two_factor:setup")
    assert client.get(reverse("core:beneficiary_list"))["Location"] == reverse(
        "two_factor:setup")
    assert client.get(reverse("two_factor:setup")).status_code == 200


def test_sixth_attempt_is_refused_even_with_the_right_password(world):
    client = Client()
    for _ in range(5):
        response = login_step(client, "officer_a", "wrong")
        assert response.status_code in (200, 429)
    response = login_step(client, "officer_a", PASSWORD)
    assert response.status_code == 429
    assert "core/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x_staff",
                                     "auditor", "admin"])
def test_every_role_without_a_device_is_sent_to_setup(world, persona):
    client = Client()
    client.force_login(getattr(world, persona))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")


def test_approver_signs_in_with_a_backup_code(world):
    """The wizard as the demo users meet it: password, then (TOTP asked) a backup code."""
    second_factor_restore(world.approver_a)
    client = Client()
    url = reverse("two_factor:login")
    response = login_step(client, "approver_a", PASSWORD)
    assert response.status_code == 200  # now the token step
    client.post(url, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
    response = client.post(url, {"login_view-current_step": "backup",
                                 "backup-otp_token": "demo-0001"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    device = StaticDevice.objects.get(user=world.approver_a, name="backup")
    assert not device.token_set.filter(token="demo-0001").exists()  # a code works once
    assert device.token_set.count() == 9


def test_language_switch_is_kept_on_the_account(client, world):
    sign_in(client, world.officer_a)
    assert world.officer_a.language == "en"
    response = client.post(reverse("core:set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=world.officer_a.pk).language == "es"
    assert client.get(reverse("core:home")).headers["Content-Language"] == "es"
    assert AuditEvent.objects.filter(action="user.language_set").count() == 1


def test_anonymous_language_switch_sets_the_cookie_only(client):
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_unknown_language_is_ignored(client, world):
    sign_in(client, world.officer_a)
    client.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    assert User.objects.get(pk=world.officer_a.pk).language == "en"
