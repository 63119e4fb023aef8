"""Bond programs, their budgets, detention cases and bond requests with their state machine."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from djmoney.models.fields import MoneyField
from djmoney.money import Money

from casework.models import (
    BudgetDecision,
    CaseApproval,
    CaseDocument,
    CaseFields,
    ProgramFields,
    QuestionFields,
    Recorded,
)
from core.approvals import validate_tiers
from core.models import Beneficiary, Consulate, PartnerOrganization
from payments.models import Method as PaymentMethod

MINIMUM_BOND = Money("1500.00", "USD")
BREACH_APPEAL_DAYS = 30


def money_field(verbose_name, **kwargs):
    return MoneyField(verbose_name, max_digits=14, decimal_places=2, default_currency="USD",
                      currency_choices=settings.CURRENCY_CHOICES, **kwargs)


class BondProgram(ProgramFields, models.Model):
    ledger_prefix = "bond"

    name = models.CharField(_("name"), max_length=160, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=[("USD", "USD")],
                                default="USD")
    total_budget = money_field(_("total budget"))
    per_case_maximum = money_field(_("per-case maximum"))
    approval_tiers = models.JSONField(
        _("approval tiers"), default=list, blank=True, validators=[validate_tiers],
        help_text=_('For example [{"above": "10000", "approvals": 2}].'),
    )
    starts_on = models.DateField(_("starts on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("bond program")
        verbose_name_plural = _("bond programs")

    def __str__(self):
        return self.name


class EligibilityQuestion(QuestionFields):
    """One question of a program's checklist and the answer that qualifies."""

    program = models.ForeignKey(BondProgram, on_delete=models.CASCADE,
                                related_name="eligibility_questions")
    qualifying_answer = models.BooleanField(_("qualifying answer"), default=True)
    ineligible_reason = models.CharField(
        _("reason when not qualifying"), max_length=300,
        help_text=_("Shown to the officer when the answer does not qualify."),
    )


class AllocationKind(models.TextChoices):
    FUND = "fund", _("Program funding")
    CONSULATE = "consulate", _("Consulate allocation")
    REALLOCATE = "reallocate", _("Reallocation between consulates")
    PARTNER_CAP = "partner_cap", _("Partner cap")


class BudgetAllocation(BudgetDecision):
    """A budget decision of one of four kinds (see AllocationKind), one ledger transfer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(BondProgram, on_delete=models.PROTECT, related_name="allocations")
    kind = models.CharField(_("kind"), max_length=16, choices=AllocationKind.choices)
    consulate = models.ForeignKey(Consulate, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("consulate"))
    from_consulate = models.ForeignKey(Consulate, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("from consulate"))
    partner = models.ForeignKey(PartnerOrganization, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("partner"))
    amount = money_field(_("amount"))
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("budget allocation")
        verbose_name_plural = _("budget allocations")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def ledger_key(self):
        """Older than the program-and-step keys: the uuid, stored before the ledger call."""
        return f"bond-budget:{self.uuid}"


class TreasuryRate(models.Model):
    """The 91-day Treasury bill average rate in effect from a date (8 CFR 293.1)."""

    effective_on = models.DateField(_("effective on"), unique=True)
    rate_percent = models.DecimalField(
        _("91-day T-bill average (% a year)"), max_digits=6, decimal_places=4,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["-effective_on"]
        verbose_name = _("Treasury rate")
        verbose_name_plural = _("Treasury rates")

    def __str__(self):
        return f"{self.effective_on}: {self.rate_percent}%"


class DetentionCase(Recorded):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT,
                                    related_name="detention_cases")
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT, related_name="+")
    facility = models.CharField(_("detention facility"), max_length=200)
    detained_on = models.DateField(_("detention date"))

    class Meta:
        ordering = ["-detained_on"]
        verbose_name = _("detention case")
        verbose_name_plural = _("detention cases")

    def __str__(self):
        return f"{self.beneficiary} · {self.facility} ({self.detained_on})"


class State(models.TextChoices):
    """A bond's life: the money approved is paid to the obligor and posted with ICE; after
    the release it comes back with interest when the bond is cancelled, or is lost when it
    is breached."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    STAYED = "stayed", _("Stayed (EOIR-43)")
    DISBURSED = "disbursed", _("Disbursed")
    POSTED = "posted", _("Posted with ICE")
    RELEASED = "released", _("Released")
    REFUND_DUE = "refund_due", _("Refund due")
    CLOSED_REFUNDED = "closed_refunded", _("Closed, refunded")
    BREACHED = "breached", _("Breached")
    CLOSED_FORFEITED = "closed_forfeited", _("Closed, forfeited")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VOIDED = "voided", _("Voided")
    INELIGIBLE = "ineligible", _("Ineligible")


BEFORE_DISBURSEMENT = [State.DRAFT, State.SUBMITTED, State.APPROVED, State.STAYED]
RESERVED_STATES = (State.APPROVED, State.STAYED)


class Authority(models.TextChoices):
    ICE = "ice", _("ICE")
    IMMIGRATION_JUDGE = "ij", _("Immigration judge")
    BIA = "bia", _("Board of Immigration Appeals")
    FEDERAL_COURT = "federal_court", _("Federal court")


class BondType(models.TextChoices):
    DELIVERY = "delivery", _("Delivery bond")
    VOLUNTARY_DEPARTURE = "voluntary_departure", _("Voluntary departure bond")
    ORDER_OF_SUPERVISION = "order_of_supervision", _("Order of supervision bond")


class IneligibleReason(models.TextChoices):
    MANDATORY_DETENTION = "mandatory_detention", _("Mandatory detention")
    BOND_DENIED = "bond_denied", _("Bond denied")
    CHECKLIST = "checklist", _("Does not meet the program's checklist")


class BondRequest(FSMModelMixin, CaseFields, models.Model):
    program = models.ForeignKey(BondProgram, on_delete=models.PROTECT, related_name="requests",
                                verbose_name=_("program"))
    detention_case = models.ForeignKey(DetentionCase, on_delete=models.PROTECT,
                                       related_name="bond_requests")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT,
                                    related_name="bond_requests")
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT, related_name="+")
    obligor = models.ForeignKey(PartnerOrganization, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="bond_requests",
                                verbose_name=_("obligor"))
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)

    # The bond decision
    authority = models.CharField(_("decided by"), max_length=16, choices=Authority.choices,
                                 blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    judge_or_court = models.CharField(_("judge or court"), max_length=200, blank=True)
    amount = money_field(_("bond amount"), null=True, blank=True)
    bond_type = models.CharField(_("bond type"), max_length=24, choices=BondType.choices,
                                 blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    eligibility_answers = models.JSONField(_("eligibility answers"), default=dict, blank=True)
    ineligible_reason = models.CharField(_("ineligibility reason"), max_length=24,
                                         choices=IneligibleReason.choices, blank=True)

    # Money and the bond's life
    stayed_on = models.DateField(_("EOIR-43 filed on"), null=True, blank=True)
    disbursed_amount = money_field(_("amount disbursed"), null=True, blank=True)
    disbursement_method = models.CharField(_("method"), max_length=20,
                                           choices=PaymentMethod.choices, blank=True)
    disbursement_reference = models.CharField(_("payment reference"), max_length=100,
                                              blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    posted_on = models.DateField(_("posted with ICE on"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on (I-391)"), null=True, blank=True)
    breached_on = models.DateField(_("breach notice date (I-323)"), null=True, blank=True)
    refund_principal = money_field(_("principal refunded"), null=True, blank=True)
    refund_interest = money_field(_("interest refunded"), null=True, blank=True)
    refunded_on = models.DateField(_("refund returned on"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bond request")
        verbose_name_plural = _("bond requests")
        default_permissions = ("add", "change", "delete", "view", "import", "export")
        indexes = [
            models.Index(fields=["consulate", "state", "created_at"]),
            models.Index(fields=["obligor", "state", "created_at"]),
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["state", "cancelled_on"]),
            models.Index(fields=["created_at", "id"], name="bondrequest_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="bond_amount_at_least_minimum",
                condition=Q(amount__isnull=True) | Q(amount__gte=MINIMUM_BOND.amount),
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.beneficiary}"

    @property
    def reference(self):
        return f"FZ-{self.pk:06d}" if self.pk else "FZ-new"

    @property
    def breach_appeal_deadline(self):
        if self.breached_on is None:
            return None
        return self.breached_on + datetime.timedelta(days=BREACH_APPEAL_DAYS)

    def ineligible_answers(self):
        """The checklist questions whose answer does not qualify (or is missing)."""
        answers = self.eligibility_answers or {}
        return [q for q in self.program.eligibility_questions.all()
                if answers.get(str(q.pk)) != q.qualifying_answer]

    # Transitions only stamp the row; services do the rest.
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, *, by):
        self.stamp_submitted(by)

    @transition(field=state, source=State.DRAFT, target=State.INELIGIBLE)
    def mark_ineligible(self, reason):
        self.ineligible_reason = reason

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self, reservation_key):
        self.reservation_key = reservation_key

    @transition(field=state, source=State.SUBMITTED, target=State.DRAFT)
    def return_for_changes(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=BEFORE_DISBURSEMENT, target=State.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.STAYED)
    def stay(self, filed_on):
        self.stayed_on = filed_on

    @transition(field=state, source=State.STAYED, target=State.APPROVED)
    def lift_stay(self):
        pass

    @transition(field=state, source=list(RESERVED_STATES), target=State.VOIDED)
    def void(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.DISBURSED)
    def disburse(self, **paid):
        self.stamp_paid(**paid)

    @transition(field=state, source=State.DISBURSED, target=State.APPROVED)
    def payment_reversed(self, *, reservation_key):
        self.stamp_payment_back(reservation_key=reservation_key)

    @transition(field=state, source=State.DISBURSED, target=State.POSTED)
    def confirm_posting(self, posted_on):
        self.posted_on = posted_on

    @transition(field=state, source=State.POSTED, target=State.RELEASED)
    def confirm_release(self, released_on):
        self.released_on = released_on

    @transition(field=state, source=State.RELEASED, target=State.REFUND_DUE)
    def cancel(self, cancelled_on):
        self.cancelled_on = cancelled_on

    @transition(field=state, source=State.RELEASED, target=State.BREACHED)
    def breach(self, breached_on):
        self.breached_on = breached_on

    @transition(field=state, source=State.REFUND_DUE, target=State.CLOSED_REFUNDED)
    def record_refund(self, *, principal, interest, refunded_on):
        self.refund_principal = principal
        self.refund_interest = interest
        self.refunded_on = refunded_on

    @transition(field=state, source=State.BREACHED, target=State.CLOSED_FORFEITED)
    def write_off(self):
        pass


class BondApproval(CaseApproval):
    request = models.ForeignKey(BondRequest, on_delete=models.PROTECT, related_name="approvals")

    class Meta(CaseApproval.Meta):
        verbose_name = _("bond approval")
        verbose_name_plural = _("bond approvals")
        constraints = [
            models.UniqueConstraint(fields=["request", "round", "approver"],
                                    name="bond_approval_once_per_round"),
        ]

    def __str__(self):
        return f"{self.request.reference} · {self.approver}"


class DocumentKind(models.TextChoices):
    I305 = "i305", _("I-305 receipt")
    RELEASE = "release", _("Release confirmation")
    I391 = "i391", _("I-391 cancellation notice")
    I323 = "i323", _("I-323 breach notice")
    OTHER = "other", _("Other")


class BondDocument(CaseDocument):
    request = models.ForeignKey(BondRequest, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)

    class Meta(CaseDocument.Meta):
        verbose_name = _("bond document")
        verbose_name_plural = _("bond documents")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"
