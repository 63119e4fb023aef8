"""Inviting a person: an inactive account, one role with all its rights, a link that works
once for seven days, sent in the invitee's language; then a password and the second factor."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from administration.invitations import token_hash
from administration.models import Invitation
from core.models import AuditEvent, Membership, Role, User
from tests.administration.conftest import PASSWORD, accept
from tests.helpers import sign_in

pytestmark = pytest.mark.usefixtures("ticking_clock")


def test_invitation_creates_an_inactive_user_and_mails_a_link_in_their_language(
        world, invite):
    response, link = invite(email="Ana.Ruiz@consulado.example.org",
                            role=Role.CONSULATE_OFFICER, consulate=world.consulate_a)
    user = User.objects.get(email="Ana.Ruiz@consulado.example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:user_detail", args=[user.pk])
    assert not user.is_active and not user.has_usable_password()
    assert user.username == "ana.ruiz@consulado.example.org"
    assert list(user.memberships.values_list("role", "consulate_id")) == [
        ("consulate_officer", world.consulate_a.pk)]
    message = mail.outbox[-1]
    assert message.to == ["Ana.Ruiz@consulado.example.org"]
    assert message.subject == "Su cuenta de Fianza"
    assert "Elija su contraseña" in message.body
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(user=user)
    assert invitation.status == "sent" and invitation.token_hash == token_hash(token)
    assert token not in str(Invitation.objects.values().get(pk=invitation.pk))
    actions = set(AuditEvent.objects.filter(actor=world.admin).values_list("action", flat=True))
    assert {"administration.user_invite", "administration.membership_add"} <= actions


def test_english_invitation(world, invite):
    _, link = invite(email="kim@partner.example.org", role=Role.PARTNER_STAFF,
                     partner=world.partner_x, language="en")
    assert mail.outbox[-1].subject == "Your Fianza account"
    assert link is not None


def test_the_link_sets_a_password_once_then_leads_to_the_second_factor(world, invite):
    _, link = invite(email="ana@consulado.example.org", role=Role.CONSULATE_OFFICER,
                     consulate=world.consulate_a)
    assert Client().get(link).status_code == 200
    client, response = accept(link)
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:setup")
    user = User.objects.get(email="ana@consulado.example.org")
    assert user.is_active and user.check_password(PASSWORD)
    assert Invitation.objects.get(user=user).status == "accepted"
    # Signed in, but nothing opens before a second factor is enrolled.
    assert client.get(reverse("core:home"))["Location"] == reverse("two_factor:setup")
    assert client.get(reverse("two_factor:setup")).status_code == 200
    # The link works once.
    again = Client().post(link, {"new_password1": "another-passphrase-88",
                                 "new_password2": "another-passphrase-88"})
    assert again.status_code == 200 and not again.context["valid"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="administration.invitation_accept",
                                     actor=user).count() == 1


def test_a_weak_password_is_refused_and_changes_nothing(world, invite):
    _, link = invite(email="ana@consulado.example.org", role=Role.CONSULATE_OFFICER,
                     consulate=world.consulate_a)
    _, response = accept(link, password="12345678")
    assert response.status_code == 200 and response.context["form"].errors
    user = User.objects.get(email="ana@consulado.example.org")
    assert not user.is_active and not user.has_usable_password()


def test_the_link_expires_after_seven_days(world, invite):
    _, link = invite(email="ana@consulado.example.org", role=Role.CONSULATE_OFFICER,
                     consulate=world.consulate_a)
    with time_machine.travel(datetime.timedelta(days=7, minutes=1)):
        _, response = accept(link)
    assert response.status_code == 200 and not response.context["valid"]
    assert not User.objects.get(email="ana@consulado.example.org").is_active


def test_a_new_invitation_replaces_the_old_link(world, invite, admin_client,
                                                django_capture_on_commit_callbacks):
    _, old_link = invite(email="ana@consulado.example.org", role=Role.CONSULATE_OFFICER,
                         consulate=world.consulate_a)
    user = User.objects.get(email="ana@consulado.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("administration:invitation_resend", args=[user.pk]))
    new_link = mail.outbox[-1].body.split("testserver", 1)[1].split()[0]
    assert new_link != old_link
    assert not accept(old_link)[1].context["valid"]
    assert accept(new_link)[1].status_code == 302


def test_an_address_already_in_use_is_refused(world, invite):
    response, link = invite(email=world.officer_a.email.upper(), role=Role.AUDITOR)
    assert response.status_code == 200 and link is None
    assert "email" in response.context["form"].errors
    assert User.objects.filter(email__iexact=world.officer_a.email).count() == 1


def test_role_and_place_must_agree(world, invite):
    response, _ = invite(email="x@example.org", role=Role.CONSULATE_OFFICER)
    assert response.status_code == 200 and "consulate" in response.context["form"].errors
    response, _ = invite(email="x@example.org", role=Role.PARTNER_STAFF,
                         consulate=world.consulate_a)
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_invited_approver_exports_what_a_demo_approver_can(world, invite):
    _, link = invite(email="finanzas@consulado.example.org", role=Role.FINANCE_APPROVER,
                     consulate=world.consulate_a)
    accept(link)
    invited = User.objects.get(email="finanzas@consulado.example.org")
    # A user given the same role the way the Django admin did: a membership and nothing else.
    bare = User.objects.create_user("bare", "bare@example.org", "x")
    Membership.objects.create(user=bare, role=Role.FINANCE_APPROVER,
                              consulate=world.consulate_a)
    exports = [reverse("bondfund:requests_export", args=["csv"]),
               reverse("grants:applications_export", args=["xlsx"]),
               reverse("ledger:transfers_export", args=["csv"])]
    invited_client, demo_client, bare_client = (
        sign_in(Client(), invited), sign_in(Client(), world.approver_a), sign_in(Client(), bare))
    for url in exports:
        assert demo_client.get(url).status_code == 200, url
        assert invited_client.get(url).status_code == 200, url
        assert bare_client.get(url).status_code == 403, url
