"""Issued documents (PDFs Fianza produced) and their yearly number sequence.

Defined here and re-exported by core.models.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentSequence(models.Model):
    """The last document number given in a year (FZ-2026-000123); row-locked to allocate."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class IssuedDocument(models.Model):
    """A PDF the system issued, findable by its number and verification code."""

    class Kind(models.TextChoices):
        BOND_AUTHORIZATION = "bond_authorization", _("Bond authorization letter")
        DISBURSEMENT_VOUCHER = "disbursement_voucher", _("Disbursement voucher")
        GRANT_AWARD = "grant_award", _("Grant award letter")
        RECONCILIATION_STATEMENT = "reconciliation_statement", _("Reconciliation statement")
        REFERENCE_CARD = "reference_card", _("Case reference card")
        REFUND_FOLLOW_UP = "refund_follow_up", _("Refund follow-up letter to DHS")

    number = models.CharField(_("document number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    consulate = models.ForeignKey(
        "core.Consulate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "core.PartnerOrganization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64, blank=True)
    verification_code = models.CharField(max_length=10, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return self.number
