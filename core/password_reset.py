"""Password reset: a request is counted and queued inside the web request; whether the
address belongs to an account is found out, and the e-mail sent, by the queue.

So the page answers the same, after the same work, for known and unknown addresses, and
the limits per address and per client hold whatever the address.
"""

import datetime
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.models_auth import PasswordResetRequest

ADDRESS_LIMIT = 3
CLIENT_LIMIT = 10
WINDOW = datetime.timedelta(hours=1)
Status = PasswordResetRequest.Status


def _hmac(purpose, value) -> str:
    return salted_hmac(f"fianza.password_reset.{purpose}", value,
                       algorithm="sha256").hexdigest()


def password_reset_request(*, email: str, client_address: str, link_base: str) -> str:
    """Record one request and queue it unless a limit is reached; returns the status."""
    address_hash = _hmac("address", email.strip().lower())
    client_hash = _hmac("client", client_address or "")
    now = timezone.now()
    with transaction.atomic():
        recent = PasswordResetRequest.objects.filter(created_at__gt=now - WINDOW)
        refused = (
            recent.filter(address_hash=address_hash).count() >= ADDRESS_LIMIT
            or recent.filter(client_hash=client_hash).count() >= CLIENT_LIMIT
        )
        row = PasswordResetRequest.objects.create(
            created_at=now, address_hash=address_hash, client_hash=client_hash,
            email="" if refused else email.strip(), link_base="" if refused else link_base,
            status=Status.REFUSED if refused else Status.QUEUED,
            handled_at=now if refused else None,
        )
        if not refused:
            transaction.on_commit(lambda: password_reset_deliver.delay(row.pk))
    return row.status


@shared_task(name="core.password_reset_deliver")
def password_reset_deliver(request_id: int) -> str:
    """Send the link to every active account with the address. Safe to run twice: a request
    is handled once, under lock, and forgets the address when done."""
    with transaction.atomic():
        row = PasswordResetRequest.objects.select_for_update().filter(
            pk=request_id, status=Status.QUEUED).first()
        if row is None:
            return "already handled"
        users = list(PasswordResetForm().get_users(row.email))
        row.status = Status.SENT if users else Status.NO_ACCOUNT
        row.handled_at = timezone.now()
        email, link_base = row.email, row.link_base
        row.email = row.link_base = ""
        row.save(update_fields=["status", "handled_at", "email", "link_base"])
        transaction.on_commit(lambda: _send(users, email, link_base))
    return row.status


def _send(users, email, link_base):
    parts = urlsplit(link_base)
    form = PasswordResetForm()
    for user in users:
        context = {
            "email": email, "domain": parts.netloc, "site_name": "Fianza", "user": user,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user), "protocol": parts.scheme,
        }
        with translation.override(user.language or settings.LANGUAGE_CODE):
            form.send_mail("registration/password_reset_subject.txt",
                           "registration/password_reset_email.txt", context,
                           settings.DEFAULT_FROM_EMAIL, getattr(user, user.get_email_field_name()))
