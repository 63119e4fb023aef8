"""Double-entry books in TigerBeetle's model: accounts with four counters, append-only transfers.

Amounts are integers in minor units. A transfer is never updated or deleted; a pending one is
resolved by a NEW transfer (post or void) whose `pending` points at it, unique, so it resolves
at most once. On PostgreSQL a trigger (migration 0002) refuses UPDATE, DELETE and TRUNCATE.
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.money import format_amount


class Book(models.TextChoices):
    BUDGET = "budget", _("Budget")
    MONEY = "money", _("Money")


class Currency(models.TextChoices):
    USD = "USD", "USD"
    MXN = "MXN", "MXN"
    # Not money: head counts. A program's people cap is an account in this unit, so a
    # reservation of one person is limited and raced exactly like a reservation of dollars.
    PEOPLE = "PPL", _("people")


class TransferCode(models.TextChoices):
    FUND = "fund", _("Funding")
    ALLOCATE = "allocate", _("Allocation")
    REALLOCATE = "reallocate", _("Reallocation")
    CAP = "cap", _("Partner cap")
    AUTHORIZE = "authorize", _("Authorization")
    POST = "post", _("Post")
    VOID = "void", _("Void")
    DISBURSE = "disburse", _("Disbursement")
    BOND_POSTED = "bond_posted", _("Bond posted")
    REFUND = "refund", _("Refund due")
    INTEREST = "interest", _("Interest")
    REFUND_RECEIVED = "refund_received", _("Refund received")
    REVOLVE = "revolve", _("Revolve")
    FORFEIT = "forfeit", _("Forfeiture")
    REVERSAL = "reversal", _("Reversal")
    ADJUST = "adjust", _("Adjustment")


class Account(models.Model):
    key = models.CharField(_("key"), max_length=200, unique=True)
    book = models.CharField(_("book"), max_length=8, choices=Book.choices)
    code = models.CharField(_("code"), max_length=32)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    name = models.CharField(_("name"), max_length=200)
    program_ref = models.CharField(_("program"), max_length=64, db_index=True)
    consulate_ref = models.IntegerField(_("consulate"), null=True, blank=True)
    partner_ref = models.IntegerField(_("partner"), null=True, blank=True)
    debits_must_not_exceed_credits = models.BooleanField(default=False)
    credits_must_not_exceed_debits = models.BooleanField(default=False)
    debits_pending = models.BigIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        indexes = [models.Index(fields=["program_ref", "currency", "consulate_ref", "partner_ref"])]
        constraints = [
            models.CheckConstraint(
                name="account_counters_not_negative",
                condition=Q(debits_pending__gte=0, debits_posted__gte=0, credits_pending__gte=0,
                            credits_posted__gte=0),
            ),
            models.CheckConstraint(
                name="account_one_limit_flag",
                condition=~Q(debits_must_not_exceed_credits=True,
                             credits_must_not_exceed_debits=True),
            ),
            models.CheckConstraint(
                name="account_debits_within_credits",
                condition=Q(debits_must_not_exceed_credits=False)
                | Q(debits_posted__lte=F("credits_posted") - F("debits_pending")),
            ),
            models.CheckConstraint(
                name="account_credits_within_debits",
                condition=Q(credits_must_not_exceed_debits=False)
                | Q(credits_posted__lte=F("debits_posted") - F("credits_pending")),
            ),
            models.CheckConstraint(name="account_currency_valid",
                                   condition=Q(currency__in=Currency.values)),
        ]

    def __str__(self):
        return self.name

    @property
    def is_limited(self):
        return self.debits_must_not_exceed_credits or self.credits_must_not_exceed_debits

    @property
    def debit_balance(self):
        """Posted debits minus posted credits (an asset's or expense's balance)."""
        return self.debits_posted - self.credits_posted

    @property
    def credit_balance(self):
        return self.credits_posted - self.debits_posted

    @property
    def available(self):
        """What a limited account can still give, counting pending amounts (TigerBeetle)."""
        if self.debits_must_not_exceed_credits:
            return self.credits_posted - self.debits_posted - self.debits_pending
        if self.credits_must_not_exceed_debits:
            return self.debits_posted - self.credits_posted - self.credits_pending
        return None

    def available_display(self):
        return format_amount(self.available or 0, self.currency)


class TransferQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Ledger transfers are append-only.")

    def delete(self):
        raise TypeError("Ledger transfers are append-only.")

    def for_account(self, account_id):
        return self.filter(Q(debit_account_id=account_id) | Q(credit_account_id=account_id))


class Transfer(models.Model):
    id = models.CharField(_("idempotency key"), max_length=200, primary_key=True)
    debit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="debits", verbose_name=_("debit account"))
    credit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="credits",
        verbose_name=_("credit account"))
    amount = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    code = models.CharField(_("code"), max_length=32, choices=TransferCode.choices)
    pending = models.BooleanField(_("pending"), default=False)
    post_pending = models.BooleanField(_("posts a pending transfer"), default=False)
    void_pending = models.BooleanField(_("voids a pending transfer"), default=False)
    # A OneToOne: the column is UNIQUE, so the database resolves a pending transfer at most once.
    pending_transfer = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resolution",
        db_column="pending_id", verbose_name=_("pending transfer"))
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal",
        verbose_name=_("reverses"))
    linked = models.CharField(_("linked group"), max_length=200, blank=True, db_index=True)
    user_data = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    actor_id = models.IntegerField(_("actor"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # Each side's account balance (debits - credits, pending and posted) right after this
    # transfer, recorded under the account lock: statements show a running balance reading
    # one page of rows by index, whatever the history.
    debit_pending_after = models.BigIntegerField(default=0)
    debit_posted_after = models.BigIntegerField(default=0)
    credit_pending_after = models.BigIntegerField(default=0)
    credit_posted_after = models.BigIntegerField(default=0)
    # When the movement happened in the world, which may precede its recording (a 2025 bond
    # imported in 2026). Periods in reports read this; statements and audit read created_at.
    effective_at = models.DateTimeField(_("effective at"), default=timezone.now, db_default=Now())

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger transfer")
        verbose_name_plural = _("ledger transfers")
        default_permissions = ("add", "change", "delete", "view", "import", "export")
        indexes = [
            models.Index(fields=["debit_account", "created_at", "id"], name="transfer_debit_idx"),
            models.Index(fields=["credit_account", "created_at", "id"],
                         name="transfer_credit_idx"),
            # A report period's sums read each account's transfers by when they took effect.
            models.Index(fields=["debit_account", "effective_at"],
                         name="transfer_debit_effective_idx"),
            models.Index(fields=["credit_account", "effective_at"],
                         name="transfer_credit_effective_idx"),
            # The charts' monthly sums of one code over the last twelve months.
            models.Index(fields=["code", "effective_at"], name="transfer_code_effective_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="transfer_amount_not_negative",
                                   condition=Q(amount__gte=0)),
            models.CheckConstraint(name="transfer_accounts_differ",
                                   condition=~Q(debit_account=F("credit_account"))),
            models.CheckConstraint(
                name="transfer_one_phase_flag",
                condition=Q(pending=False, post_pending=False, void_pending=False)
                | Q(pending=True, post_pending=False, void_pending=False)
                | Q(pending=False, post_pending=True, void_pending=False)
                | Q(pending=False, post_pending=False, void_pending=True),
            ),
            models.CheckConstraint(
                name="transfer_resolution_has_pending",
                condition=Q(post_pending=False, void_pending=False, pending_transfer__isnull=True)
                | (Q(pending_transfer__isnull=False) & (Q(post_pending=True)
                                                        | Q(void_pending=True))),
            ),
            models.CheckConstraint(name="transfer_currency_valid",
                                   condition=Q(currency__in=Currency.values)),
        ]

    def __str__(self):
        return f"{self.id}: {self.amount_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Ledger transfers are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger transfers are append-only.")

    def amount_display(self):
        return format_amount(self.amount, self.currency)

    @property
    def pending_id(self):
        return self.pending_transfer_id

    @property
    def state(self):
        if self.pending:
            return "pending"
        if self.void_pending:
            return "voided"
        return "posted"
