"""Password-reset requests: the outbox row of each request, and the counts its limits read.

Defined here and re-exported by core.models.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordResetRequest(models.Model):
    """One "forgot my password" form sent. The address is kept in clear only until the
    queue has handled the request; the HMACs stay so the limits can count."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Link sent")
        NO_ACCOUNT = "no_account", _("No account with this address")
        REFUSED = "refused", _("Refused: too many requests")

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    email = models.EmailField(_("address as typed"), blank=True)
    link_base = models.URLField(_("site address for the link"), blank=True)
    address_hash = models.CharField(_("address (HMAC)"), max_length=64)
    client_hash = models.CharField(_("client address (HMAC)"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["address_hash", "created_at"], name="pwreset_address_time"),
            models.Index(fields=["client_hash", "created_at"], name="pwreset_client_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"
