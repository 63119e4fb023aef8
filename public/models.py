from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LookupOutcome(models.TextChoices):
    FOUND = "found", _("Found")
    UNKNOWN_REFERENCE = "unknown_reference", _("Unknown reference")
    WRONG_DATE_OF_BIRTH = "wrong_date_of_birth", _("Wrong date of birth")
    NO_CONSENT = "no_consent", _("No consent to the family lookup")
    LOCKED = "locked", _("Refused: too many attempts")


FAILED_OUTCOMES = (
    LookupOutcome.UNKNOWN_REFERENCE,
    LookupOutcome.WRONG_DATE_OF_BIRTH,
    LookupOutcome.NO_CONSENT,
)


class LookupAttempt(models.Model):
    """One family status lookup: the log, and the counts the rate limits read.

    The client address and the date of birth are kept only as HMACs keyed with the
    secret key: enough to count and compare attempts, useless to read back.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    client_hash = models.CharField(_("client address (HMAC)"), max_length=64)
    reference = models.CharField(_("reference as typed (normalized)"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=24, choices=LookupOutcome.choices)
    date_of_birth_hmac = models.CharField(_("date of birth (HMAC)"), max_length=64)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lookup attempt")
        verbose_name_plural = _("lookup attempts")
        indexes = [
            models.Index(fields=["client_hash", "created_at"], name="lookup_client_time"),
            models.Index(fields=["reference", "created_at"], name="lookup_reference_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.reference} {self.outcome}"
