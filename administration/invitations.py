"""Sending an invitation and reading its link.

The service only queues the invitation; the queue makes the token, keeps its hash and sends
the e-mail in the invitee's language, as password reset does. Safe to run twice: an
invitation is sent once, under lock.
"""

import hashlib
import secrets

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from administration.models import Invitation

Status = Invitation.Status


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str):
    """The invitation this link names, or None; usable or not, the caller checks."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()


@shared_task(name="administration.invitation_deliver")
def invitation_deliver(invitation_id: int) -> str:
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update().select_related("user")
                      .filter(pk=invitation_id, status=Status.QUEUED).first())
        if invitation is None:
            return "already handled"
        token = secrets.token_urlsafe(32)
        invitation.token_hash = token_hash(token)
        invitation.status = Status.SENT
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "status", "sent_at"])
        link = invitation.link_base.rstrip("/") + reverse(
            "administration:invitation_accept", kwargs={"token": token})
        transaction.on_commit(lambda: _send(invitation, link))
    return invitation.status


def _send(invitation, link):
    user = invitation.user
    context = {"user": user, "link": link, "expires_at": invitation.expires_at,
               "invited_by": invitation.invited_by}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("administration/email/invitation_subject.txt", context)
        body = render_to_string("administration/email/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
