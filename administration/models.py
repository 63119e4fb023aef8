"""Invitations: how a person a program administrator adds gets their first password.

The link's token is never stored: only its SHA-256 is, set by the queue when it sends the
e-mail. A link works once, until it expires.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITATION_LIFETIME = datetime.timedelta(days=7)


class Invitation(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Link sent")
        ACCEPTED = "accepted", _("Accepted")
        SUPERSEDED = "superseded", _("Replaced by a newer invitation")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="invitations", verbose_name=_("user"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    link_base = models.URLField(_("site address for the link"))
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, null=True, blank=True,
                                  unique=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["user", "status"], name="invitation_user_status")]

    def __str__(self):
        return f"{self.user} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + INVITATION_LIFETIME
        super().save(*args, **kwargs)

    def is_usable(self, *, now):
        return self.status == self.Status.SENT and now < self.expires_at
