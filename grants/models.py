"""Relief grant programs and applications.

A program's budget lives in the ledger under the reference `grant:<program pk>`; the rows here
record what people decided (allocations, caps) and the application's own state machine.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from djmoney.models.fields import MoneyField

from casework.models import (
    BudgetDecision,
    CaseApproval,
    CaseDocument,
    CaseFields,
    ProgramFields,
    QuestionFields,
)
from core.approvals import validate_tiers
from core.models import Beneficiary, Consulate, PartnerOrganization
from payments.models import Method as PaymentMethod

MONEY = {"max_digits": 14, "decimal_places": 2, "currency_choices": settings.CURRENCY_CHOICES}


class GrantKind(models.TextChoices):
    FAMILY_EMERGENCY = "family_emergency", _("Family emergency relief")
    LEGAL_FEES = "legal_fees", _("Legal representation fees (PALE)")
    MEDICAL_REPATRIATION = "medical_repatriation", _("Medical repatriation")
    TRANSFER_OF_REMAINS = "transfer_of_remains", _("Transfer of remains")
    REINTEGRATION = "reintegration", _("Reintegration support")


class DocumentKind(models.TextChoices):
    CURP = "curp", _("CURP record")
    REPATRIATION_LETTER = "repatriation_letter", _("Repatriation letter")
    IDENTIFICATION = "identification", _("Identification")
    SIGNED_RECEIPT = "signed_receipt", _("Signed receipt")
    MEDICAL_REPORT = "medical_report", _("Medical report")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    INVOICE = "invoice", _("Invoice or quote")
    INABILITY_TO_PAY = "inability_to_pay", _("Statement of inability to pay")
    LEGAL_SERVICES_CONTRACT = "legal_services_contract", _("Legal services contract")
    OTHER = "other", _("Other")


def validate_document_kinds(value):
    if not isinstance(value, list) or any(v not in DocumentKind.values for v in value):
        raise ValidationError(_("Required documents are a list of known document kinds."))


class GrantProgram(ProgramFields, models.Model):
    ledger_prefix = "grant"

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=32, choices=GrantKind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=settings.CURRENCY_CHOICES)
    total_budget = MoneyField(_("total budget"), **MONEY)
    per_grant_max = MoneyField(_("per-grant maximum"), **MONEY)
    approval_tiers = models.JSONField(
        _("approval tiers"), default=list, blank=True, validators=[validate_tiers],
        help_text=_('For example [{"above": "5000", "approvals": 2}].'),
    )
    required_documents = models.JSONField(
        _("required documents"), default=list, blank=True,
        validators=[validate_document_kinds],
    )
    waiting_period_days = models.PositiveIntegerField(_("waiting period (days)"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("grant program")
        verbose_name_plural = _("grant programs")

    def __str__(self):
        return self.name

    def required_document_labels(self):
        return [DocumentKind(k).label for k in self.required_documents]

    def clean(self):
        for field in ("total_budget", "per_grant_max"):
            money = getattr(self, field)
            if money is not None and str(money.currency) != self.currency:
                raise ValidationError({field: _("Use the program's currency.")})
        if self.per_grant_max and self.total_budget and self.per_grant_max > self.total_budget:
            raise ValidationError(
                {"per_grant_max": _("The per-grant maximum is above the total budget.")})


class EligibilityQuestion(QuestionFields):
    """A yes/no question; the answer that qualifies, and why the other one does not."""

    program = models.ForeignKey(GrantProgram, on_delete=models.CASCADE, related_name="questions")
    qualifying_answer = models.BooleanField(_("answer that qualifies"), default=True)
    ineligible_reason = models.CharField(_("why the other answer does not qualify"),
                                         max_length=300)


class GrantAllocation(BudgetDecision):
    """Budget given to a consulate (or moved to it from another): one ledger transfer."""

    ledger_step = "allocation"

    program = models.ForeignKey(GrantProgram, on_delete=models.PROTECT,
                                related_name="allocations")
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("consulate"))
    from_consulate = models.ForeignKey(
        Consulate, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("moved from"),
    )
    amount = MoneyField(_("amount"), **MONEY)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("grant allocation")
        verbose_name_plural = _("grant allocations")

    def __str__(self):
        return f"{self.program} · {self.consulate} · {self.amount}"


class GrantPartnerCap(BudgetDecision):
    """A partner's cap in a program as set at one time; the latest row is the cap."""

    ledger_step = "partner-cap"

    program = models.ForeignKey(GrantProgram, on_delete=models.PROTECT,
                                related_name="partner_caps")
    partner = models.ForeignKey(PartnerOrganization, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("partner organization"))
    amount = MoneyField(_("cap"), **MONEY)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner cap")
        verbose_name_plural = _("partner caps")

    def __str__(self):
        return f"{self.program} · {self.partner} · {self.amount}"


class PayeeKind(models.TextChoices):
    BENEFICIARY = "beneficiary", _("The beneficiary")
    FAMILY_MEMBER = "family_member", _("A family member")
    PARTNER = "partner", _("A partner organization")
    VENDOR = "vendor", _("A vendor (funeral home, hospital, law firm...)")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    DISBURSED = "disbursed", _("Disbursed")
    CONFIRMED = "confirmed", _("Receipt confirmed")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VOIDED = "voided", _("Voided")


GRANTED_STATES = (State.DISBURSED, State.CONFIRMED, State.CLOSED)


class GrantApplication(FSMModelMixin, CaseFields, models.Model):
    program = models.ForeignKey(GrantProgram, on_delete=models.PROTECT,
                                related_name="applications", verbose_name=_("program"))
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT,
                                    related_name="grant_applications",
                                    verbose_name=_("beneficiary"))
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT,
                                  related_name="grant_applications",
                                  verbose_name=_("consulate"))
    amount = MoneyField(_("amount"), **MONEY)
    purpose = models.TextField(_("purpose"))
    payee_kind = models.CharField(_("payee"), max_length=16, choices=PayeeKind.choices)
    payee_partner = models.ForeignKey(
        PartnerOrganization, null=True, blank=True, on_delete=models.PROTECT,
        related_name="grant_applications", verbose_name=_("partner organization"),
    )
    payee_name = models.CharField(_("payee name"), max_length=160)
    payee_account = models.CharField(_("bank or account reference"), max_length=120, blank=True)
    payee_address = models.CharField(_("payee address"), max_length=250, blank=True)
    eligibility_answers = models.JSONField(_("eligibility answers"), default=dict, blank=True)

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True,
                     db_index=True)

    disbursed_amount = MoneyField(_("amount disbursed"), null=True, blank=True, **MONEY)
    disbursement_method = models.CharField(_("method"), max_length=16, blank=True,
                                           choices=PaymentMethod.choices)
    disbursement_reference = models.CharField(_("payment reference"), max_length=120,
                                              blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        default_permissions = ("add", "change", "delete", "view", "import", "export")
        indexes = [
            models.Index(fields=["consulate", "state"]),
            models.Index(fields=["beneficiary", "program"]),
            models.Index(fields=["created_at", "id"], name="grantapp_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="grant_payee_partner_iff_partner",
                condition=Q(payee_kind="partner", payee_partner__isnull=False)
                | (~Q(payee_kind="partner") & Q(payee_partner__isnull=True)),
            ),
        ]

    def __str__(self):
        return _("Grant application %(number)s") % {"number": self.number}

    @property
    def number(self):
        return f"G-{self.pk:06d}" if self.pk else "G-new"

    @property
    def reference(self):
        return self.number

    @property
    def payee_partner_id_for_ledger(self):
        return self.payee_partner_id if self.payee_kind == PayeeKind.PARTNER else None

    # Transitions only stamp the row; services guard, post to the ledger and audit.

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, *, by):
        self.stamp_submitted(by)

    @transition(field=state, source=State.SUBMITTED, target=State.DRAFT)
    def return_for_changes(self):
        self.submitted_at = None

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self, *, reservation_key):
        self.approved_at = timezone.now()
        self.reservation_key = reservation_key

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED)
    def reject(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=[State.DRAFT, State.SUBMITTED, State.APPROVED],
                target=State.WITHDRAWN)
    def withdraw(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=State.APPROVED, target=State.VOIDED)
    def void(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=State.APPROVED, target=State.DISBURSED)
    def disburse(self, **paid):
        self.stamp_paid(**paid)

    @transition(field=state, source=State.DISBURSED, target=State.APPROVED)
    def payment_reversed(self, *, reservation_key):
        self.stamp_payment_back(reservation_key=reservation_key)

    @transition(field=state, source=State.DISBURSED, target=State.CONFIRMED)
    def confirm_receipt(self, *, received_on):
        self.received_on = received_on

    @transition(field=state, source=State.CONFIRMED, target=State.CLOSED)
    def close(self):
        self.closed_at = timezone.now()


class GrantApproval(CaseApproval):
    """One approver's signature in one round of review (a return to draft starts a new round)."""

    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT,
                                    related_name="approvals")

    class Meta(CaseApproval.Meta):
        verbose_name = _("grant approval")
        verbose_name_plural = _("grant approvals")
        constraints = [
            models.UniqueConstraint(fields=["application", "round", "approver"],
                                    name="grant_approval_once_per_round"),
        ]

    def __str__(self):
        return f"{self.application} · {self.approver}"


class GrantDocument(CaseDocument):
    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT,
                                    related_name="documents")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)

    class Meta(CaseDocument.Meta):
        verbose_name = _("grant document")
        verbose_name_plural = _("grant documents")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"
