"""The outbox: one row per message, written in the transaction of the change that causes it.

A row moves pending -> sending -> sent, or back to pending with a later `next_attempt_at`
after a failure worth retrying, or to failed (attempts used up, or refused by the provider)
or skipped (no consent, opted out, no address: the reason is kept).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.models import Beneficiary, Consulate, FamilyContact, MessageChannel


class Status(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent")


class Problem(models.TextChoices):
    """Why a message needs a person's attention; what the page shows instead of raw errors."""

    NO_CONSENT = "no_consent", _("The person has not agreed to receive messages.")
    OPTED_OUT = "opted_out", _("The person asked to stop receiving messages.")
    NO_CHANNEL = "no_channel", _("The record names no channel for messages.")
    NO_ADDRESS = "no_address", _("The record has no address for this channel.")
    REFUSED = "refused", _("The provider refused the message (for example, a wrong number or "
                           "address).")
    UNREACHABLE = "unreachable", _("The provider could not be reached; every retry failed.")
    NOT_CONFIGURED = "not_configured", _("This channel is not set up on the server.")


class Notification(FSMModelMixin, models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="notifications", verbose_name=_("recipient"),
    )
    # The person whose consent is checked again at delivery.
    beneficiary = models.ForeignKey(Beneficiary, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    family_contact = models.ForeignKey(FamilyContact, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    template = models.CharField(_("template"), max_length=120)
    language = models.CharField(_("language"), max_length=8, default="es")
    context = models.JSONField(_("context"), default=dict, blank=True)
    # Rendered when the row is written: a retry sends exactly what the change said.
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    status = FSMField(_("status"), max_length=10, choices=Status.choices,
                      default=Status.PENDING, protected=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    problem = models.CharField(_("problem"), max_length=16, choices=Problem.choices,
                               blank=True)
    # Technical detail for the Django admin only; pages show `problem`.
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When a delivery task was last queued: the sweep re-queues only rows whose task is lost.
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider reference"), max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    # Who answers for a failure: that consulate's staff (null: headquarters only).
    consulate = models.ForeignKey(Consulate, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("consulate"))
    about_type = models.ForeignKey(ContentType, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["about_type", "about_id"], name="notification_about_idx"),
            models.Index(fields=["consulate", "status"], name="notification_problem_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.address or '-'} · {self.template}"

    @transition(field=status, source=[Status.PENDING, Status.SENDING], target=Status.SENDING)
    def claim(self, *, now):
        self.attempts += 1
        self.claimed_at = now

    @transition(field=status, source=Status.SENDING, target=Status.SENT)
    def mark_sent(self, *, provider_id, now):
        self.provider_id = provider_id or ""
        self.sent_at = now
        self.last_error = ""

    @transition(field=status, source=Status.SENT, target=Status.FAILED)
    def mark_undelivered(self, *, error):
        self.problem = Problem.REFUSED
        self.last_error = error

    @transition(field=status, source=Status.SENDING, target=Status.PENDING)
    def postpone(self, *, error, at):
        self.last_error = error
        self.next_attempt_at = at
        self.claimed_at = None
        self.queued_at = None  # no task waits for it: the sweep queues it when due

    @transition(field=status, source=Status.SENDING, target=Status.FAILED)
    def give_up(self, *, problem, error):
        self.problem = problem
        self.last_error = error
        self.claimed_at = None

    @transition(field=status, source=[Status.PENDING, Status.SENDING], target=Status.SKIPPED)
    def skip(self, *, problem):
        self.problem = problem
        self.claimed_at = None

    @transition(field=status, source=[Status.FAILED, Status.SKIPPED], target=Status.PENDING)
    def retry(self, *, now):
        self.problem = ""
        self.attempts = 0
        self.next_attempt_at = self.queued_at = now

    @property
    def needs_attention(self):
        return self.status in (Status.FAILED, Status.SKIPPED)
