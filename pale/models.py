"""PALE: contracts with external legal advisors, referrals, sessions, milestones and invoices.

An advisor is a `core.PartnerOrganization` with a `legal_advisor_kind`. A contract's budget
sits under a legal-fees grant program: invoices reserve the consulate's budget and the
advisor's cap in that program's ledger accounts, as any grant does.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition
from djmoney.models.fields import MoneyField

from core.models import Beneficiary, Consulate, PartnerOrganization

MONEY = {"max_digits": 14, "decimal_places": 2, "currency_choices": settings.CURRENCY_CHOICES}


class Service(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    BOND_HEARING = "bond_hearing", _("Bond hearing representation")
    CASE_REPRESENTATION = "case_representation", _("Case representation")
    HABEAS = "habeas", _("Habeas corpus petition")


class Contract(models.Model):
    advisor = models.ForeignKey(PartnerOrganization, on_delete=models.PROTECT,
                                related_name="pale_contracts", verbose_name=_("advisor"))
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT,
                                  related_name="pale_contracts", verbose_name=_("consulate"))
    program = models.ForeignKey("grants.GrantProgram", on_delete=models.PROTECT,
                                related_name="pale_contracts", verbose_name=_("program"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = MoneyField(_("budget"), **MONEY)
    response_business_days = models.PositiveSmallIntegerField(
        _("business days to answer a referral"), default=2)
    urgent_response_business_days = models.PositiveSmallIntegerField(
        _("business days to answer an urgent referral"), default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-starts_on", "advisor__name"]
        verbose_name = _("advisor contract")
        verbose_name_plural = _("advisor contracts")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="pale_contract_period")]

    def __str__(self):
        return f"{self.advisor} · {self.consulate.code} · {self.starts_on:%Y-%m-%d}"

    @property
    def number(self):
        return f"PALE-C-{self.pk:05d}"

    def covers(self, day):
        return self.starts_on <= day <= self.ends_on


class ContractFee(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="fees")
    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    fee = MoneyField(_("fee"), **MONEY)

    class Meta:
        ordering = ["contract", "service"]
        constraints = [models.UniqueConstraint(fields=["contract", "service"],
                                               name="pale_fee_once_per_service")]

    def __str__(self):
        return f"{self.get_service_display()}: {self.fee}"


class Matter(models.TextChoices):
    DETENTION_BOND = "detention_bond", _("Detention and bond")
    REMOVAL_DEFENCE = "removal_defence", _("Removal defence")
    FAMILY = "family", _("Family")
    LABOUR = "labour", _("Labour")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ReferralState(models.TextChoices):
    PENDING = "pending", _("Waiting for the advisor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REDIRECTED = "redirected", _("Referred elsewhere")
    CLOSED = "closed", _("Closed")


class Referral(FSMModelMixin, models.Model):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT,
                                    related_name="pale_referrals", verbose_name=_("person"))
    consulate = models.ForeignKey(Consulate, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="referrals",
                                 verbose_name=_("advisor and contract"))
    advisor = models.ForeignKey(PartnerOrganization, on_delete=models.PROTECT,
                                related_name="pale_referrals", verbose_name=_("advisor"))
    matter = models.CharField(_("matter"), max_length=24, choices=Matter.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    notes = models.TextField(_("what the advisor should know"), blank=True)
    state = FSMField(_("state"), default=ReferralState.PENDING, choices=ReferralState.choices,
                     protected=True, db_index=True)
    respond_by = models.DateTimeField(_("answer due by"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    alerted_at = models.DateTimeField(_("officer alerted at"), null=True, blank=True)
    redirected_to = models.OneToOneField("self", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="redirected_from")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["state", "respond_by"]),
                   models.Index(fields=["advisor", "created_at"]),
                   models.Index(fields=["consulate", "created_at"])]

    def __str__(self):
        return self.number

    @property
    def number(self):
        return f"PALE-{self.pk:06d}" if self.pk else "PALE-new"

    def is_late(self, now=None):
        """Answered after its due time, or still unanswered past it."""
        answered = self.responded_at or (now or timezone.now())
        return answered > self.respond_by

    @transition(field=state, source=ReferralState.PENDING, target=ReferralState.ACCEPTED)
    def accept(self, *, at):
        self.responded_at = at

    @transition(field=state, source=ReferralState.PENDING, target=ReferralState.DECLINED)
    def decline(self, *, at, reason):
        self.responded_at = at
        self.decline_reason = reason

    @transition(field=state, source=[ReferralState.PENDING, ReferralState.DECLINED],
                target=ReferralState.REDIRECTED)
    def redirect(self, *, to):
        self.redirected_to = to

    @transition(field=state, source=ReferralState.ACCEPTED, target=ReferralState.CLOSED)
    def close(self):
        pass


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    DETENTION_VISIT = "detention_visit", _("Detention visit")


class Session(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    topic = models.CharField(_("topic"), max_length=200)
    minutes = models.PositiveIntegerField(_("minutes"))
    outcome = models.TextField(_("outcome"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("advice session")
        verbose_name_plural = _("advice sessions")
        indexes = [models.Index(fields=["held_on"])]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0),
                                              name="pale_session_minutes")]

    def __str__(self):
        return f"{self.referral} · {self.held_on} · {self.topic}"


class MilestoneKind(models.TextChoices):
    BOND_HEARING = "bond_hearing", _("Bond hearing held")
    HABEAS = "habeas", _("Habeas petition filed")
    CASE_RESULT = "case_result", _("Case result")


MILESTONE_SERVICE = {
    MilestoneKind.BOND_HEARING: Service.BOND_HEARING,
    MilestoneKind.HABEAS: Service.HABEAS,
    MilestoneKind.CASE_RESULT: Service.CASE_REPRESENTATION,
}


class CaseResult(models.TextChoices):
    BOND_GRANTED = "bond_granted", _("Bond granted")
    BOND_DENIED = "bond_denied", _("Bond denied")
    RELIEF_GRANTED = "relief_granted", _("Relief granted")
    REMOVAL_ORDERED = "removal_ordered", _("Removal ordered")
    VOLUNTARY_DEPARTURE = "voluntary_departure", _("Voluntary departure")
    CASE_CLOSED = "case_closed", _("Case closed or dismissed")
    OTHER = "other", _("Other")


class Milestone(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=16, choices=MilestoneKind.choices)
    occurred_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=24, choices=CaseResult.choices)
    judge_or_court = models.CharField(_("judge or court"), max_length=200, blank=True)
    bond_amount = MoneyField(_("bond amount set"), null=True, blank=True, **MONEY)
    notes = models.TextField(_("notes"), blank=True)
    # The bond request opened from this hearing's decision, when one follows.
    bond_request = models.OneToOneField("bondfund.BondRequest", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="pale_hearing")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return f"{self.referral} · {self.get_kind_display()}"


class InvoiceState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved, waiting for payment")
    PAID = "paid", pgettext_lazy("invoice", "Paid")
    REJECTED = "rejected", _("Rejected")


class Invoice(FSMModelMixin, models.Model):
    """An advisor's bill for one month of work under one contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    month = models.DateField(_("month"))  # the first day of the month billed
    amount = MoneyField(_("amount"), **MONEY)
    state = FSMField(_("state"), default=InvoiceState.SUBMITTED, choices=InvoiceState.choices,
                     protected=True, db_index=True)
    reservation_key = models.CharField(max_length=120, blank=True, editable=False)
    payment_id = models.UUIDField(_("payment"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("advisor invoice")
        verbose_name_plural = _("advisor invoices")
        constraints = [models.UniqueConstraint(
            fields=["contract", "month"], condition=~Q(state="rejected"),
            name="pale_invoice_one_live_per_month")]

    def __str__(self):
        return self.number

    @property
    def number(self):
        return f"PALE-F-{self.pk:06d}" if self.pk else "PALE-F-new"

    @transition(field=state, source=InvoiceState.SUBMITTED, target=InvoiceState.APPROVED)
    def approve(self, *, reservation_key):
        self.approved_at = timezone.now()
        self.reservation_key = reservation_key

    @transition(field=state, source=InvoiceState.SUBMITTED, target=InvoiceState.REJECTED)
    def reject(self, *, reason):
        self.rejection_reason = reason

    @transition(field=state, source=InvoiceState.APPROVED, target=InvoiceState.PAID)
    def mark_paid(self, *, payment_id, paid_on):
        self.payment_id = payment_id
        self.paid_on = paid_on

    @transition(field=state, source=InvoiceState.PAID, target=InvoiceState.APPROVED)
    def payment_reversed(self, *, reservation_key):
        self.payment_id = None
        self.paid_on = None
        self.reservation_key = reservation_key


class InvoiceLine(models.Model):
    """One billed session or milestone; each is billed once (a rejected invoice frees them)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    session = models.OneToOneField(Session, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="invoice_line")
    milestone = models.OneToOneField(Milestone, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="invoice_line")
    fee = MoneyField(_("fee"), **MONEY)

    class Meta:
        ordering = ["invoice", "id"]
        constraints = [models.CheckConstraint(
            condition=(Q(session__isnull=False) & Q(milestone__isnull=True))
            | (Q(session__isnull=True) & Q(milestone__isnull=False)),
            name="pale_line_session_xor_milestone")]

    def __str__(self):
        return f"{self.invoice} · {self.get_service_display()} · {self.fee}"


class InvoiceApproval(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["invoice", "approver"],
                                               name="pale_invoice_approval_once")]

    def __str__(self):
        return f"{self.invoice} · {self.approver}"
