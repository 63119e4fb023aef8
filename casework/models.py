"""Abstract fields every case, approval and document of a case carries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseFields(models.Model):
    """Who submitted the case in which round, and the reservation that holds its money."""

    approval_round = models.PositiveIntegerField(default=0, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", editable=False)
    # The ledger reservation: held at the first signature, kept once the case is approved.
    reservation_key = models.CharField(max_length=200, blank=True, editable=False)
    # The payments.Disbursement that paid the case (empty again if its transfer came back).
    payment_id = models.UUIDField(_("payment"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def stamp_submitted(self, by) -> None:
        """Called by the `submit` transition: a new round of signatures starts."""
        self.submitted_at = timezone.now()
        self.submitted_by = by
        self.approval_round += 1

    def stamp_paid(self, *, payment_id, amount, payment_method, reference, paid_on) -> None:
        """Called by the `disburse` transition: what payments says left the fund."""
        self.payment_id = payment_id
        self.disbursed_amount = amount
        self.disbursement_method = payment_method
        self.disbursement_reference = reference
        self.disbursed_on = paid_on

    def stamp_payment_back(self, *, reservation_key) -> None:
        """Called by `payment_reversed`: the transfer came back; approved again, on a fresh
        reservation."""
        self.stamp_paid(payment_id=None, amount=None, payment_method="", reference="",
                        paid_on=None)
        self.reservation_key = reservation_key


class CaseApproval(models.Model):
    """One approver's signature in one round of review; a return starts a new round and the
    signatures of earlier rounds are kept."""

    round = models.PositiveIntegerField(default=1)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class CaseDocument(models.Model):
    """A checked upload kept in private storage, with the SHA-256 of what was stored."""

    storage_name = models.CharField(max_length=255, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]


class ProgramFields(models.Model):
    """When a program takes cases, and above what amount a second person releases payments."""

    ledger_prefix = ""  # the program's budget lives in the ledger at "<prefix>:<pk>"

    unpaid_alert_days = models.PositiveSmallIntegerField(
        _("alert when approved and not paid after (days)"), default=14,
        help_text=_("An approved case not paid after this many days raises an alert, and "
                    "again every week until it is paid or released."))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("open for new cases"), default=True)
    second_person_pays_above = models.DecimalField(
        _("a second person releases payments above"), max_digits=14, decimal_places=2,
        null=True, blank=True,
        help_text=_("Above this amount, whoever releases or records a payment must be neither "
                    "the person who requested it nor the one who opened the case. Empty: "
                    "no second person is required."))

    class Meta:
        abstract = True

    @property
    def ledger_ref(self) -> str:
        return f"{self.ledger_prefix}:{self.pk}"

    def is_open_on(self, day) -> bool:
        """One rule for every program: switched on, and the day inside its dates."""
        return (self.is_active and (self.starts_on is None or self.starts_on <= day)
                and (self.ends_on is None or day <= self.ends_on))


class QuestionFields(models.Model):
    """One yes/no question of a program's checklist, in its place in the list."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        abstract = True
        ordering = ["program", "position", "id"]
        verbose_name = _("eligibility question")
        verbose_name_plural = _("eligibility questions")

    def __str__(self):
        return self.text


class Recorded(models.Model):
    """Who recorded the row, and when."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class BudgetDecision(Recorded):
    """A decision on a program's budget (an allocation, a cap): one ledger transfer."""

    ledger_step = ""  # names the decision in its ledger key: "allocation", "partner-cap"

    class Meta:
        abstract = True

    @property
    def ledger_key(self) -> str:
        """The idempotency key of the decision's transfer: a retry posts once."""
        return f"{self.program.ledger_ref}:{self.ledger_step}:{self.pk}"
