"""Money leaving the fund: one `Disbursement` per purpose, Stripe's events and our reconciliations.

Amounts are integer minor units, as in the ledger and at Stripe.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.models import Consulate, PartnerOrganization
from core.money import from_minor


class Method(models.TextChoices):
    STRIPE_TRANSFER = "stripe_transfer", _("Stripe transfer")
    ACH = "ach", _("ACH")
    WIRE = "wire", _("Wire")
    CHECK = "check", _("Check")
    CARD = "card", _("Prepaid card")
    SPEI = "spei", _("SPEI transfer (Mexico)")


MANUAL_METHODS = (Method.ACH, Method.WIRE, Method.CHECK, Method.CARD, Method.SPEI)


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SENT = "sent", _("Sent to Stripe")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REVERSED = "reversed", _("Reversed")
    CANCELLED = "cancelled", _("Cancelled before payment")


ENDED = (Status.FAILED, Status.REVERSED, Status.CANCELLED)


class WireStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Wire(FSMModelMixin, models.Model):
    """One bank payment to one partner that pays several requested disbursements at once.

    The money still moves disbursement by disbursement: recording the wire pays each of its
    disbursements, so the ledger postings and the cases' signals stay those of a single one.
    `amount` is the total the bank is asked to send, fixed when the wire is requested.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = FSMField(_("status"), default=WireStatus.REQUESTED, choices=WireStatus.choices,
                      protected=True)
    payee_partner = models.ForeignKey(PartnerOrganization, on_delete=models.PROTECT,
                                      related_name="wires", verbose_name=_("payee partner"))
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT, related_name="wires",
                                  verbose_name=_("consulate"))
    amount = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=settings.CURRENCY_CHOICES)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    manual_reference = models.CharField(_("reference number"), max_length=80, blank=True)
    manual_date = models.DateField(_("date sent"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("wire")
        verbose_name_plural = _("wires")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="wire_amount_positive"),
        ]

    def __str__(self):
        return f"{self.money} → {self.payee_partner} ({self.get_status_display()})"

    @property
    def money(self):
        return from_minor(self.amount, self.currency)

    @property
    def is_open(self):
        return self.status == WireStatus.REQUESTED

    @transition(field=status, source=WireStatus.REQUESTED, target=WireStatus.PAID)
    def pay(self):
        self.paid_at = timezone.now()

    @transition(field=status, source=WireStatus.REQUESTED, target=WireStatus.CANCELLED)
    def cancel(self):
        self.ended_at = timezone.now()


class Disbursement(FSMModelMixin, models.Model):
    """A payment out of the fund for one purpose (a bond request, a grant application).

    `sent` means a Stripe transfer was asked for and its outcome is not recorded yet; the
    idempotency key is committed before the call, so a retry can never pay twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    object_type = models.CharField(_("purpose type"), max_length=64)
    object_id = models.CharField(_("purpose id"), max_length=64)
    reservation_key = models.CharField(_("ledger reservation"), max_length=120)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    status = FSMField(_("status"), default=Status.REQUESTED, choices=Status.choices,
                      protected=True)
    amount = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=settings.CURRENCY_CHOICES)
    payee_partner = models.ForeignKey(
        PartnerOrganization, null=True, blank=True, on_delete=models.PROTECT,
        related_name="disbursements", verbose_name=_("payee partner"),
    )
    payee_name = models.CharField(_("payee name"), max_length=160, blank=True)
    payee_details = models.TextField(_("payee details"), blank=True)
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT,
                                  related_name="disbursements", verbose_name=_("consulate"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    idempotency_key = models.CharField(_("Stripe idempotency key"), max_length=80, blank=True)
    idempotency_key_at = models.DateTimeField(null=True, blank=True)
    transfer_group = models.CharField(_("Stripe transfer group"), max_length=80, blank=True)
    stripe_destination = models.CharField(_("Stripe destination account"), max_length=64,
                                          blank=True)
    stripe_transfer_id = models.CharField(_("Stripe transfer"), max_length=64, blank=True,
                                          db_index=True)
    in_flight = models.BooleanField(default=False, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    payout_warning = models.TextField(_("payout warning"), blank=True)

    manual_reference = models.CharField(_("reference number"), max_length=80, blank=True)
    manual_date = models.DateField(_("date sent"), null=True, blank=True)
    # The wire that pays it with others; a cancelled wire's members may join another one.
    wire = models.ForeignKey(Wire, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="disbursements", verbose_name=_("wire"))

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("failed or reversed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"],
                condition=~Q(status__in=["failed", "reversed", "cancelled"]),
                name="disbursement_one_live_per_purpose",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(method="stripe_transfer"),
                name="disbursement_sent_is_stripe",
            ),
        ]
        indexes = [models.Index(fields=["consulate", "status"]),
                   models.Index(fields=["payee_partner", "status"]),
                   # The list's order (newest first): one page without sorting every row.
                   models.Index(fields=["created_at"], name="disbursement_created_idx")]

    def __str__(self):
        return f"{self.money} → {self.payee_display} ({self.get_status_display()})"

    @property
    def money(self):
        return from_minor(self.amount, self.currency)

    @property
    def payee_display(self):
        return self.payee_name or (self.payee_partner.name if self.payee_partner_id else "")

    @property
    def purpose_label(self):
        return f"{self.object_type}#{self.object_id}"

    @property
    def in_open_wire(self):
        return self.wire_id is not None and self.wire.is_open

    @transition(field=status, source=Status.REQUESTED, target=Status.SENT)
    def send(self):
        self.method = Method.STRIPE_TRANSFER

    @transition(field=status, source=[Status.REQUESTED, Status.SENT], target=Status.PAID)
    def pay(self):
        self.paid_at = timezone.now()
        self.in_flight = False

    @transition(field=status, source=[Status.REQUESTED, Status.SENT], target=Status.FAILED)
    def fail(self):
        self.ended_at = timezone.now()
        self.in_flight = False

    @transition(field=status, source=Status.REQUESTED, target=Status.CANCELLED)
    def cancel(self):
        self.ended_at = timezone.now()

    @transition(field=status, source=Status.PAID, target=Status.REVERSED)
    def reverse(self):
        self.ended_at = timezone.now()


class PartnerStripeAccount(models.Model):
    """What Stripe last told us about a partner's connected account (from account.updated)."""

    partner = models.OneToOneField(PartnerOrganization, on_delete=models.CASCADE,
                                   related_name="stripe_status")
    account_id = models.CharField(_("Stripe account"), max_length=64, unique=True)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    as_of = models.DateTimeField(_("as of"), null=True, blank=True)
    payout_failure = models.TextField(_("last payout failure"), blank=True)
    payout_failed_at = models.DateTimeField(_("payout failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner Stripe account")
        verbose_name_plural = _("partner Stripe accounts")

    def __str__(self):
        return f"{self.partner} ({self.account_id})"


class StripeEvent(models.Model):
    """A webhook event, stored in the transaction of its effect: a replay finds it and stops."""

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80, db_index=True)
    created = models.DateTimeField()
    account = models.CharField(max_length=64, blank=True)
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    disbursement = models.ForeignKey(Disbursement, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="stripe_events")
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.event_id} {self.type}"


class StripeReconciliationRun(models.Model):
    """Stripe's transfers for a period matched one to one with our disbursements."""

    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    matched = models.PositiveIntegerField(_("matched"), default=0)
    stripe_transfers = models.PositiveIntegerField(_("Stripe transfers"), default=0)
    # [{"kind", "transfer_id", "disbursement_id", "consulate_id", "ours", "stripe", "note"}]
    differences = models.JSONField(_("differences"), default=list)

    class Meta:
        ordering = ["-ran_at"]
        verbose_name = _("Stripe reconciliation")
        verbose_name_plural = _("Stripe reconciliations")

    def __str__(self):
        return f"{self.date_from} – {self.date_to} ({self.ran_at:%Y-%m-%d %H:%M})"
