"""One record per person: merges that can be undone, the queue of likely duplicates across
consulates, and where the person is now (custody, release, return to Mexico and the
services received there), as officers record it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BeneficiaryMerge(models.Model):
    """What one merge moved and filled, row by row, so that it can be undone exactly."""

    survivor = models.ForeignKey("core.Beneficiary", on_delete=models.PROTECT,
                                 related_name="+")
    duplicate = models.ForeignKey("core.Beneficiary", on_delete=models.PROTECT,
                                  related_name="+")
    # {"app.model.field": [pk, ...]} of the rows that pointed at the duplicate.
    moved = models.JSONField(default=dict)
    # {"app.model.field": [other pk, ...]} many-to-many rows dropped as already present.
    dropped = models.JSONField(default=dict)
    # Fields of the survivor filled from the duplicate (their old value was empty).
    filled = models.JSONField(default=list)
    comment = models.TextField(blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge of records")
        verbose_name_plural = _("merges of records")

    def __str__(self):
        return f"{self.duplicate_id} -> {self.survivor_id}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Different people")


class DuplicateReview(models.Model):
    """Two active records at different consulates that may be one person."""

    first = models.ForeignKey("core.Beneficiary", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("core.Beneficiary", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("name likeness"))
    reasons = models.JSONField(_("why"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-score", "found_at", "id"]
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_review_pair"),
            models.CheckConstraint(condition=Q(first__lt=F("second")),
                                   name="duplicate_review_ordered"),
        ]
        indexes = [models.Index(fields=["status", "score"], name="duplicate_review_open")]

    def __str__(self):
        return f"{self.first_id} ~ {self.second_id} ({self.status})"


class Whereabouts(models.TextChoices):
    HELD = "held", _("Held in detention")
    RELEASED = "released", pgettext_lazy("whereabouts", "Released")
    RETURNED = "returned", _("Returned to Mexico")


class PersonLocation(models.Model):
    """Where the person was from a date on, as an officer recorded it; the latest one is
    where the person is now. Rows are never edited: a change is a new row."""

    beneficiary = models.ForeignKey("core.Beneficiary", on_delete=models.CASCADE,
                                    related_name="locations")
    status = models.CharField(_("where"), max_length=10, choices=Whereabouts.choices)
    since = models.DateField(_("since"))
    place = models.CharField(
        _("facility or reception point"), max_length=160, blank=True,
        help_text=_("The detention facility, or where the person was received in Mexico."))
    city = models.CharField(_("city"), max_length=80, blank=True)
    region = models.CharField(_("state"), max_length=80, blank=True)
    consulate = models.ForeignKey("core.Consulate", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("recorded by the consulate"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-since", "-recorded_at", "-id"]
        verbose_name = _("whereabouts")
        verbose_name_plural = _("whereabouts")
        indexes = [models.Index(fields=["beneficiary", "since", "recorded_at"],
                                name="person_location_latest")]

    def __str__(self):
        return f"{self.beneficiary_id} {self.status} {self.since}"


class ServiceKind(models.TextChoices):
    CONSULAR_VISIT = "consular_visit", _("Consular visit")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    MEDICAL = "medical", _("Medical care")
    FOOD_SHELTER = "food_shelter", _("Food and shelter")
    TRANSPORT = "transport", _("Transport home")
    PHONE_CALL = "phone_call", _("Phone call to the family")
    DOCUMENTS = "documents", _("Identity documents")
    REINTEGRATION = "reintegration", _("Reintegration support")


class PersonService(models.Model):
    """A service the person received (in custody, on release or on return), as recorded."""

    beneficiary = models.ForeignKey("core.Beneficiary", on_delete=models.CASCADE,
                                    related_name="services_received")
    kind = models.CharField(_("service"), max_length=16, choices=ServiceKind.choices)
    received_on = models.DateField(_("date"))
    place = models.CharField(_("where"), max_length=160, blank=True)
    consulate = models.ForeignKey("core.Consulate", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("recorded by the consulate"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("service received")
        verbose_name_plural = _("services received")
        indexes = [models.Index(fields=["beneficiary", "received_on"],
                                name="person_service_date")]

    def __str__(self):
        return f"{self.beneficiary_id} {self.kind} {self.received_on}"
