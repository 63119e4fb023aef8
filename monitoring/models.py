"""Nightly checks and ageing money.

A `CheckRun` is one run of a nightly check for one day of the fund's time zone (unique per
check and day, so a second run the same night finds it and changes nothing). Its summary holds
counts and identifiers only, never personal data: the health endpoint reads it.

An `Alert` is money that stayed too long where it should only pass (in the spirit of a
pending timeout): its key names the subject, the date its clock started and the round (one
per REPEAT_DAYS late), so a scan run twice raises and notifies each alert once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Consulate, PartnerOrganization


class CheckName(models.TextChoices):
    LEDGER = "ledger_verify", _("Ledger balances")
    AUDIT = "audit_verify", _("Audit trail")
    STRIPE = "stripe_reconcile", _("Stripe reconciliation")


class CheckRun(models.Model):
    name = models.CharField(_("check"), max_length=32, choices=CheckName.choices)
    day = models.DateField(_("day checked"))  # the fund's time zone
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("passed"), null=True)  # None while it runs
    summary = models.TextField(_("summary"), blank=True)
    notified_at = models.DateTimeField(_("people told at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        constraints = [models.UniqueConstraint(fields=["name", "day"],
                                               name="check_run_once_a_day")]
        indexes = [models.Index(fields=["name", "-started_at"], name="check_run_latest_idx")]

    def __str__(self):
        return f"{self.get_name_display()} {self.day}"


class AlertKind(models.TextChoices):
    RESERVATION_UNPAID = "reservation_unpaid", _("Approved and not paid")
    PAYMENT_UNPOSTED = "payment_unposted", _("Paid to the partner and not posted")
    REFUND_OVERDUE = "refund_overdue", _("Refund past its expected date")


class Alert(models.Model):
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("alert"), max_length=24, choices=AlertKind.choices)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    reference = models.CharField(_("case"), max_length=40)
    consulate = models.ForeignKey(Consulate, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("consulate"))
    partner = models.ForeignKey(PartnerOrganization, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("partner"))
    amount = models.BigIntegerField(_("amount (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3,
                                choices=settings.CURRENCY_CHOICES)
    since = models.DateField(_("since"))
    due_on = models.DateField(_("expected by"))
    round = models.PositiveSmallIntegerField(_("reminder"), default=0)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["resolved_at", "consulate"], name="alert_open_idx"),
                   models.Index(fields=["subject_type", "subject_id"],
                                name="alert_subject_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.reference}"
